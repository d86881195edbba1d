/**
 * The OASIS CAP 1.2 schema run by libxml2's xmllint, compiled to WebAssembly (xmllint-wasm): the
 * reference every exported message is checked against in tests (docs/cap.md §9 Tests). It runs in
 * a worker thread with an in-memory file system: no network, no file of ours but the ones given.
 */
import { readFileSync } from 'node:fs';
import { validateXML } from 'xmllint-wasm';

export const FIXTURES = new URL('../fixtures/', import.meta.url);
const XSD = readFileSync(new URL('CAP-v1.2.xsd', FIXTURES), 'utf8');

/** The schema's errors for each document, by name; an empty list means valid. One xmllint run for all. */
export async function xsdErrors(
  docs: readonly { name: string; xml: string }[],
): Promise<Map<string, string[]>> {
  const names = docs.map((_, i) => `doc${i}.xml`);
  const result = await validateXML({
    xml: docs.map((d, i) => ({ fileName: names[i] as string, contents: d.xml })),
    schema: { fileName: 'CAP-v1.2.xsd', contents: XSD },
  });
  const out = new Map<string, string[]>(docs.map((d) => [d.name, []]));
  for (const error of result.errors) {
    // Most lines say file:line: message; the summary says "docN.xml fails to validate".
    const i = names.indexOf(error.loc?.fileName ?? error.rawMessage.split(' ')[0] ?? '');
    const doc = docs[i];
    if (doc === undefined) throw new Error(`xmllint reported on no document: ${error.rawMessage}`);
    out.get(doc.name)?.push(error.message);
  }
  if (!result.valid && [...out.values()].every((e) => e.length === 0))
    throw new Error(`xmllint failed without naming a document: ${result.rawOutput}`);
  return out;
}

/** The schema's errors for one document. */
export async function xsdErrorsOf(xml: string): Promise<string[]> {
  return (await xsdErrors([{ name: 'doc', xml }])).get('doc') ?? [];
}
