/**
 * What `fieldnode status` prints, exactly as a person at a kit reads it (docs/operating.md
 * §Status): a kit at night whose radio is unplugged, whose modem has no sky, whose clock is not
 * trusted and whose satellite budget is half spent. Every line fits 100 columns; what does not fit
 * wraps under its row, and what only an engineer needs waits for --verbose.
 */
import { describe, expect, it } from 'vitest';
import type { NodeStatus } from '../../src/app-contract.js';
import { formatStatus } from '../../src/cli/status-command.js';
import { width } from '../../src/cli/text-table.js';
import { stubStatus } from '../stub-node.js';

const NOW = Date.UTC(2026, 6, 13, 19, 20, 0);
const MIN = 60_000;
const H = 60 * MIN;

/** A kit at 03:20 in the county, its Pi started at its last saved time, 2 days behind. */
function nightAtTheKit(): NodeStatus {
  const offsetMs = 2 * 24 * H;
  const sys = NOW - offsetMs;
  return {
    node: { id: 2107, role: 'kit', name: '青山村应急点' },
    startedAt: sys - 5 * H,
    clock: {
      now: NOW,
      trusted: false,
      expiryTrusted: false,
      source: 'none',
      why: 'no GPS fix, no Iridium time, no signed time from the centre yet; the system clock is not trusted',
      offsetMs,
    },
    links: [
      {
        id: 'udp0',
        kind: 'ip',
        state: { status: 'up', since: sys - 4 * H },
        counters: { txFrames: 12, rxFrames: 9, txBytes: 840, rxBytes: 61_000, errors: 0 },
      },
      {
        id: 'mesh0',
        kind: 'meshtastic',
        state: {
          status: 'down',
          reason: 'no-device',
          detail:
            'cannot open /dev/serial/by-id/usb-Silicon_Labs_CP2102_USB_to_UART_Bridge_Controller_0001-if00-port0: No such file or directory',
          // The last attempt ended 20 s ago; the supervisor has seen it down for 3 h.
          since: sys - 20_000,
        },
        counters: { txFrames: 0, rxFrames: 0, txBytes: 0, rxBytes: 0, errors: 37 },
        outage: { since: sys - 3 * H, attempts: 37, lastError: 'no-device: cannot open …' },
      },
      {
        id: 'sat0',
        kind: 'iridium-sbd',
        state: { status: 'up', since: sys - 5 * H },
        counters: {
          txFrames: 4,
          rxFrames: 1,
          txBytes: 412,
          rxBytes: 60,
          errors: 2,
          sessions: 9,
          sessionsOk: 7,
          sessionsFailed: 2,
          credits: 14,
        },
        satellite: {
          budget: {
            usedDay: 22,
            perDay: 50,
            usedIncident: 61,
            perIncident: 200,
            left: 28,
            nextReleaseAt: NOW + 5 * H,
          },
          lastSession: {
            at: sys - 12 * MIN,
            reason: 'due',
            outcome: 'failed',
            credits: 0,
            moStatus: 32,
            detail: 'MO status 32: no network service',
          },
        },
      },
    ],
    queue: { p0: 0, p1: 3, p2: 1, p3: 0 },
    store: { bytes: 3.5 * 2 ** 20, pruned: { messages: 12, tombstones: 40 }, retentionMs: 86_400_000 },
  };
}

const lines = (text: string) => text.split('\n').slice(0, -1);

