/**
 * The relay's metrics, served on GET /metrics. Labels are reasons and status codes only: no client
 * address, session, port or ufrag ever becomes a label (registry.ts enforces the shape of every value).
 * Process figures are read when scraped.
 */
import { readdirSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Counter, Histogram, Labels } from './registry.ts';
import { Registry } from './registry.ts';

export interface RelayMetrics {
  readonly registry: Registry;
  readonly sessionsStarted: Counter;
  /** reason: an EndReason (duration, setup-timeout, shutdown, error, rate-limited, bye, closed). */
  readonly sessionsEnded: Counter;
  /** reason: ports-busy, address-concurrent, address-starts, shutting-down, probe-busy. */
  readonly sessionRefusals: Counter;
  /** Offer to DTLS connected, seconds. */
  readonly sessionSetup: Histogram;
  readonly wsConnections: Counter;
  /** reason: the error code sent (bad-json, too-big, idle, …), or heartbeat, too-many-parts, draining. */
  readonly wsRejected: Counter;
  /** TCP connections closed at once; cap: address (--max-connections-per-address) or relay (--max-connections). */
  readonly connectionsRefused: Counter;
  /** reason: media-guard.ts DropReason. */
  readonly mediaDropped: Counter;
  /** Sessions whose audio the native echo's add-on took over. */
  readonly nativeEchoSessions: Counter;
  /** status: the HTTP status of each POST /api/reports answer. */
  readonly uploads: Counter;
  /** scope: session (attributed to one session and torn down with it) or process. */
  readonly errorsCaught: Counter;
  /** Stops the event loop delay sampler (the relay calls it once closed). */
  stop(): void;
}

export interface RelayGauges {
  sessionsActive(): number;
  sessionsMax(): number;
  wsConnections(): number;
  draining(): boolean;
  /** The STUN probe responder's own counts. */
  stun(): { answered: number; ignored: Readonly<Record<string, number>> };
  /** Windows in which the native echo's real-time thread used its budget (0 without 'high'). */
  nativeEchoFifoDemoted(): number;
}

/** Setup on loopback takes ~0.2 s; a browser across the world, a second or two; the deadline is 10 s. */
const SETUP_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30];

function openFds(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return Number.NaN;
  }
}

export function createRelayMetrics(gauges: RelayGauges): RelayMetrics {
  const r = new Registry();
  // Ten samples a second: enough for a p99, and no measurable CPU on an idle relay.
  const loopDelay = monitorEventLoopDelay({ resolution: 100 });
  loopDelay.enable();
  const metrics: RelayMetrics = {
    registry: r,
    stop: () => loopDelay.disable(),
    sessionsStarted: r.counter(
      'svc_relay_sessions_started_total',
      'Media sessions started (offer accepted).',
    ),
    sessionsEnded: r.counter('svc_relay_sessions_ended_total', 'Media sessions ended, by reason.', [
      'reason',
    ]),
    sessionRefusals: r.counter('svc_relay_session_refusals_total', 'Sessions refused, by reason.', [
      'reason',
    ]),
    sessionSetup: r.histogram(
      'svc_relay_session_setup_seconds',
      'Time from a media offer to DTLS connected.',
      SETUP_BUCKETS,
    ),
    wsConnections: r.counter('svc_relay_ws_connections_total', 'WebSocket connections accepted.'),
    wsRejected: r.counter(
      'svc_relay_ws_rejected_total',
      'WebSocket upgrades refused and connections closed by the relay for a fault, by reason.',
      ['reason'],
    ),
    connectionsRefused: r.counter(
      'svc_relay_connections_refused_total',
      'TCP connections (HTTPS and probe ports) closed at once: their address (cap="address") or the relay (cap="relay") held its connection cap.',
      ['cap'],
    ),
    mediaDropped: r.counter(
      'svc_relay_media_dropped_total',
      'Datagrams and ICE-TCP frames dropped at media ports before werift saw them, and datagrams the relay did not send (egress-unproven, echo-send-failed), by reason.',
      ['reason'],
    ),
    nativeEchoSessions: r.counter(
      'svc_relay_native_echo_sessions_total',
      "Media sessions whose audio the native echo took over (--echo-path native); the others' audio is echoed in JavaScript.",
    ),
    uploads: r.counter('svc_relay_uploads_total', 'Report uploads answered, by HTTP status.', ['status']),
    errorsCaught: r.counter(
      'svc_relay_errors_caught_total',
      'Unexpected errors caught and survived, by scope (session: that session was torn down).',
      ['scope'],
    ),
  };
  r.gauge('svc_relay_sessions_active', 'Media sessions holding a port now.', gauges.sessionsActive);
  r.gauge('svc_relay_sessions_max', 'Most media sessions the relay takes at once.', gauges.sessionsMax);
  r.gauge('svc_relay_ws_connections', 'WebSocket connections open now.', gauges.wsConnections);
  r.gauge('svc_relay_draining', '1 while the relay drains before stopping.', () =>
    gauges.draining() ? 1 : 0,
  );
  r.collectedCounter(
    'svc_relay_stun_answered_total',
    'STUN probe requests answered.',
    () => gauges.stun().answered,
  );
  r.collectedCounter(
    'svc_relay_stun_ignored_total',
    'STUN probe datagrams not answered, by reason.',
    () =>
      Object.entries(gauges.stun().ignored).map(([reason, n]): readonly [Labels, number] => [{ reason }, n]),
    ['reason'],
  );

  r.collectedCounter(
    'svc_relay_native_echo_fifo_demoted_total',
    "100 ms windows in which the native echo's thread, under --native-echo-priority high, used its real-time budget of the CPU and ran on as an ordinary thread until the window ended (a flood to a handed-over port).",
    gauges.nativeEchoFifoDemoted,
  );

  const startTimeS = Math.round(Date.now() / 1000 - process.uptime());
  r.collectedCounter('process_cpu_seconds_total', 'User and system CPU time, seconds.', () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  });
  r.gauge('process_resident_memory_bytes', 'Resident set size, bytes.', () => process.memoryUsage.rss());
  r.gauge('process_heap_used_bytes', 'V8 heap in use, bytes.', () => process.memoryUsage().heapUsed);
  r.gauge(
    'process_external_memory_bytes',
    'Memory outside the V8 heap held by JavaScript objects (Buffers, crypto and socket handles), bytes.',
    () => process.memoryUsage().external,
  );
  r.gauge('process_start_time_seconds', 'Start time, seconds since the epoch.', () => startTimeS);
  r.gauge('process_open_fds', 'Open file descriptors (sockets included).', openFds);
  r.gauge(
    'nodejs_eventloop_delay_p99_seconds',
    'Event loop delay, 99th percentile since the last scrape.',
    () => {
      const p99 = loopDelay.percentile(99) / 1e9;
      loopDelay.reset();
      return p99;
    },
  );
  return metrics;
}
