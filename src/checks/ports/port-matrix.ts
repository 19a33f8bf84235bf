/**
 * The firewall port matrix: every testable port of the chosen profile probed in parallel against the
 * relay's probe listeners, rolled up per row, with the remediation list and the NAT behaviour.
 * Reports speak of the provider's ports; the relay maps them to the ports it really listens on.
 */

import { msg } from '../../messages/catalog.ts';
import type { Message } from '../../messages/message.ts';
import { profileById } from '../../profiles/index.ts';
import { type ProbeTarget, probeTargets } from '../../profiles/sample-ports.ts';
import type { Profile } from '../../profiles/types.ts';
import type { IceCredentials, IceProbeBatch, IceProbeTarget } from '../../protocol/runtime-messages.ts';
import { addressFamily } from '../address-family.ts';
import type { CheckContext } from '../context.ts';
import type { InspectionEvidence } from '../tls-inspection.ts';
import type { CheckResult } from '../types.ts';
import { profileNameMessage, summaryOf, titleOf } from '../words.ts';
import { inspectedPorts, inspectedPortsMessage } from './inspected-ports.ts';
import { type Ipv6UdpResult, probeUdpOverIpv6 } from './ipv6-udp.ts';
import { classifyNat } from './nat.ts';
import { openProbeSession, type ProbeSession } from './probe-session.ts';
import { classifyProxy, type Route, routeKind, statusOnRoute } from './proxy-path.ts';
import { RELAY_ANSWERED } from './relay-answered.ts';
import { profileStatus, remediation, rollUpRows, sampledRows } from './rollup.ts';
import { withSecondLook } from './second-look.ts';
import { tcpProbe } from './tcp-probe.ts';
import type { PortResult, PortStatus } from './types.ts';

export const PORT_MATRIX = { id: 'port-matrix', ...titleOf(msg('title_port_matrix')) };

/** Per-probe limit; probes run in parallel, so an open network finishes well inside 5 s. */
export const PORT_PROBE_TIMEOUT_MS = 3000;

export type { IceProbeBatch };

export interface PortMatrixContext extends CheckContext {
  /** Draws the sampled ports of large ranges, anew each run; [0, 1). Default Math.random. */
  random?: () => number;
  /** One probe (and peer connection) per target: which UDP ports are open. */
  iceProbes(targets: IceProbeTarget[], creds: IceCredentials, timeoutMs: number): Promise<IceProbeBatch>;
  /** All targets from one socket: what the NAT does with one source talking to several ports. */
  natProbe(
    targets: IceProbeTarget[],
    creds: IceCredentials,
    timeoutMs: number,
  ): Promise<{ connected: boolean }>;
  /**
   * Whether this page may connect to a TCP probe origin ("https://host:port"); absent: everywhere (the
   * extension). A web page's CSP decides it, and a probe it blocks fails like a refused port: such a port is
   * reported not measured instead.
   */
  mayConnect?(origin: string): boolean;
}

interface Probed {
  status: PortStatus;
  reason: string;
  ms: number | null;
  route?: Route;
  inspection?: InspectionEvidence;
}

