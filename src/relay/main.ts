/** `npm run relay`: validate config, load TLS, listen, and shut down gracefully on SIGTERM/SIGINT. */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import { useSmallBufferSlabs } from './buffer-pool.ts';
import { helpText } from './config/docs.ts';
import { ConfigError, loadConfig, type RelayConfig, wantsHelp } from './config/load.ts';
import { providerMediaRanges } from './core/media-ports.ts';
import { GC_HELPERS, RELAY_NODE_FLAGS, v8PoolSize } from './gc-threads.ts';
import { createLogger, type Logger } from './logger.ts';
import { createRelay } from './server.ts';
import { openReportStore } from './storage/open-store.ts';
import type { ReportStore } from './storage/report-store.ts';
import { loadTlsIdentity } from './tls-cert.ts';
import { createTlsReloader } from './tls-reload.ts';
import { sessionLimitsOf } from './wss.ts';
import { holdYoungGeneration } from './young-generation.ts';

declare const __RELAY_VERSION__: string | undefined;

function version(): string {
  if (typeof __RELAY_VERSION__ === 'string') return __RELAY_VERSION__;
  try {
    return JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
  } catch {
    return 'dev';
  }
}

/** "5096->15096", or "5096" where the relay listens on the provider's own port. */
function portMap(p: { providerPort: number; relayPort: number }): string {
  return p.providerPort === p.relayPort ? `${p.providerPort}` : `${p.providerPort}->${p.relayPort}`;
}

/** Addresses of the relay itself: a redacted report may name them (they are not the user's). */
function ownAddresses(config: RelayConfig): string[] {
  const hosts = [config.host, config.mediaAddress, config.probeAddress];
  hosts.push(config.mediaAddress6 ?? '', config.probeAddress6 ?? '');
  if (config.publicUrl) hosts.push(new URL(config.publicUrl).hostname.replace(/^\[(.*)\]$/, '$1'));
  return [...new Set(hosts.filter((h) => isIP(h) !== 0))];
}

/**
 * How many helper threads V8's collector has in this relay, said once at start (gc-threads.ts): an operator
 * whose command line gives it more while the native echo's thread runs is told what the audio pays for it.
 */
function logGcHelpers(log: Logger, config: RelayConfig): void {
  const pool = v8PoolSize(process.execArgv, process.env.NODE_OPTIONS);
  const helpers = pool ?? 'node default (4)';
  if (
    (pool !== null && pool >= 1 && pool <= GC_HELPERS) ||
    config.echoPath !== 'native' ||
    !config.nativeEchoThread
  ) {
    log.info({ event: 'v8-gc-helpers', helpers });
    return;
  }
  log.warn({
    event: 'v8-gc-helpers',
    helpers,
    advice: `start node with ${RELAY_NODE_FLAGS.join(' ')} (README, Echo paths): more of V8's helper threads share the CPU with the native echo's thread during each collection, and the echoed audio waits`,
  });
}

const MIB = 1024 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;

