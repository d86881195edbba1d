/**
 * The kit's captive portal on the HTTP side (docs/pi-kit.md §The captive portal): a phone that
 * joins the kit's Wi-Fi asks a well-known URL whether it is online, and the kit's DNS answers every
 * name with the kit's own address (the dnsmasq drop-in of firmware-config/network/). This hook
 * answers those probes, and any plain page a phone's browser asks of another site's name, with a
 * redirect to the kit's UI: an answer other than the expected one (204, "Success", "Microsoft
 * Connect Test") is what makes the phone open its sign-in window, which then shows the UI.
 *
 * It runs before the API's guards (api-guards.ts), which refuse a foreign Host to stop DNS
 * rebinding. The redirect is safe under the same threat: it is the same fixed answer for everyone,
 * carries nothing of the node, does nothing, and sends the browser to the node's own origin, where
 * the guards apply as ever. Only GET and HEAD are redirected; a write to a foreign name is refused.
 */
import type { FastifyInstance } from 'fastify';

/**
 * The paths operating systems and browsers probe: Android (`/generate_204`, `/gen_204`), Apple
 * (`/hotspot-detect.html`, `/library/test/success.html`), Windows NCSI (`/connecttest.txt`,
 * `/ncsi.txt`, `/redirect`), Firefox (`/canonical.html`, `/success.txt`).
 */
export const CAPTIVE_PROBE_PATHS: ReadonlySet<string> = new Set([
  '/generate_204',
  '/gen_204',
  '/hotspot-detect.html',
  '/library/test/success.html',
  '/connecttest.txt',
  '/ncsi.txt',
  '/redirect',
  '/canonical.html',
  '/success.txt',
]);

export interface CaptivePortalOptions {
  /** The UI's address, the node's first origin with `/`; asked per request (the port is known once listening). */
  uiUrl: () => string;
  /** Whether a Host is one of this node's (origin-check.ts). */
  hostAllowed: (host: string | undefined) => boolean;
}

export function installCaptivePortal(app: FastifyInstance, o: CaptivePortalOptions): void {
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return;
    const path = request.url.split('?', 1)[0] ?? '/';
    if (o.hostAllowed(request.headers.host) && !CAPTIVE_PROBE_PATHS.has(path)) return;
    const target = o.uiUrl();
    // 302 with a body: some portal detectors look for a page, not only the status.
    return reply
      .code(302)
      .header('location', target)
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(
        `<!doctype html><meta charset="utf-8"><title>fieldnode</title><a href="${target}">${target}</a>\n`,
      );
  });
}
