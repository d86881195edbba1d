/**
 * Types for the part of `@meshtastic/protobufs` 2.7.18 that fieldnode uses
 * (docs/meshtastic.md §8.2 "Codec"): the package's shipped typings point at a missing
 * `dist/mod.d.ts`, so without this every import fails with TS7016 or is `any`.
 *
 * Field names and numbers follow the official schema (mesh.proto, config.proto, channel.proto,
 * module_config.proto at v2.6.11 = HEAD for these fields). Enums are plain numbers here; their
 * values live in constants.ts. Messages fieldnode never reads are declared without fields, which
 * is enough to create them empty. Only what is declared here may be used; add fields as needed,
 * checking them against the schema.
 */
declare module '@meshtastic/protobufs' {
  import type { Message } from '@bufbuild/protobuf';
  import type { GenMessage } from '@bufbuild/protobuf/codegenv1';

  type Oneof<T extends Record<string, unknown>> =
    | { [K in keyof T]: { case: K; value: T[K] } }[keyof T]
    | { case: undefined; value?: undefined };

  namespace Mesh {
    type Data = Message<'meshtastic.Data'> & {
      portnum: number;
      payload: Uint8Array;
      wantResponse: boolean;
      dest: number;
      source: number;
      requestId: number;
      replyId: number;
      emoji: number;
      bitfield?: number;
    };
    type MeshPacket = Message<'meshtastic.MeshPacket'> & {
      from: number;
      to: number;
      channel: number;
      payloadVariant: Oneof<{ decoded: Data; encrypted: Uint8Array }>;
      id: number;
      rxTime: number;
      rxSnr: number;
      hopLimit: number;
      wantAck: boolean;
      priority: number;
      rxRssi: number;
      viaMqtt: boolean;
      hopStart: number;
      publicKey: Uint8Array;
      pkiEncrypted: boolean;
      nextHop: number;
      relayNode: number;
    };
    type RouteDiscovery = Message<'meshtastic.RouteDiscovery'> & { route: number[] };
    type Routing = Message<'meshtastic.Routing'> & {
      variant: Oneof<{ routeRequest: RouteDiscovery; routeReply: RouteDiscovery; errorReason: number }>;
    };
    type QueueStatus = Message<'meshtastic.QueueStatus'> & {
      res: number;
      free: number;
      maxlen: number;
      meshPacketId: number;
    };
    type MyNodeInfo = Message<'meshtastic.MyNodeInfo'> & {
      myNodeNum: number;
      rebootCount: number;
      minAppVersion: number;
      deviceId: Uint8Array;
      pioEnv: string;
      firmwareEdition: number;
      nodedbCount: number;
    };
    type User = Message<'meshtastic.User'> & {
      id: string;
      longName: string;
      shortName: string;
      macaddr: Uint8Array;
      hwModel: number;
      isLicensed: boolean;
      role: number;
      publicKey: Uint8Array;
    };
    type Position = Message<'meshtastic.Position'> & {
      latitudeI?: number;
      longitudeI?: number;
      altitude?: number;
      time: number;
      locationSource: number;
      timestamp: number;
      precisionBits: number;
    };
    type NodeInfo = Message<'meshtastic.NodeInfo'> & {
      num: number;
      user?: User;
      position?: Position;
      snr: number;
      lastHeard: number;
      channel: number;
      viaMqtt: boolean;
      hopsAway?: number;
      isFavorite: boolean;
    };
    type DeviceMetadata = Message<'meshtastic.DeviceMetadata'> & {
      firmwareVersion: string;
      deviceStateVersion: number;
      canShutdown: boolean;
      hasWifi: boolean;
      hasBluetooth: boolean;
      hasEthernet: boolean;
      role: number;
      positionFlags: number;
      hwModel: number;
      hasPKC: boolean;
    };
    type LogRecord = Message<'meshtastic.LogRecord'> & {
      message: string;
      time: number;
      source: string;
      level: number;
    };
    type Heartbeat = Message<'meshtastic.Heartbeat'> & { nonce: number };
    type Compressed = Message<'meshtastic.Compressed'> & { portnum: number; data: Uint8Array };
    type FileInfo = Message<'meshtastic.FileInfo'> & { fileName: string; sizeBytes: number };
    type ClientNotification = Message<'meshtastic.ClientNotification'> & {
      replyId?: number;
      time: number;
      level: number;
      message: string;
    };
    type XModem = Message<'meshtastic.XModem'>;
    type MqttClientProxyMessage = Message<'meshtastic.MqttClientProxyMessage'>;
    type DeviceUIConfig = Message<'meshtastic.DeviceUIConfig'>;
    type ToRadio = Message<'meshtastic.ToRadio'> & {
      payloadVariant: Oneof<{
        packet: MeshPacket;
        wantConfigId: number;
        disconnect: boolean;
        xmodemPacket: XModem;
        mqttClientProxyMessage: MqttClientProxyMessage;
        heartbeat: Heartbeat;
      }>;
    };
    type FromRadio = Message<'meshtastic.FromRadio'> & {
      id: number;
      payloadVariant: Oneof<{
        packet: MeshPacket;
        myInfo: MyNodeInfo;
        nodeInfo: NodeInfo;
        config: Config.Config;
        logRecord: LogRecord;
        configCompleteId: number;
        rebooted: boolean;
        moduleConfig: ModuleConfig.ModuleConfig;
        channel: Channel.Channel;
        queueStatus: QueueStatus;
        xmodemPacket: XModem;
        metadata: DeviceMetadata;
        mqttClientProxyMessage: MqttClientProxyMessage;
        fileInfo: FileInfo;
        clientNotification: ClientNotification;
        deviceuiConfig: DeviceUIConfig;
      }>;
    };
    const DataSchema: GenMessage<Data>;
    const MeshPacketSchema: GenMessage<MeshPacket>;
    const RoutingSchema: GenMessage<Routing>;
    const QueueStatusSchema: GenMessage<QueueStatus>;
    const MyNodeInfoSchema: GenMessage<MyNodeInfo>;
    const UserSchema: GenMessage<User>;
    const PositionSchema: GenMessage<Position>;
    const NodeInfoSchema: GenMessage<NodeInfo>;
    const DeviceMetadataSchema: GenMessage<DeviceMetadata>;
    const LogRecordSchema: GenMessage<LogRecord>;
    const HeartbeatSchema: GenMessage<Heartbeat>;
    const CompressedSchema: GenMessage<Compressed>;
    const FileInfoSchema: GenMessage<FileInfo>;
    const ClientNotificationSchema: GenMessage<ClientNotification>;
    const ToRadioSchema: GenMessage<ToRadio>;
    const FromRadioSchema: GenMessage<FromRadio>;
  }

