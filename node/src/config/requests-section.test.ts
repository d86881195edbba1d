/**
 * The `requests:` section (requests-section.ts, docs/requests.md §SOS): absent, nothing; its repeat
 * in seconds; a repeat out of bounds refused by key; the example file's value.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isKitError } from '../base/errors.js';
import { loadConfig, parseConfig } from './load.js';

const NODE = { node: { id: 1, role: 'centre' }, keys: {} };

describe('the requests section', () => {
  it('is absent when the file says nothing, and takes its repeat in seconds', () => {
    expect(parseConfig(NODE, { baseDir: '/tmp' }).requests).toBeUndefined();
    expect(parseConfig({ ...NODE, requests: { sos_repeat_s: 30 } }, { baseDir: '/tmp' }).requests).toEqual({
      sosRepeatMs: 30_000,
    });
  });

  it('refuses a repeat too short to leave the duty officer a moment, or an unknown key', () => {
    for (const requests of [{ sos_repeat_s: 2 }, { sos_repeat: 60 }]) {
      let message = '';
      try {
        parseConfig({ ...NODE, requests }, { baseDir: '/tmp' });
      } catch (err) {
        if (isKitError(err, 'CONFIG_INVALID')) message = err.message;
        else throw err;
      }
      expect(message).toContain('requests.sos_repeat');
    }
  });

  it('is in the example file at its default', async () => {
    const example = await loadConfig(fileURLToPath(new URL('./example.yaml', import.meta.url)));
    expect(example.requests).toEqual({ sosRepeatMs: 60_000 });
  });
});
