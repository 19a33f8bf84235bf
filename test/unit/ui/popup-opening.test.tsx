// @vitest-environment happy-dom
/**
 * Opening the popup starts a quick check. Until that run shows up, the verdict stored before is the previous
 * one: the popup says it is checking, never "Check complete." with the old verdict as if it were this
 * check's (a screen reader would announce an old "blocked" as an alert; in CI a test read it as the new one).
 */
import { act, cleanup, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../../popup/app.tsx';
import type { RunState } from '../../../src/protocol/runtime-messages.ts';
import type { ExtensionActions } from '../../../src/ui/actions.ts';
import { report } from '../../fakes/report.ts';
import { idleState } from '../../fakes/run-state.ts';

const idle = idleState;

const before = report({ runId: 'run-before', verdict: 'blocked', headline: 'Blocked: the relay refused.' });

function openPopup(runCheck: () => Promise<void>) {
  let push: (s: RunState) => void = () => undefined;
  const actions: ExtensionActions = {
    getState: async () => idle(before),
    runCheck,
    subscribe: (listener) => {
      push = listener;
      return () => undefined;
    },
    openPage: async () => undefined,
    getConfirmations: async () => ({}),
  };
  render(<App actions={actions} />);
  return { push: (s: RunState) => act(() => push(s)) };
}

const status = () => document.querySelector('.status');
const current = () => document.querySelector('[data-verdict]');
const previous = () => document.querySelector('[data-previous-verdict]');

afterEach(cleanup);

describe('popup on open', () => {
  it('shows the stored verdict as previous and says it is checking until its own run has a verdict', async () => {
    let started = false;
    const popup = openPopup(async () => {
      started = true;
    });
    await waitFor(() => expect(started).toBe(true));
    // The background has not yet said "running": the stored report is still the state's last.
    expect(current()).toBeNull();
    expect(previous()?.getAttribute('data-previous-verdict')).toBe('blocked');
    expect(status()?.getAttribute('data-running')).toBe('true');
    expect(status()?.textContent).toBe('Checking… 0 done');
    expect(screen.queryByRole('alert')).toBeNull();

    popup.push({ ...idle(before), status: 'running', runId: 'run-new', startedAt: new Date().toISOString() });
    expect(current()).toBeNull();

    popup.push(idle(report({ runId: 'run-new', verdict: 'ready' })));
    expect(current()?.getAttribute('data-verdict')).toBe('ready');
    expect(previous()).toBeNull();
    expect(status()?.getAttribute('data-running')).toBe('false');
    expect(status()?.textContent).toBe('Check complete.');
  });

  it('shows this run’s verdict even when the run ended before the popup saw it running', async () => {
    let started = false;
    const popup = openPopup(async () => {
      started = true;
    });
    await waitFor(() => expect(started).toBe(true));
    popup.push(idle(report({ runId: 'run-fast', verdict: 'error' })));
    expect(current()?.getAttribute('data-verdict')).toBe('error');
    expect(status()?.getAttribute('data-running')).toBe('false');
  });

  it('shows the stored verdict again, with the problem, when the run could not be started', async () => {
    openPopup(async () => {
      throw new Error('no background');
    });
    await screen.findByText('no background');
    expect(current()?.getAttribute('data-verdict')).toBe('blocked');
    expect(status()?.getAttribute('data-running')).toBe('false');
  });
});
