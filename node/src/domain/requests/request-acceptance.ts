/**
 * Whether a reply that arrived may be applied (docs/requests.md §Who may do what): a reply from a
 * centre node stands at a kit (its MAC tag under that kit's key proves where it came from); at the
 * centre, a reply from the requesting kit itself stands only for the steps its side may take
 * (arrived, released). Anything else, a kit answering another kit's request or committing to its
 * own, is kept, shown refused, and changes nothing. A request itself is always taken. The kit that
 * replaced a lost kit (`successorOf`, the kit board's) answers for the lost kit's requests as the
 * lost kit did (docs/kits.md §Open items).
 */
import type { RequestEntry, RequestView } from './request.js';

export function requestAcceptance(o: {
  centreNodes: readonly number[];
  /** At the centre: the kit that answers now for a lost kit. Default: every kit for itself. */
  successorOf?: (kit: number) => number;
}) {
  return (entry: RequestEntry, request: RequestView | undefined): string | undefined => {
    if (entry.kind === 'request') return undefined;
    if (o.centreNodes.includes(entry.origin)) return undefined;
    const kit = request?.node ?? entry.body.request.origin;
    if (entry.origin !== kit && o.successorOf?.(kit) !== entry.origin)
      return `node ${entry.origin} answered a request of node ${kit}: only the centre may`;
    if (entry.body.status !== 'arrived' && entry.body.status !== 'released')
      return `the requesting kit may not mark its own request ${entry.body.status}: only the centre may`;
    return undefined;
  };
}
