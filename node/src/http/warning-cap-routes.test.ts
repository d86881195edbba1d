import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCap } from '../domain/warnings/cap/cap-import.js';
import { OTHER_VILLAGE, VILLAGE } from './api-fixtures.js';
import {
  capAlert,
  startWarningApi,
  VILLAGE_ISSUER,
  villageDraft,
  type WarningTestApi,
} from './warning-test-api.js';

let dir: string;
let api: WarningTestApi;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fieldnode-api-warning-cap-'));
  api = undefined as unknown as WarningTestApi;
});

afterEach(async () => {
  await api?.server.stop();
  await rm(dir, { recursive: true, force: true });
});

const XML = { 'content-type': 'application/xml' };
const imports = () => api.audit.entries.filter((e) => e.action === 'warning.imported');

describe('exporting CAP', () => {
  it('answers the warning as CAP 1.2 XML, a download that the CAP reader takes back', async () => {
    api = await startWarningApi(dir, 'centre');
    const duty = await api.as(3);
    await duty.request('POST', '/api/warnings', { body: villageDraft({ exercise: true }) });
    const res = await duty.request('GET', '/api/export/warnings/2107/501.cap.xml');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/cap+xml; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="warning-2107-501.cap.xml"');
    expect(res.text.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(res.text).toContain('<identifier>fieldnode-2107-501</identifier>');
    expect(res.text).toContain('<status>Exercise</status>');
    expect(readCap(new TextEncoder().encode(res.text)).ok).toBe(true);
  });

  it('is for whoever may read the warning: 401 signed out, 403 for one who reads none, 404 outside one’s areas', async () => {
    api = await startWarningApi(dir, 'centre');
    const duty = await api.as(3);
    await duty.request('POST', '/api/warnings', { body: villageDraft({ areas: [OTHER_VILLAGE] }) });
    const path = '/api/export/warnings/2107/501.cap.xml';
    expect((await api.client().request('GET', path)).status).toBe(401);
    expect((await (await api.as(6)).request('GET', path)).status).toBe(403);
    expect((await (await api.as(1)).request('GET', path)).status).toBe(404);
    expect((await (await api.as(4)).request('GET', path)).status).toBe(200);
    expect((await duty.request('GET', '/api/export/warnings/2107/9.cap.xml')).status).toBe(404);
  });
});

describe('importing CAP', () => {
  it('forwards a CAP alert as a warning marked with its source, with what it could not carry, and audits it', async () => {
    api = await startWarningApi(dir, 'centre');
    const duty = await api.as(3);
    const res = await duty.request('POST', '/api/import/cap', {
      raw: capAlert({ identifier: 'prov-0001' }),
      headers: XML,
    });
    expect(res.status).toBe(201);
    expect(res.json.warning).toMatchObject({
      id: '2107/501',
      action: 'issue',
      event: '11B03',
      colour: 'orange',
      level: 2,
      areas: [VILLAGE],
      roles: [],
      imported: { sender: '43000041600000', identifier: 'prov-0001' },
    });
    expect(res.json.notes.map((n: { path: string }) => n.path)).toContainEqual(
      expect.stringContaining('description'),
    );
    expect(imports()).toEqual([
      {
        actor: 3,
        action: 'warning.imported',
        subject: '2107/501',
        details: {
          sender: '43000041600000',
          identifier: 'prov-0001',
          action: 'issue',
          notes: res.json.notes.length,
        },
      },
    ]);
  });

  it('takes application/cap+xml and a charset; refuses JSON, text and an empty type (415)', async () => {
    api = await startWarningApi(dir, 'centre');
    const duty = await api.as(3);
    for (const type of ['application/cap+xml', 'application/xml; charset=utf-8'])
      expect(
        (
          await duty.request('POST', '/api/import/cap', {
            raw: capAlert(),
            headers: { 'content-type': type },
          })
        ).status,
        type,
      ).toBe(201);
    const json = await duty.request('POST', '/api/import/cap', { body: { xml: capAlert() } });
    expect([json.status, json.json.code]).toEqual([415, 'API_UNSUPPORTED_MEDIA_TYPE']);
    for (const type of ['text/plain', 'text/xml', ''])
      expect(
        (
          await duty.request('POST', '/api/import/cap', {
            raw: capAlert(),
            headers: { 'content-type': type },
          })
        ).status,
        type,
      ).toBe(415);
  });

  it('refuses a message that is not an importable CAP alert with 400 CAP_REJECTED and every reason', async () => {
    api = await startWarningApi(dir, 'centre');
    const duty = await api.as(3);
    const notXml = await duty.request('POST', '/api/import/cap', { raw: '<alert><unclosed>', headers: XML });
    expect([notXml.status, notXml.json.code]).toEqual([400, 'CAP_REJECTED']);
    expect(notXml.json.problems[0]).toMatchObject({ code: 'CAP_XML_MALFORMED', field: expect.any(String) });
    const test = await duty.request('POST', '/api/import/cap', {
      raw: capAlert({ status: 'Test' }),
      headers: XML,
    });
    expect(test.json.problems).toContainEqual(expect.objectContaining({ code: 'CAP_NOT_FORWARDED' }));
    const entity = '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "x">]><a>&x;</a>';
    const dtd = await duty.request('POST', '/api/import/cap', { raw: entity, headers: XML });
    expect(dtd.json.problems[0].code).toBe('CAP_DTD_REFUSED');
    const empty = await duty.request('POST', '/api/import/cap', { raw: '', headers: XML });
    expect([empty.status, empty.json.code]).toEqual([400, 'CAP_REJECTED']);
    expect(await api.warnings.list({ scope: { all: true }, active: false })).toEqual([]);
  });

  it('refuses a body over 64 KiB (413) and leaves the other routes refusing XML (415)', async () => {
    api = await startWarningApi(dir, 'centre');
    const duty = await api.as(3);
    const big = capAlert().replace('<description>', `<description>${'雨'.repeat(22_000)}`);
    const res = await duty.request('POST', '/api/import/cap', { raw: big, headers: XML });
    expect([res.status, res.json.code]).toEqual([413, 'API_BODY_TOO_LARGE']);
    for (const path of ['/api/warnings', '/api/reports'])
      expect((await duty.request('POST', path, { raw: capAlert(), headers: XML })).status, path).toBe(415);
  });

  it('imports once for a repeat; the same key with another alert is 422; the CSRF token is needed', async () => {
    api = await startWarningApi(dir, 'centre');
    const duty = await api.as(3);
    const raw = capAlert({ identifier: 'prov-0002' });
    const first = await duty.request('POST', '/api/import/cap', { raw, headers: XML, key: 'cap-0001' });
    const again = await duty.request('POST', '/api/import/cap', { raw, headers: XML, key: 'cap-0001' });
    expect(again.json).toEqual(first.json);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const other = await duty.request('POST', '/api/import/cap', {
      raw: capAlert({ identifier: 'prov-0003' }),
      headers: XML,
      key: 'cap-0001',
    });
    expect(other.status).toBe(422);
    expect(imports()).toHaveLength(1);
    duty.csrf = undefined;
    expect((await duty.request('POST', '/api/import/cap', { raw, headers: XML })).json.code).toBe(
      'API_CSRF_MISSING',
    );
  });

  it('is for an issuer of every area: 401 signed out, 403 without warning.issue or with it for some areas only', async () => {
    api = await startWarningApi(dir, 'centre');
    expect(
      (await api.client().request('POST', '/api/import/cap', { raw: capAlert(), headers: XML })).status,
    ).toBe(401);
    for (const person of [1, VILLAGE_ISSUER]) {
      const res = await (await api.as(person)).request('POST', '/api/import/cap', {
        raw: capAlert(),
        headers: XML,
      });
      expect([res.status, res.json.code], String(person)).toEqual([403, 'API_FORBIDDEN']);
    }
    expect(imports()).toEqual([]);
  });

  it('says 409 WARNING_NO_ISSUER at a kit', async () => {
    api = await startWarningApi(dir, 'kit');
    const res = await (await api.as(3)).request('POST', '/api/import/cap', { raw: capAlert(), headers: XML });
    expect([res.status, res.json.code]).toEqual([409, 'WARNING_NO_ISSUER']);
  });
});
