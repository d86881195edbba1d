/**
 * The `http:` section of a node's configuration as the API server takes it (docs/api.md
 * §Configuration), with its defaults; node/src/config/ reads the file into this shape.
 *
 * The API listens on loopback unless the file says otherwise: a kit opens it to its Wi-Fi by
 * naming the access point's address, and names the origin phones reach it by, so that writes from
 * any other origin (another site open in the phone's browser) are refused (docs/security.md §The
 * kit's Wi-Fi).
 */

export interface HttpListenConfig {
  /** Address to listen on. Default 127.0.0.1. */
  readonly host: string;
  /** TCP port; 0 picks a free one (tests). Default 8080. */
  readonly port: number;
}

export interface HttpSessionConfig {
  /** A session unused this long ends, ms. Default 2 h (`idle_s: 7200`). */
  readonly idleMs: number;
  /** A session ends this long after sign-in however it is used, ms. Default 12 h (`absolute_s: 43200`). */
  readonly absoluteMs: number;
}

export interface HttpConfig {
  readonly listen: HttpListenConfig;
  /**
   * The origins people reach the API at, e.g. `http://10.42.0.1:8080` or `https://centre.example`:
   * a write whose `Origin` is not one of them, or a request whose `Host` is not one of theirs, is
   * refused. Default: the listen address itself, and `localhost` when it is loopback.
   */
  readonly publicOrigins: readonly string[];
  readonly session: HttpSessionConfig;
  /**
   * Trust `X-Forwarded-For` and `X-Forwarded-Proto` from these proxy addresses (a TLS proxy in
   * front of the centre), for the client address the PIN delay counts by. Default none.
   */
  readonly trustedProxies: readonly string[];
  /**
   * Answer phones' connectivity probes and foreign names with a redirect to the UI, for a kit whose
   * Wi-Fi DNS points every name at it (docs/pi-kit.md §The captive portal). Default false.
   */
  readonly captivePortal?: boolean;
  /**
   * Serve HTTPS instead of HTTP with this certificate and key (PEM files, read at start), for a
   * kit whose phones should not send a PIN in clear (docs/pi-kit.md §HTTPS). Default: plain HTTP.
   */
  readonly tls?: HttpTlsConfig;
}

export interface HttpTlsConfig {
  /** The certificate chain, PEM: the kit's own first. */
  readonly certFile: string;
  /** Its private key, PEM, mode 0600. */
  readonly keyFile: string;
}

/** Defaults, in the file's units. */
export const HTTP_DEFAULTS = {
  host: '127.0.0.1',
  port: 8080,
  sessionIdleS: 7200,
  sessionAbsoluteS: 43_200,
} as const;

/** The configuration when the file has no `http:` section. */
export const DEFAULT_HTTP_CONFIG: HttpConfig = {
  listen: { host: HTTP_DEFAULTS.host, port: HTTP_DEFAULTS.port },
  publicOrigins: [],
  session: { idleMs: HTTP_DEFAULTS.sessionIdleS * 1000, absoluteMs: HTTP_DEFAULTS.sessionAbsoluteS * 1000 },
  trustedProxies: [],
};

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * The origins writes may come from: those configured, or, when none are, the listen address
 * itself (with `localhost` beside a loopback one). `port` is the port actually bound (the
 * configured one may be 0).
 */
export function allowedOrigins(config: HttpConfig, port: number): string[] {
  if (config.publicOrigins.length > 0) return config.publicOrigins.map(normaliseOrigin);
  const host = config.listen.host;
  const hosts = LOOPBACK.has(host) ? ['127.0.0.1', 'localhost', '[::1]'] : [bracket(host)];
  return hosts.map((h) => `http://${h}:${port}`);
}

/** An origin as browsers send it: scheme, host and port, no path, the default port left out. */
export function normaliseOrigin(origin: string): string {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return origin;
  }
  return url.origin;
}

function bracket(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
