/**
 * How the request views stay current (docs/requests.md §Live): `load` runs at once, again whenever
 * the stream brings a `request` event (every change of a request here, made or delivered, and an
 * SOS sounding or acknowledged) or says it was cut and is back, and whenever what `deps` reads
 * changes (who is signed in). Only a view that shows ages and overdue marks, which change with
 * the clock and not with any event, also reads again every `everyMs`. Called while a component is
 * being set up; stops with it.
 */
import { app } from './app.svelte.js';

export function followRequests(
  load: () => Promise<void>,
  deps: () => unknown = () => undefined,
  everyMs?: number,
): void {
  $effect(() => {
    void app.requestsHeard;
    void deps();
    void load();
    if (everyMs === undefined) return;
    const timer = setInterval(() => void load(), everyMs);
    return () => clearInterval(timer);
  });
}
