/**
 * The internet sockets this process holds, with their local addresses, read from Linux's /proc
 * (proc(5): /proc/self/fd links to `socket:[inode]`; /proc/self/net/{tcp,udp}{,6} list each
 * socket's local address by inode), for the test that the demonstration county binds nothing but
 * loopback (docs/demo-county.md §Safe defaults). Undefined where there is no /proc.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';

export interface OpenSocket {
  inode: string;
  proto: 'tcp' | 'tcp6' | 'udp' | 'udp6';
  /** The local address as text: `127.0.0.1`, `::1`, `0.0.0.0`, `::`, `::ffff:127.0.0.1`… */
  address: string;
  port: number;
}

export async function openSockets(): Promise<OpenSocket[] | undefined> {
  let fds: string[];
  try {
    fds = await readdir('/proc/self/fd');
  } catch {
    return undefined;
  }
  const inodes = new Set<string>();
  for (const fd of fds) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    const m = /^socket:\[(\d+)\]$/.exec(target);
    if (m) inodes.add(m[1] as string);
  }
  const out: OpenSocket[] = [];
  for (const proto of ['tcp', 'tcp6', 'udp', 'udp6'] as const) {
    const text = await readFile(`/proc/self/net/${proto}`, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const [hexAddress, hexPort] = (cols[1] ?? '').split(':');
      const inode = cols[9];
      if (hexAddress === undefined || hexPort === undefined || inode === undefined || !inodes.has(inode))
        continue;
      out.push({ inode, proto, address: decodeAddress(hexAddress), port: Number.parseInt(hexPort, 16) });
    }
  }
  return out;
}

/** /proc writes addresses as 32-bit words in the host's byte order (little-endian here). */
function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => (w.match(/../g) ?? []).reverse().map((b) => Number.parseInt(b, 16)));
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  const text = groups.join(':');
  if (text === '0:0:0:0:0:0:0:1') return '::1';
  if (text === '0:0:0:0:0:0:0:0') return '::';
  if (text.startsWith('0:0:0:0:0:ffff:')) return `::ffff:${bytes.slice(12).join('.')}`;
  return text;
}

/** Whether a local address reaches this machine only. */
export function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}
