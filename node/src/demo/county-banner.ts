/**
 * The banner `fieldnode demo` prints once the county is up (docs/demo-county.md §The banner): each
 * node's role, name, web address and the person who signs in there, with the roster number and the
 * PIN the sign-in page asks for, then a one-line guide, in Chinese and then English, and what is
 * simulated and where the state is. Short enough to read in the first minute; widths are a
 * terminal's (a Chinese character takes two columns).
 *
 * The number is in the table because the page signs people in by roster number, not by name
 * (docs/ui.md §Sign-in): a guide that says "sign in as 赵小红" is followed only if the line that
 * names 赵小红 also says which number is hers.
 */
import { relative } from 'node:path';
import { table } from '../cli/text-table.js';
import { ROLES } from '../domain/roster/roles.js';
import { CENTRE, FIRST_KIT } from './county-plan.js';
import type { RunningCounty } from './run-county.js';

export interface BannerOptions {
  /** What the folder is shown relative to. Default the working directory. */
  cwd?: string;
}

const RULE = '═'.repeat(78);

export function countyBanner(county: RunningCounty, opts: BannerOptions = {}): string {
  const url = (port: number) => `http://127.0.0.1:${port}/`;
  const rows = [
    ['', '名称 name', '网址 URL', '登录 sign in', '编号 no.', 'PIN'],
    ...county.nodes.map((n) => [
      n.plan.role,
      n.plan.name,
      url(n.webPort),
      `${n.person.name} ${n.person.roles.map((r) => ROLES[r as keyof typeof ROLES]?.zh ?? r).join('、')}`,
      String(n.person.id),
      n.person.pin,
    ]),
  ];
  const kit = county.nodes.find((n) => n.plan.id === FIRST_KIT);
  const centre = county.nodes.find((n) => n.plan.id === CENTRE);
  const lines = [
    RULE,
    ' fieldnode 演示县（演练）demonstration county — 演练 DRILL',
    ' 电台、卫星和人员都是模拟的 · the radios, the satellite and the people are all simulated',
    RULE,
    ...table(rows).map((l) => ` ${l}`),
    '',
  ];
  if (kit !== undefined && centre !== undefined) {
    const village = kit.plan.name.replace('应急点（演练）', '');
    const who = kit.person.name.replace('（演练）', '');
    lines.push(
      ` ▶ 打开${village}的网址 :${kit.webPort}，以${who}登录，填报一份初报，在指挥中心 :${centre.webPort} 看它到达。`,
      ` ▶ Open ${village}'s page :${kit.webPort}, sign in as ${who}, file a 初报 (initial report), watch it reach the centre :${centre.webPort}.`,
      '',
    );
  }
  lines.push(...wiringLines(county), ...lanLines(county));
  for (const d of county.down) lines.push(` ⚠ 未连通 down: ${d}`);
  const where = relative(opts.cwd ?? process.cwd(), county.paths.dir);
  const shown = where === '' || where.startsWith('..') ? county.paths.dir : `./${where}`;
  lines.push(
    ` 状态 state: ${shown} (${county.created ? 'made now' : 'resumed'}; kept for next time, --fresh starts over)`,
    ' Ctrl-C 停止 stops the county.',
    RULE,
  );
  return `${lines.join('\n')}\n`;
}

function wiringLines(county: RunningCounty): string[] {
  const radios = county.nodes.filter((n) => n.plan.radio !== undefined).length;
  const mesh =
    county.radios === 'pty'
      ? `${radios} simulated Meshtastic radios on pseudo-terminals (socat), one LoRa channel, LONG_FAST`
      : `${radios} simulated Meshtastic radios over TCP on 127.0.0.1 (no socat for serial ports: apt install socat)`;
  const sky = county.satellite
    ? "the gateway's simulated Iridium 9603 → simulated Iridium and RockBLOCK → the centre"
    : 'OFF without socat (apt install socat): the gateway reaches the centre over UDP on 127.0.0.1';
  return [` 电台 radios: ${mesh}`, ` 卫星 satellite: ${sky}`];
}

function lanLines(county: RunningCounty): string[] {
  const addresses = county.lanAddresses;
  if (county.webHost === '127.0.0.1')
    return [' 网络 network: this machine only (127.0.0.1); --lan opens the web ports to the network'];
  const ports = county.nodes.map((n) => n.webPort);
  const range = `${Math.min(...ports)}–${Math.max(...ports)}`;
  return [
    ` ⚠ --lan: 网页端口对局域网开放 the web ports ${range} listen on every address of this machine:`,
    '   anyone on the network can reach them, and PINs cross it unencrypted (plain HTTP).',
    ...addresses.map((a) => `   http://${a}:${Math.min(...ports)}/ … :${Math.max(...ports)}/`),
  ];
}
