/**
 * Which requests come from this node's own pages (docs/api.md §CSRF; docs/security.md §The kit's
 * Wi-Fi): the `Host` of every request, and the `Origin` of every write, must be one this node
 * serves.
 *
 * - Host: a page of another site whose name an attacker pointed at the kit's address (DNS
 *   rebinding) sends that name as Host, so it is refused before anything is read or done.
 * - Origin: a browser sends it with every POST, PUT, PATCH and DELETE, and a page cannot forge it,
 *   so a write whose Origin is missing or foreign did not come from a page of ours. This is what
 *   stops a login CSRF, where there is no session yet to bind a token to. `Sec-Fetch-Site`, where
 *   the browser sends it, must agree.
 *
 * Loopback names are always allowed, beside the configured origins: only a page served from the
 * node itself (a browser on the Pi, or the operator's SSH tunnel) can send them.
 */
import { allowedOrigins, type HttpConfig, normaliseOrigin } from './http-config.js';

export class OriginCheck {
  readonly origins: ReadonlySet<string>;
  readonly #hosts: ReadonlySet<string>;

  constructor(config: HttpConfig, port: number) {
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].map((h) => `http://${h}:${port}`);
    const origins = new Set([...allowedOrigins(config, port), ...loopback]);
    this.origins = origins;
    this.#hosts = new Set([...origins].map((o) => hostOf(o)).filter((h): h is string => h !== undefined));
  }

  /** Whether a request with this Host header is for this node. */
  hostAllowed(host: string | undefined): boolean {
    return host !== undefined && this.#hosts.has(host.toLowerCase());
  }

  /** Why a write with these headers is refused, or undefined when it may go on. */
  writeRefusal(origin: string | undefined, fetchSite: string | undefined): string | undefined {
    if (origin === undefined || origin === '')
      return 'a write must carry an Origin header: send it from a page of this node';
    if (!this.origins.has(normaliseOrigin(origin)))
      return `writes from ${show(origin)} are refused: only pages of this node may write (http.public_origins)`;
    if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none')
      return `the browser says this write comes from another site (Sec-Fetch-Site: ${show(fetchSite)})`;
    return undefined;
  }
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return undefined;
  }
}

function show(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}
