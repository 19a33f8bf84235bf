/**
 * Check results as the checks really write them, one or more per reason code, produced by running the check
 * functions against scripted browsers and relays (fake timers, no network). The UI's translations are tested
 * against these: in English they must give back exactly the checks' own text.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vi } from 'vitest';
import type { CheckContext } from '../../../src/checks/context.ts';
import { netFailure } from '../../../src/checks/failure.ts';
import { checkHttps } from '../../../src/checks/https-reachability.ts';
import { mediaStalled } from '../../../src/checks/media/media-failure.ts';
import { type MediaMetrics, mediaResult } from '../../../src/checks/media/media-result.ts';
import { summarizeProbes } from '../../../src/checks/media/probe-stats.ts';
import { lossPercent, type MediaStatsSummary } from '../../../src/checks/media/reduce-stats.ts';
import { checkSecureMedia, MEDIA_STALL_MS, SECURE_MEDIA } from '../../../src/checks/media/secure-media.ts';
import { limitsFrom } from '../../../src/checks/media/thresholds.ts';
import type { NetReason } from '../../../src/checks/net-error.ts';
import { checkPortMatrix, type PortMatrixContext } from '../../../src/checks/ports/port-matrix.ts';
import { checkRelayHttps, RELAY_HTTPS } from '../../../src/checks/relay-https.ts';
import { checkRelayWss, RELAY_WSS } from '../../../src/checks/relay-wss.ts';
import { runChecks } from '../../../src/checks/runner.ts';
import type { CheckResult } from '../../../src/checks/types.ts';
import { summaryOf, titleOf } from '../../../src/checks/words.ts';
import { msg } from '../../../src/messages/catalog.ts';
import { probeTargets, profileById } from '../../../src/profiles/index.ts';
import { FakeRelaySocket } from '../../fakes/fake-socket.ts';
import type { PeerScript, RelayScript } from '../../fakes/fake-webrtc.ts';

// Paths, not URLs: under happy-dom `URL` is the DOM's, which node:fs does not take.
const HERE = dirname(fileURLToPath(import.meta.url));

const RELAY = 'https://relay.example:8443';

/** Runs `start` with fake timers, advancing them until it settles. */
async function settle<T>(start: () => Promise<T>, advanceMs = 60_000): Promise<T> {
  vi.useFakeTimers();
  try {
    const pending = start();
    await vi.advanceTimersByTimeAsync(advanceMs);
    return await pending;
  } finally {
    vi.useRealTimers();
  }
}

export type WsScript =
  | 'pongs'
  | 'slow-pongs'
  | 'lost-pongs'
  | 'no-pongs'
  | 'closes-after-open'
  | 'closes-on-ping'
  | 'no-hello'
  | 'never-opens'
  | 'probe'
  | 'probe-silent';

interface ProbeScript {
  tcp: number[];
  udp: number[];
  unbound?: number[];
}

