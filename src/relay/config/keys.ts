/**
 * Every relay setting, once: its flag (also its name in a config file), environment variable, default,
 * accepted values and the text an operator reads. Parsing, validation messages, `npm run relay -- --help`
 * and the README's relay table all come from this table; `npm run docs:relay-config` rewrites the README
 * table and a unit test fails when it drifts.
 *
 * To add a setting: add an entry here (its type follows from its kind), use it in main.ts, run
 * `npm run docs:relay-config`.
 */
import type * as v from 'valibot';
import {
  bindingGaps,
  concreteIpv4,
  concreteIpv6,
  hostName,
  httpsOrigin,
  httpsUrl,
  integer,
  metricsListen,
  nonEmpty,
  oneOf,
  onOff,
  optionalPortRange,
  optionalText,
  portRange,
  postgresUrl,
  probePorts,
  supportTokens,
  type ValueKind,
} from './values.ts';

export interface KeySpec<T> {
  /** `--flag`, and the key in a config file. */
  flag: string;
  env: string;
  kind: ValueKind<T>;
  /** The raw default; '' means "not set" (the kind decides what that is). */
  default: string;
  /** What "not set" means, where the default is ''. */
  unsetMeans?: string;
  /** Only as a flag or environment variable (the config file's own path). */
  notInFile?: true;
  /** One paragraph; `code` in backticks (shown as is in `--help`). */
  help: string;
}

const key = <T>(spec: KeySpec<T>): KeySpec<T> => spec;

