/**
 * All probe listeners: a TLS server per TCP probe port and a STUN responder per UDP probe port, on the
 * probe address. A port that cannot be opened (held by another process, or below 1024 without the
 * privilege) does not stop the relay: it is logged once at start, listed in /healthz and told to the
 * extension in probe-session, which reports that row as untested rather than as blocked.
 */
import type { ProbePort, UnboundProbePort } from '../../protocol/relay-messages.ts';
import type { BindingLifetimes } from '../core/binding-lifetime.ts';
import type { CapRefusal, ConnectionCap } from '../core/connection-cap.ts';
import type { ProbeRegistry } from '../core/probe-sessions.ts';
import type { BindingResponder } from '../core/stun/binding-responder.ts';
import type { ProbesHealth } from '../http/relay-routes.ts';
import type { ConnectionLimits } from '../https-options.ts';
import type { Logger } from '../logger.ts';
import type { TlsIdentity } from '../tls-cert.ts';
import { createTcpProbe, type ProbeListener } from './tcp-probe.ts';
import { createUdpProbe } from './udp-probe.ts';

export interface ProbeOptions {
  address: string;
  /** An IPv6 address on which the same ports listen as well (--probe-address6). */
  address6?: string | null;
  tcp: ProbePort[];
  udp: ProbePort[];
}

/** Hosts on which the HTTPS listener also covers the probe address. */
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::']);

/**
 * The TCP probe the relay's HTTPS listener answers itself, when that listener covers the probe address (a
 * second listener there would fail with EADDRINUSE): the one listed on the HTTPS port, or, if no probe names
 * the HTTPS port as a provider port, that port itself. A relay standing in for the provider on 443 thus
 * answers the provider's 443 probe with or without `--probe-tcp 443`, and never calls it unavailable.
 */
export function probeServedByHttps(
  probes: ProbeOptions,
  https: { host: string; port: number },
): ProbePort | null {
  if (https.port === 0) return null;
  if (https.host !== probes.address && !WILDCARD_HOSTS.has(https.host)) return null;
  const listed = probes.tcp.find((p) => p.relayPort === https.port);
  if (listed) return listed;
  if (probes.tcp.some((p) => p.providerPort === https.port)) return null;
  return { providerPort: https.port, relayPort: https.port };
}

/** Which probe ports are open, as probe-session tells the extension. */
export interface ProbePortsStatus {
  address: string;
  tcp: ProbePort[];
  udp: ProbePort[];
  unbound: UnboundProbePort[];
  /** The IPv6 address the same ports listen on too, and those of them that failed there. */
  address6?: string;
  unbound6?: UnboundProbePort[];
}

type Family = 'ipv4' | 'ipv6';
interface Entry {
  family: Family;
  transport: 'tcp' | 'udp';
  port: ProbePort;
  listener: ProbeListener;
}

export interface ProbeListeners {
  /** Opens every port; never rejects: the ports that failed are in the status. */
  open(): Promise<ProbePortsStatus>;
  status(): ProbePortsStatus;
  health(): ProbesHealth;
  close(graceMs: number): Promise<void>;
  /** A reloaded certificate for the TLS probe ports. */
  setTls(tls: TlsIdentity): void;
  /** Sends a datagram from an open UDP probe port (the NAT binding lifetime's requests). */
  sendUdp(relayPort: number, to: { address: string; port: number }, bytes: Uint8Array): void;
}

export function createProbeListeners(opts: {
  probes: ProbeOptions;
  /** Answered by the HTTPS listener (probeServedByHttps): open whenever the relay is, no listener here. */
  servedByHttps?: ProbePort | null;
  /** The HTTPS listener covers the IPv6 probe address too (it listens on "::" or on that address). */
  httpsCoversIpv6?: boolean;
  tls: TlsIdentity;
  log: Logger;
  registry: ProbeRegistry;
  responder: BindingResponder;
  lifetimes?: BindingLifetimes;
  now: () => number;
  limits: ConnectionLimits;
  cap: ConnectionCap;
  onRefused: (why: CapRefusal) => void;
}): ProbeListeners {
  const { address } = opts.probes;
  const address6 = opts.probes.address6 ?? null;
  const shared = opts.servedByHttps ?? null;
  const entriesOn = (at: string, family: Family): Entry[] => [
    ...opts.probes.tcp
      // The HTTPS listener answers the shared port on every address it covers ("::" covers both families).
      .filter((port) => port !== shared || (family === 'ipv6' && !opts.httpsCoversIpv6))
      .map((port) => ({
        family,
        transport: 'tcp' as const,
        port,
        listener: createTcpProbe({
          address: at,
          port,
          tls: opts.tls,
          log: opts.log,
          limits: opts.limits,
          cap: opts.cap,
          onRefused: opts.onRefused,
        }),
      })),
    ...opts.probes.udp.map((port) => ({
      family,
      transport: 'udp' as const,
      port,
      listener: createUdpProbe({
        address: at,
        port,
        responder: opts.responder,
        registry: opts.registry,
        ...(opts.lifetimes ? { lifetimes: opts.lifetimes } : {}),
        log: opts.log,
        now: opts.now,
      }),
    })),
  ];
  const entries: Entry[] = [...entriesOn(address, 'ipv4'), ...(address6 ? entriesOn(address6, 'ipv6') : [])];
  let status: ProbePortsStatus = { address, tcp: [], udp: [], unbound: [] };
  let opening: Promise<ProbePortsStatus> | null = null;

  return {
    open() {
      opening ??= (async () => {
        const results = await Promise.allSettled(entries.map((e) => e.listener.listen()));
        const next: ProbePortsStatus = {
          address,
          tcp: shared ? [{ ...shared }] : [],
          udp: [],
          unbound: [],
          ...(address6 ? { address6, unbound6: [] } : {}),
        };
        results.forEach((r, i) => {
          const { family, transport, port } = entries[i] as Entry;
          if (r.status === 'fulfilled') {
            if (family === 'ipv4') next[transport].push({ ...port });
            return;
          }
          const err = r.reason as NodeJS.ErrnoException;
          const error = (err.code ?? err.message ?? 'error').slice(0, 64);
          const at = family === 'ipv4' ? address : (address6 as string);
          (family === 'ipv4' ? next.unbound : (next.unbound6 ?? [])).push({ transport, ...port, error });
          opts.log.warn({ event: 'probe-port-unavailable', transport, ...port, address: at, error });
        });
        status = next;
        return next;
      })();
      return opening;
    },
    status: () => status,
    setTls: (tls) => {
      for (const e of entries) e.listener.setTls?.(tls);
    },
    health: () => ({ ...status, stun: opts.responder.counts }),
    sendUdp(relayPort, to, bytes) {
      const family: Family = to.address.includes(':') ? 'ipv6' : 'ipv4';
      entries
        .find((e) => e.transport === 'udp' && e.family === family && e.port.relayPort === relayPort)
        ?.listener.send?.(bytes, to);
    },
    async close(graceMs) {
      await opening;
      await Promise.all(entries.map((e) => e.listener.close(graceMs)));
    },
  };
}
