/**
 * A link a draft would go on, as the API's previews show it (docs/api.md §Before sending: the
 * preview): NodeCore's LinkPreview with its billed units named `credits`, for reports and warnings
 * alike.
 */
import type { LinkPreview } from '../core/own-messages.js';
import type { LinkPreviewView } from './reports-service.js';

export function linkPreviewViews(links: readonly LinkPreview[]): LinkPreviewView[] {
  return links.map((l) => ({
    link: l.link,
    costClass: l.costClass,
    up: l.up,
    dueNow: l.dueNow,
    dueAt: l.dueAt,
    bytes: l.bytes,
    frames: l.frames,
    billed: l.billed,
    credits: l.units,
  }));
}
