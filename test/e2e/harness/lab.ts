/**
 * The lab: a copy of a customer's network in three network namespaces, none of them linked to the host.
 *
 *   client (Chromium, the CLI)  --lan--  router (firewall, NAT, DNS)  --wan--  provider (the relay)
 *   192.168.77.10                        192.168.77.1 | 203.0.113.1            203.0.113.10 = relay.voice.test
 *
 * The relay runs on the provider's real port numbers (443, 5096, 40000…: root may bind them inside a
 * namespace). The router forwards LAN to WAN through a stateful firewall and masquerades (or, for a
 * scenario, randomises ports like a symmetric NAT); scenarios add their rules to one chain, SVC-FWD, that
 * FORWARD consults first, and reset() flushes it. The router also answers DNS for relay.voice.test, so the
 * extension reaches the relay by name. Addresses are private or documentation ranges and exist only here:
 * with no link to the host, nothing a test does can leave the lab; every namespace also rejects output to
 * any address outside the lab, so a mistyped address fails fast.
 *
 * Loss uses iptables' statistic match (tc netem does not work on these machines). A scenario can also put a
 * TLS-inspecting proxy on the router (interceptTls).
 */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { LAB } from './lab-addresses.ts';
import { LAB6, lanToWan } from './lab-ipv6.ts';
import { startLabService } from './lab-service.ts';
import { type BareNetns, createBareNetns } from './netns.ts';

export { LAB };

/** The chain scenarios write to, in the router's FORWARD; see reset(). */
export const SCENARIO_CHAIN = 'SVC-FWD';
const NAT_CHAIN = 'SVC-NAT';
/** The router's nat PREROUTING chain for scenarios that divert traffic (the TLS-inspecting proxy). */
const DIVERT_CHAIN = 'SVC-DIVERT';
const TLS_PROXY = join(import.meta.dirname, 'lab-tls-proxy.ts');
/** Where the router's TLS-inspecting proxy listens (REDIRECT sends port 443 there). */
const TLS_PROXY_PORT = 8443;

export type NatMode = 'masquerade' | 'symmetric' | 'routed';
/** How the router's DNS server behaves (harness/lab-dns.ts): answers, stays silent, NXDOMAIN, SERVFAIL. */
export type DnsMode = 'answer' | 'drop' | 'nxdomain' | 'servfail';

export interface Lab {
  client: BareNetns;
  router: BareNetns;
  provider: BareNetns;
  /** Appends a rule to the router's scenario chain, e.g. ['-p', 'udp', '--dport', '40000:49999', '-j', 'DROP']. */
  forward(rule: string[]): Promise<void>;
  /** How the router translates LAN addresses: port-preserving masquerade (default), random ports, none. */
  setNat(mode: NatMode): Promise<void>;
  /** How the lab's DNS server answers from now on. */
  setDns(mode: DnsMode): Promise<void>;
  /** Every name the lab's DNS server was asked for since the lab started (lower case, in order). */
  dnsQueries(): string[];
  /**
   * A path-MTU black hole: the router drops every packet towards the LAN larger than `bytes`, and sends no
   * ICMP "fragmentation needed". TCP connects (small packets), a TLS handshake stalls on the certificate.
   */
  blackHoleAbove(bytes: number): Promise<void>;
  /**
   * A TLS-inspecting proxy on the router (harness/lab-tls-proxy.ts) for LAN traffic to one relay port (443):
   * it presents `cert` (issued by an inspection CA) and re-opens TLS to the relay, trusting `relayCa`.
   * Resolves once it listens; returns how many connections it intercepted so far.
   */
  interceptTls(opts: {
    certFile: string;
    keyFile: string;
    relayCaFile: string;
    /** The one TCP port it inspects (default 443), e.g. 5096 for a device that inspects only SIP over TLS. */
    port?: number;
  }): Promise<() => number>;
  /**
   * A second way out, as a VPN or a split tunnel makes one: LAN traffic (only UDP, when `protocol` says so)
   * leaves from `address`, another address of the router on the provider's side, instead of the router's
   * own. Reset by reset() (the address stays, unused).
   */
  leaveFrom(address: string, protocol?: 'udp' | 'tcp'): Promise<void>;
  /** Flushes the scenario rules, stops any TLS proxy, goes back to masquerade and to a DNS server that answers. */
  reset(): Promise<void>;
  destroy(): Promise<void>;
}

