/**
 * A UDP probe that timed out on a busy computer is not a firewall: a port whose checks the relay received
 * and answered is open, and only a port the relay never heard from is reported blocked.
 */
import { describe, expect, it, vi } from 'vitest';
import { checkPortMatrix, type PortMatrixContext } from '../../../src/checks/ports/port-matrix.ts';
import { answeredByRelay, RELAY_ANSWERED } from '../../../src/checks/ports/relay-answered.ts';
import { LANGUAGES } from '../../../src/messages/languages.ts';
import { renderMessage } from '../../../src/messages/render.ts';
import { probeTargets, profileById } from '../../../src/profiles/index.ts';
import type { ProbeBinding } from '../../../src/protocol/relay-messages.ts';
import type { IceProbeTarget } from '../../../src/protocol/runtime-messages.ts';
import { FakeRelaySocket } from '../../fakes/fake-socket.ts';

const silent = (port: number) => ({
  providerPort: port,
  relayPort: port + 1000,
  status: 'blocked' as const,
  reason: 'timed-out',
  ms: 3000,
});
const binding = (relayPort: number): ProbeBinding => ({
  relayPort,
  providerPort: relayPort - 1000,
  remoteAddress: '198.51.100.7',
  remotePort: 50_000,
});

describe('answeredByRelay', () => {
  it('opens only the silent ports the relay answered', () => {
    const open = { ...silent(5061), status: 'open' as const, reason: 'ok', ms: 4 };
    const out = answeredByRelay([silent(40000), silent(40001), open], [binding(41000), binding(6061)]);
    expect(out.map((r) => [r.providerPort, r.status, r.reason])).toEqual([
      [40000, 'open', RELAY_ANSWERED],
      [40001, 'blocked', 'timed-out'],
      [5061, 'open', 'ok'],
    ]);
  });
});

const profile = profileById('desk-phone');
if (!profile) throw new Error('no desk-phone profile');
const offered = (transport: 'tcp' | 'udp') =>
  probeTargets(profile)
    .filter((t) => !t.browserRestricted && t.transport === transport)
    .map((t) => t.port);
const inMediaRange = (port: number) => port >= 40000 && port <= 49999;

/** A relay whose probe session offers the desk phone's ports and reports `heard` as answered. */
function fakeRelay(heard: (relayPort: number) => boolean, probed: Set<number>) {
  return class FakeWs extends FakeRelaySocket {
    override send(text: string) {
      const m = JSON.parse(text);
      if (m.type === 'probe-start')
        this.emit({
          type: 'probe-session',
          ufrag: m.purpose === 'nat' ? 'natn' : 'abcd',
          pwd: 'abcdefghijklmnopqrstuvwxyz',
          expiresInS: 60,
          address: '203.0.113.5',
          tcp: offered('tcp').map((p) => ({ providerPort: p, relayPort: p + 10_000 })),
          udp: offered('udp').map((p) => ({ providerPort: p, relayPort: p })),
          unbound: [],
          clientAddress: '198.51.100.7',
        });
      if (m.type === 'probe-results') {
        const bindings = m.ufrag === 'abcd' ? [...probed].filter(heard).map((p) => binding(p)) : [];
        this.emit({ type: 'probe-observed', ufrag: m.ufrag, bindings });
      }
    }
  } as unknown as typeof WebSocket;
}

type Look = { status: 'blocked' | 'error'; reason: string };
const TIMED_OUT: Look = { status: 'blocked', reason: 'timed-out' };

/**
 * The browser hears no answer from the desk phones' media range: `looks` says what each look at it got
 * (the last one repeats).
 */
