/**
 * The `log` section of the configuration and its environment overrides (docs/operating.md §Logs;
 * node/src/config/log-section.ts): format and time zone with their defaults, FIELDNODE_LOG_FORMAT
 * over the file, and every mistake reported by path with the others.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { repoPath } from '../fieldnode-binary.js';

const node = { id: 2107, role: 'kit' };
const parse = (log: unknown, env: NodeJS.ProcessEnv = {}) =>
  parseConfig({ node, ...(log === undefined ? {} : { log }) }, { baseDir: '/tmp', env });

describe('the log section', () => {
  it('defaults to info, auto and the county’s zone, Asia/Shanghai', () => {
    expect(parse(undefined).log).toEqual({ level: 'info', format: 'auto', timeZone: 'Asia/Shanghai' });
  });

  it('follows the county’s zone when it has none of its own, so lines and deadlines share a clock', () => {
    const config = parseConfig({ node, county: { time_zone: 'Asia/Urumqi' } }, { baseDir: '/tmp', env: {} });
    expect(config.log.timeZone).toBe('Asia/Urumqi');
    const own = parseConfig(
      { node, county: { time_zone: 'Asia/Urumqi' }, log: { time_zone: 'UTC' } },
      { baseDir: '/tmp', env: {} },
    );
    expect(own.log.timeZone).toBe('UTC');
  });

  it('takes a format and an IANA time zone from the file, and FIELDNODE_LOG_FORMAT over the file', () => {
    expect(parse({ format: 'pretty', time_zone: 'Europe/London' }).log).toMatchObject({
      format: 'pretty',
      timeZone: 'Europe/London',
    });
    expect(parse({ format: 'pretty' }, { FIELDNODE_LOG_FORMAT: 'json' }).log.format).toBe('json');
    expect(parse({}, { FIELDNODE_LOG_FORMAT: ' pretty ' }).log.format).toBe('pretty');
  });

  it('reports a wrong format, zone or variable with the others, by path', () => {
    expect(() =>
      parse(
        { level: 'loud', format: 'fancy', time_zone: 'China/Beijing', colour: true },
        { FIELDNODE_LOG_FORMAT: 'xml' },
      ),
    ).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: expect.stringMatching(
          /log\.colour: unknown key[\s\S]*log\.level: expected one of fatal, error, warn, info, debug, trace, found text "loud"[\s\S]*log\.format: expected one of auto, pretty, json, found text "fancy"[\s\S]*\$FIELDNODE_LOG_FORMAT: expected one of auto, pretty, json, found "xml"[\s\S]*log\.time_zone: expected an IANA time zone such as Asia\/Shanghai/,
        ),
      }),
    );
  });

  it('is documented in the example configuration, which still reads', async () => {
    const example = await readFile(repoPath('node/src/config/example.yaml'), 'utf8');
    expect(example).toContain('  format: auto\n');
    expect(example).toContain('  time_zone: Asia/Shanghai\n');
  });
});
