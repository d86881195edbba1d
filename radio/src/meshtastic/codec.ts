/**
 * The one protobuf codec of fieldnode's Meshtastic adapter and simulator (docs/meshtastic.md
 * §8.2 "Codec"): the official schemas of `@meshtastic/protobufs` through `@bufbuild/protobuf`.
 * Decoding untrusted bytes fails only with KitError MESH_DECODE, carrying the codec's error as
 * the cause.
 */
import { create, type DescMessage, fromBinary, type MessageShape, toBinary } from '@bufbuild/protobuf';
import { Admin, Channel, Config, Mesh, ModuleConfig } from '@meshtastic/protobufs';
import { KitError } from '../../../node/src/base/errors.js';

export type ToRadio = Mesh.ToRadio;
export type FromRadio = Mesh.FromRadio;
export type MeshPacket = Mesh.MeshPacket;
export type Data = Mesh.Data;
export type Routing = Mesh.Routing;
export type QueueStatus = Mesh.QueueStatus;
export type MyNodeInfo = Mesh.MyNodeInfo;
export type NodeInfo = Mesh.NodeInfo;
export type User = Mesh.User;
export type Position = Mesh.Position;
export type DeviceMetadata = Mesh.DeviceMetadata;
export type LogRecord = Mesh.LogRecord;
export type ChannelMessage = Channel.Channel;
export type ConfigMessage = Config.Config;
export type LoRaConfig = Config.LoRaConfig;
export type DeviceConfig = Config.DeviceConfig;
export type PositionConfig = Config.PositionConfig;
export type PowerConfig = Config.PowerConfig;
export type ChannelSettings = Channel.ChannelSettings;
export type ModuleConfigMessage = ModuleConfig.ModuleConfig;
export type AdminMessage = Admin.AdminMessage;

/** The schemas, re-exported so callers need only this module. */
export const Schemas = {
  ToRadio: Mesh.ToRadioSchema,
  FromRadio: Mesh.FromRadioSchema,
  MeshPacket: Mesh.MeshPacketSchema,
  Data: Mesh.DataSchema,
  Routing: Mesh.RoutingSchema,
  QueueStatus: Mesh.QueueStatusSchema,
  MyNodeInfo: Mesh.MyNodeInfoSchema,
  NodeInfo: Mesh.NodeInfoSchema,
  User: Mesh.UserSchema,
  Position: Mesh.PositionSchema,
  DeviceMetadata: Mesh.DeviceMetadataSchema,
  LogRecord: Mesh.LogRecordSchema,
  Heartbeat: Mesh.HeartbeatSchema,
  Compressed: Mesh.CompressedSchema,
  FileInfo: Mesh.FileInfoSchema,
  ClientNotification: Mesh.ClientNotificationSchema,
  Channel: Channel.ChannelSchema,
  ChannelSettings: Channel.ChannelSettingsSchema,
  Config: Config.ConfigSchema,
  LoRaConfig: Config.Config_LoRaConfigSchema,
  DeviceConfig: Config.Config_DeviceConfigSchema,
  SecurityConfig: Config.Config_SecurityConfigSchema,
  PositionConfig: Config.Config_PositionConfigSchema,
  PowerConfig: Config.Config_PowerConfigSchema,
  AdminMessage: Admin.AdminMessageSchema,
  ModuleConfig: ModuleConfig.ModuleConfigSchema,
} as const;

export { create };

/** Decodes `bytes` as `schema`, or throws KitError MESH_DECODE naming `what`. */
export function decodeAs<Desc extends DescMessage>(
  schema: Desc,
  bytes: Uint8Array,
  what: string,
): MessageShape<Desc> {
  try {
    return fromBinary(schema, bytes);
  } catch (err) {
    throw new KitError('MESH_DECODE', `${what}: not a valid ${schema.typeName} (${bytes.length} bytes)`, {
      cause: err,
    });
  }
}

export const encodeToRadio = (msg: ToRadio): Uint8Array => toBinary(Mesh.ToRadioSchema, msg);
export const encodeFromRadio = (msg: FromRadio): Uint8Array => toBinary(Mesh.FromRadioSchema, msg);
export const decodeToRadio = (bytes: Uint8Array): ToRadio => decodeAs(Mesh.ToRadioSchema, bytes, 'ToRadio');
export const decodeFromRadio = (bytes: Uint8Array): FromRadio =>
  decodeAs(Mesh.FromRadioSchema, bytes, 'FromRadio');
export const encodeData = (msg: Data): Uint8Array => toBinary(Mesh.DataSchema, msg);
export const encodeRouting = (msg: Routing): Uint8Array => toBinary(Mesh.RoutingSchema, msg);
export const decodeRouting = (bytes: Uint8Array): Routing => decodeAs(Mesh.RoutingSchema, bytes, 'Routing');
