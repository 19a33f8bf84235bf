/**
 * The command line's side of a run: it asks the extension's background through one of its pages. It must
 * end, with a message that says why, when the browser stops answering or the stored report is not one the
 * command can read; before, a report failing its schema was polled for until the run's whole limit (3.5 min
 * with two relays compared), which a test saw as a hang. A page stands in for the browser here.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { REQUEST_LIMIT_MS, request, runCheckInExtension } from '../../../src/cli/drive-extension.ts';
import type { ExtensionPage } from '../../../src/cli/extension-page.ts';
import { report } from '../../fakes/report.ts';

const SETTINGS = { relayUrl: 'https://relay.example', targets: [] };

type Answer = (m: { type: string }) => Promise<unknown>;

/** A page whose background answers with `answer`; evaluate runs the function here, as a browser would there. */
function pageAnswering(answer: Answer): ExtensionPage {
  return {
    evaluate: async (fn: (arg: unknown) => unknown, arg: unknown) => {
      const g = globalThis as unknown as { chrome?: unknown };
      const before = g.chrome;
      g.chrome = { runtime: { sendMessage: answer } };
      try {
        return await fn(arg);
      } finally {
        g.chrome = before;
      }
    },
  } as ExtensionPage;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('runCheckInExtension', () => {
  it('returns the run’s report once the background is idle with it', async () => {
    const stored = report({ runId: 'run-1' });
    const page = pageAnswering(async (m) =>
      m.type === 'runCheck'
        ? { ok: true, value: { runId: 'run-1' } }
        : m.type === 'getState'
          ? { ok: true, value: { status: 'idle', last: stored, progress: [] } }
          : { ok: true, value: null },
    );
    const r = await runCheckInExtension(page, SETTINGS, 'quick', 60_000);
    expect(r.runId).toBe('run-1');
  });

  it('says the report does not match its format, naming the field, instead of waiting for the limit', async () => {
    const broken = { ...report({ runId: 'run-2' }), verdict: 'splendid' };
    const page = pageAnswering(async (m) =>
      m.type === 'runCheck'
        ? { ok: true, value: { runId: 'run-2' } }
        : m.type === 'getState'
          ? { ok: true, value: { status: 'idle', last: broken, progress: [] } }
          : { ok: true, value: null },
    );
    const outcome = runCheckInExtension(page, SETTINGS, 'quick', 60_000).then(
      () => 'returned',
      (e: Error) => e.message,
    );
    await vi.advanceTimersByTimeAsync(100);
    expect(await outcome).toMatch(/^the extension's report does not match the report format \(verdict: /);
  });

  it('names the checks finished so far when the run does not end in time', async () => {
    const page = pageAnswering(async (m) =>
      m.type === 'runCheck'
        ? { ok: true, value: { runId: 'run-3' } }
        : m.type === 'getState'
          ? {
              ok: true,
              value: {
                status: 'running',
                last: null,
                progress: [{ id: 'relay-https' }, { id: 'relay-wss' }],
              },
            }
          : { ok: true, value: null },
    );
    const heard: string[][] = [];
    const outcome = runCheckInExtension(page, SETTINGS, 'quick', 1000, (p) =>
      heard.push(p.map((c) => c.id)),
    ).then(
      () => 'returned',
      (e: Error) => e.message,
    );
    await vi.advanceTimersByTimeAsync(1200);
    expect(await outcome).toBe(
      'the extension did not finish the check within 1 s (finished so far: relay-https, relay-wss)',
    );
    expect(heard.at(-1)).toEqual(['relay-https', 'relay-wss']);
  });
});

describe('request', () => {
  it('gives up on a background that never answers, naming the message', async () => {
    const page = pageAnswering(() => new Promise(() => undefined));
    const outcome = request(page, { type: 'getState' }).then(
      () => 'answered',
      (e: Error) => e.message,
    );
    await vi.advanceTimersByTimeAsync(REQUEST_LIMIT_MS + 10);
    expect(await outcome).toBe(
      `the extension did not answer getState within ${REQUEST_LIMIT_MS / 1000} s (the browser may be stuck)`,
    );
  });
});
