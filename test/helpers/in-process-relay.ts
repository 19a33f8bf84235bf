/** A real relay on an ephemeral loopback port with a fresh self-signed certificate, for Node-side tests. */
import { createSocket } from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MetricsListen } from '../../src/relay/config/values.ts';
import type { ProbesHealth } from '../../src/relay/http/relay-routes.ts';
import type { ConnectionLimits } from '../../src/relay/https-options.ts';
import type { LandingOptions } from '../../src/relay/landing/landing-routes.ts';
import { createLogger, type Logger } from '../../src/relay/logger.ts';
import type { ProbeOptions, ProbePortsStatus } from '../../src/relay/probes/probe-listeners.ts';
import { createRelay } from '../../src/relay/server.ts';
import type { ShareOptions } from '../../src/relay/share/share-app.ts';
import type { ReportStore } from '../../src/relay/storage/report-store.ts';
import { openSqliteStore } from '../../src/relay/storage/sqlite-store.ts';
import { loadTlsIdentity, type TlsIdentity } from '../../src/relay/tls-cert.ts';
import type { MediaOptions, SessionLimits } from '../../src/relay/wss.ts';
import { TEST_MEDIA_PORTS } from '../ports.ts';

export interface TestRelay {
  url: string;
  port: number;
  tls: TlsIdentity;
  /** Which probe ports opened, as listen() reported them. */
  probes: ProbePortsStatus;
  /** GET /healthz, parsed. */
  healthz(): Promise<
    { sessions: { active: number; max: number }; mediaPorts: string; probes: ProbesHealth } & Record<
      string,
      unknown
    >
  >;
  /** GET a path on the relay's HTTPS port: status, headers and body text. */
  get(path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }>;
  /** GET /metrics: the exposition text. */
  metrics(): Promise<string>;
  /** Starts draining and stopping (relay.close(graceMs)), without waiting; stop() then waits for it. */
  beginClose(graceMs: number): Promise<void>;
  /** What the process-level error handlers call (see server.ts). */
  handleUncaught(err: unknown, origin: string): void;
  /** The report store, when sharing is on. */
  store: ReportStore | null;
  /** Runs the retention sweep now. */
  sweepReports(): Promise<number>;
  /** One WebSocket heartbeat now (see Relay.heartbeat): tests set heartbeatMs long and beat by hand. */
  heartbeat(): void;
  stop(): Promise<void>;
}

/**
 * Report sharing for a test relay: any ShareOptions; the store defaults to SQLite in the relay's temporary
 * data folder (closed by stop(); a store passed in stays the caller's).
 */
export type TestShareOptions = Partial<ShareOptions>;

/**
 * Loopback ports that were free a moment ago, for probe listeners (which take fixed ports). Each is held
 * by a socket of the same transport on 127.0.0.1 until all are picked, so the list has no repeats.
 */
export async function freePorts(transport: 'tcp' | 'udp', count: number): Promise<number[]> {
  const closers: Array<() => Promise<void>> = [];
  const ports: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      if (transport === 'tcp') {
        const server = createServer();
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve());
        });
        const addr = server.address();
        ports.push(typeof addr === 'object' && addr ? addr.port : 0);
        closers.push(() => new Promise((resolve) => server.close(() => resolve())));
      } else {
        const socket = createSocket('udp4');
        await new Promise<void>((resolve, reject) => {
          socket.once('error', reject);
          socket.bind(0, '127.0.0.1', () => resolve());
        });
        ports.push(socket.address().port);
        closers.push(() => new Promise((resolve) => socket.close(() => resolve())));
      }
    }
  } finally {
    await Promise.all(closers.map((c) => c()));
  }
  return ports;
}

/** Media defaults for tests: loopback, a range away from a developer's running relay (40000-40199). */
export const TEST_MEDIA: MediaOptions = {
  ports: TEST_MEDIA_PORTS,
  address: '127.0.0.1',
  iceTcp: true,
  maxSessions: 10,
  setupTimeoutMs: 5000,
};

export async function startTestRelay(
  opts: {
    media?: Partial<MediaOptions>;
    probes?: Omit<ProbeOptions, 'address'>;
    share?: TestShareOptions;
    limits?: Partial<SessionLimits>;
    connections?: Partial<ConnectionLimits>;
    /** The HTTPS port; default 0 (any free one). */
    port?: number;
    metricsListen?: MetricsListen;
    /** The landing page at / and the web check under /web/. */
    landing?: LandingOptions;
    /** The relay's logger; default silent. */
    log?: Logger;
  } = {},
): Promise<TestRelay> {
  const dataDir = await mkdtemp(join(tmpdir(), 'svc-relay-test-'));
  const tls = await loadTlsIdentity({ certFile: null, keyFile: null, dataDir });
  const ownStore = opts.share && !opts.share.store ? openSqliteStore(dataDir) : null;
  const store = opts.share?.store ?? ownStore;
  const relay = createRelay({
    host: '127.0.0.1',
    port: opts.port ?? 0,
    version: 'test',
    tls,
    log: opts.log ?? createLogger('silent'),
    media: { ...TEST_MEDIA, ...opts.media },
    probes: { address: '127.0.0.1', tcp: [], udp: [], ...opts.probes },
    ...(opts.limits ? { limits: opts.limits } : {}),
    ...(opts.connections ? { connections: opts.connections } : {}),
    ...(opts.metricsListen === undefined ? {} : { metricsListen: opts.metricsListen }),
    ...(opts.landing ? { landing: opts.landing } : {}),
    ...(opts.share && store
      ? { share: { retentionMs: 30 * 24 * 3600 * 1000, supportTokens: [], ...opts.share, store } }
      : {}),
  });
  const { port, probes } = await relay.listen();
  const get = (path: string) =>
    new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      const req = request(`https://127.0.0.1:${port}${path}`, { ca: tls.cert }, (res) => {
        let body = '';
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    });
  let closing: Promise<void> | null = null;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    tls,
    probes,
    healthz: () =>
      new Promise((resolve, reject) => {
        const req = request(`https://127.0.0.1:${port}/healthz`, { ca: tls.cert }, (res) => {
          let body = '';
          res.on('data', (c) => {
            body += c;
          });
          res.on('end', () => resolve(JSON.parse(body)));
        });
        req.on('error', reject);
        req.end();
      }),
    get,
    metrics: async () => (await get('/metrics')).body,
    beginClose(graceMs) {
      closing ??= relay.close(graceMs);
      return closing;
    },
    handleUncaught: (err, origin) => relay.handleUncaught(err, origin),
    store,
    sweepReports: () => relay.sweepReports(),
    heartbeat: () => relay.heartbeat(),
    async stop() {
      closing ??= relay.close(100);
      await closing;
      await ownStore?.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
