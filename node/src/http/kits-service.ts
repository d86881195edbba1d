/**
 * What the kit routes need from the centre's kit board and lost-kit workflow (docs/api.md §Kits;
 * docs/kits.md): the kits as the API shows them, and revoking and replacing a lost one. The centre
 * implements it over its KitBoard and LostKits (kits-adapter.ts); a kit has none, and its kit routes
 * are not registered.
 */
import type { AuditActor } from '../domain/audit/audit-entry.js';

/** A kit's health message as the centre shows it: the wire's codes named. */
export interface KitHealthView {
  /** The health message's id. */
  msg: string;
  /** When the centre took it in, unix ms. */
  at: number;
  /** When the kit made it, unix ms: true only when `clockUntrusted` is false. */
  createdAt: number;
  clockUntrusted: boolean;
  /** Seconds to the kit's next health message. */
  intervalS: number;
  power: {
    source: string;
    batteryPercent?: number;
    batteryVolts?: number;
    charging?: boolean;
    minutesLeft?: number;
  };
  clock: { source: string; trusted: boolean };
  links: Array<{ kind: string; state: string; up: boolean }>;
  queued?: number;
  upMin?: number;
}

export type KitAlertView =
  | { kind: 'silent'; since: number; lastHeard: number; allowedMs: number }
  | { kind: 'battery'; since: number; percent: number; low: boolean; cutoffAt?: number; perHour?: number };

/** A kit at the centre. */
export interface KitView {
  id: number;
  area?: number;
  areaName?: string;
  role?: string;
  /** In the centre's configuration now. */
  enrolled: boolean;
  /** `alert`: an alert stands; `ok`: heard and well; `never-heard`; `revoked`. */
  state: 'ok' | 'alert' | 'never-heard' | 'revoked';
  lastHeard?: { at: number; msg: string; kind: string };
  /** When it becomes silent if nothing more comes, unix ms. */
  silentFrom?: number;
  allowedSilenceMs: number;
  health?: KitHealthView;
  alerts: KitAlertView[];
  revoked?: { at: number; by: AuditActor; control: string };
  replacedBy?: { kit: number; at: number; incidents: string[]; control?: string };
  replaces?: number;
  /** Its recent charge readings, oldest first (one kit's page only). */
  history?: Array<{ at: number; percent: number; charging: boolean; power: string }>;
}

export interface KitsService {
  /** Every kit, those with alerts first. */
  list(): KitView[];
  /** One kit with its charge history; undefined when none has this id. */
  get(id: number): KitView | undefined;
  /** @throws KitError KIT_UNKNOWN, KIT_REVOKED, KIT_NO_ISSUER, STORE_FULL. */
  revoke(id: number, who: AuditActor): Promise<{ kit: KitView; control: string }>;
  /** @throws KitError KIT_UNKNOWN, KIT_NOT_REVOKED, KIT_REPLACEMENT_INVALID, KIT_NO_ISSUER, STORE_FULL. */
  replace(
    id: number,
    by: number,
    who: AuditActor,
  ): Promise<{
    kit: KitView;
    replacement: KitView;
    incidents: string[];
    warnings: string[];
    control?: string;
  }>;
  /**
   * The handover file for the kit that replaced `id` (docs/kits.md §Open items), and its name;
   * undefined when `id` was not replaced.
   */
  handover(id: number): Promise<{ name: string; text: string } | undefined>;
}