export async function checkPortMatrix(
  relayUrl: string,
  profileId: string,
  ctx: PortMatrixContext,
): Promise<CheckResult> {
  const started = ctx.now();
  const profile = profileById(profileId);
  if (!profile) {
    return fail('unknown-profile', 'config', msg('sum_ports_unknown_profile', profileId), started, ctx);
  }
  const opened = await openProbeSession(ctx, relayUrl);
  if (!opened.ok) return fail(opened.reason, 'wss', opened.message, started, ctx);
  const session = opened.session;
  // Nobody waits for the result any more: the probe session's socket closes at once (the probes end at
  // their own time limits).
  const stop = () => session.close();
  ctx.signal?.addEventListener('abort', stop, { once: true });
  if (session.info.tcp.length === 0 && session.info.udp.length === 0) {
    ctx.signal?.removeEventListener('abort', stop);
    session.close();
    return {
      ...PORT_MATRIX,
      status: 'skip',
      reason: 'no-probe-ports',
      ...summaryOf(msg('sum_ports_no_probe_ports')),
      durationMs: Math.round(ctx.now() - started),
      data: { profile: profile.id },
    };
  }
  try {
    const unbound = new Set(session.info.unbound.map((u) => `${u.transport}:${u.providerPort}`));
    const offered = (transport: 'tcp' | 'udp') =>
      session.info[transport].map((p) => p.providerPort).filter((p) => !unbound.has(`${transport}:${p}`));
    const targets = probeTargets(profile, { tcp: offered('tcp'), udp: offered('udp') }, ctx.random);
    const [probed, bindings] = await Promise.all([
      probeAll(targets, session, new URL(relayUrl).hostname, ctx),
      natBindings(session, ctx),
    ]);
    const proxy = classifyProxy({
      relayAddress: session.info.address,
      probes: [...probed.byKey.entries()]
        .filter(([key]) => key.startsWith('tcp:'))
        .map(([key, p]) => ({ port: Number(key.slice(4)), status: p.status, route: p.route })),
    });
    const inspected = inspectedPorts(
      [...probed.byKey.entries()]
        .filter(([key]) => key.startsWith('tcp:'))
        .map(([key, p]) => ({ port: Number(key.slice(4)), inspection: p.inspection })),
    );
    const inspectedWords = inspectedPortsMessage(inspected);
    const ports = toPortResults(profile, targets, probed);
    const rows = rollUpRows(profile, ports);
    const nat = classifyNat(bindings, session.info.clientAddress ?? null, probed.localAddresses);
    // Where the relay listens on IPv6 too: the UDP ports again over IPv6, after IPv4 (not beside it, so the
    // two batches do not compete for the computer's sockets).
    const ipv6 = await probeUdpOverIpv6({
      info: session.info,
      profile,
      targets,
      ipv4Rows: rows,
      iceProbes: (t, timeoutMs) => ctx.iceProbes(t, session.info, timeoutMs),
      observed: () => session.observed(session.info.ufrag),
      timeoutMs: PORT_PROBE_TIMEOUT_MS,
    });
    const fix = remediation(rows);
    const status = profileStatus(rows);
    const blockedSecure = rows.filter(
      (r) => r.secureVoice && (r.status === 'blocked' || r.status === 'partial'),
    );
    const data = {
      profile: profile.id,
      profileStatus: status,
      ports,
      rows,
      remediation: fix,
      // Full addresses, as evidence on this computer; sharing redacts them (src/share/prepare-share.ts).
      nat: { ...nat, relaySaw: bindings },
      proxy,
      ...(inspected.length > 0 ? { inspected } : {}),
      ...(ipv6 ? { ipv6: withoutSentence(ipv6) } : {}),
    };
    // The proxy comes first in every summary: it changes what every TCP row means for a phone. TLS
    // inspection comes last: the ports it names are open, but phones fail on them all the same.
    const said = (m: Message) => {
      const sentences = [...(proxy?.summaryMessage ? [proxy.summaryMessage] : []), m];
      if (inspectedWords && m !== inspectedWords) sentences.push(inspectedWords);
      if (ipv6) sentences.push(ipv6.sentence);
      return summaryOf(sentences.length > 1 ? msg('join_sentences', sentences) : m);
    };
    const durationMs = Math.round(ctx.now() - started);
    if (blockedSecure.length > 0) {
      const list = blockedSecure.map((r) =>
        msg('port_rule_for', r.transport.toUpperCase(), r.ports, r.purpose),
      );
      return {
        ...PORT_MATRIX,
        status: 'fail',
        reason: 'ports-blocked',
        step: blockedSecure.some((r) => r.transport === 'udp') ? 'ice' : 'tcp',
        ...said(msg('sum_ports_blocked', list)),
        durationMs,
        data,
      };
    }
    if (fix.length > 0 || status === 'unknown') {
      return {
        ...PORT_MATRIX,
        status: 'warn',
        reason: fix.length > 0 ? 'some-ports-blocked' : 'ports-unmeasured',
        ...said(
          fix.length > 0
            ? msg(
                'sum_ports_some_blocked',
                fix.length,
                fix.map((f) => msg('port_rule', f.protocol, f.ports)),
              )
            : msg('sum_ports_unmeasured'),
        ),
        durationMs,
        data,
      };
    }
    if (ipv6 && ipv6.blockedOnlyOverIpv6.length > 0) {
      return {
        ...PORT_MATRIX,
        status: 'warn',
        reason: 'ipv6-ports-blocked',
        step: 'ice',
        ...said(
          msg('sum_ports_ok_ipv4', targets.length, profileNameMessage(profile.id) ?? msg('common_unknown')),
        ),
        durationMs,
        data,
      };
    }
    if (inspectedWords) {
      return {
        ...PORT_MATRIX,
        status: 'warn',
        reason: 'tls-inspected',
        step: 'tls',
        ...said(inspectedWords),
        durationMs,
        data,
      };
    }
    return {
      ...PORT_MATRIX,
      status: 'pass',
      reason: 'ok',
      ...said(okSummary(targets.length, profile.id, sampledRows(rows))),
      durationMs,
      data,
    };
  } finally {
    ctx.signal?.removeEventListener('abort', stop);
    session.close();
  }
}

/** The IPv6 result as the report keeps it: its sentence is in the summary already. */
function withoutSentence({ sentence: _sentence, ...rest }: Ipv6UdpResult): Omit<Ipv6UdpResult, 'sentence'> {
  return rest;
}

/** Counts distinct ports (a port two rows share is one probe), and says which ranges were only sampled. */
function okSummary(probed: number, profileId: string, sampled: Message[]): Message {
  const name = profileNameMessage(profileId) ?? msg('common_unknown');
  return sampled.length > 0
    ? msg('sum_ports_ok_sampled', probed, name, sampled)
    : msg('sum_ports_ok', probed, name);
}