const DNS_SERVER = join(import.meta.dirname, 'lab-dns.ts');

/** Rejects output to anything outside the lab: the guard that keeps a mistyped address inside. */
async function guardOutput(ns: BareNetns): Promise<void> {
  await ns.iptables(['-A', 'OUTPUT', '-o', 'lo', '-j', 'ACCEPT']);
  await ns.iptables(['-A', 'OUTPUT', '-d', LAB.lan.cidr, '-j', 'ACCEPT']);
  await ns.iptables(['-A', 'OUTPUT', '-d', LAB.wan.cidr, '-j', 'ACCEPT']);
  await ns.iptables(['-A', 'OUTPUT', '-p', 'tcp', '-j', 'REJECT', '--reject-with', 'tcp-reset']);
  await ns.iptables(['-A', 'OUTPUT', '-j', 'REJECT', '--reject-with', 'icmp-admin-prohibited']);
}

interface LabDns {
  setMode(mode: DnsMode): Promise<void>;
  queries: string[];
}

async function startDns(router: BareNetns): Promise<LabDns> {
  const queries: string[] = [];
  const service = await startLabService(
    router,
    DNS_SERVER,
    // Both records, as a dual-stack provider's name has: only a client with IPv6 (harness/lab-ipv6.ts) asks
    // for the AAAA one.
    [LAB.lan.router, `${LAB.relayName}=${LAB.wan.provider}`, `${LAB.relayName}=${LAB6.wan.provider}`],
    (event) => {
      if (event.event === 'query') queries.push(String(event.name));
    },
  );
  return { queries, setMode: (mode) => service.send({ mode }) };
}

