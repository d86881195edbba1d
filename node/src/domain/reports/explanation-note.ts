/**
 * Reasons for large changes, one per figure, inside the report's single note field
 * (docs/reports.md §Deltas and thresholds; docs/wire-format.md §4.1: the note, at most 300 bytes,
 * carries "the explanation a large jump between versions needs").
 *
 * The wire has one note, so each reason is written after the general text as 【label】reason, the
 * label being the indicator's short Chinese name (indicators.ts): readable as it is by a person at
 * the centre, and taken apart again by {@link unpackNote}. The brackets 【】 are reserved: in the
 * text a person types they become ［］ before packing, so a note always parses back to what was packed.
 */
import { INDICATOR_NAMES, type IndicatorName, indicatorLabel } from './indicators.js';

/** Bytes the wire's note field holds (docs/wire-format.md §4.1). */
export const NOTE_MAX_BYTES = 300;

export type Explanations = Readonly<Partial<Record<IndicatorName, string>>>;

export interface UnpackedNote {
  /** The text before the first reason. */
  readonly note: string;
  readonly explanations: Explanations;
}

const byLabel = new Map<string, IndicatorName>(INDICATOR_NAMES.map((n) => [indicatorLabel(n), n]));

/** The text as it will travel: trimmed, with the reserved brackets replaced. */
export function cleanNoteText(text: string): string {
  return text.replaceAll('【', '［').replaceAll('】', '］').trim();
}

/** One note holding the general text and the reasons, in wire order of the indicators. */
export function packNote(note: string | undefined, explanations: Explanations = {}): string {
  let out = cleanNoteText(note ?? '');
  for (const name of INDICATOR_NAMES) {
    const reason = explanations[name];
    if (reason === undefined) continue;
    const text = cleanNoteText(reason);
    if (text !== '') out += `【${indicatorLabel(name)}】${text}`;
  }
  return out;
}

/**
 * The general text and the reasons of a note as received. A label that names no indicator stays in
 * the general text, as written; an empty reason is no reason. Never throws.
 */
export function unpackNote(packed: string | undefined): UnpackedNote {
  const parts = (packed ?? '').split(/【([^【】]*)】/);
  let note = parts[0] ?? '';
  const explanations: Partial<Record<IndicatorName, string>> = {};
  for (let i = 1; i + 1 < parts.length; i += 2) {
    const label = parts[i] as string;
    const text = parts[i + 1] as string;
    const name = byLabel.get(label);
    if (name !== undefined && text.trim() !== '' && explanations[name] === undefined) {
      explanations[name] = text.trim();
    } else {
      note += `【${label}】${text}`;
    }
  }
  return { note: note.trim(), explanations };
}

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
