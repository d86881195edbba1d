/**
 * The SBD link's alarms (issue 5 item 3; protocols/iridium.md §7.2): events with stable codes that
 * the daemon shows to the operator and logs. An alarm is raised once when its condition starts and
 * cleared once when it ends (`active: false`), never repeated while it lasts.
 */
import type { BudgetCrossing } from './credit-budget.js';

export type SbdAlarmCode =
  /** A credit budget passed a warning threshold (default 80 %). */
  | 'SBD_BUDGET_WARNING'
  /** A credit budget is used up: only P0 (and mailbox checks for them) still go, if allowed. */
  | 'SBD_BUDGET_EXHAUSTED'
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
  /** For budget alarms: which budget, what is used and its limit, in credits. */
  budget?: { scope: 'day' | 'incident'; used: number; limit: number };
}

/** A change to the alarm board, decided by pure code and applied by the link. */
export type AlarmChange =
  | { raise: Omit<SbdAlarm, 'active' | 'at'> }
  | { clear: SbdAlarmCode; detail: string; scope?: 'day' | 'incident' };

/** The budget alarms for threshold crossings (credit-budget.ts): below 100 % a warning. */
export function budgetAlarmChanges(crossings: readonly BudgetCrossing[]): AlarmChange[] {
  return crossings.map((c) => {
    const code = c.threshold >= 1 ? 'SBD_BUDGET_EXHAUSTED' : 'SBD_BUDGET_WARNING';
    const detail = `${c.used} of ${c.limit} credits used (${c.scope})`;
    return c.raised
      ? { raise: { code, detail, budget: { scope: c.scope, used: c.used, limit: c.limit } } }
      : { clear: code, detail, scope: c.scope };
  });
}

/** The active alarms of one link, keyed by code (and budget scope): raise and clear only on change. */
export class AlarmBoard {
  readonly #active = new Map<string, SbdAlarm>();

  constructor(readonly emit: (alarm: SbdAlarm) => void) {}

  static key(code: SbdAlarmCode, scope?: 'day' | 'incident'): string {
    return scope ? `${code}/${scope}` : code;
  }

  raise(alarm: Omit<SbdAlarm, 'active'>): void {
    const key = AlarmBoard.key(alarm.code, alarm.budget?.scope);
    if (this.#active.has(key)) return;
    const raised: SbdAlarm = { ...alarm, active: true };
    this.#active.set(key, raised);
    this.emit(raised);
  }

  clear(code: SbdAlarmCode, at: number, detail: string, scope?: 'day' | 'incident'): void {
    const key = AlarmBoard.key(code, scope);
    const was = this.#active.get(key);
    if (!was) return;
    this.#active.delete(key);
    this.emit({ ...was, active: false, at, detail });
  }

  apply(changes: readonly AlarmChange[], at: number): void {
    for (const c of changes) {
      if ('raise' in c) this.raise({ ...c.raise, at });
      else this.clear(c.clear, at, c.detail, c.scope);
    }
  }

  isActive(code: SbdAlarmCode, scope?: 'day' | 'incident'): boolean {
    return this.#active.has(AlarmBoard.key(code, scope));
  }

  list(): SbdAlarm[] {
    return [...this.#active.values()];
  }
}
