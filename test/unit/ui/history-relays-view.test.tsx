// @vitest-environment happy-dom
/**
 * The report page's history names the relay each compared run recommended, and its timeline draws the
 * recommended relay's MOS beside the configured one's and says how often another relay was recommended.
 */
import { cleanup, render } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { HistoryTimeline } from '../../../src/ui/charts/history-timeline.tsx';
import { HistoryList } from '../../../src/ui/components/history-list.tsx';
import { regions, report } from '../../fakes/report.ts';
import { useBrowserLanguage } from '../i18n/fake-browser-i18n.ts';

const older = report({ runId: 'old', finishedAt: '2026-11-21T10:00:00.000Z' });
const moved = report({ runId: 'moved', finishedAt: '2026-11-21T11:00:00.000Z', regions: regions() });
const kept = report({
  runId: 'kept',
  finishedAt: '2026-11-21T12:00:00.000Z',
  regions: regions({ recommended: 'https://relay.example:8443' }),
});
const history = [kept, moved, older];

let restore: () => void = () => undefined;
afterEach(() => {
  cleanup();
  restore();
});

describe('history with relays compared', () => {
  it('names the recommended relay in each entry that compared relays', () => {
    restore = useBrowserLanguage('en');
    render(<HistoryList history={history} currentRunId={null} />);
    const said = (id: string) => document.querySelector(`[data-run-id="${id}"] .history-relay`)?.textContent;
    expect(said('moved')).toBe(' Recommended relay: Frankfurt');
    expect(said('kept')).toBe(' Recommended relay: Paris');
    expect(said('old')).toBeUndefined();
  });

  it('draws the recommended relay’s MOS and says how often another relay was recommended', () => {
    restore = useBrowserLanguage('en');
    render(<HistoryTimeline history={history} />);
    expect(document.querySelectorAll('.chart-mark-recommended')).toHaveLength(2);
    expect(document.querySelector('.chart-mos-recommended')?.getAttribute('d')).toMatch(/^M[\d.]+ [\d.]+L/);
    expect(document.querySelector('.legend-recommended')?.textContent).toBe(
      "Recommended relay's MOS (relays compared)",
    );
    expect(document.querySelector('.chart-summary')?.textContent).toMatch(
      / Relays were compared in 2 of these runs; in 1 of them a relay other than the configured one was recommended\.$/,
    );
  });

  it('leaves the timeline as it was without a comparison', () => {
    restore = useBrowserLanguage('en');
    render(<HistoryTimeline history={[older]} />);
    expect(document.querySelector('.chart-mos-recommended')).toBeNull();
    expect(document.querySelector('.legend-recommended')).toBeNull();
    expect(document.querySelector('.chart-summary')?.textContent).not.toContain('Relays');
  });

  it('in German', () => {
    restore = useBrowserLanguage('de');
    render(
      <>
        <HistoryList history={history} currentRunId={null} />
        <HistoryTimeline history={history} />
      </>,
    );
    expect(document.querySelector('[data-run-id="moved"] .history-relay')?.textContent).toBe(
      ' Empfohlenes Relay: Frankfurt',
    );
    expect(document.querySelector('.chart-summary')?.textContent).toMatch(
      / In 2 dieser Läufe wurden Relays verglichen; in 1 davon wurde ein anderes als das eingestellte Relay empfohlen\.$/,
    );
  });
});
