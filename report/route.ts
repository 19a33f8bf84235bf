/** The report page's address: `#run=<runId>` opens a history entry, `#checklist` the checklist. */
export interface Route {
  runId: string | null;
  section: 'checklist' | null;
}

export function parseRoute(hash: string): Route {
  const h = hash.replace(/^#/, '');
  if (h === 'checklist') return { runId: null, section: 'checklist' };
  const run = /^run=(.+)$/.exec(h)?.[1];
  if (run) {
    try {
      return { runId: decodeURIComponent(run), section: null };
    } catch {
      // A hand-edited address with a broken escape: show the latest report instead.
    }
  }
  return { runId: null, section: null };
}