/** A relay's WSS: hello, pongs (or not), and the port probe session. */
export function fakeWs(script: WsScript, probe: ProbeScript = { tcp: [], udp: [] }) {
  return class FakeWs extends FakeRelaySocket {
    pings = 0;
    protected override open() {
      if (script === 'never-opens') return this.close();
      super.open();
      if (script === 'closes-after-open') return this.close();
      if (script === 'no-hello') return this.emit({ type: 'pong', seq: 0, t: 0, serverTime: 0 });
      if (script !== 'probe' && script !== 'probe-silent')
        this.emit({
          type: 'hello',
          relayVersion: 't',
          tls: { protocol: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256' },
        });
    }
    override send(text: string) {
      const m = JSON.parse(text);
      if (m.type === 'ping') {
        this.pings++;
        if (script === 'closes-on-ping') return this.close();
        if (script === 'no-pongs' || (script === 'lost-pongs' && this.pings === 2)) return;
        this.emit({ type: 'pong', seq: m.seq, t: m.t, serverTime: 0 }, script === 'slow-pongs' ? 300 : 3);
      }
      if (m.type === 'probe-start' && script === 'probe') {
        this.emit({
          type: 'probe-session',
          ufrag: 'abcd',
          pwd: 'abcdefghijklmnopqrstuvwxyz',
          expiresInS: 60,
          address: '127.0.0.1',
          tcp: probe.tcp.map((p) => ({ providerPort: p, relayPort: p + 10_000 })),
          udp: probe.udp.map((p) => ({ providerPort: p, relayPort: p })),
          unbound: (probe.unbound ?? []).map((p) => ({
            transport: 'udp',
            providerPort: p,
            relayPort: p,
            error: 'EADDRINUSE',
          })),
          clientAddress: '127.0.0.1',
        });
      }
      if (m.type === 'probe-results') this.emit({ type: 'probe-observed', ufrag: 'abcd', bindings: [] });
    }
  } as unknown as typeof WebSocket;
}

function ctx(over: Partial<CheckContext> = {}): CheckContext {
  return {
    fetch: (async () => new Response('{}')) as typeof fetch,
    WebSocket: fakeWs('pongs'),
    now: () => Date.now(),
    netErrors: { errorFor: async () => undefined },
    ...over,
  };
}

/** A hello as a TLS-inspecting proxy built on OpenSSL sends it: no GREASE, no record_size_limit. */
const PROXY_HELLO = {
  grease: false,
  extensions: [65281, 0, 11, 10, 35, 16, 22, 23, 13, 43, 45, 51],
  groups: [4588, 29, 23],
  alpn: ['http/1.1'],
  sni: 'relay.example',
  cipherSuites: 52,
};

const probeBody = (tls: string | null, clientHello: object | null = null) =>
  new Response(
    JSON.stringify({
      relayVersion: '1.0.0',
      tls: { protocol: tls, cipher: 'TLS_AES_128_GCM_SHA256' },
      clientHello,
      clientAddress: '203.0.113.9',
      serverTime: 1,
    }),
  );

/** A clock that moves `stepMs` every time it is read: a slow answer without waiting for one. */
const slowClock = (stepMs: number) => {
  let t = 0;
  return () => {
    t += stepMs;
    return t;
  };
};

const NET_REASONS: NetReason[] = [
  'dns-failure',
  'dns-no-answer',
  'connection-refused',
  'timed-out',
  'connection-reset',
  'tls-certificate-rejected',
  'tls-handshake-failed',
  'tls-stalled',
  'blocked-by-browser',
  'blocked-by-client',
  'network-unreachable',
  'proxy-failed',
  'network-error',
];

async function netResults(): Promise<CheckResult[]> {
  const target = {
    id: 'https-target-1',
    ...titleOf(msg('title_https_target', 'provider.example')),
    url: 'https://provider.example/',
  };
  return [
    ...NET_REASONS.map((r) => netFailure(RELAY_HTTPS, new URL(`${RELAY}/probe`), r, 12, undefined)),
    ...NET_REASONS.map((r) =>
      netFailure(RELAY_WSS, new URL('wss://relay.example:8443/ws'), r, 12, undefined),
    ),
    netFailure(target, new URL(target.url), 'dns-failure', 3, 'net::ERR_NAME_NOT_RESOLVED'),
    // Refused before trying: the browser's restricted-port list.
    await checkHttps({ ...target, url: 'https://provider.example:5061/' }, ctx()),
  ];
}

async function httpsResults(): Promise<CheckResult[]> {
  const target = {
    id: 'https-target-2',
    ...titleOf(msg('title_https_target', 'provider.example:8443')),
    url: 'https://provider.example:8443/',
  };
  const opaque = { status: 0, ok: false } as Response;
  return [
    await checkRelayHttps(RELAY, ctx({ fetch: (async () => probeBody('TLSv1.3')) as typeof fetch })),
    await checkRelayHttps(RELAY, ctx({ fetch: (async () => probeBody('TLSv1.1')) as typeof fetch })),
    ...(await Promise.all(
      (['chromium', 'firefox'] as const).map((tlsStack) =>
        checkRelayHttps(
          RELAY,
          ctx({ tlsStack, fetch: (async () => probeBody('TLSv1.3', PROXY_HELLO)) as typeof fetch }),
        ),
      ),
    )),
    await checkRelayHttps(RELAY, ctx({ fetch: (async () => probeBody(null)) as typeof fetch })),
    await checkRelayHttps(
      RELAY,
      ctx({ fetch: (async () => new Response('<html>portal</html>')) as typeof fetch }),
    ),
    await checkHttps(target, ctx({ fetch: (async () => new Response('', { status: 404 })) as typeof fetch })),
    await checkHttps(target, ctx({ fetch: (async () => opaque) as typeof fetch })),
    await checkHttps(target, ctx({ now: slowClock(2000) })),
  ];
}

async function wssResults(): Promise<CheckResult[]> {
  const scripts: WsScript[] = [
    'pongs',
    'slow-pongs',
    'lost-pongs',
    'no-pongs',
    'closes-after-open',
    'closes-on-ping',
    'no-hello',
    'never-opens',
  ];
  const out: CheckResult[] = [];
  for (const script of scripts) {
    // The partial result the popup shows while the pings run comes first, as in a run.
    const final = await settle(() =>
      checkRelayWss(RELAY, ctx({ WebSocket: fakeWs(script) }), (r) => out.push({ ...r, partial: true })),
    );
    out.push(final);
  }
  return out;
}

/** The loopback's verdicts from recorded browser stats (src/checks/media/media-result.ts). */
function mediaVerdicts(): CheckResult[] {
  const fixture = (name: string): MediaStatsSummary =>
    JSON.parse(readFileSync(join(HERE, `../../fixtures/stats/${name}.expected.json`), 'utf8'));
  const metrics = (stats: MediaStatsSummary): MediaMetrics => ({
    stats,
    lossPercent: lossPercent(stats),
    loss: { uplink: null, downlink: null, roundTrip: null },
    probes: summarizeProbes([]),
    samples: [],
    timings: { signalingMs: 50, iceConnectedMs: 120, dtlsConnectedMs: 180, firstEchoMs: 260 },
    toneState: 'running',
    mode: 'quick',
    profile: 'desk-phone',
    standsFor: null,
  });
  const udp = fixture('chromium-udp');
  const tcp = fixture('chromium-tcp');
  const strict = limitsFrom({ rttGoodMs: 1, lossGoodPercent: 1, jitterGoodMs: 30, mosPass: 4.0 });
  return [
    mediaResult(SECURE_MEDIA, metrics(udp), 3500),
    mediaResult(SECURE_MEDIA, metrics(fixture('firefox-udp')), 3500),
    mediaResult(SECURE_MEDIA, metrics(tcp), 3500),
    mediaResult(SECURE_MEDIA, metrics({ ...udp, packetsReceived: 180, packetsLost: 20 }), 3500),
    mediaResult(SECURE_MEDIA, metrics({ ...udp, packetsReceived: 196, packetsLost: 4 }), 3500),
    mediaResult(SECURE_MEDIA, metrics({ ...tcp, packetsReceived: 180, packetsLost: 20 }), 3500),
    mediaResult(SECURE_MEDIA, metrics(udp), 3500, strict),
    mediaResult(SECURE_MEDIA, metrics({ ...udp, jitterMs: 40 }), 3500),
    mediaResult(SECURE_MEDIA, metrics({ ...udp, rttMs: 500 }), 3500),
    mediaResult(SECURE_MEDIA, metrics({ ...udp, srtpCipher: null }), 3500),
  ];
}

/** The loopback's stage failures, from the media check against a scripted browser and relay. */
async function mediaResults(): Promise<CheckResult[]> {
  // Imported here: it reads its fixture through a file URL, which node:fs refuses under happy-dom.
  const { fakePeerConnection, fakeRelaySocket, fakeTone } = await import('../../fakes/fake-webrtc.ts');
  const run = (relay: RelayScript, peer: PeerScript, ws?: typeof WebSocket) =>
    settle(() =>
      checkSecureMedia(RELAY, 'quick', {
        RTCPeerConnection: fakePeerConnection(peer),
        WebSocket: ws ?? fakeRelaySocket(relay),
        now: () => Date.now(),
        createTone: fakeTone,
      }),
    );
  const out = [
    await run('answers', 'connects'),
    await run('answers', 'ice-never'),
    await run('answers', 'dtls-never'),
    await run('answers', 'no-echo'),
    await run('silent', 'connects'),
    await run('busy', 'connects'),
    await run('closes-during-media', 'connects'),
    await run('answers', 'connects', fakeWs('never-opens')),
  ];
  const stalled = mediaStalled('relay.example:8443', MEDIA_STALL_MS / 1000);
  out.push({
    ...SECURE_MEDIA,
    status: 'fail',
    durationMs: 9000,
    data: {},
    reason: stalled.reason,
    step: stalled.step,
    ...summaryOf(stalled.message),
  });

  out.push(...mediaVerdicts());
  return out;
}

async function portResults(): Promise<CheckResult[]> {
  const portsOf = (id: string, transport: 'tcp' | 'udp') => {
    const profile = profileById(id);
    if (!profile) throw new Error(`no ${id} profile`);
    return probeTargets(profile)
      .filter((t) => !t.browserRestricted && t.transport === transport)
      .map((t) => t.port);
  };
  const tcp = portsOf('desk-phone', 'tcp');
  const udp = portsOf('desk-phone', 'udp');
  const portCtx = (
    ws: typeof WebSocket,
    udpOpen: (port: number) => boolean,
    tcpOpen: (port: number) => boolean,
    inspected: (port: number) => boolean = () => false,
  ): PortMatrixContext => ({
    ...ctx({ WebSocket: ws }),
    tlsStack: 'chromium',
    fetch: (async (url: string) => {
      const relayPort = Number(new URL(url).port);
      const port = relayPort - 10_000;
      if (tcpOpen(port) && inspected(port)) {
        const tls = { protocol: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256' };
        const body = { providerPort: port, relayPort, transport: 'tcp', tls, clientHello: PROXY_HELLO };
        return new Response(JSON.stringify(body));
      }
      if (tcpOpen(port)) return new Response('{}');
      throw new TypeError('Failed to fetch');
    }) as typeof fetch,
    netErrors: { errorFor: async () => 'net::ERR_CONNECTION_REFUSED' },
    iceProbes: async (list) => ({
      results: list.map((t) => ({
        providerPort: t.providerPort,
        relayPort: t.relayPort,
        status: udpOpen(t.providerPort) ? ('open' as const) : ('blocked' as const),
        reason: udpOpen(t.providerPort) ? 'ok' : 'timed-out',
        ms: 5,
      })),
      localAddresses: ['192.168.1.20'],
    }),
    natProbe: async () => ({ connected: true }),
  });
  const all = () => true;
  const probe = (p: ProbeScript = { tcp, udp }) => fakeWs('probe', p);
  const run = (c: PortMatrixContext, profile = 'desk-phone') =>
    settle(() => checkPortMatrix(RELAY, profile, c));
  return [
    await run(portCtx(probe(), all, all)),
    await run(portCtx(probe(), (p) => p < 40000 || p > 49999, all)),
    await run(portCtx(probe(), all, (p) => p !== 5090)),
    // A middlebox inspecting only SIP over TLS (5096): the ports are open, phones fail there all the same.
    await run(portCtx(probe(), all, all, (p) => p === 5096)),
    await run(portCtx(probe({ tcp, udp, unbound: udp }), all, all)),
    await run(portCtx(probe({ tcp: [], udp: [] }), all, all)),
    await run(portCtx(probe(), all, all), 'no-such-profile'),
    await run(portCtx(fakeWs('never-opens'), all, all)),
    await run(portCtx(fakeWs('probe-silent'), all, all)),
    await run(
      portCtx(probe({ tcp: portsOf('meetings', 'tcp'), udp: portsOf('meetings', 'udp') }), all, all),
      'meetings',
    ),
  ];
}

async function runnerResults(): Promise<CheckResult[]> {
  const hangs = { ...RELAY_WSS, run: () => new Promise<CheckResult>(() => {}) };
  const crashes = {
    ...SECURE_MEDIA,
    run: async (): Promise<CheckResult> => {
      throw new Error('the offscreen document returned no media result');
    },
  };
  const target = {
    id: 'https-target-1',
    ...titleOf(msg('title_https_target', 'provider.example')),
    run: () => new Promise<CheckResult>(() => {}),
  };
  return settle(() =>
    runChecks(
      [hangs, crashes, target],
      () => undefined,
      () => Date.now(),
      20_000,
    ),
  );
}

/** A run where everything passed: HTTPS, WSS, media and the desk phone's ports. */
export async function passingResults(): Promise<CheckResult[]> {
  const all = [
    ...(await httpsResults()),
    ...(await wssResults()),
    ...mediaVerdicts(),
    ...(await portResults()),
  ];
  return ['relay-https', 'relay-wss', 'secure-media', 'port-matrix'].map((id) => {
    const r = all.find((c) => c.id === id && c.reason === 'ok');
    if (!r) throw new Error(`no passing ${id}`);
    return r;
  });
}

/** Every kind of result, in a stable order. */
export async function realResults(): Promise<CheckResult[]> {
  return [
    ...(await netResults()),
    ...(await httpsResults()),
    ...(await wssResults()),
    ...(await mediaResults()),
    ...(await portResults()),
    ...(await runnerResults()),
  ];
}
