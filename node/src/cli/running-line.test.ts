/** Tests for running-line.ts: the line that says how the node started. */
import { describe, expect, it } from 'vitest';
import { stubStatus } from '../../test/stub-node.js';
import { parseConfig } from '../config/load.js';
import { runningLine } from './running-line.js';

const link = (id: string, enabled = true) => ({
  id,
  type: 'udp',
  enabled,
  bind: { host: '127.0.0.1', port: 0 },
});
const config = (links: object[]) =>
  parseConfig(
    { node: { id: 2107, role: 'kit' }, data_dir: '/var/lib/fieldnode', links },
    { baseDir: '/', env: {} },
  );

describe('runningLine', () => {
  it('counts the links up against those configured, and says degraded naming each one down and why', () => {
    // stubStatus: udp0 up, sat0 down (no-service, CSQ 0).
    const line = runningLine(config([link('udp0'), link('sat0'), link('spare', false)]), stubStatus());
    expect(line.level).toBe('warn');
    expect(line.msg).toBe(
      'fieldnode running, degraded: 1 of 2 links up; down: sat0 (no-service: CSQ 0); 1 disabled: spare',
    );
    expect(line.notify).toBe('node 2107 (kit) running, degraded: 1 of 2 links up; down: sat0 (no-service)');
    expect(line.fields.links).toEqual({
      configured: 3,
      enabled: 2,
      up: 1,
      down: [{ id: 'sat0', reason: 'no-service', detail: 'CSQ 0' }],
      disabled: ['spare'],
    });
  });

  it('is not degraded when every enabled link is up', () => {
    const status = { ...stubStatus(), links: stubStatus().links.slice(0, 1) };
    const line = runningLine(config([link('udp0')]), status);
    expect([line.level, line.msg, line.notify]).toEqual([
      'info',
      'fieldnode running: 1 of 1 link up',
      'node 2107 (kit) running: 1 of 1 link up',
    ]);
  });

  it('says when no link is configured', () => {
    const line = runningLine(config([]), { ...stubStatus(), links: [] });
    expect([line.level, line.msg]).toEqual(['info', 'fieldnode running: no links configured']);
  });

  it('counts a link still starting as not up', () => {
    const status = { ...stubStatus(), links: [{ ...stubStatus().links[0], state: { status: 'starting' } }] };
    const line = runningLine(config([link('udp0')]), status as never);
    expect(line.msg).toBe('fieldnode running, degraded: 0 of 1 link up; down: udp0 (starting)');
  });
});
