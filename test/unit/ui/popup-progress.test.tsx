// @vitest-environment happy-dom
/**
 * The popup while a quick check runs: results appear as they arrive, and the media check's row says that
 * encrypted audio flows as soon as the first echo came back, long before its figures are in.
 */
import { act, cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../../popup/app.tsx';
import type { CheckResult } from '../../../src/checks/types.ts';
import type { RunState } from '../../../src/protocol/runtime-messages.ts';
import type { ExtensionActions } from '../../../src/ui/actions.ts';
import { useBrowserLanguage } from '../i18n/fake-browser-i18n.ts';

const result = (id: string, title: string): CheckResult => ({
  id,
  title,
  status: 'pass',
  reason: 'ok',
  summary: `${title} works.`,
  durationMs: 20,
  data: {},
});

const running = (progress: CheckResult[], mediaFlowingMs: number | null): RunState => ({
  status: 'running',
  mode: 'quick',
  runId: 'run-1',
  startedAt: new Date().toISOString(),
  progress,
  mediaFlowingMs,
  last: null,
});

function popupWith(first: RunState) {
  let push: (s: RunState) => void = () => undefined;
  const actions: ExtensionActions = {
    getState: async () => first,
    runCheck: async () => undefined,
    subscribe: (listener) => {
      push = listener;
      return () => undefined;
    },
    openPage: async () => undefined,
    getConfirmations: async () => ({}),
  };
  render(<App actions={actions} autoRun={false} />);
  return { push: (s: RunState) => act(() => push(s)) };
}

const FLOWING = 'Secure media: encrypted audio is flowing; measuring call quality…';
afterEach(cleanup);

describe('popup progress', () => {
  it('shows HTTPS as soon as it is in, and "encrypted audio flowing" once the first echo came back', async () => {
    const popup = popupWith(running([result('relay-https', 'HTTPS to the relay')], null));
    await screen.findByText('HTTPS to the relay');
    expect(screen.queryByText(FLOWING)).toBeNull();

    popup.push(running([result('relay-https', 'HTTPS to the relay')], 420));
    await screen.findByText(FLOWING);
    const row = document.querySelector('[data-check-id="secure-media"]');
    expect(row?.getAttribute('data-status')).toBe('measuring');

    // The media check's own result replaces the row.
    popup.push(
      running([result('relay-https', 'HTTPS to the relay'), result('secure-media', 'Secure media')], 420),
    );
    await screen.findByText('Secure media');
    expect(screen.queryByText(FLOWING)).toBeNull();
    expect(document.querySelectorAll('[data-check-id="secure-media"]')).toHaveLength(1);
  });

  it('shows WSS as soon as the socket is open, pings pending, then the same row with the pings figures', async () => {
    const partial: CheckResult = {
      ...result('relay-wss', 'WSS to the relay'),
      reason: 'pings-pending',
      summary: 'WSS connected in 40 ms; the relay answered. Measuring 5 ping round trips…',
      partial: true,
    };
    const popup = popupWith(running([partial], null));
    await screen.findByText(partial.summary);
    const row = () => document.querySelectorAll('[data-check-id="relay-wss"]');
    expect(row()[0]?.getAttribute('data-partial')).toBe('true');
    // A partial result is not a finished check.
    expect(screen.getByRole('status').textContent).toBe('Checking… 0 done');

    popup.push(
      running(
        [
          {
            ...result('relay-wss', 'WSS to the relay'),
            summary: 'WSS connected in 40 ms; 5 pings, median round trip 2 ms.',
          },
        ],
        null,
      ),
    );
    await screen.findByText('WSS connected in 40 ms; 5 pings, median round trip 2 ms.');
    expect(screen.queryByText(partial.summary)).toBeNull();
    expect(row()).toHaveLength(1);
    expect(row()[0]?.hasAttribute('data-partial')).toBe(false);
    expect(screen.getByRole('status').textContent).toBe('Checking… 1 done');
  });

  it('says it in German for a German browser', async () => {
    const restore = useBrowserLanguage('de');
    try {
      popupWith(running([], 300));
      await screen.findByText(
        'Verschlüsselte Medien: verschlüsseltes Audio fließt; Gesprächsqualität wird gemessen…',
      );
    } finally {
      restore();
    }
  });
});
