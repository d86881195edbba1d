/**
 * The machine's addresses on its networks (docs/demo-county.md §Safe defaults): what a phone on
 * the same Wi-Fi would type to reach a web port bound with `--lan`. IPv4 only, loopback and
 * link-local left out: those are the addresses people read off and type.
 */
import { type NetworkInterfaceInfo, networkInterfaces } from 'node:os';

export function lanAddresses(
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
): string[] {
  const out: string[] = [];
  for (const list of Object.values(interfaces)) {
    for (const a of list ?? []) {
      if (a.family !== 'IPv4' || a.internal || a.address.startsWith('169.254.')) continue;
      if (!out.includes(a.address)) out.push(a.address);
    }
  }
  return out;
}
