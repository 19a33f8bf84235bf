/**
 * The WSS row the user sees at once: "connected, measuring pings" as soon as the relay's hello is valid, then
 * the pings' figures or the failure while pinging in the same row.
 */
import { describe, expect, it, vi } from 'vitest';
import { withResult } from '../../../src/background/with-result.ts';
import { checkRelayWss } from '../../../src/checks/relay-wss.ts';
import { runChecks } from '../../../src/checks/runner.ts';
import type { CheckResult } from '../../../src/checks/types.ts';
import { fakeWs, type WsScript } from '../i18n/real-results.ts';

const RELAY = 'https://relay.example:8443';

/** Runs the WSS check as the background does, returning every result the popup was sent, in order. */
async function shown(script: WsScript): Promise<{ sent: CheckResult[]; rows: CheckResult[] }> {
  vi.useFakeTimers();
  try {
    const sent: CheckResult[] = [];
    const ctx = {
      fetch: (async () => new Response('{}')) as typeof fetch,
      WebSocket: fakeWs(script),
      now: () => Date.now(),
      netErrors: { errorFor: async () => undefined },
    };
    const pending = runChecks(
      [{ id: 'relay-wss', title: 'WSS', run: (partial) => checkRelayWss(RELAY, ctx, partial) }],
      (r) => sent.push(r),
      () => Date.now(),
    );
    await vi.advanceTimersByTimeAsync(60_000);
    const [final] = await pending;
    const rows = sent.reduce<CheckResult[]>((acc, r) => withResult(acc, r), []);
    expect(rows).toEqual([final]);
    return { sent, rows };
  } finally {
    vi.useRealTimers();
  }
}

describe('WSS check, partial then final', () => {
  it('shows the open socket with the pings pending, then the same row with the pings figures', async () => {
    const { sent } = await shown('pongs');
    expect(sent).toHaveLength(2);
    const [first, last] = sent;
    expect(first).toMatchObject({
      id: 'relay-wss',
      partial: true,
      status: 'pass',
      reason: 'pings-pending',
      summary: expect.stringMatching(
        /^WSS connected in \d+ ms; the relay answered\. Measuring 5 ping round trips…$/,
      ),
      data: { url: 'wss://relay.example:8443/ws', tlsVersion: 'TLSv1.3' },
    });
    // Nothing is claimed about the pings before they are measured.
    expect(first?.data).not.toHaveProperty('received');
    expect(first?.data).not.toHaveProperty('medianMs');
    expect(last).toMatchObject({ status: 'pass', reason: 'ok', data: { sent: 5, received: 5 } });
    expect(last?.summary).toMatch(/^WSS connected in \d+ ms; 5 pings, median round trip \d+ ms\.$/);
    expect(last).not.toHaveProperty('partial');
    // The final result keeps what the partial one said about the connection.
    expect(last?.data).toMatchObject(first?.data ?? {});
  });

  it('turns the row into the failure, with its step and cause, when the relay goes away while pinging', async () => {
    const { sent, rows } = await shown('closes-on-ping');
    expect(sent.map((r) => [r.status, r.reason, r.partial ?? false])).toEqual([
      ['pass', 'pings-pending', true],
      ['fail', 'relay-went-away', false],
    ]);
    expect(rows[0]).toMatchObject({ step: 'wss', status: 'fail' });
    expect(rows[0]?.summary).toBe(
      'The relay at relay.example:8443 closed the connection while exchanging pings. It may be restarting: run the check again in a minute.',
    );
  });

  it('turns the row into "no ping came back" when the pings go unanswered', async () => {
    const { sent } = await shown('no-pongs');
    expect(sent.map((r) => [r.status, r.reason, r.partial ?? false])).toEqual([
      ['pass', 'pings-pending', true],
      ['fail', 'no-pong', false],
    ]);
    expect(sent[1]).toMatchObject({ step: 'wss' });
    expect(sent[1]?.summary).toMatch(/^Connected to relay\.example:8443, but no ping came back/);
  });

  it('shows no partial row when the relay never says hello', async () => {
    const { sent } = await shown('no-hello');
    expect(sent.map((r) => [r.reason, r.partial ?? false])).toEqual([['relay-bad-response', false]]);
  });
});
