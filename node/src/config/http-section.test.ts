/** The `http:` section (http-section.ts, docs/api.md §Configuration): defaults and what is refused. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from './load.js';

const NODE = { node: { id: 2107, role: 'kit', area: 430121101201 }, keys: { kit_key_file: 'kit.key' } };
const load = (http: unknown) => parseConfig({ ...NODE, http }, { baseDir: '/tmp' });

describe('http section', () => {
  it('serves nothing without the section; with it, loopback port 8080, sessions 2 h idle and 12 h at most', () => {
    expect(parseConfig(NODE, { baseDir: '/tmp' }).http).toBeUndefined();
    const config = load({});
    expect(config.http?.listen).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(config.http?.session).toEqual({ idleMs: 7_200_000, absoluteMs: 43_200_000 });
    expect(config.http?.publicOrigins).toEqual([]);
  });

  it('takes the access point address with the origins phones open', () => {
    const config = load({
      listen: { host: '10.42.0.1', port: 80 },
      public_origins: ['http://10.42.0.1', 'http://kit.local:80/'],
      session: { idle_s: 600, absolute_s: 3600 },
    });
    expect(config.http?.listen).toEqual({ host: '10.42.0.1', port: 80 });
    expect(config.http?.publicOrigins).toEqual(['http://10.42.0.1', 'http://kit.local']);
    expect(config.http?.session).toEqual({ idleMs: 600_000, absoluteMs: 3_600_000 });
  });

  it('takes an HTTPS pair relative to the file, and refuses half of one', () => {
    expect(load({ tls: { cert_file: 'kit.crt', key_file: '/etc/fieldnode/kit.key' } }).http?.tls).toEqual({
      certFile: '/tmp/kit.crt',
      keyFile: '/etc/fieldnode/kit.key',
    });
    expect(() => load({ tls: { cert_file: 'kit.crt' } })).toThrow(
      'http.tls.key_file: required with tls: its private key, PEM',
    );
  });

  it('refuses a LAN address without origins, origins with paths, bad proxies and a host name, all at once', () => {
    expect(() =>
      load({
        listen: { host: 'kit.local', port: 70_000 },
        public_origins: ['http://10.42.0.1/app', 'ftp://x', 7],
        session: { idle_s: 3600, absolute_s: 60 },
        trusted_proxies: ['proxy'],
      }),
    ).toThrow(
      [
        '  - http.listen.host: expected an IP address (or localhost)',
        '  - http.listen.port: expected a whole number from 0 to 65535, found 70000',
        '  - http.public_origins[0]: an origin has no path: http://10.42.0.1',
        '  - http.public_origins[1]: expected an http: or https: origin',
        '  - http.public_origins[2]: expected text',
        '  - http.session.absolute_s: must be at least idle_s (3600)',
        '  - http.trusted_proxies[0]: expected an IP address',
      ].join('\n'),
    );
    expect(() => load({ listen: { host: '0.0.0.0' } })).toThrow(
      'http.public_origins: required when listen.host is 0.0.0.0, not loopback: name the origins phones open, e.g. http://0.0.0.0:8080',
    );
  });
});
