/**
 * The UI's few pages as paths (docs/ui.md §Views), on the browser's history, so that the back
 * button works and a page can be reloaded where it was. The daemon answers every path that is not
 * the API with the same page (node/src/http/ui-assets.ts), and this decides what it shows.
 */

export type Route =
  | { view: 'home' }
  | { view: 'sign-in' }
  | { view: 'report-new' }
  | { view: 'report-update'; incident: string }
  | { view: 'reports' }
  | { view: 'message'; id: string }
  | { view: 'kept'; key: string }
  | { view: 'board' }
  | { view: 'warnings' }
  | { view: 'warning-new' }
  | { view: 'warning'; id: string }
  | { view: 'warning-calls'; id: string }
  | { view: 'warning-change'; id: string; action: 'update' | 'cancel' }
  | { view: 'hazards' }
  | { view: 'hazard-new' }
  | { view: 'hazard'; id: string }
  | { view: 'map' }
  | { view: 'kits' }
  | { view: 'shelters' }
  | { view: 'requests' }
  | { view: 'request-new' }
  | { view: 'request'; id: string }
  | { view: 'teams' }
  | { view: 'texts'; conversation?: string }
  | { view: 'not-found' };

let path = $state(typeof location === 'undefined' ? '/' : location.pathname);

if (typeof window !== 'undefined')
  window.addEventListener('popstate', () => {
    path = location.pathname;
  });

export function parseRoute(p: string): Route {
  if (p === '/' || p === '') return { view: 'home' };
  if (p === '/sign-in') return { view: 'sign-in' };
  if (p === '/report/new') return { view: 'report-new' };
  if (p === '/reports') return { view: 'reports' };
  if (p === '/board') return { view: 'board' };
  if (p === '/warnings') return { view: 'warnings' };
  if (p === '/warnings/new') return { view: 'warning-new' };
  if (p === '/hazards') return { view: 'hazards' };
  if (p === '/hazards/new') return { view: 'hazard-new' };
  if (p === '/map') return { view: 'map' };
  if (p === '/kits') return { view: 'kits' };
  if (p === '/teams') return { view: 'teams' };
  if (p === '/texts') return { view: 'texts' };
  const tx = /^\/texts\/(centre|node-\d{1,10}|area-\d{6,12})$/.exec(p);
  if (tx) return { view: 'texts', conversation: tx[1] as string };
  if (p === '/shelters') return { view: 'shelters' };
  if (p === '/requests') return { view: 'requests' };
  if (p === '/requests/new') return { view: 'request-new' };
  const rq = /^\/requests\/(\d{1,10})\/(\d{1,10})$/.exec(p);
  if (rq) return { view: 'request', id: `${rq[1]}/${rq[2]}` };
  const h = /^\/hazards\/(\d{1,10})\/(\d{1,10})$/.exec(p);
  if (h) return { view: 'hazard', id: `${h[1]}/${h[2]}` };
  const w = /^\/warnings\/(\d{1,10})\/(\d{1,10})(?:\/(calls|update|cancel))?$/.exec(p);
  if (w) {
    const id = `${w[1]}/${w[2]}`;
    if (w[3] === 'calls') return { view: 'warning-calls', id };
    if (w[3] === 'update' || w[3] === 'cancel') return { view: 'warning-change', id, action: w[3] };
    return { view: 'warning', id };
  }
  const u = /^\/report\/update\/(\d{1,10})\/(\d{1,10})$/.exec(p);
  if (u) return { view: 'report-update', incident: `${u[1]}/${u[2]}` };
  const m = /^\/messages\/(\d{1,10})\/(\d{1,10})$/.exec(p);
  if (m) return { view: 'message', id: `${m[1]}/${m[2]}` };
  const k = /^\/kept\/([A-Za-z0-9_\-.:]{8,128})$/.exec(p);
  if (k) return { view: 'kept', key: k[1] as string };
  return { view: 'not-found' };
}

export function currentRoute(): Route {
  return parseRoute(path);
}

export function navigate(to: string, replace = false): void {
  if (to === path) return;
  if (replace) history.replaceState({}, '', to);
  else history.pushState({}, '', to);
  path = to;
  window.scrollTo(0, 0);
}

/** The page open now: taken before a request whose answer leads somewhere (see navigateFrom). */
export function currentPath(): string {
  return path;
}

/**
 * Goes to `to` only while the page is still `from`, the page the request was made on: a person
 * who opened another page while the kit answered keeps it (a slow kit at 3 a.m. must not undo
 * their tap). Replacing, it would also overwrite that page's history entry.
 */
export function navigateFrom(from: string, to: string, replace = false): void {
  if (path === from) navigate(to, replace);
}

/** The form of a 续报 with figures for an incident. */
export function updatePath(incident: string): string {
  return `/report/update/${incident}`;
}

/** The page of a report kept on the phone, by its idempotency key, until it has a message id. */
export function keptPath(key: string): string {
  return `/kept/${key}`;
}

/** A warning's page, by its id (`origin/seq`). */
export function warningPath(id: string): string {
  return `/warnings/${id}`;
}

/** The path of a message's delivery page. */
export function messagePath(id: string): string {
  return `/messages/${id}`;
}
