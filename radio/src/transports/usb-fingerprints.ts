/**
 * USB vendor and product ids of the devices a kit meets, and the device profile each suggests
 * (docs/profiles.md §Which profile: USB fingerprints). An id names the USB chip, not always the
 * board: a CP210x bridge sits on many ESP32 boards. The suggestion follows from what the board is
 * good for; the node's role may say otherwise, and the operator decides.
 *
 * Sources: meshtastic/python `meshtastic/supported_device.py` for the Meshtastic boards; the
 * ESP32-S3's own USB (Espressif 303a:1001) and the RockBLOCK's FTDI FT230X (0403:6015) are the
 * chip makers' standard ids [U: not seen on a kit's boards].
 */

export interface UsbFingerprint {
  vendorId: string;
  productId: string;
  /** What is known to carry these ids. */
  device: string;
  kind: 'meshtastic' | 'rockblock-9603';
  /** How the port behaves at a reboot (docs/meshtastic.md §1.2, §1.6). */
  usb: 'uart-bridge' | 'native-usb';
  /** The suggested profile, a file of firmware-config/profiles/. */
  profile: string;
  /** Why that one. */
  why: string;
}

const KIT = 'meshtastic-kit.yaml';

export const USB_FINGERPRINTS: readonly UsbFingerprint[] = [
  {
    vendorId: '10c4',
    productId: 'ea60',
    device: 'ESP32 board behind a Silicon Labs CP210x bridge (Heltec V1/V2, T-Lora 1.3, DIY boards)',
    kind: 'meshtastic',
    usb: 'uart-bridge',
    profile: KIT,
    why: 'a mains- or battery-powered board without GPS: a village kit’s radio',
  },
  {
    vendorId: '1a86',
    productId: '55d4',
    device: 'LilyGO T-Beam or T-Lora v2 behind a WCH CH9102 bridge',
    kind: 'meshtastic',
    usb: 'uart-bridge',
    profile: 'meshtastic-team.yaml',
    why: 'the T-Beam carries a GPS and a battery: a rescue team’s radio that reports its position',
  },
  {
    vendorId: '1a86',
    productId: '7523',
    device: 'ESP32 board behind a WCH CH340 bridge (RAK11200)',
    kind: 'meshtastic',
    usb: 'uart-bridge',
    profile: KIT,
    why: 'a board without GPS: a village kit’s radio',
  },
  {
    vendorId: '239a',
    productId: '8029',
    device: 'RAK4631 (nRF52840, native USB)',
    kind: 'meshtastic',
    usb: 'native-usb',
    profile: 'meshtastic-gateway.yaml',
    why: 'an nRF52 draws little power: it suits the township gateway’s relay on a solar mast',
  },
  {
    vendorId: '239a',
    productId: '0029',
    device: 'RAK4631 or LilyGO T-Echo (nRF52840, native USB; the id its bootloader shows too)',
    kind: 'meshtastic',
    usb: 'native-usb',
    profile: 'meshtastic-gateway.yaml',
    why: 'an nRF52 draws little power: it suits the township gateway’s relay on a solar mast',
  },
  {
    vendorId: '303a',
    productId: '1001',
    device: 'ESP32-S3 board on its own USB (Heltec Wireless Tracker, T-Beam Supreme, Station G2)',
    kind: 'meshtastic',
    usb: 'native-usb',
    profile: KIT,
    why: 'a village kit’s radio; use the team profile for a board with GPS carried by a team',
  },
  {
    vendorId: '0403',
    productId: '6015',
    device: 'FTDI FT230X (the RockBLOCK 9603’s USB cable)',
    kind: 'rockblock-9603',
    usb: 'uart-bridge',
    profile: 'rockblock-9603.yaml',
    why: 'an Iridium modem: set its ring alerts and session timeout',
  },
];

/** The fingerprints that match a USB id (several boards may share a chip's id). */
export function fingerprintsOf(vendorId: string, productId: string): UsbFingerprint[] {
  const v = vendorId.toLowerCase();
  const p = productId.toLowerCase();
  return USB_FINGERPRINTS.filter((f) => f.vendorId === v && f.productId === p);
}
