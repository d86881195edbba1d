/**
 * The SBD link's alarms (docs/iridium.md §7.2): events with stable codes that the daemon shows to
 * the operator and logs. An alarm is raised once when its condition starts and cleared once when
 * it ends (`active: false`), never repeated while it lasts. The credit budget's alarms are the
 * core's (node/src/core/billing-budget.ts).
 */

export type SbdAlarmCode =
  /**
   * The gateway refused the modem for good (MO status 12, 14, 15, 16: too many segments, invalid
   * segment size, access denied, ISU locked): sessions stop until an operator acts or the
   * configured pause ends (§7.2 "stop and alert").
   */
  | 'SBD_STOPPED'
  /** The modem reported a hardware fault (MO status 33 antenna, 64 band violation, 65 PLL). */
  | 'SBD_HARDWARE'
  /** An MT message waits at the gateway that is too big for the modem (MO status 1, §7.3). */
  | 'SBD_MT_TOO_LARGE'
  /** An MT message was received but could not be read back intact (SBDRB checksum, three tries). */
  | 'SBD_MT_LOST';

export interface SbdAlarm {
  code: SbdAlarmCode;
  /** True when raised, false when cleared. */
  active: boolean;
  /** Unix ms. */
  at: number;
  detail: string;
  /** The MO status behind the alarm, for session alarms. */
  moStatus?: number;
}

/** A change to the alarm board, decided by pure code and applied by the link. */
export type AlarmChange =
  | { raise: Omit<SbdAlarm, 'active' | 'at'> }
  | { clear: SbdAlarmCode; detail: string };

/** The active alarms of one link, keyed by code: raise and clear only on change. */
export class AlarmBoard {
  readonly #active = new Map<string, SbdAlarm>();

  constructor(readonly emit: (alarm: SbdAlarm) => void) {}

  raise(alarm: Omit<SbdAlarm, 'active'>): void {
    if (this.#active.has(alarm.code)) return;
    const raised: SbdAlarm = { ...alarm, active: true };
    this.#active.set(alarm.code, raised);
    this.emit(raised);
  }

  clear(code: SbdAlarmCode, at: number, detail: string): void {
    const was = this.#active.get(code);
    if (!was) return;
    this.#active.delete(code);
    this.emit({ ...was, active: false, at, detail });
  }

  apply(changes: readonly AlarmChange[], at: number): void {
    for (const c of changes) {
      if ('raise' in c) this.raise({ ...c.raise, at });
      else this.clear(c.clear, at, c.detail);
    }
  }

  isActive(code: SbdAlarmCode): boolean {
    return this.#active.has(code);
  }

  list(): SbdAlarm[] {
    return [...this.#active.values()];
  }
}