export async function createLab(): Promise<Lab> {
  const made: BareNetns[] = [];
  const destroyAll = async () => {
    for (const ns of made.reverse()) await ns.destroy();
  };
  try {
    const client = await createBareNetns();
    made.push(client);
    const router = await createBareNetns();
    made.push(router);
    const provider = await createBareNetns();
    made.push(provider);

    // Veth pairs made from the router straight into the other namespaces: no end ever exists on the host.
    await router.ip(['link', 'add', 'lan0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', client.name]);
    await router.ip(['link', 'add', 'wan0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', provider.name]);
    await router.ip(['addr', 'add', `${LAB.lan.router}/24`, 'dev', 'lan0']);
    await router.ip(['addr', 'add', `${LAB.wan.router}/24`, 'dev', 'wan0']);
    await router.ip(['link', 'set', 'lan0', 'up']);
    await router.ip(['link', 'set', 'wan0', 'up']);
    await client.ip(['addr', 'add', `${LAB.lan.client}/24`, 'dev', 'eth0']);
    await client.ip(['link', 'set', 'eth0', 'up']);
    await client.ip(['route', 'add', 'default', 'via', LAB.lan.router]);
    await provider.ip(['addr', 'add', `${LAB.wan.provider}/24`, 'dev', 'eth0']);
    await provider.ip(['link', 'set', 'eth0', 'up']);
    // Only needed when the router does not translate (routed mode): replies to the LAN go back through it.
    await provider.ip(['route', 'add', LAB.lan.cidr, 'via', LAB.wan.router]);
    await router.sysctl('net.ipv4.ip_forward', '1');
    // A firewall that rejects answers every attempt; the kernel's default (one ICMP error a second per
    // host) would turn a browser's quick retries into silent drops and make "refused" depend on timing.
    await router.sysctl('net.ipv4.icmp_ratelimit', '0');

    for (const ns of [client, router, provider]) await guardOutput(ns);
    // The stateful firewall: scenario rules first, then replies to what the LAN started, then LAN to the
    // provider's network; anything else (the provider opening connections inward, other destinations) drops.
    await router.iptables(['-N', SCENARIO_CHAIN]);
    await router.iptables(['-A', 'FORWARD', '-j', SCENARIO_CHAIN]);
    await router.iptables([
      ...['-A', 'FORWARD', '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT'],
    ]);
    await router.iptables(lanToWan(LAB.lan.cidr, LAB.wan.cidr));
    await router.iptables(['-A', 'FORWARD', '-j', 'DROP']);
    await router.iptables(['-t', 'nat', '-N', NAT_CHAIN]);
    await router.iptables(['-t', 'nat', '-A', 'POSTROUTING', '-o', 'wan0', '-j', NAT_CHAIN]);
    await router.iptables(['-t', 'nat', '-N', DIVERT_CHAIN]);
    await router.iptables(['-t', 'nat', '-A', 'PREROUTING', '-i', 'lan0', '-j', DIVERT_CHAIN]);
    let tlsProxy: ChildProcess | null = null;
    const stopTlsProxy = async () => {
      await router.iptables(['-t', 'nat', '-F', DIVERT_CHAIN]);
      const proxy = tlsProxy;
      tlsProxy = null;
      if (proxy && proxy.exitCode === null && proxy.signalCode === null) {
        const exited = new Promise((r) => proxy.once('exit', r));
        proxy.kill('SIGTERM');
        await exited;
      }
    };

    const dns = await startDns(router);
    await client.useNameserver(LAB.lan.router);

    const setNat = async (mode: NatMode) => {
      await router.iptables(['-t', 'nat', '-F', NAT_CHAIN]);
      if (mode === 'routed') return;
      // Linux keeps the source port when it can (one mapping for every destination); --random-fully picks
      // a new port for each destination port, as a symmetric NAT does.
      await router.iptables([
        ...['-t', 'nat', '-A', NAT_CHAIN, '-s', LAB.lan.cidr, '-j', 'MASQUERADE'],
        ...(mode === 'symmetric' ? ['--random-fully'] : []),
      ]);
    };
    await setNat('masquerade');

    return {
      client,
      router,
      provider,
      forward: async (rule) => {
        await router.iptables(['-A', SCENARIO_CHAIN, ...rule]);
      },
      setNat,
      leaveFrom: async (address, protocol) => {
        await router.ip(['addr', 'replace', `${address}/24`, 'dev', 'wan0']);
        await router.iptables([
          ...['-t', 'nat', '-I', NAT_CHAIN, '1', '-s', LAB.lan.cidr, ...(protocol ? ['-p', protocol] : [])],
          ...['-j', 'SNAT', '--to-source', address],
        ]);
      },
      setDns: dns.setMode,
      dnsQueries: () => [...dns.queries],
      blackHoleAbove: async (bytes) => {
        // The router forwards whole packets (no GRO on veth here); the length match sees each IP packet.
        await router.iptables([
          ...['-A', SCENARIO_CHAIN, '-o', 'lan0', '-m', 'length', '--length', `${bytes + 1}:65535`],
          ...['-j', 'DROP'],
        ]);
      },
      interceptTls: async ({ certFile, keyFile, relayCaFile, port = 443 }) => {
        await stopTlsProxy();
        const child = router.spawn(
          [
            process.execPath,
            TLS_PROXY,
            ...[LAB.lan.router, String(TLS_PROXY_PORT), LAB.wan.provider, String(port), LAB.relayName],
            ...[certFile, keyFile, relayCaFile],
          ],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        );
        tlsProxy = child;
        let intercepted = 0;
        let stderr = '';
        child.stderr?.on('data', (d) => {
          stderr += String(d);
        });
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`lab TLS proxy did not start: ${stderr}`)), 15_000);
          child.once('exit', (code) => {
            clearTimeout(timer);
            reject(new Error(`lab TLS proxy exited with ${code}: ${stderr}`));
          });
          createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
            const event = (JSON.parse(line) as { event: string }).event;
            if (event === 'ready') {
              clearTimeout(timer);
              resolve();
            } else if (event === 'intercepted') intercepted++;
          });
        });
        await router.iptables([
          ...['-t', 'nat', '-A', DIVERT_CHAIN, '-p', 'tcp', '-d', LAB.wan.provider, '--dport', String(port)],
          ...['-j', 'REDIRECT', '--to-ports', String(TLS_PROXY_PORT)],
        ]);
        return () => intercepted;
      },
      async reset() {
        await stopTlsProxy();
        await router.iptables(['-F', SCENARIO_CHAIN]);
        await setNat('masquerade');
        await dns.setMode('answer');
      },
      destroy: destroyAll,
    };
  } catch (err) {
    await destroyAll();
    throw err;
  }
}
