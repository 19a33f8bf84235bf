/** Opening the extension's own pages in a tab. `tabs.create` needs no "tabs" permission for this. */
import type { Browser } from './browser.ts';

/** `path` is inside the extension, e.g. 'report/report.html#checklist'. */
export async function openExtensionPage(api: Browser, path: string): Promise<void> {
  await api.tabs.create({ url: api.runtime.getURL(path) });
}