async function run(heard: (relayPort: number) => boolean, looks: Look[] = [TIMED_OUT]) {
  const probed = new Set<number>();
  let look = 0;
  const ctx: PortMatrixContext = {
    fetch: (async () => new Response('{}')) as unknown as typeof fetch,
    WebSocket: fakeRelay(heard, probed),
    now: () => Date.now(),
    netErrors: { errorFor: async () => undefined },
    tlsStack: 'chromium',
    iceProbes: async (list: IceProbeTarget[]) => {
      const silent = looks[Math.min(look, looks.length - 1)] as Look;
      if (list.some((t) => inMediaRange(t.providerPort))) look++;
      for (const t of list) if (silent.status === 'blocked') probed.add(t.relayPort);
      return {
        results: list.map((t) =>
          inMediaRange(t.providerPort)
            ? {
                providerPort: t.providerPort,
                relayPort: t.relayPort,
                ...silent,
                ms: 3000,
              }
            : {
                providerPort: t.providerPort,
                relayPort: t.relayPort,
                status: 'open' as const,
                reason: 'ok',
                ms: 5,
              },
        ),
        localAddresses: ['192.168.1.20'],
      };
    },
    natProbe: async () => ({ connected: true }),
  };
  vi.useFakeTimers();
  try {
    const pending = checkPortMatrix('https://relay.example:8443', 'desk-phone', ctx);
    await vi.advanceTimersByTimeAsync(60_000);
    return await pending;
  } finally {
    vi.useRealTimers();
  }
}

const mediaPorts = (result: Awaited<ReturnType<typeof run>>) =>
  (
    result.data.ports as Array<{
      port: number;
      transport: string;
      status: string;
      reason: string;
      ms: number | null;
    }>
  ).filter((p) => p.transport === 'udp' && inMediaRange(p.port));

describe('the port check on a computer too busy to hear the answers', () => {
  it('does not call the media range blocked when the relay answered every check', async () => {
    const result = await run(() => true);
    expect(result.status).toBe('pass');
    expect(result.reason).toBe('ok');
    expect(result.summary).toMatch(/^All \d+ probed ports of the Desk phone profile are open/);
    const ports = mediaPorts(result);
    expect(ports.length).toBeGreaterThan(0);
    expect(ports.every((p) => p.status === 'open' && p.reason === RELAY_ANSWERED && p.ms === null)).toBe(
      true,
    );
  });

  it('still says blocked where the relay heard nothing', async () => {
    const result = await run(() => false);
    expect(result.status).toBe('fail');
    expect(result.reason).toBe('ports-blocked');
    expect(result.step).toBe('ice');
    expect(result.summary).toMatch(/UDP 40000-49999/);
    expect(result.summaryMessage && renderMessage(result.summaryMessage, LANGUAGES.de)).toMatch(
      /UDP 40000-49999/,
    );
    expect(mediaPorts(result).every((p) => p.status === 'blocked' && p.reason === 'timed-out')).toBe(true);
  });

  it('names only the ports the relay never heard from', async () => {
    const result = await run((relayPort) => relayPort % 2 === 0);
    const ports = mediaPorts(result);
    expect(ports.filter((p) => p.port % 2 === 0).every((p) => p.status === 'open')).toBe(true);
    expect(ports.filter((p) => p.port % 2 === 1).every((p) => p.status === 'blocked')).toBe(true);
    expect(result.reason).toBe('ports-blocked');
  });

  it('does not blame the firewall for ports this computer sent no check to, and looks at them again', async () => {
    const NOT_SENT: Look = { status: 'error', reason: 'checks-not-sent' };
    const never = await run(() => true, [NOT_SENT]);
    expect(never.status).toBe('warn');
    expect(never.reason).toBe('ports-unmeasured');
    expect(never.summary).not.toMatch(/blocked/i);
    expect(mediaPorts(never).every((p) => p.status === 'error' && p.reason === 'checks-not-sent')).toBe(true);
    // Sent the second time and answered by the relay: open; sent and never heard of: blocked.
    expect(mediaPorts(await run(() => true, [NOT_SENT, TIMED_OUT])).every((p) => p.status === 'open')).toBe(
      true,
    );
    const blocked = await run(() => false, [NOT_SENT, TIMED_OUT]);
    expect(blocked.reason).toBe('ports-blocked');
    expect(blocked.summary).toMatch(/UDP 40000-49999/);
  });
});