describe('fieldnode status, as text', () => {
  it('shows a kit at night: why its clock is not trusted and what will fix it, each link, its credits', () => {
    const text = formatStatus(nightAtTheKit());
    expect(text).toBe(
      [
        'node    2107 (kit) 青山村应急点, up 5 h',
        'clock   2026-07-14T03:20:00+08:00 NOT trusted: no GPS fix, no Iridium time, no signed time from the',
        '        centre yet; the system clock is not trusted; the system clock is 2 d behind',
        '        Waiting for GPS from the radio on mesh0 (down: no-device), Iridium time from the modem on',
        '        sat0 or a signed time from the centre.',
        'links',
        '  LINK   KIND         STATE                SENT        RECEIVED   ERRORS',
        '  udp0   ip           up 4 h               12 (840 B)  9 (61 kB)  0',
        '  mesh0  meshtastic   down 3 h: no-device  0 (0 B)     0 (0 B)    37',
        '         cannot open',
        '         /dev/serial/by-id/usb-Silicon_Labs_CP2102_USB_to_UART_Bridge_Controller_0001-if00-port0: No',
        '         such file or directory (tried 37 times)',
        '  sat0   iridium-sbd  up 5 h               4 (412 B)   1 (60 B)   2',
        'satellite',
        '  sat0  credits 22 in the last 24 h of 50, 61 in this incident of 200; 28 left for P1–P3',
        '        sessions since start 9: 7 ok, 2 failed (14 credits)',
        '        last session 12 min ago (due): failed (MO status 32: no network service)',
        'queue   p0 0  p1 3  p2 1  p3 0',
        'store   3.5 MB; ended messages kept 1 d; pruned since start: 12 messages, 40 dedup records',
        '',
      ].join('\n'),
    );
    for (const line of lines(text)) expect(width(line), line).toBeLessThanOrEqual(100);
  });

  it('says on its first line that a drill node files every report as an exercise', () => {
    const s = nightAtTheKit();
    expect(lines(formatStatus(s))[0]).toBe('node    2107 (kit) 青山村应急点, up 5 h');
    const drill = { ...s, node: { ...s.node, drill: true } };
    expect(lines(formatStatus(drill))[0]).toBe(
      'node    2107 (kit) 青山村应急点, up 5 h; DRILL (演练): every report is filed as an exercise',
    );
  });

  it('--verbose adds when each link changed, when the credits free up, and the clock’s whole record', () => {
    const text = formatStatus(nightAtTheKit(), { verbose: true });
    expect(lines(text)).toEqual([
      'node    2107 (kit) 青山村应急点, up 5 h',
      'clock   2026-07-14T03:20:00+08:00 NOT trusted: no GPS fix, no Iridium time, no signed time from the',
      '        centre yet; the system clock is not trusted; the system clock is 2 d behind',
      '        Waiting for GPS from the radio on mesh0 (down: no-device), Iridium time from the modem on',
      '        sat0 or a signed time from the centre.',
      '        source none; expiry checks off (nothing is refused as expired); system clock 2 d behind',
      'links',
      '  LINK   KIND         STATE                SENT        RECEIVED   ERRORS',
      '  udp0   ip           up 4 h               12 (840 B)  9 (61 kB)  0',
      '         since 2026-07-11T23:20:00+08:00',
      '  mesh0  meshtastic   down 3 h: no-device  0 (0 B)     0 (0 B)    37',
      '         since 2026-07-12T00:20:00+08:00: cannot open',
      '         /dev/serial/by-id/usb-Silicon_Labs_CP2102_USB_to_UART_Bridge_Controller_0001-if00-port0: No',
      '         such file or directory (tried 37 times)',
      '  sat0   iridium-sbd  up 5 h               4 (412 B)   1 (60 B)   2',
      '         since 2026-07-11T22:20:00+08:00',
      'satellite',
      '  sat0  credits 22 in the last 24 h of 50, 61 in this incident of 200; 28 left for P1–P3; the oldest',
      '          credits of the day free up in 5 h',
      '        sessions since start 9: 7 ok, 2 failed (14 credits)',
      '        last session at 2026-07-12T03:08:00+08:00 (due): failed (MO status 32: no network service)',
      'queue   p0 0  p1 3  p2 1  p3 0',
      'store   3.5 MB; ended messages kept 1 d; pruned since start: 12 messages, 40 dedup records',
    ]);
    for (const line of lines(text)) expect(width(line), line).toBeLessThanOrEqual(100);
  });

  it('says when the budget is used up that only P0 goes, and when more credits free up', () => {
    const s = nightAtTheKit();
    const sat = s.links[2];
    if (sat?.satellite?.budget) Object.assign(sat.satellite.budget, { usedDay: 50, left: 0 });
    expect(formatStatus(s)).toContain(
      '\n  sat0  credits 50 in the last 24 h of 50, 61 in this incident of 200; NONE left: only P0 goes; more\n' +
        '          free in 5 h\n',
    );
  });

  it('says a budget without limits has none, and shows sessions a daemon counts without a budget', () => {
    const s = stubStatus();
    s.links = [
      {
        id: 'sat0',
        kind: 'iridium-sbd',
        state: { status: 'up', since: s.clock.now },
        counters: { txFrames: 0, rxFrames: 0, txBytes: 0, rxBytes: 0, errors: 0, sessions: 0 },
        satellite: { budget: { usedDay: 3, usedIncident: 3 } },
      },
      {
        id: 'sat1',
        kind: 'iridium-sbd',
        state: { status: 'up', since: s.clock.now },
        counters: { txFrames: 0, rxFrames: 0, txBytes: 0, rxBytes: 0, errors: 0, sessions: 1, sessionsOk: 1 },
      },
    ];
    expect(formatStatus(s)).toContain(
      [
        'satellite',
        '  sat0  credits 3 in the last 24 h, 3 in this incident; no budget set',
        '        sessions since start 0: 0 ok, 0 failed',
        '  sat1  sessions since start 1: 1 ok, 0 failed',
      ].join('\n'),
    );
    expect(formatStatus(stubStatus())).not.toContain('satellite');
  });

  it('says what the centre’s signed time is good for, and what a node without a radio or modem waits for', () => {
    const s = stubStatus();
    s.clock = {
      now: NOW,
      trusted: false,
      expiryTrusted: true,
      source: 'centre',
      why: "at least the centre's signed time (control message 1/77), received 4 min ago",
    };
    expect(formatStatus(s)).toContain(
      "        Expired messages are refused on the centre's signed time; to stamp this node's own messages\n" +
        '        as on time, it waits for Iridium time from the modem on sat0 (down: no-service).\n',
    );
    s.clock = { now: NOW, trusted: false, source: 'none', why: 'no GPS fix' };
    s.links = s.links.filter((l) => l.kind === 'ip');
    expect(formatStatus(s)).toContain(
      'clock   2026-07-14T03:20:00+08:00 NOT trusted: no GPS fix\n' +
        '        Waiting for a signed time from the centre (in a control message): this node has no radio or\n' +
        '        modem that tells the time.\n',
    );
    // A centre's satellite doors tell no time.
    s.links = [{ id: 'rb0', kind: 'iridium-sbd', state: { status: 'up' }, counters: {}, mt: { on: true } }];
    expect(formatStatus(s)).toContain('this node has no radio or\n        modem that tells the time.');
  });

  it('keeps every line within 100 columns, whatever the daemon says', () => {
    const s = nightAtTheKit();
    const long = 'x'.repeat(150);
    s.node.name = '青'.repeat(60);
    s.links.push({
      id: 'a-very-long-link-id-of-thirty-two',
      kind: 'iridium-sbd',
      state: { status: 'down', reason: 'config-mismatch', detail: `${long} ${long}`, since: 0 },
      counters: { txFrames: 1e9, rxFrames: 1e9, txBytes: 1e12, rxBytes: 1e12, errors: 1e9 },
      mt: { on: false, reason: long },
    });
    s.kept = {
      file: `/var/lib/${long}/foreign-payloads.jsonl`,
      count: 3,
      byReason: { [long]: 3 },
      latest: [
        {
          n: 3,
          receivedAt: NOW,
          link: 'rb0',
          from: '300534060000001',
          reason: 'unknown-sender',
          detail: long,
          bytes: 50,
          source: { carrier: 'rockblock', momsn: 41 },
        },
      ],
      notWritten: 2,
    };
    for (const verbose of [false, true]) {
      const text = formatStatus(s, { verbose });
      for (const line of lines(text)) expect(width(line), line).toBeLessThanOrEqual(100);
      // Nothing is cut: the long detail is all there, wrapped.
      expect(text.replace(/\n +/g, '').split(long).length).toBeGreaterThan(4);
    }
  });
});