async function main(): Promise<void> {
  if (wantsHelp(process.argv.slice(2))) {
    process.stdout.write(helpText());
    process.exit(0);
  }
  let config: RelayConfig;
  try {
    config = loadConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`relay: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  if (!holdYoungGeneration(process.execArgv, process.env.NODE_OPTIONS))
    log.info({ event: 'young-generation-sized-by-operator' });
  logGcHelpers(log, config);
  useSmallBufferSlabs();
  let tls: Awaited<ReturnType<typeof loadTlsIdentity>>;
  try {
    tls = await loadTlsIdentity(config);
  } catch (err) {
    console.error(`relay: cannot load TLS certificate/key: ${(err as Error).message}`);
    process.exit(2);
  }
  // Migrations run here, before anything listens: a relay that cannot store reports does not start.
  let store: ReportStore;
  try {
    store = await openReportStore({
      dbUrl: config.dbUrl,
      dataDir: config.dataDir,
      onIdleError: (err) => log.warn({ event: 'report-db-connection-lost', err: err.message }),
    });
  } catch (err) {
    console.error(
      `relay: cannot open the report database (${config.dbUrl ? 'PostgreSQL, --db-url' : 'SQLite in --data-dir'}): ${(err as Error).message}`,
    );
    process.exit(2);
  }
  const relay = createRelay({
    host: config.host,
    port: config.port,
    version: version(),
    tls,
    log,
    media: {
      ports: config.mediaPorts,
      appPorts: config.mediaPortsApps,
      address: config.mediaAddress,
      address6: config.mediaAddress6,
      iceTcp: config.iceTcp,
      echoPath: config.echoPath,
      nativeEchoThread: config.nativeEchoThread,
      nativeEchoPriority: config.nativeEchoPriority,
      maxSessions: config.maxSessions,
      setupTimeoutMs: config.setupTimeoutMs,
      ...(config.mediaStandIn ? { standsFor: providerMediaRanges() } : {}),
    },
    probes: {
      address: config.probeAddress,
      address6: config.probeAddress6,
      tcp: config.probeTcp,
      udp: config.probeUdp,
    },
    bindingGapsS: config.bindingGapsS,
    limits: sessionLimitsOf(config),
    connections: {
      tlsHandshakeTimeoutMs: config.tlsHandshakeTimeoutMs,
      headersTimeoutMs: config.headersTimeoutMs,
      requestTimeoutMs: config.requestTimeoutMs,
      maxConnectionsPerAddress: config.maxConnectionsPerAddress,
      maxConnections: config.maxConnections,
    },
    share: {
      store,
      ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
      retentionMs: config.retentionDays * DAY_MS,
      supportTokens: config.supportTokens,
      ownAddresses: ownAddresses(config),
      quotas: {
        clientBytesPerDay: config.reportQuotaMibPerDay * MIB,
        maxStoredBytes: config.maxStoredMib * MIB,
      },
    },
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    metricsListen: config.metricsListen,
    landing: {
      // dist/relay/public beside the bundled server.js (scripts/build.ts puts the web check there).
      publicDir: fileURLToPath(new URL('./public/', import.meta.url)),
      install: { chrome: config.extensionUrlChrome, firefox: config.extensionUrlFirefox },
    },
  });
  // Signal handlers go in before the 'listening' line, so a supervisor that reacts to it can stop us cleanly.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      log.warn({ event: 'forced-exit', signal });
      process.exit(1);
    }
    stopping = true;
    tlsReloader.close();
    log.info({ event: 'shutting-down', signal, graceMs: config.shutdownGraceMs });
    void relay.close(config.shutdownGraceMs).then(async () => {
      await store
        .close()
        .catch((err: Error) => log.warn({ event: 'report-db-close-failed', err: err.message }));
      log.info({ event: 'stopped' });
      process.exit(0);
    });
  };
  const tlsReloader = createTlsReloader({
    files: [config.certFile, config.keyFile].filter((f): f is string => f !== null),
    load: () => loadTlsIdentity(config),
    apply: (next) => relay.setTls(next),
    current: tls,
    log,
  });
  process.on('SIGHUP', () => void tlsReloader.reload('SIGHUP'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // One session's bug (werift has had crashes on odd input) must not take every other session down: the
  // relay logs and counts it, tears down the session it came from (session-scope.ts) and keeps serving.
  process.on('uncaughtException', (err, origin) => relay.handleUncaught(err, origin));
  process.on('unhandledRejection', (reason) => relay.handleUncaught(reason, 'unhandledRejection'));
  let addr: Awaited<ReturnType<typeof relay.listen>>;
  try {
    addr = await relay.listen();
  } catch (err) {
    console.error(`relay: cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`);
    process.exit(2);
  }
  const url = `https://${addr.host.includes(':') ? `[${addr.host}]` : addr.host}:${addr.port}`;
  log.info({
    event: 'listening',
    url,
    certificate: tls.generated ? 'generated self-signed' : 'loaded',
    sha256Fingerprint: tls.fingerprint256,
    spkiSha256: tls.spkiSha256,
    media: {
      address: config.mediaAddress,
      address6: config.mediaAddress6,
      ports: `${config.mediaPorts.first}-${config.mediaPorts.last}`,
      appPorts: `${config.mediaPortsApps.first}-${config.mediaPortsApps.last}`,
      iceTcp: config.iceTcp,
      echoPath: config.echoPath,
      nativeEchoThread: config.nativeEchoThread,
      nativeEchoPriority: config.nativeEchoPriority,
      maxSessions: config.maxSessions,
      perAddress: config.maxSessionsPerAddress,
      startsPerMinute: config.sessionStartsPerMinute,
      maxSessionKbps: config.maxSessionKbps,
      unprovenChecksPerSource: config.unprovenChecksPerSource,
      unprovenChecksPerSession: config.unprovenChecksPerSession,
    },
    // Ports that could not be opened were logged one by one (probe-port-unavailable) just before this.
    probes: {
      address: addr.probes.address,
      tcp: addr.probes.tcp.map(portMap),
      udp: addr.probes.udp.map(portMap),
      unbound: addr.probes.unbound.length,
    },
    reports: {
      storage: store.kind,
      retentionDays: config.retentionDays,
      publicUrl: config.publicUrl ?? url,
      console: config.supportTokens.length > 0 ? 'on' : 'off (no --support-tokens)',
      supportUsers: config.supportTokens.map((t) => t.name),
    },
  });
}

await main();