  namespace Admin {
    type AdminMessage = Message<'meshtastic.AdminMessage'> & {
      sessionPasskey: Uint8Array;
      payloadVariant: Oneof<{
        getChannelRequest: number;
        getChannelResponse: Channel.Channel;
        getConfigRequest: number;
        getConfigResponse: Config.Config;
        setOwner: Mesh.User;
        setChannel: Channel.Channel;
        setConfig: Config.Config;
        beginEditSettings: boolean;
        commitEditSettings: boolean;
        rebootSeconds: number;
        shutdownSeconds: number;
      }>;
    };
    const AdminMessageSchema: GenMessage<AdminMessage>;
  }

  namespace Config {
    type DeviceConfig = Message<'meshtastic.Config.DeviceConfig'> & {
      role: number;
      serialEnabled: boolean;
      rebroadcastMode: number;
      nodeInfoBroadcastSecs: number;
    };
    type LoRaConfig = Message<'meshtastic.Config.LoRaConfig'> & {
      usePreset: boolean;
      modemPreset: number;
      bandwidth: number;
      spreadFactor: number;
      codingRate: number;
      frequencyOffset: number;
      region: number;
      hopLimit: number;
      txEnabled: boolean;
      txPower: number;
      channelNum: number;
      overrideDutyCycle: boolean;
    };
    type SecurityConfig = Message<'meshtastic.Config.SecurityConfig'> & {
      publicKey: Uint8Array;
      serialEnabled: boolean;
      debugLogApiEnabled: boolean;
      isManaged: boolean;
    };
    type PositionConfig = Message<'meshtastic.Config.PositionConfig'> & {
      positionBroadcastSecs: number;
      positionBroadcastSmartEnabled: boolean;
      fixedPosition: boolean;
      gpsUpdateInterval: number;
      positionFlags: number;
      gpsMode: number;
    };
    type PowerConfig = Message<'meshtastic.Config.PowerConfig'> & {
      isPowerSaving: boolean;
      onBatteryShutdownAfterSecs: number;
      waitBluetoothSecs: number;
      sdsSecs: number;
      lsSecs: number;
      minWakeSecs: number;
    };
    type NetworkConfig = Message<'meshtastic.Config.NetworkConfig'>;
    type DisplayConfig = Message<'meshtastic.Config.DisplayConfig'>;
    type BluetoothConfig = Message<'meshtastic.Config.BluetoothConfig'>;
    type SessionkeyConfig = Message<'meshtastic.Config.SessionkeyConfig'>;
    type Config = Message<'meshtastic.Config'> & {
      payloadVariant: Oneof<{
        device: DeviceConfig;
        position: PositionConfig;
        power: PowerConfig;
        network: NetworkConfig;
        display: DisplayConfig;
        lora: LoRaConfig;
        bluetooth: BluetoothConfig;
        security: SecurityConfig;
        sessionkey: SessionkeyConfig;
        deviceUi: Mesh.DeviceUIConfig;
      }>;
    };
    const ConfigSchema: GenMessage<Config>;
    const Config_LoRaConfigSchema: GenMessage<LoRaConfig>;
    const Config_DeviceConfigSchema: GenMessage<DeviceConfig>;
    const Config_SecurityConfigSchema: GenMessage<SecurityConfig>;
    const Config_PositionConfigSchema: GenMessage<PositionConfig>;
    const Config_PowerConfigSchema: GenMessage<PowerConfig>;
  }

