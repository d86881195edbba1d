/**
 * The daemon's log as an operator meets it (docs/operating.md §Logs), through the real `fieldnode`
 * binary: JSON lines in a pipe, pretty lines on a real terminal (a pseudo-terminal made by
 * `script`) and when FIELDNODE_LOG_FORMAT says so, times in the county's zone whatever the
 * system's, and no key or cause said twice. Its links fail for real: a UDP port another socket
 * holds, a modem port that does not exist.
 */
import { createSocket, type Socket } from 'node:dgram';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { needsSystemTool } from '../../src/link/needs-system-tool.js';
import type { SystemTool } from '../../src/link/system-tool.js';
import { timeFormatter } from '../../src/log-line.js';
import { fieldnodeBinary, type RunningFieldnode, startFieldnode } from '../fieldnode-binary.js';

/** util-linux's script(1): runs a command on a new pseudo-terminal, as an SSH session would. */
const SCRIPT: SystemTool = {
  name: 'script',
  install: 'apt install bsdutils',
  usedFor: "the log format test's terminal",
};
const script = needsSystemTool(SCRIPT);

let dir: string;
let holder: Socket;
const daemons: RunningFieldnode[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-log-'));
  holder = createSocket('udp4');
  await new Promise<void>((resolve) => holder.bind(0, '127.0.0.1', resolve));
});
afterEach(async () => {
  for (const d of daemons.splice(0)) await d.stop();
  holder.close();
  await rm(dir, { recursive: true, force: true });
});

/** A kit whose UDP port is taken and whose modem is not plugged in. */
async function kitConfig(log = ''): Promise<string> {
  const path = join(dir, 'node.yaml');
  await writeFile(
    path,
    `node: { id: 2107, role: kit }
data_dir: data
links:
  - { id: udp0, type: udp, bind: { host: 127.0.0.1, port: ${holder.address().port} } }
  - { id: sat0, type: iridium-sbd, port: ${join(dir, 'no-modem')} }
${log}`,
  );
  return path;
}

const PRETTY = /^(\d\d-\d\d \d\d:\d\d:\d\d) (FATAL|ERROR|WARN |INFO |DEBUG|TRACE) (.{14}) (.*)$/;

/** The keys of one JSON line, in order, as written (JSON.parse would hide a key written twice). */
function topLevelKeys(line: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (c === '"') {
      let end = i + 1;
      while (line[end] !== '"') end += line[end] === '\\' ? 2 : 1;
      if (depth === 1 && line[end + 1] === ':') keys.push(line.slice(i + 1, end));
      i = end;
    }
  }
  return keys;
}

describe('the daemon log', () => {
  it('is JSON in a pipe: each key once, a cause said once', async () => {
    const d = startFieldnode(['start', '--config', await kitConfig()], { cwd: dir });
    daemons.push(d);
    await d.waitFor('"msg":"SBD link down"');
    await d.stop('SIGINT');
    const lines = d.stdout.split('\n').filter((l) => l !== '');
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) {
      const keys = topLevelKeys(line);
      expect(new Set(keys).size, line).toBe(keys.length);
      JSON.parse(line);
    }
    const udpDown = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'udp link down');
    expect(udpDown).toMatchObject({ level: 40, mod: 'link', link: 'udp0', reason: 'port-error' });
    expect(udpDown.err.message).toMatch(/EADDRINUSE/);
    // The error says its message; the line does not say it again as detail.
    expect(udpDown.detail).toBeUndefined();
    expect(udpDown.err.message.split('EADDRINUSE')).toHaveLength(2);
  });

  it('is pretty when FIELDNODE_LOG_FORMAT says so, with times in the county’s zone, not the system’s', async () => {
    const d = startFieldnode(['start', '--config', await kitConfig()], {
      cwd: dir,
      env: { FIELDNODE_LOG_FORMAT: 'pretty', TZ: 'Europe/London' },
    });
    daemons.push(d);
    const before = Date.now();
    await d.waitFor('SBD link down');
    const after = Date.now();
    await d.stop('SIGINT');
    const lines = d.stdout.split('\n').filter((l) => l !== '');
    for (const line of lines) expect(line, line).toMatch(PRETTY);
    const udp = lines.find((l) => l.includes('udp link down')) ?? '';
    expect(udp.slice(14)).toMatch(
      /^ WARN {2}link\/udp0 {6}udp link down {2}reason=port-error err="bind EADDRINUSE 127\.0\.0\.1:\d+"$/,
    );
    const sat = lines.find((l) => l.includes('SBD link down')) ?? '';
    expect(sat.slice(14)).toBe(
      ` WARN  link/sat0      SBD link down  reason=port-closed detail="cannot open the modem's port ${join(dir, 'no-modem')}"`,
    );
    // Asia/Shanghai, the default of log.time_zone: eight hours ahead of UTC, seven of London in summer.
    const shanghai = timeFormatter('Asia/Shanghai');
    const window = new Set<string>();
    for (let t = before - 1000; t <= after + 1000; t += 1000) window.add(shanghai(t));
    expect(window).toContain(sat.slice(0, 14));
    // And a key the configuration file names wins over nothing: time_zone moves the times.
    const d2 = startFieldnode(['start', '--config', await kitConfig('log: { time_zone: UTC }')], {
      cwd: dir,
      env: { FIELDNODE_LOG_FORMAT: 'pretty', TZ: 'Asia/Shanghai' },
    });
    daemons.push(d2);
    const before2 = Date.now();
    await d2.waitFor('SBD link down');
    const utc = timeFormatter('UTC');
    const line = d2.stdout.split('\n').find((l) => l.includes('SBD link down')) ?? '';
    expect([utc(before2 - 1000), utc(before2), utc(before2 + 1000), utc(Date.now())]).toContain(
      line.slice(0, 14),
    );
  });

  it.skipIf(script === undefined)('is pretty by itself on a terminal, and JSON there when told', async () => {
    const config = await kitConfig();
    const command = (env: string) =>
      `${env} exec '${process.execPath}' '${fieldnodeBinary()}' start --config '${config}'`;
    const onTerminal = async (env: string) => {
      const { spawn } = await import('node:child_process');
      const child = spawn(script as string, ['-qfec', command(env), '/dev/null'], {
        cwd: dir,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
      });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (s: string) => {
        out += s;
      });
      const end = Date.now() + 20_000;
      while (!out.includes('SBD link down') && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      child.kill('SIGTERM');
      await new Promise((r) => child.once('close', r));
      return out.split(/\r?\n/).filter((l) => l !== '');
    };
    const pretty = await onTerminal('');
    const down = pretty.find((l) => l.includes('SBD link down')) ?? '';
    // Coloured on a terminal: the level only.
    expect(down).toMatch(
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the colour is what is checked
      /^\d\d-\d\d \d\d:\d\d:\d\d \u001b\[33mWARN \u001b\[0m link\/sat0 {6}SBD link down {2}reason=port-closed/,
    );
    const plain = await onTerminal('NO_COLOR=1');
    expect(plain.find((l) => l.includes('SBD link down'))).toMatch(/ WARN {2}link\/sat0 {6}SBD link down/);
    const json = await onTerminal('FIELDNODE_LOG_FORMAT=json');
    expect(JSON.parse(json.find((l) => l.includes('SBD link down')) ?? '')).toMatchObject({ link: 'sat0' });
  });
});