/** Two relay UDP ports probed from one socket, on its own credentials so its bindings stay apart. */
async function natBindings(session: ProbeSession, ctx: PortMatrixContext) {
  const nat = await session.another();
  const ports = nat?.udp.slice(0, 2) ?? [];
  if (!nat || ports.length < 2) return [];
  const targets = ports.map((p) => ({
    address: nat.address,
    relayPort: p.relayPort,
    providerPort: p.providerPort,
  }));
  const { connected } = await ctx.natProbe(targets, nat, PORT_PROBE_TIMEOUT_MS);
  return connected ? session.observed(nat.ufrag) : [];
}

async function probeAll(
  targets: readonly ProbeTarget[],
  session: ProbeSession,
  relayHost: string,
  ctx: PortMatrixContext,
): Promise<{ byKey: Map<string, Probed>; localAddresses: string[] }> {
  const byKey = new Map<string, Probed>();
  const key = (t: { transport: string; port: number }) => `${t.transport}:${t.port}`;
  const unbound = new Set(session.info.unbound.map((u) => `${u.transport}:${u.providerPort}`));
  const iceTargets: IceProbeTarget[] = [];
  const tcpJobs: Array<Promise<void>> = [];
  for (const t of targets) {
    if (t.browserRestricted) {
      byKey.set(key(t), { status: 'browser-blocked', reason: 'browser-restricted-port', ms: null });
      continue;
    }
    const mapped = (t.transport === 'tcp' ? session.info.tcp : session.info.udp).find(
      (m) => m.providerPort === t.port,
    );
    if (!mapped || unbound.has(key(t))) {
      byKey.set(key(t), { status: 'relay-unavailable', reason: 'relay-not-listening', ms: null });
      continue;
    }
    if (t.transport === 'udp') {
      iceTargets.push({ address: session.info.address, relayPort: mapped.relayPort, providerPort: t.port });
    } else if (
      ctx.mayConnect &&
      !ctx.mayConnect(new URL(`https://${relayHost}:${mapped.relayPort}`).origin)
    ) {
      byKey.set(key(t), { status: 'error', reason: 'page-may-not-connect', ms: null });
    } else {
      tcpJobs.push(
        tcpProbe(ctx, relayHost, mapped.relayPort, PORT_PROBE_TIMEOUT_MS).then((r) => {
          byKey.set(key(t), {
            ...r,
            status: statusOnRoute(r, routeKind(r.route, session.info.address)),
          });
        }),
      );
    }
  }
  const ice = iceTargets.length
    ? ctx.iceProbes(iceTargets, session.info, PORT_PROBE_TIMEOUT_MS)
    : Promise.resolve({ results: [], localAddresses: [] });
  const [batch] = await Promise.all([ice, ...tcpJobs]);
  const results = await withSecondLook({
    first: batch.results,
    targets: iceTargets,
    iceProbes: (t) => ctx.iceProbes(t, session.info, PORT_PROBE_TIMEOUT_MS),
    observed: () => session.observed(session.info.ufrag),
    family: addressFamily(session.info.address),
  });
  for (const r of results)
    byKey.set(`udp:${r.providerPort}`, {
      status: r.status,
      reason: r.reason,
      // The browser timed nothing for a port only the relay saw answered.
      ms: r.reason === RELAY_ANSWERED ? null : r.ms,
    });
  return { byKey, localAddresses: batch.localAddresses };
}

function toPortResults(
  profile: Profile,
  targets: readonly ProbeTarget[],
  probed: { byKey: Map<string, Probed> },
): PortResult[] {
  const rowById = new Map(profile.rows.map((r) => [r.id, r]));
  const out: PortResult[] = [];
  for (const t of targets) {
    const {
      route: _route,
      inspection: _inspection,
      ...p
    } = probed.byKey.get(`${t.transport}:${t.port}`) ?? {
      status: 'error' as const,
      reason: 'not-probed',
      ms: null,
    };
    for (const rowId of t.rowIds) {
      out.push({
        profile: profile.id,
        row: rowId,
        protocol: rowById.get(rowId)?.protocol ?? '',
        transport: t.transport,
        port: t.port,
        ...p,
      });
    }
  }
  for (const row of profile.rows) {
    if (row.probe.kind !== 'not-testable') continue;
    for (const range of row.providerPorts) {
      out.push({
        profile: profile.id,
        row: row.id,
        protocol: row.protocol,
        transport: row.transport,
        port: range.from,
        status: 'not-testable',
        reason: row.probe.reason,
        ms: null,
      });
    }
  }
  return out;
}

function fail(
  reason: string,
  step: 'config' | 'wss',
  message: Message,
  started: number,
  ctx: CheckContext,
): CheckResult {
  return {
    ...PORT_MATRIX,
    status: 'fail',
    reason,
    step,
    ...summaryOf(message),
    durationMs: Math.round(ctx.now() - started),
    data: {},
  };
}
