/**
 * How the mesh benchmark shows the 叫应 storm (docs/mesh-simulator.md §The 叫应 storm): its line of
 * the JSON, and as tables the answers and the busiest radios, where the airtime went by what was
 * carried and why, and what filled the busiest radio's busiest minute.
 */
import type { StormRun } from './mesh-storm.js';
import { printTable } from './table.js';

/** The targets: the firmware's maximum for one minute, and its polite level over ten. */
export const STORM_TARGETS = { util1min: 0.4, util10min: 0.25 } as const;

export function stormJson(r: StormRun) {
  const busiest1 = r.radios[0];
  const busiest10 = [...r.radios].sort((a, b) => b.util10min - a.util10min)[0];
  return {
    answersOffered: r.answersOffered,
    answersDelivered: r.answersDelivered,
    maxChannelUtil1min: round3(busiest1?.util1min ?? 0),
    maxChannelUtil10min: round3(busiest10?.util10min ?? 0),
  };
}

export function printStorm(r: StormRun): void {
  const j = stormJson(r);
  const busiest10 = [...r.radios].sort((a, b) => b.util10min - a.util10min)[0];
  process.stdout.write(
    `叫应 storm on the ${r.firmware} mesh: a red warning to the township's 15 kits, ` +
      `${r.answersOffered} people answering within 5 minutes of it reaching their kit; ` +
      `${round1(r.simulatedMin)} simulated min, ${r.wallS} s wall\n\n`,
  );
  const steps = Object.entries(r.steps)
    .map(([k, v]) => `${k} ${v.n} (first after ${v.firstS} s)`)
    .join(', ');
  printTable([
    { measure: 'answers offered', value: j.answersOffered, target: '', unit: '' },
    { measure: 'answers the kits took', value: r.answersMade, target: '', unit: '' },
    {
      measure: "answers on the centre's board",
      value: j.answersDelivered,
      target: j.answersOffered,
      unit: '',
    },
    { measure: 'last answer on the board after the issue', value: r.lastAnswerS, target: '', unit: 's' },
    { measure: 'kits that confirmed they hold it', value: r.kitsDelivered, target: 15, unit: '' },
    {
      measure: 'kits it never reached',
      value: r.kitsWithout.length === 0 ? 'none' : r.kitsWithout.join(' '),
      target: '',
      unit: '',
    },
    {
      measure: 'answers made, not on the board, by kit',
      value:
        Object.keys(r.answersShort).length === 0
          ? 'none'
          : Object.entries(r.answersShort)
              .map(([k, n]) => `${k} ${n}`)
              .join(', '),
      target: '',
      unit: '',
    },
    {
      measure: "re-alarms at the kits' books",
      value:
        Object.entries(r.realarmsAtKits)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ') || 'none',
      target: '',
      unit: '',
    },
    { measure: "desk's escalation steps", value: steps === '' ? 'none' : steps, target: '', unit: '' },
    {
      measure: `busiest minute (${r.radios[0]?.name ?? '-'})`,
      value: pct(j.maxChannelUtil1min),
      target: `≤ ${pct(STORM_TARGETS.util1min)}`,
      unit: '%',
    },
    {
      measure: `busiest 10 minutes (${busiest10?.name ?? '-'})`,
      value: pct(j.maxChannelUtil10min),
      target: `≤ ${pct(STORM_TARGETS.util10min)}`,
      unit: '%',
    },
    { measure: 'transmissions, all radios', value: r.transmissions, target: '', unit: '' },
    { measure: 'total airtime, all radios', value: round1(r.airtimeMs / 1000), target: '', unit: 's' },
  ]);
  process.stdout.write(
    '\nchannel utilisation per radio, busiest first (the firmware counts sent and heard)\n\n',
  );
  printTable(
    r.radios.slice(0, 8).map((x) => ({
      radio: x.name,
      'busiest 1 min %': pct(x.util1min),
      'busiest 10 min %': pct(x.util10min),
      'from s': `${x.minuteFromS} / ${x.tenFromS}`,
      'its busiest minute, largest first': x.busiestMinute
        .slice(0, 3)
        .map((b) => `${b.carried} ${round1(b.airtimeMs / 1000)} s`)
        .join('; '),
    })),
  );
  const ten = [...r.radios].sort((a, b) => b.util10min - a.util10min)[0];
  if (ten !== undefined) {
    process.stdout.write(
      `\nwhat filled the busiest 10 minutes (${ten.name}, from ${ten.tenFromS} s after the issue)\n\n`,
    );
    printTable(
      ten.busiestTen.slice(0, 8).map((b) => ({
        carried: b.carried,
        'airtime s': round1(b.airtimeMs / 1000),
        'share of 10 min %': pct(b.airtimeMs / 600_000),
      })),
    );
  }
  process.stdout.write('\nthe storm airtime by purpose (summed over all radios)\n\n');
  const byPurpose = new Map<string, { tx: number; ms: number }>();
  for (const s of r.shares) {
    const p = purposeOf(s.carried);
    const sum = byPurpose.get(p) ?? { tx: 0, ms: 0 };
    byPurpose.set(p, { tx: sum.tx + s.transmissions, ms: sum.ms + s.airtimeMs });
  }
  printTable(
    [...byPurpose]
      .sort((a, b) => b[1].ms - a[1].ms)
      .map(([purpose, v]) => ({
        purpose,
        tx: v.tx,
        'airtime s': round1(v.ms / 1000),
        'share %': pct(v.ms / Math.max(1, r.airtimeMs)),
      })),
  );
  process.stdout.write(
    '\nhow often each message went on air: sends by its node (each a new packet), relays of them\n\n',
  );
  const tx = (carried: string, why: string) =>
    r.shares.find((x) => x.carried === carried && x.why === why)?.transmissions ?? 0;
  printTable(
    Object.entries(r.messages)
      .sort((a, b) => b[1] - a[1])
      .map(([carried, n]) => ({
        carried,
        messages: n,
        sends: tx(carried, 'first'),
        'sends per message': round1(tx(carried, 'first') / n),
        relays: tx(carried, 'relay'),
        'relays per send': round1(tx(carried, 'relay') / Math.max(1, tx(carried, 'first'))),
      })),
  );
  process.stdout.write(
    '\nwhere the storm airtime went: what was on air, and why (summed over all radios)\n\n',
  );
  printTable(
    r.shares.map((s) => ({
      carried: s.carried,
      why: s.why,
      tx: s.transmissions,
      'airtime s': round1(s.airtimeMs / 1000),
      'share %': pct(s.airtimeMs / Math.max(1, r.airtimeMs)),
    })),
  );
  if (r.refused.length > 0) process.stdout.write(`\nrefused: ${r.refused.slice(0, 5).join('; ')}\n`);
  process.stdout.write('\n');
}

/** What a kind of traffic is for, in the storm. */
function purposeOf(carried: string): string {
  const kind = carried.replace(/ \(fragment\)$/, '');
  if (kind === 'warning') return 'the warning going down';
  if (kind === 'ack: kit holds the warning') return "the kits' word that they hold it";
  if (kind.startsWith('ack: ')) return 'the answers';
  if (kind === 'control: re-alarm') return "escalation: the centre's re-alarms";
  if (kind.startsWith('receipt: ') || kind === 'radio ACK or NAK')
    return 'confirmations: receipts, custody, radio ACKs';
  return 'other';
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round3 = (x: number) => Math.round(x * 1000) / 1000;
const pct = (x: number) => Math.round(x * 1000) / 10;