export const CONFIG_KEYS = {
  configFile: key({
    flag: 'config',
    env: 'SVC_RELAY_CONFIG',
    kind: { ...optionalText, range: 'a JSON file path' },
    default: '',
    unsetMeans: 'none',
    notInFile: true,
    help: 'a JSON config file whose keys are the flag names without `--` (e.g. `{"port": 443, "media-ports": "40000-49999"}`); flags and environment variables win over it',
  }),
  host: key({
    flag: 'host',
    env: 'SVC_RELAY_HOST',
    kind: hostName,
    default: '127.0.0.1',
    help: 'address to listen on (`0.0.0.0` for all)',
  }),
  port: key({
    flag: 'port',
    env: 'SVC_RELAY_PORT',
    kind: integer(0, 65535),
    default: '8443',
    help: 'HTTPS + WSS port (`0` picks a free one)',
  }),
  certFile: key({
    flag: 'cert',
    env: 'SVC_RELAY_CERT',
    kind: { ...optionalText, range: 'a PEM file path' },
    default: '',
    unsetMeans: 'a self-signed certificate, generated on first start and kept in the data folder',
    help: 'TLS certificate chain (PEM), given with `--key`. Reloaded on SIGHUP and when the file changes (an ACME client or cert-manager renewing it), without dropping sessions',
  }),
  keyFile: key({
    flag: 'key',
    env: 'SVC_RELAY_KEY',
    kind: { ...optionalText, range: 'a PEM file path' },
    default: '',
    unsetMeans: 'see `--cert`',
    help: 'TLS private key (PEM) of `--cert`; reloaded with it',
  }),
  dataDir: key({
    flag: 'data-dir',
    env: 'SVC_RELAY_DATA_DIR',
    kind: nonEmpty,
    default: '.relay-data',
    help: 'where generated files live (the self-signed certificate, the SQLite report store)',
  }),
  logLevel: key({
    flag: 'log-level',
    env: 'SVC_RELAY_LOG_LEVEL',
    kind: oneOf(['debug', 'info', 'warn', 'error', 'silent']),
    default: 'info',
    help: 'the least important log line written',
  }),
  shutdownGraceMs: key({
    flag: 'shutdown-grace-ms',
    env: 'SVC_RELAY_SHUTDOWN_GRACE_MS',
    kind: integer(0, 600_000),
    default: '10000',
    help: 'after SIGTERM, how long running media sessions may go on (draining) before the relay ends them and exits',
  }),
  mediaPorts: key({
    flag: 'media-ports',
    env: 'SVC_RELAY_MEDIA_PORTS',
    kind: portRange(1024, 65535),
    default: '40000-40199',
    help: "UDP port range for the media of desk phone checks (and Meetings', and checks that name no profile); one port per session, and the passive ICE-TCP listener uses the same number. Put it inside the desk phones' SRTP range (UDP 40000-49999) so media crosses their firewall rule; UDP probe ports inside it are left out of it",
  }),
  mediaPortsApps: key({
    flag: 'media-ports-apps',
    env: 'SVC_RELAY_MEDIA_PORTS_APPS',
    kind: optionalPortRange(1024, 65535),
    default: '',
    unsetMeans: 'the `--media-ports` range',
    help: "UDP port range for the media of mobile and desktop app checks, as `--media-ports`. Put it inside the apps' SRTP range (UDP 60000-64999) so their media crosses the apps' firewall rule; it must not overlap `--media-ports`",
  }),
  mediaStandIn: key({
    flag: 'media-stand-in',
    env: 'SVC_RELAY_MEDIA_STAND_IN',
    kind: onOff,
    default: 'off',
    help: "`on`: the media ranges stand in for the provider's SRTP ranges (the desk phones' UDP 40000-49999, the apps' UDP 60000-64999) though they lie outside them, as on a relay on high ports without privileges (`npm start`). Each answer then names the range the session's port stands in for, and reports say so instead of \"none of the media ports\"",
  }),
  mediaAddress: key({
    flag: 'media-address',
    env: 'SVC_RELAY_MEDIA_ADDRESS',
    kind: concreteIpv4,
    default: '',
    unsetMeans: '`--host`, or `127.0.0.1` when that is `0.0.0.0`/`::`/`localhost`',
    help: 'the IPv4 address media binds to and advertises as its ICE candidate. On a server listening on `0.0.0.0`, set it to the address browsers reach',
  }),
  mediaAddress6: key({
    flag: 'media-address6',
    env: 'SVC_RELAY_MEDIA_ADDRESS6',
    kind: concreteIpv6,
    default: '',
    unsetMeans: 'none: media over IPv4 only',
    help: 'an IPv6 address media binds to as well (the same port of each session, UDP and ICE-TCP) and advertises as a second host candidate, so browsers and phones that prefer IPv6 send their audio over IPv6. The extension then measures media over both IP versions and warns when one carries no audio. Pair it with `--host ::` and an AAAA record',
  }),
  iceTcp: key({
    flag: 'ice-tcp',
    env: 'SVC_RELAY_ICE_TCP',
    kind: onOff,
    default: 'on',
    help: 'also offer passive ICE-TCP on the media port, for networks that block UDP',
  }),
  echoPath: key({
    flag: 'echo-path',
    env: 'SVC_RELAY_ECHO_PATH',
    kind: oneOf(['native', 'lean', 'werift']),
    default: 'native',
    help: "what echoes the audio once DTLS has given the SRTP keys: `native` reads the session's socket in the relay's native add-on (dist/native/udp-echo.node, built when g++ is present) and echoes AEAD_AES_128_GCM audio there with OpenSSL, batched system calls and no JavaScript per packet (other sessions and datagrams as `lean`; without the add-on the relay says so at start and uses `lean`); `lean` decrypts and re-encrypts each packet with Node's native crypto and sends it back at the end of the event-loop turn (less CPU per stream: BENCHMARKS.md); `werift` sends it through werift's full RTP/RTCP pipeline, as before. Both keep DTLS-SRTP end to end; RTCP, the data channel and ICE-TCP stay with werift either way",
  }),
  nativeEchoThread: key({
    flag: 'native-echo-thread',
    env: 'SVC_RELAY_NATIVE_ECHO_THREAD',
    kind: onOff,
    default: 'on',
    help: "with `--echo-path native`: `on` reads the handed-over sessions' sockets in the add-on's own echo thread, so the echo does not wait while JavaScript runs (werift's timers and RTCP for every session, garbage collection, signalling); `off` polls them in Node's main loop, as the first native echo did (to compare the two: BENCHMARKS.md)",
  }),
  nativeEchoPriority: key({
    flag: 'native-echo-priority',
    env: 'SVC_RELAY_NATIVE_ECHO_PRIORITY',
    kind: oneOf(['auto', 'high', 'short-slice', 'normal']),
    // 'auto': real-time where the relay may (the systemd unit grants LimitRTPRIO=1), since at 500 streams on
    // one core it is what keeps the echo's added delay under 2 ms at p99 (BENCHMARKS.md, ninth run), and its
    // flood risk is bounded (SCHED_FIFO for at most 60 % of each 100 ms window: udp-echo.cc, FifoBudget).
    // Elsewhere (a container, a pod) the short slice, which needs no privilege, without a warning.
    default: 'auto',
    help: "with `--echo-path native` and its echo thread (named `svc-echo`): `auto` (the default) is `high` where the relay may have real-time scheduling (root, CAP_SYS_NICE, or systemd's LimitRTPRIO=1, which the shipped unit sets) and `short-slice` elsewhere (a container, a pod), saying which once at start. `high` runs the echo thread under SCHED_FIFO priority 1, ahead of the relay's main thread, V8's helper and other ordinary work on its CPU, but only until it has used 60 % of the CPU in a 100 ms window (a flood): for the rest of that window it is an ordinary thread (`svc_relay_native_echo_fifo_demoted_total` counts those windows); without the privilege it asks for 10 nice levels below the relay and warns. At 500 streams on one core `high` held the echo's added delay at p99 to 0.9-1.2 ms where `short-slice` had 20-36 ms (BENCHMARKS.md, ninth run). `short-slice` asks Linux (6.12+) for a 0.1 ms time slice for that thread: no privilege needed, the same fair share of the CPU. `normal`: scheduled exactly like the rest of the relay",
  }),
  maxSessions: key({
    flag: 'max-sessions',
    env: 'SVC_RELAY_MAX_SESSIONS',
    kind: integer(1, 10_000),
    default: '100',
    help: 'most media sessions at once, over both media ranges (never more than they hold)',
  }),
  setupTimeoutMs: key({
    flag: 'setup-timeout-ms',
    env: 'SVC_RELAY_SETUP_TIMEOUT_MS',
    // Well below werift's DTLS retransmit window (about 33 s), so a stuck handshake is freed by us first.
    kind: integer(1000, 30_000),
    default: '10000',
    help: 'a media session whose DTLS has not connected by then is ended and its port freed',
  }),
  maxSessionsPerAddress: key({
    flag: 'max-sessions-per-address',
    env: 'SVC_RELAY_MAX_SESSIONS_PER_ADDRESS',
    kind: integer(1, 10_000),
    default: '4',
    help: 'most media sessions one client address (IPv6: one /64) holds at once; raise it (and the next) when many people behind one NAT run the check together',
  }),
  sessionStartsPerMinute: key({
    flag: 'session-starts-per-minute',
    env: 'SVC_RELAY_SESSION_STARTS_PER_MINUTE',
    kind: integer(1, 100_000),
    default: '20',
    help: 'most media sessions one client address starts in a minute',
  }),
  maxSessionKbps: key({
    flag: 'max-session-kbps',
    env: 'SVC_RELAY_MAX_SESSION_KBPS',
    // Chromium's audio with the extension's data channel probes measured ~95 kbit/s with every header.
    kind: integer(128, 1_000_000),
    default: '256',
    help: "inbound bitrate cap of one media session, kbit/s averaged over 2 s, all headers counted; Chromium's audio with the extension's probes measured ~95 (`inKbps` on each `media-session-ended` log line)",
  }),
  unprovenChecksPerSource: key({
    flag: 'unproven-checks-per-source',
    env: 'SVC_RELAY_UNPROVEN_CHECKS_PER_SOURCE',
    // Chrome checks at most every 48 ms (~21 a second) while no answer comes back; fewer would slow its ICE.
    kind: integer(22, 10_000),
    default: '25',
    help: 'ICE checks a second the relay verifies (HMAC) and answers from one media source that has not yet proven it receives (by DTLS); more are dropped unverified (`check-rate-source`). A proven source is never limited',
  }),
  unprovenChecksPerSession: key({
    flag: 'unproven-checks-per-session',
    env: 'SVC_RELAY_UNPROVEN_CHECKS_PER_SESSION',
    kind: integer(22, 10_000),
    default: '50',
    help: 'the same over all unproven sources of one media session together (`check-rate-session`): what forged source addresses can make the relay verify, per session',
  }),
  wsHeartbeatMs: key({
    flag: 'ws-heartbeat-ms',
    env: 'SVC_RELAY_WS_HEARTBEAT_MS',
    kind: integer(1000, 600_000),
    default: '15000',
    help: 'WebSocket ping interval; a connection that has not answered by the next ping is terminated, with its session',
  }),
  wsIdleTimeoutMs: key({
    flag: 'ws-idle-timeout-ms',
    env: 'SVC_RELAY_WS_IDLE_TIMEOUT_MS',
    kind: integer(1000, 600_000),
    default: '10000',
    help: 'a WebSocket that has sent neither an offer nor a probe-start by then is closed with 4000 `idle`',
  }),
  tlsHandshakeTimeoutMs: key({
    flag: 'tls-handshake-timeout-ms',
    env: 'SVC_RELAY_TLS_HANDSHAKE_TIMEOUT_MS',
    kind: integer(500, 120_000),
    default: '5000',
    help: 'a TCP connection (HTTPS or a TCP probe port) that has not finished its TLS handshake by then is closed',
  }),
  headersTimeoutMs: key({
    flag: 'headers-timeout-ms',
    env: 'SVC_RELAY_HEADERS_TIMEOUT_MS',
    kind: integer(1000, 120_000),
    default: '10000',
    help: 'a request whose headers have not all arrived by then is answered `408` and closed; checked every second',
  }),
  requestTimeoutMs: key({
    flag: 'request-timeout-ms',
    env: 'SVC_RELAY_REQUEST_TIMEOUT_MS',
    kind: integer(1000, 600_000),
    default: '15000',
    help: 'the same for the whole request, body included; not shorter than the headers timeout',
  }),
  maxConnectionsPerAddress: key({
    flag: 'max-connections-per-address',
    env: 'SVC_RELAY_MAX_CONNECTIONS_PER_ADDRESS',
    // A port check opens one TLS connection per TCP probe port (at most 64) at once.
    kind: integer(70, 100_000),
    default: '200',
    help: 'most open TCP connections one client address (IPv6: one /64) holds on the HTTPS port and the TCP probe ports together; more are closed at once and counted in `svc_relay_connections_refused_total{cap="address"}`',
  }),
  maxConnections: key({
    flag: 'max-connections',
    env: 'SVC_RELAY_MAX_CONNECTIONS',
    kind: integer(100, 1_000_000),
    default: '10000',
    help: 'most open TCP connections over all addresses on the HTTPS port and the TCP probe ports together; more are closed at once and counted in `svc_relay_connections_refused_total{cap="relay"}`. Keep it below the open-files limit (`ulimit -n`; the systemd unit sets 65536) less two per media port',
  }),
  metricsListen: key({
    flag: 'metrics-listen',
    env: 'SVC_RELAY_METRICS_LISTEN',
    kind: metricsListen,
    default: '',
    unsetMeans: '`/metrics` on the HTTPS port',
    help: 'where Prometheus reads `/metrics`: `off`, or a separate plain-HTTP `host:port` (e.g. `127.0.0.1:9464`, a private address) that serves nothing else; then the HTTPS port answers `/metrics` with 404. Pass-through TCP load balancers cannot block one path, so a public relay should move it',
  }),
  probeSessionsPerAddress: key({
    flag: 'probe-sessions-per-address',
    env: 'SVC_RELAY_PROBE_SESSIONS_PER_ADDRESS',
    kind: integer(2, 1000),
    default: '8',
    help: 'most live probe sessions (30 s each; a check uses two) one client address (IPv6: one /64) holds over all its connections; the relay holds 1000 in all',
  }),
  bindingGapsS: key({
    flag: 'binding-gaps',
    env: 'SVC_RELAY_BINDING_GAPS',
    kind: bindingGaps,
    default: '15,30,60,120',
    help: "the idle gaps, in seconds, after which the extended check's NAT binding lifetime measurement sends to the browser's idle UDP mappings (one mapping per gap, on the UDP probe port standing in for 5090, else the first): the check takes about 20 s more than the longest gap, and reports the lifetime to within one gap",
  }),
  probeTcp: key({
    flag: 'probe-tcp',
    env: 'SVC_RELAY_PROBE_TCP',
    kind: probePorts,
    default: '',
    unsetMeans: 'none',
    help: "TCP probe ports, a comma list of `provider[:relay]`, e.g. `5096:15096,5097:15097,443:15443`: a TLS listener on each relay port stands in for the provider port (the relay port defaults to the provider's). Not inside a media range while `--ice-tcp` is on. A probe on the HTTPS port (the provider's 443 on a relay running on 443) is answered by the HTTPS listener itself, listed or not",
  }),
  probeUdp: key({
    flag: 'probe-udp',
    env: 'SVC_RELAY_PROBE_UDP',
    kind: probePorts,
    default: '',
    unsetMeans: 'none',
    help: 'UDP probe ports, same form, or provider ranges `A-B[:relay start]`, e.g. `8801,40000-49999:30000`: a STUN responder on each relay port. Of a range the relay listens on 128 ports, both ends and one drawn at random from each equal stretch at every start, and each run of the check probes 32 of those. A probe port may sit inside a media range: media then leaves it out',
  }),
  probeAddress: key({
    flag: 'probe-address',
    env: 'SVC_RELAY_PROBE_ADDRESS',
    kind: concreteIpv4,
    default: '',
    unsetMeans: 'the media address',
    help: 'the IPv4 address the probe ports bind to; `probe-session` tells it to the extension for its ICE candidates',
  }),
  probeAddress6: key({
    flag: 'probe-address6',
    env: 'SVC_RELAY_PROBE_ADDRESS6',
    kind: concreteIpv6,
    default: '',
    unsetMeans: 'none: probes over IPv4 only',
    help: 'an IPv6 address on which the probe ports listen as well (the same ports, TLS and STUN); `probe-session` tells it to the extension, which then probes the UDP ports over IPv6 too and reports where IPv6 is blocked while IPv4 works. Pair it with `--host ::` and an AAAA record so HTTPS and the TCP probes can be reached over IPv6',
  }),
  dbUrl: key({
    flag: 'db-url',
    env: 'SVC_RELAY_DB_URL',
    kind: postgresUrl,
    default: '',
    unsetMeans: 'SQLite in `<data-dir>/reports.sqlite`',
    help: 'PostgreSQL for shared reports (e.g. `postgresql://svc:…@db.example/svc?sslmode=require`), so several relays behind a load balancer share one database. A bad value is refused without repeating it (it may hold a password)',
  }),
  retentionDays: key({
    flag: 'retention-days',
    env: 'SVC_RELAY_RETENTION_DAYS',
    kind: integer(1, 3650),
    default: '30',
    help: 'shared reports are deleted this many days after upload',
  }),
  reportQuotaMibPerDay: key({
    flag: 'report-quota-mib-per-day',
    env: 'SVC_RELAY_REPORT_QUOTA_MIB_PER_DAY',
    kind: integer(1, 100_000),
    default: '10',
    help: 'report bytes one client address may store in 24 hours (MiB); more is refused with `429 quota-exceeded`',
  }),
  maxStoredMib: key({
    flag: 'max-stored-mib',
    env: 'SVC_RELAY_MAX_STORED_MIB',
    kind: integer(1, 10_000_000),
    default: '1024',
    help: 'report bytes the relay stores in all (MiB, live reports); more is refused with `507 storage-full`',
  }),
  supportTokens: key({
    flag: 'support-tokens',
    env: 'SVC_RELAY_SUPPORT_TOKENS',
    kind: supportTokens,
    default: '',
    unsetMeans: 'the console is off',
    help: 'who may sign in to the support console: `name:token,name2:token2`; names of letters, digits, `.` `_` `@` `-`; tokens of 16-256 printable characters without spaces or commas. Prefer the environment variable or the config file (flags show up in `ps`); errors name the entry, never the token',
  }),
  publicUrl: key({
    flag: 'public-url',
    env: 'SVC_RELAY_PUBLIC_URL',
    kind: httpsOrigin,
    default: '',
    unsetMeans: "the relay's own `https://host:port`",
    help: "the `https://` origin that support links in upload answers point to, e.g. the load balancer's name",
  }),
  extensionUrlChrome: key({
    flag: 'extension-url-chrome',
    env: 'SVC_RELAY_EXTENSION_URL_CHROME',
    kind: httpsUrl,
    default: '',
    unsetMeans: 'none',
    help: "the extension's Chrome Web Store page, linked from the landing page",
  }),
  extensionUrlFirefox: key({
    flag: 'extension-url-firefox',
    env: 'SVC_RELAY_EXTENSION_URL_FIREFOX',
    kind: httpsUrl,
    default: '',
    unsetMeans: 'none',
    help: 'the add-on\'s Firefox Add-ons page, linked from the landing page; with neither set, the page says "Ask your support contact for the extension"',
  }),
} satisfies Record<string, KeySpec<unknown>>;

export type ConfigKey = keyof typeof CONFIG_KEYS;

/** Each setting's value as its kind parses it, before the checks that span several settings. */
export type ConfigValues = {
  [K in ConfigKey]: v.InferOutput<(typeof CONFIG_KEYS)[K]['kind']['schema']>;
};
