/**
 * The `http:` section of the configuration file (docs/api.md §Configuration): where the node's
 * API and web UI listen, the origins phones reach them at, how long a session lasts, and the
 * proxies whose forwarded client address is believed.
 *
 * The API listens on loopback unless the file says otherwise. A kit opening it to its Wi-Fi names
 * the origins phones use, since writes from any other origin are refused: without them no phone
 * could file a report, so a non-loopback address without `public_origins` is a problem here, not
 * a surprise at the first report.
 */
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { HTTP_DEFAULTS, type HttpConfig, type HttpTlsConfig, normaliseOrigin } from '../http/http-config.js';
import type { Section } from './reader.js';

export const HTTP_KEYS = ['listen', 'public_origins', 'session', 'trusted_proxies', 'captive_portal', 'tls'];

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function parseHttpSection(s: Section, baseDir: string): HttpConfig {
  const listen = s.section('listen', ['host', 'port']);
  const host =
    listen.str('host', undefined, (h) =>
      isIP(h) !== 0 || h === 'localhost' ? undefined : 'expected an IP address (or localhost)',
    ) ?? HTTP_DEFAULTS.host;
  const port = listen.int('port', 0, 65_535) ?? HTTP_DEFAULTS.port;

  const publicOrigins: string[] = [];
  for (const { value, path } of s.list('public_origins')) {
    const origin = typeof value === 'string' ? checkOrigin(value) : 'expected text';
    if (origin.startsWith('http')) publicOrigins.push(origin);
    else s.problem(path.slice(path.indexOf('public_origins')), origin);
  }
  if (!LOOPBACK.has(host) && publicOrigins.length === 0)
    s.problem(
      'public_origins',
      `required when listen.host is ${host}, not loopback: name the origins phones open, e.g. http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    );

  const session = s.section('session', ['idle_s', 'absolute_s']);
  const idleS = session.num('idle_s', 60, Infinity) ?? HTTP_DEFAULTS.sessionIdleS;
  const absoluteS = session.num('absolute_s', 60, Infinity) ?? HTTP_DEFAULTS.sessionAbsoluteS;
  if (absoluteS < idleS) session.problem('absolute_s', `must be at least idle_s (${idleS})`);

  const trustedProxies: string[] = [];
  for (const { value, path } of s.list('trusted_proxies')) {
    if (typeof value === 'string' && isIP(value) !== 0) trustedProxies.push(value);
    else s.problem(path.slice(path.indexOf('trusted_proxies')), 'expected an IP address');
  }
  const captivePortal = s.bool('captive_portal');
  const tls = s.has('tls') ? parseTls(s.section('tls', ['cert_file', 'key_file']), baseDir) : undefined;
  return {
    listen: { host, port },
    publicOrigins,
    session: { idleMs: idleS * 1000, absoluteMs: absoluteS * 1000 },
    trustedProxies,
    ...(captivePortal === true ? { captivePortal } : {}),
    ...(tls === undefined ? {} : { tls }),
  };
}

/** Both files or neither: a certificate without its key serves nothing. */
function parseTls(s: Section, baseDir: string): HttpTlsConfig | undefined {
  const cert = s.str('cert_file');
  const key = s.str('key_file');
  if (cert === undefined) s.problem('cert_file', 'required with tls: the certificate chain, PEM');
  if (key === undefined) s.problem('key_file', 'required with tls: its private key, PEM');
  if (cert === undefined || key === undefined) return undefined;
  return { certFile: resolve(baseDir, cert), keyFile: resolve(baseDir, key) };
}

/** The origin as browsers send it, or why the text is not one. */
function checkOrigin(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `expected an origin such as http://10.42.0.1:8080, found ${JSON.stringify(text)}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'expected an http: or https: origin';
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '')
    return `an origin has no path: ${normaliseOrigin(text)}`;
  return normaliseOrigin(text);
}
