/**
 * A check the run stops waiting for is told to stop: the runner aborts its signal at the time limit, so the
 * check can close what it opened (the media session, the port check's socket), and a check that ended in
 * time is never told. The plan hands each check's signal to the work it starts.
 */
import * as v from 'valibot';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { quickCheckPlan } from '../../../src/checks/plan.ts';
import { CheckTimedOut, runChecks } from '../../../src/checks/runner.ts';
import type { CheckResult } from '../../../src/checks/types.ts';
import { SettingsSchema } from '../../../src/protocol/settings.ts';
import { fakeContext } from '../../fakes/check-context.ts';
import { passedCheck as ok } from '../../fakes/report.ts';

/** Something a check opens (a socket, a peer connection) and must close. */
function resource() {
  const r = { open: true, close: () => (r.open = false) };
  return r;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('runChecks: a timed-out check is told to stop', () => {
  it('aborts the signal of a check past its limit, which closes what it opened', async () => {
    const socket = resource();
    let slowSignal: AbortSignal | null = null;
    let quickSignal: AbortSignal | null = null;
    const pending = runChecks(
      [
        {
          id: 'slow',
          title: 'Slow',
          run: (_partial, signal) => {
            slowSignal = signal;
            signal.addEventListener('abort', socket.close);
            return new Promise<CheckResult>(() => {});
          },
        },
        {
          id: 'quick',
          title: 'Quick',
          run: async (_partial, signal) => {
            quickSignal = signal;
            return ok('quick');
          },
        },
      ],
      () => {},
      () => Date.now(),
      1000,
    );
    await vi.advanceTimersByTimeAsync(999);
    expect(socket.open).toBe(true);
    expect((slowSignal as AbortSignal | null)?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(2);
    const [slow, quick] = await pending;
    expect(slow).toMatchObject({ id: 'slow', status: 'error', reason: 'check-timed-out' });
    expect(quick).toMatchObject({ id: 'quick', status: 'pass' });
    expect(socket.open).toBe(false);
    expect((slowSignal as AbortSignal | null)?.reason).toBeInstanceOf(CheckTimedOut);
    // The check that ended in time is never told to stop, however long the run goes on.
    await vi.advanceTimersByTimeAsync(5000);
    expect((quickSignal as AbortSignal | null)?.aborted).toBe(false);
  });

  it('a check that ends with an error after it was stopped changes nothing', async () => {
    const pending = runChecks(
      [
        {
          id: 'stops',
          title: 'Stops',
          run: (_partial, signal) =>
            new Promise<CheckResult>((_, reject) =>
              signal.addEventListener('abort', () => reject(signal.reason)),
            ),
        },
      ],
      () => {},
      () => Date.now(),
      500,
    );
    await vi.advanceTimersByTimeAsync(501);
    const [r] = await pending;
    expect(r).toMatchObject({ status: 'error', reason: 'check-timed-out' });
  });
});

describe('quickCheckPlan hands each check its signal', () => {
  const settings = v.parse(SettingsSchema, {
    relayUrl: 'https://relay.example',
    targets: [],
  });

  it('to the media loopback and the NAT binding lifetime', async () => {
    const seen: Array<[string, AbortSignal | undefined]> = [];
    const ctx = {
      ...fakeContext({}),
      iceProbes: async () => ({ results: [], localAddresses: [] }),
      natProbe: async () => ({ connected: false }),
    };
    const plan = quickCheckPlan(
      settings,
      ctx,
      async (url, _mode, _options, signal) => {
        seen.push([url, signal]);
        return ok('secure-media');
      },
      'extended',
      async (url, signal) => {
        seen.push([`binding ${url}`, signal]);
        return ok('nat-binding');
      },
    );
    const signals = new Map(plan.map((c) => [c.id, new AbortController().signal]));
    const run = (id: string) => plan.find((c) => c.id === id)?.run(() => {}, signals.get(id) as AbortSignal);
    await run('secure-media');
    await run('nat-binding');
    expect(seen).toContainEqual(['https://relay.example', signals.get('secure-media')]);
    expect(seen).toContainEqual(['binding https://relay.example', signals.get('nat-binding')]);
  });
});
