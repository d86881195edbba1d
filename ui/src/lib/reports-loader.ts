/**
 * Reads the reports the person may see, newest first, page by page (docs/api.md §Reports), up to
 * a bound, so that the board of a county in a long season still loads on a phone. Whether the
 * bound cut the list is returned with it, for the view to say so.
 */
import type { ApiClient } from './api-client.js';
import type { ReportPage, ReportSummary } from './api-types.js';

export const PER_PAGE = 100;

export async function loadReports(
  api: Pick<ApiClient, 'get'>,
  maxReports = 1000,
): Promise<{ items: ReportSummary[]; truncated: boolean; total: number }> {
  const items: ReportSummary[] = [];
  let total = 0;
  for (let page = 1; items.length < maxReports; page++) {
    const p = await api.get<ReportPage>(`/api/reports?page=${page}&per_page=${PER_PAGE}`);
    total = p.page.total;
    items.push(...p.items);
    if (p.items.length < PER_PAGE || items.length >= total) break;
  }
  return { items: items.slice(0, maxReports), truncated: total > maxReports, total };
}
