/**
 * The settings a radio reports in its config dump, kept whole (docs/meshtastic.md §1.4;
 * docs/profiles.md §Reading back): the device, position, power and LoRa configs and the channels,
 * as the protobuf messages the radio sent. A profile is compared with them field by field, and
 * written back on top of them, so that what a profile does not name stays as it was on the radio
 * (a `set_config` replaces the whole config it carries).
 *
 * The dump comes from the device and is untrusted; the schema's decoder bounds every field, and a
 * channel index outside 0–7 is left out. A new dump begins with `my_info`, which starts the
 * collection over, so frames of an earlier, unfinished dump do not mix in.
 */
import type {
  ChannelMessage,
  DeviceConfig,
  FromRadio,
  LoRaConfig,
  PositionConfig,
  PowerConfig,
} from './codec.js';
import { MAX_NUM_CHANNELS } from './constants.js';

export interface RadioSettings {
  device?: DeviceConfig;
  position?: PositionConfig;
  power?: PowerConfig;
  lora?: LoRaConfig;
  /** By index; a slot the dump did not send is absent. */
  channels: (ChannelMessage | undefined)[];
}

export class SettingsCollector {
  #s: RadioSettings = { channels: [] };

  add(msg: FromRadio): void {
    const v = msg.payloadVariant;
    if (v.case === 'myInfo') {
      this.#s = { channels: [] };
    } else if (v.case === 'channel') {
      const c = v.value;
      if (Number.isInteger(c.index) && c.index >= 0 && c.index < MAX_NUM_CHANNELS)
        this.#s.channels[c.index] = c;
    } else if (v.case === 'config') {
      const c = v.value.payloadVariant;
      if (c.case === 'device') this.#s.device = c.value;
      else if (c.case === 'position') this.#s.position = c.value;
      else if (c.case === 'power') this.#s.power = c.value;
      else if (c.case === 'lora') this.#s.lora = c.value;
    }
  }

  result(): RadioSettings {
    return { ...this.#s, channels: [...this.#s.channels] };
  }
}
