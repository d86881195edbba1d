/**
 * The help of `fieldnode radio` and its subcommands (docs/profiles.md), spread into the one help
 * table (help-table.ts), which the overview, each command's help and usage errors all read.
 */

const PORT = {
  flag: '--port',
  value: 'PATH',
  text: "the radio's serial port: its /dev/serial/by-id/… name, which stays the\nsame across reboots and replugging",
} as const;
const HOST = {
  flag: '--host',
  value: 'HOST[:PORT]',
  text: 'a radio over TCP instead: meshtasticd, or a board on Wi-Fi (port 4403)',
} as const;
const JSON_OPTION = { flag: '--json', text: 'print the report as JSON (keys only as fingerprints)' } as const;

export const RADIO_COMMANDS = [
  {
    path: ['radio'],
    usage: 'COMMAND',
    summary: "device profiles: set the kit's radio and modem, and check them",
  },
  {
    path: ['radio', 'apply'],
    usage: 'PROFILE (--port PATH | --host HOST[:PORT]) [--json] [--timeout S]',
    summary: 'write a device profile to the radio, wait for its reboot, read it back',
    about:
      'PROFILE is a file of firmware-config/profiles/ (docs/profiles.md). Only what differs is\n' +
      'written, in one transaction the radio saves and reboots on; a new role goes first, alone, and\n' +
      'the rest (the rebroadcast mode again) after the reboot. Each field is then read back from the\n' +
      'radio and reported as applied, already so, or MISMATCH. Exit 1 (RADIO_MISMATCH) when any\n' +
      'field reads back different. Stop the daemon first: it holds the port.',
    options: [
      PORT,
      HOST,
      JSON_OPTION,
      {
        flag: '--timeout',
        value: 'S',
        text: 'how long the radio may take to come back from a reboot (default 60)',
      },
    ],
    examples: [
      'fieldnode radio apply firmware-config/profiles/meshtastic-kit.yaml \\\n' +
        '      --port /dev/serial/by-id/usb-Silicon_Labs_CP2102_USB_to_UART_Bridge_Controller_0001-if00-port0',
      'fieldnode radio apply firmware-config/profiles/meshtastic-gateway.yaml --host 127.0.0.1',
    ],
  },
  {
    path: ['radio', 'verify'],
    usage: 'PROFILE (--port PATH | --host HOST[:PORT]) [--json]',
    summary: 'read the radio and compare it with a profile; writes nothing',
    about: 'Exit 1 (RADIO_MISMATCH) when any field differs.',
    options: [PORT, HOST, JSON_OPTION],
  },
  {
    path: ['radio', 'suggest'],
    usage: '[--port PATH] [--json]',
    summary: 'the serial devices here, what their USB ids say they are, and the profile for each',
    about:
      'Without --port, every USB serial device, by its /dev/serial/by-id name. Works without udevadm\n' +
      '(containers): the ids are then read from sysfs.',
    options: [
      { flag: '--port', value: 'PATH', text: 'only this device' },
      { flag: '--json', text: 'print JSON' },
    ],
  },
] as const;
