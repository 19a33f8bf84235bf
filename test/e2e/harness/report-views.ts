/** What a user reads off a report's port matrix, as end-to-end tests assert it in either browser. */
import type { Page } from 'playwright-core';
import type { Report } from '../../../src/protocol/report.ts';

/** Every probed port that is neither open nor untestable, as `transport:port:status`, sorted. */
export const notOpen = (r: Report): string[] =>
  r.ports
    .filter((p) => p.status !== 'open' && p.status !== 'not-testable')
    .map((p) => `${p.transport}:${p.port}:${p.status}`)
    .sort();

/** The port-matrix check of a report. */
export const matrix = (r: Report) => r.checks.find((c) => c.id === 'port-matrix');

/** Each port's reason as a page shows it (the report page's per-port table, the popup's port check). */
export interface ShownReason {
  port: string;
  code: string | null;
  title: string | null;
  text: string;
}

/** The reasons of the report page's per-port table: `transport:port`, the code and the words shown. */
export const reportPageReasons = (page: Page): Promise<ShownReason[]> =>
  page.locator('[data-table="port-results"] tbody tr').evaluateAll((rows) =>
    rows.map((tr) => {
      const cell = tr.querySelector('td[data-reason]');
      const transport = tr.querySelector('td')?.textContent?.toLowerCase() ?? '';
      return {
        port: `${transport}:${tr.querySelector('th')?.textContent ?? ''}`,
        code: cell?.getAttribute('data-reason') ?? null,
        title: cell?.getAttribute('title') ?? null,
        text: cell?.textContent?.trim() ?? '',
      };
    }),
  );

/** The popup's list of ports that are not plainly open, as it reads them. */
export const popupReasons = (page: Page): Promise<ShownReason[]> =>
  page.locator('[data-check-id="port-matrix"] .port-reasons li[data-reason]').evaluateAll((items) =>
    items.map((li) => ({
      port: li.getAttribute('data-port') ?? '',
      code: li.getAttribute('data-reason'),
      title: li.getAttribute('title'),
      text: li.querySelector('.port-reason')?.textContent?.trim() ?? '',
    })),
  );
