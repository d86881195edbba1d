/**
 * Assertions the CAP tests share (docs/cap.md §9 Tests): a message meets the OASIS schema (run by
 * xmllint) and the conditional rules, and what an import refused it for.
 */
import { expect } from 'vitest';
import { type CapReading, importCap, readCap } from '../cap-import.js';
import type { CapAlert } from '../cap-model.js';
import { problemsText } from '../cap-problem.js';
import { checkCapRules } from '../cap-rules.js';
import type { CapMappingOptions } from '../cap-to-warning.js';
import type { CapWarningDraft } from '../cap-warning-draft.js';
import { xsdErrorsOf } from './xsd.js';

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** `xml` meets the XSD and the conditional rules; the alert it holds, as this codec reads it. */
export async function expectValidCap(xml: string): Promise<CapAlert> {
  expect(await xsdErrorsOf(xml)).toEqual([]);
  const read: CapReading = readCap(utf8(xml));
  if (!read.ok) throw new Error(`the codec refuses what the XSD accepts:\n${problemsText(read.reasons)}`);
  expect(checkCapRules(read.alert)).toEqual([]);
  return read.alert;
}

/** The draft `xml` imports to; fails the test with the reasons when it is refused. */
export function imported(xml: string | Uint8Array, options?: CapMappingOptions): CapWarningDraft {
  const result = importCap(typeof xml === 'string' ? utf8(xml) : xml, options);
  if (!result.ok) throw new Error(`refused:\n${problemsText(result.reasons)}`);
  return result.draft;
}

/** "CODE path" of every reason `xml` is refused for; fails the test when it imports. */
export function refusals(xml: string | Uint8Array, options?: CapMappingOptions): string[] {
  const result = importCap(typeof xml === 'string' ? utf8(xml) : xml, options);
  if (result.ok) throw new Error(`imported, expected a refusal: ${JSON.stringify(result.draft.body)}`);
  return result.reasons.map((r) => `${r.code} ${r.path}`);
}

/** The reasons' messages, for asserting what a person is told. */
export function refusalMessages(xml: string | Uint8Array, options?: CapMappingOptions): string {
  const result = importCap(typeof xml === 'string' ? utf8(xml) : xml, options);
  return result.ok ? 'imported' : problemsText(result.reasons);
}