  namespace Channel {
    type ChannelSettings = Message<'meshtastic.ChannelSettings'> & {
      channelNum: number;
      psk: Uint8Array;
      name: string;
      id: number;
      uplinkEnabled: boolean;
      downlinkEnabled: boolean;
    };
    type Channel = Message<'meshtastic.Channel'> & {
      index: number;
      settings?: ChannelSettings;
      role: number;
    };
    const ChannelSchema: GenMessage<Channel>;
    const ChannelSettingsSchema: GenMessage<ChannelSettings>;
  }

  namespace ModuleConfig {
    type Empty<N extends string> = Message<N>;
    type ModuleConfig = Message<'meshtastic.ModuleConfig'> & {
      payloadVariant: Oneof<{
        mqtt: Empty<'meshtastic.ModuleConfig.MQTTConfig'>;
        serial: Empty<'meshtastic.ModuleConfig.SerialConfig'>;
        externalNotification: Empty<'meshtastic.ModuleConfig.ExternalNotificationConfig'>;
        storeForward: Empty<'meshtastic.ModuleConfig.StoreForwardConfig'>;
        rangeTest: Empty<'meshtastic.ModuleConfig.RangeTestConfig'>;
        telemetry: Empty<'meshtastic.ModuleConfig.TelemetryConfig'>;
        cannedMessage: Empty<'meshtastic.ModuleConfig.CannedMessageConfig'>;
        audio: Empty<'meshtastic.ModuleConfig.AudioConfig'>;
        remoteHardware: Empty<'meshtastic.ModuleConfig.RemoteHardwareConfig'>;
        neighborInfo: Empty<'meshtastic.ModuleConfig.NeighborInfoConfig'>;
        ambientLighting: Empty<'meshtastic.ModuleConfig.AmbientLightingConfig'>;
        detectionSensor: Empty<'meshtastic.ModuleConfig.DetectionSensorConfig'>;
        paxcounter: Empty<'meshtastic.ModuleConfig.PaxcounterConfig'>;
        statusmessage: Empty<'meshtastic.ModuleConfig.StatusMessageConfig'>;
      }>;
    };
    const ModuleConfigSchema: GenMessage<ModuleConfig>;
  }
}
