/**
 * Network namespaces for end-to-end tests that block or shape traffic. Each test gets its own namespace joined
 * to the root namespace by a veth pair on a private /30, so rules apply to the test's traffic only and nothing
 * ever leaves the machine: the namespace can reach the host end of its veth (and its own loopback), nothing else.
 *
 * Rules live in two chains inside the namespace, SVC-IN and SVC-OUT, which INPUT and OUTPUT jump to first;
 * clearRules() flushes just those. After the jump, OUTPUT holds a guard that rejects anything not going to the
 * host address, so a test that mistypes an address fails fast instead of reaching a real network.
 *
 * tc netem does not work on these machines, so loss is modelled with iptables' statistic match.
 */
import { type ChildProcess, type SpawnOptions, spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_PATH } from '../../../src/cli/chromium.ts';

export const RULES_IN = 'SVC-IN';
export const RULES_OUT = 'SVC-OUT';

/** Namespace, veth and temp-folder names carry the creating PID so leftovers of dead runs can be recognised. */
const NS_PREFIX = 'svc-e2e-';
const STALE_NS = /^svc-e2e-(\d+)-/;
const STALE_LINK = /^svc(\d+)-\d+[hn]$/;
const STALE_TMP = /^svc-e2e-(\d+)-\d+-/;
/** 10.231.X.0/30 with X picked at random per namespace; the addresses exist only on the veth pair. */
const SUBNET_BASE = [10, 231] as const;

export interface ExecResult {
  /** Exit code, or null when the command was killed or could not start. */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface ExecOptions {
  /** Kill the command after this long (default 30 s) so a hung probe cannot hang the suite. */
  timeoutMs?: number;
  input?: string;
}

export interface Netns {
  name: string;
  /** On the root-namespace end of the veth; bind host-side servers here. */
  hostAddress: string;
  /** On the namespace end of the veth; what host-side servers see as the client address. */
  nsAddress: string;
  hostInterface: string;
  nsInterface: string;
  /** Executable script that starts Chromium inside the namespace; pass it as LaunchOptions.executablePath. */
  chromiumWrapper: string;
  /** Runs `ip netns exec NAME ...cmd` to completion. Never rejects; check `code`. */
  exec(cmd: string[], opts?: ExecOptions): Promise<ExecResult>;
  /** Starts a long-running process inside the namespace. destroy() kills whatever is still running in it. */
  spawn(cmd: string[], opts?: SpawnOptions): ChildProcess;
  /** Runs iptables inside the namespace; rejects with iptables' message on failure. Resolves with stdout. */
  iptables(args: string[]): Promise<string>;
  /** Kills processes left in the namespace, deletes it and the veth pair. Safe to call twice. */
  destroy(): Promise<void>;
}

export type NetnsAvailability = { ok: true } | { ok: false; why: string };

interface Tools {
  ip: string;
  iptables: string;
  sysctl: string | undefined;
}

interface Live {
  name: string;
  hostInterface: string;
  dir: string | undefined;
}

const live = new Map<string, Live>();
let availability: NetnsAvailability | undefined;
let tools: Tools | undefined;
let seq = 0;
let staleCleaned = false;
let exitHookInstalled = false;

/** Absolute path of a tool; sbin is searched too because a non-login root shell may not have it in PATH. */
function findTool(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function runSync(cmd: string[]): { code: number | null; stdout: string; stderr: string } {
  const [file, ...args] = cmd;
  const r = spawnSync(file as string, args, { encoding: 'utf8', timeout: 15_000 });
  return {
    code: r.status,
    stdout: r.stdout ?? '',
    stderr: (r.stderr ?? '') + (r.error ? String(r.error) : ''),
  };
}

/**
 * Whether this machine can run namespace tests: Linux, root, iproute2 and iptables installed, and a probe
 * namespace can be created with a statistic rule in it. Cached. Tests must fail with `why`, not skip.
 */
export function netnsAvailable(): NetnsAvailability {
  availability ??= probeAvailability();
  return availability;
}

function probeAvailability(): NetnsAvailability {
  if (process.platform !== 'linux') return { ok: false, why: 'network namespace tests need Linux' };
  if (process.getuid?.() !== 0) {
    return { ok: false, why: 'network namespace tests need root (ip netns, iptables); CI runs them as root' };
  }
  const ip = findTool('ip');
  if (!ip) return { ok: false, why: '"ip" not found: install iproute2 (apt-get install iproute2)' };
  const iptables = findTool('iptables');
  if (!iptables) return { ok: false, why: '"iptables" not found: install it (apt-get install iptables)' };
  const name = `${NS_PREFIX}${process.pid}-probe`;
  runSync([ip, 'netns', 'del', name]);
  const add = runSync([ip, 'netns', 'add', name]);
  if (add.code !== 0) return { ok: false, why: `cannot create a network namespace: ${add.stderr.trim()}` };
  try {
    const rule = runSync([
      ip,
      'netns',
      'exec',
      name,
      iptables,
      '-w',
      '-A',
      'INPUT',
      '-p',
      'udp',
      '-m',
      'statistic',
      '--mode',
      'random',
      '--probability',
      '0.5',
      '-j',
      'DROP',
    ]);
    if (rule.code !== 0) {
      return { ok: false, why: `iptables does not work inside a namespace: ${rule.stderr.trim()}` };
    }
  } finally {
    runSync([ip, 'netns', 'del', name]);
  }
  tools = { ip, iptables, sysctl: findTool('sysctl') };
  return { ok: true };
}

/** Throws the precondition failure, for beforeAll hooks of tests that need namespaces. */
export function requireNetns(): void {
  const a = netnsAvailable();
  if (!a.ok) throw new Error(`network namespaces unavailable: ${a.why}`);
}

function requireTools(): Tools {
  requireNetns();
  return tools as Tools;
}

function run(cmd: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve) => {
    const [file, ...args] = cmd;
    const child = spawn(file as string, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    // SIGKILL: `ip netns exec` execs the command in place, so this kills the command itself.
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 30_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: stderr + String(err), timedOut });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input);
  });
}

async function must(cmd: string[]): Promise<string> {
  const r = await run(cmd);
  if (r.code !== 0) {
    throw new Error(
      `${cmd.join(' ')} failed (${r.timedOut ? 'timed out' : `exit ${r.code}`}): ${r.stderr.trim()}`,
    );
  }
  return r.stdout;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** PIDs of processes inside a namespace; they keep it (and its veth) alive after `ip netns del`. */
function nsPidsSync(ip: string, name: string): number[] {
  return runSync([ip, 'netns', 'pids', name])
    .stdout.split('\n')
    .map(Number)
    .filter((p) => Number.isInteger(p) && p > 0);
}

/** Synchronous so it can run from the process 'exit' handler. Every step tolerates "already gone". */
function teardownSync(ip: string, entry: Live): void {
  for (const pid of nsPidsSync(ip, entry.name)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already exited
    }
  }
  runSync([ip, 'netns', 'del', entry.name]);
  // Deleting either end removes the pair, even if a process we could not kill still pins the namespace.
  if (entry.hostInterface) runSync([ip, 'link', 'del', entry.hostInterface]);
  if (entry.dir) rmSync(entry.dir, { recursive: true, force: true });
  rmSync(etcDir(entry.name), { recursive: true, force: true });
}

/** Per-namespace files `ip netns exec` mounts over /etc (resolv.conf): /etc/netns/NAME. */
function etcDir(name: string): string {
  return join('/etc/netns', name);
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort when a test forgets destroy() or throws before afterAll; signals that kill the process skip
  // this, and the next run's stale cleanup catches those.
  process.on('exit', () => {
    const t = tools;
    if (!t) return;
    for (const entry of live.values()) teardownSync(t.ip, entry);
    live.clear();
  });
}

/** Removes namespaces, veths and temp folders left by runs whose process is gone (crash, SIGKILL). */
function cleanupStale(ip: string): void {
  if (staleCleaned) return;
  staleCleaned = true;
  const names = runSync([ip, 'netns', 'list'])
    .stdout.split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '');
  for (const name of names) {
    const m = STALE_NS.exec(name);
    if (m && !pidAlive(Number(m[1]))) teardownSync(ip, { name, hostInterface: '', dir: undefined });
  }
  const links = runSync([ip, '-o', 'link', 'show'])
    .stdout.split('\n')
    .map((l) => (l.split(': ')[1] ?? '').split('@')[0] ?? '');
  for (const link of links) {
    const m = STALE_LINK.exec(link);
    if (m && !pidAlive(Number(m[1]))) runSync([ip, 'link', 'del', link]);
  }
  for (const entry of readdirSync(tmpdir())) {
    const m = STALE_TMP.exec(entry);
    if (m && !pidAlive(Number(m[1]))) rmSync(join(tmpdir(), entry), { recursive: true, force: true });
  }
  const etc = existsSync('/etc/netns') ? readdirSync('/etc/netns') : [];
  for (const entry of etc) {
    const m = STALE_NS.exec(entry);
    if (m && !pidAlive(Number(m[1]))) rmSync(etcDir(entry), { recursive: true, force: true });
  }
}

function ipToInt(a: string): number {
  return a.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

/** Routes and addresses in the root namespace, so a picked /30 never shadows a network the machine uses. */
function usedPrefixes(ip: string): Array<{ base: number; len: number }> {
  const text = `${runSync([ip, '-4', 'route', 'show', 'table', 'all']).stdout}\n${runSync([ip, '-o', '-4', 'addr']).stdout}`;
  const out: Array<{ base: number; len: number }> = [];
  for (const m of text.matchAll(/\b(\d{1,3}(?:\.\d{1,3}){3})(?:\/(\d{1,2}))?\b/g)) {
    const len = m[2] === undefined ? 32 : Number(m[2]);
    if (len === 0) continue;
    out.push({ base: ipToInt(m[1] as string), len });
  }
  return out;
}

function overlaps(a: { base: number; len: number }, b: { base: number; len: number }): boolean {
  const len = Math.min(a.len, b.len);
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  return (a.base & mask) >>> 0 === (b.base & mask) >>> 0;
}

function pickSubnet(ip: string): number {
  const used = usedPrefixes(ip);
  for (let attempt = 0; attempt < 64; attempt++) {
    const x = Math.floor(Math.random() * 256);
    const candidate = { base: ipToInt(`${SUBNET_BASE[0]}.${SUBNET_BASE[1]}.${x}.0`), len: 30 };
    if (!used.some((u) => overlaps(u, candidate))) return x;
  }
  throw new Error(`no free /30 in ${SUBNET_BASE.join('.')}.0.0/16 for a test namespace`);
}

/**
 * Creates a namespace with `lo` up and a veth to the root namespace: hostAddress on the root end, nsAddress on
 * the namespace end, default route via hostAddress. IPv6 is off on the veth so IPv4 rules cover everything.
 */
export async function createNetns(): Promise<Netns> {
  const t = requireTools();
  installExitHook();
  cleanupStale(t.ip);
  // A parallel run may pick the same /30 in the same instant; the duplicate check below retries on that.
  for (let attempt = 0; ; attempt++) {
    const ns = await createOnce(t);
    const owners = runSync([t.ip, '-o', '-4', 'addr', 'show', 'to', `${ns.hostAddress}/30`]).stdout.trim();
    if (owners.split('\n').length === 1) return ns;
    await ns.destroy();
    if (attempt >= 4) throw new Error(`could not get an unshared /30 for a test namespace:\n${owners}`);
  }
}

async function createOnce(t: Tools): Promise<Netns> {
  const n = seq++;
  const name = `${NS_PREFIX}${process.pid}-${n}`;
  const hostInterface = `svc${process.pid}-${n}h`;
  const nsInterface = `svc${process.pid}-${n}n`;
  if (hostInterface.length > 15) throw new Error(`interface name ${hostInterface} exceeds 15 characters`);
  const x = pickSubnet(t.ip);
  const prefix = `${SUBNET_BASE[0]}.${SUBNET_BASE[1]}.${x}`;
  const hostAddress = `${prefix}.1`;
  const nsAddress = `${prefix}.2`;
  // Registered before anything exists so the exit hook also removes a half-built namespace.
  const entry: Live = { name, hostInterface, dir: undefined };
  live.set(name, entry);
  const inNs = (cmd: string[]): string[] => [t.ip, 'netns', 'exec', name, ...cmd];
  const destroy = destroyer(t, entry);

  try {
    await must([t.ip, 'netns', 'add', name]);
    await must([
      t.ip,
      'link',
      'add',
      hostInterface,
      'type',
      'veth',
      'peer',
      'name',
      nsInterface,
      'netns',
      name,
    ]);
    // IPv6 off on both ends before they come up: no link-local addresses, no DAD chatter, nothing for
    // ip6tables to miss.
    try {
      writeFileSync(`/proc/sys/net/ipv6/conf/${hostInterface}/disable_ipv6`, '1');
    } catch {
      // kernel without IPv6: nothing to turn off
    }
    if (t.sysctl) await run(inNs([t.sysctl, '-q', '-w', `net.ipv6.conf.${nsInterface}.disable_ipv6=1`]));
    await must([t.ip, 'addr', 'add', `${hostAddress}/30`, 'dev', hostInterface]);
    await must([t.ip, 'link', 'set', hostInterface, 'up']);
    await must([t.ip, '-n', name, 'link', 'set', 'lo', 'up']);
    await must([t.ip, '-n', name, 'addr', 'add', `${nsAddress}/30`, 'dev', nsInterface]);
    await must([t.ip, '-n', name, 'link', 'set', nsInterface, 'up']);
    await must([t.ip, '-n', name, 'route', 'add', 'default', 'via', hostAddress]);

    const ipt = (args: string[]): Promise<string> => must(inNs([t.iptables, '-w', ...args]));
    await ipt(['-N', RULES_IN]);
    await ipt(['-N', RULES_OUT]);
    await ipt(['-A', 'INPUT', '-j', RULES_IN]);
    await ipt(['-A', 'OUTPUT', '-j', RULES_OUT]);
    await ipt(['-A', 'OUTPUT', '-o', 'lo', '-j', 'ACCEPT']);
    await ipt(['-A', 'OUTPUT', '-o', nsInterface, '-d', `${hostAddress}/32`, '-j', 'ACCEPT']);
    // The guard: everything else is refused inside the namespace, before it reaches the host's routing.
    await ipt(['-A', 'OUTPUT', '-p', 'tcp', '-j', 'REJECT', '--reject-with', 'tcp-reset']);
    await ipt(['-A', 'OUTPUT', '-j', 'REJECT', '--reject-with', 'icmp-admin-prohibited']);

    const chromiumWrapper = await writeChromiumWrapper(t, entry);

    return {
      name,
      hostAddress,
      nsAddress,
      hostInterface,
      nsInterface,
      chromiumWrapper,
      exec: (cmd, opts) => run(inNs(cmd), opts),
      spawn: (cmd, opts = {}) => {
        const [file, ...args] = inNs(cmd);
        return spawn(file as string, args, opts);
      },
      iptables: ipt,
      destroy,
    };
  } catch (err) {
    await destroy();
    throw err;
  }
}

/** Kills what runs in the namespace, deletes it (and its veth, if it has one to the host) and its files. */
function destroyer(t: Tools, entry: Live): () => Promise<void> {
  let destroyed = false;
  return async () => {
    if (destroyed) return;
    destroyed = true;
    const { name, hostInterface } = entry;
    for (const pid of nsPidsSync(t.ip, name)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already exited
      }
    }
    // Wait for them: a namespace with processes survives `ip netns del` and keeps the veth.
    for (let i = 0; i < 50 && nsPidsSync(t.ip, name).length > 0; i++) await sleep(100);
    await run([t.ip, 'netns', 'del', name]);
    if (hostInterface) {
      await run([t.ip, 'link', 'del', hostInterface]);
      for (let i = 0; i < 50 && (await run([t.ip, 'link', 'show', hostInterface])).code === 0; i++)
        await sleep(100);
    }
    if (entry.dir) await rm(entry.dir, { recursive: true, force: true });
    await rm(etcDir(name), { recursive: true, force: true });
    live.delete(name);
  };
}

/** A script that starts Chromium inside the namespace, in the namespace's temp folder (made here). */
async function writeChromiumWrapper(t: Tools, entry: Live): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `${entry.name}-`));
  entry.dir = dir;
  const chromiumWrapper = join(dir, 'chromium');
  // Playwright drives Chromium over inherited pipes (fds 3 and 4); `ip netns exec` execs in place, keeping
  // them and the PID, so Playwright's own kill on close still reaches the browser.
  await writeFile(
    chromiumWrapper,
    `#!/bin/sh\n# Runs Chromium inside test namespace ${entry.name}.\nexec '${t.ip}' netns exec '${entry.name}' '${CHROMIUM_PATH}' "$@"\n`,
  );
  await chmod(chromiumWrapper, 0o755);
  return chromiumWrapper;
}

/** A namespace with nothing but `lo`: the lab (lab.ts) wires several of these to each other, never to the host. */
export interface BareNetns {
  name: string;
  /** Executable script that starts Chromium inside the namespace. */
  chromiumWrapper: string;
  /** The command prefix that runs something inside the namespace. */
  prefix: string[];
  exec(cmd: string[], opts?: ExecOptions): Promise<ExecResult>;
  spawn(cmd: string[], opts?: SpawnOptions): ChildProcess;
  /** Runs `ip -n NAME ...args`; rejects with ip's message on failure. */
  ip(args: string[]): Promise<string>;
  iptables(args: string[]): Promise<string>;
  /** Sets a sysctl inside the namespace (e.g. net.ipv4.ip_forward=1); rejects on failure. */
  sysctl(key: string, value: string): Promise<void>;
  /** Makes `ip netns exec` (and so everything started in the namespace) resolve names with this server. */
  useNameserver(address: string): Promise<void>;
  destroy(): Promise<void>;
}

/** Creates an isolated namespace (`lo` up, IPv6 off) that the caller links to others; see BareNetns. */
export async function createBareNetns(): Promise<BareNetns> {
  const t = requireTools();
  installExitHook();
  cleanupStale(t.ip);
  const name = `${NS_PREFIX}${process.pid}-${seq++}`;
  const entry: Live = { name, hostInterface: '', dir: undefined };
  live.set(name, entry);
  const prefix = [t.ip, 'netns', 'exec', name];
  const destroy = destroyer(t, entry);
  try {
    await must([t.ip, 'netns', 'add', name]);
    await must([t.ip, '-n', name, 'link', 'set', 'lo', 'up']);
    // /proc/sys/net belongs to the namespace of the process that opens it, so go through ip netns exec.
    const nsSysctl = async (key: string, value: string) => {
      await must([...prefix, t.sysctl ?? 'sysctl', '-q', '-w', `${key}=${value}`]);
    };
    await nsSysctl('net.ipv6.conf.all.disable_ipv6', '1');
    await nsSysctl('net.ipv6.conf.default.disable_ipv6', '1');
    return {
      name,
      chromiumWrapper: await writeChromiumWrapper(t, entry),
      prefix,
      exec: (cmd, opts) => run([...prefix, ...cmd], opts),
      spawn: (cmd, opts = {}) => {
        const [file, ...args] = [...prefix, ...cmd];
        return spawn(file as string, args, opts);
      },
      ip: (args) => must([t.ip, '-n', name, ...args]),
      iptables: (args) => must([...prefix, t.iptables, '-w', ...args]),
      sysctl: nsSysctl,
      async useNameserver(address) {
        await mkdir(etcDir(name), { recursive: true });
        await writeFile(
          join(etcDir(name), 'resolv.conf'),
          `# Test namespace ${name}: the lab's own DNS server only.\nnameserver ${address}\noptions timeout:1 attempts:2\n`,
        );
      },
      destroy,
    };
  } catch (err) {
    await destroy();
    throw err;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Blocks all UDP between the namespace and `hostAddress`, both ways; TCP is untouched.
 *
 * Outbound uses NFQUEUE with no listener instead of DROP: a DROP in OUTPUT makes the sender's send() fail with
 * EPERM, which no real firewall does; a queue nobody reads discards silently, like a firewall out on the path.
 * Resolves 'silent', or 'eperm' if this kernel lacks NFQUEUE and plain DROP had to be used.
 */
export async function blockUdpTo(
  ns: Netns,
  hostAddress: string = ns.hostAddress,
): Promise<'silent' | 'eperm'> {
  await ns.iptables(['-A', RULES_IN, '-p', 'udp', '-s', hostAddress, '-j', 'DROP']);
  try {
    await dropUdpToPorts(ns, null, hostAddress);
    return 'silent';
  } catch {
    await ns.iptables(['-A', RULES_OUT, '-p', 'udp', '-d', hostAddress, '-j', 'DROP']);
    return 'eperm';
  }
}

export interface RandomUdpDrop {
  /** The relay's address. */
  fromHost: string;
  /** The relay's media port range as iptables writes it: '40000:40010', or one port '40000'. */
  sourcePorts: string;
  /** Chance each datagram is dropped, 0 to 1. */
  probability: number;
}

/**
 * Drops UDP arriving in the namespace from the relay's media ports at random: loss on the relay → browser leg.
 * The datagrams still reach the relay on the way in, so the relay sees full traffic while the browser loses some.
 */
export async function dropUdpRandomly(ns: Netns, opts: RandomUdpDrop): Promise<void> {
  if (!(opts.probability >= 0 && opts.probability <= 1)) {
    throw new Error(`probability must be between 0 and 1, got ${opts.probability}`);
  }
  if (!/^\d{1,5}(:\d{1,5})?$/.test(opts.sourcePorts)) {
    throw new Error(`sourcePorts must look like "40000" or "40000:40010", got ${opts.sourcePorts}`);
  }
  await ns.iptables([
    '-A',
    RULES_IN,
    '-p',
    'udp',
    '-s',
    opts.fromHost,
    '--sport',
    opts.sourcePorts,
    '-m',
    'statistic',
    '--mode',
    'random',
    '--probability',
    String(opts.probability),
    '-j',
    'DROP',
  ]);
}

/**
 * Drops UDP from the namespace to `ports` of `hostAddress` silently (NFQUEUE with no listener, see
 * blockUdpTo), as a firewall out on the path does. `ports` as iptables writes it: '30000:39999' or '40000';
 * null: every port.
 */
export async function dropUdpToPorts(
  ns: Netns,
  ports: string | null,
  hostAddress: string = ns.hostAddress,
): Promise<void> {
  const dport = ports === null ? [] : ['--dport', ports];
  await ns.iptables([
    '-A',
    RULES_OUT,
    '-p',
    'udp',
    '-d',
    hostAddress,
    ...dport,
    '-j',
    'NFQUEUE',
    '--queue-num',
    '4242',
  ]);
}

/** Refuses TCP connections from the namespace to host:port with a reset, as a firewall that rejects would. */
export async function rejectTcpPort(ns: Netns, hostAddress: string, port: number): Promise<void> {
  await ns.iptables([
    '-A',
    RULES_OUT,
    '-p',
    'tcp',
    '-d',
    hostAddress,
    '--dport',
    String(port),
    '-j',
    'REJECT',
    '--reject-with',
    'tcp-reset',
  ]);
}

/** Removes every rule the helpers (or tests, in SVC-IN/SVC-OUT) added; the address guard stays. */
export async function clearRules(ns: Netns): Promise<void> {
  await ns.iptables(['-F', RULES_IN]);
  await ns.iptables(['-F', RULES_OUT]);
}

const PROBE = join(import.meta.dirname, 'netns-probe.ts');

export interface TcpEchoResult {
  ok: boolean;
  reply?: string;
  /** Error code (ECONNREFUSED, …) or 'timeout'. */
  error?: string;
}

/** Connects from inside the namespace to an echo server and reports whether its line came back. */
export async function tcpEchoFromNs(
  ns: Netns,
  host: string,
  port: number,
  timeoutMs = 2000,
): Promise<TcpEchoResult> {
  return probe(ns, ['tcp', host, String(port), String(timeoutMs)], timeoutMs) as Promise<TcpEchoResult>;
}

export interface UdpEchoResult {
  sent: number;
  /** Distinct datagrams echoed back before the timeout. */
  received: number;
  sendErrors: number;
  errorCodes: string[];
}

/** Sends `count` numbered datagrams from inside the namespace to a UDP echo server and counts the echoes. */
export async function udpEchoFromNs(
  ns: Netns,
  host: string,
  port: number,
  opts: { count?: number; timeoutMs?: number } = {},
): Promise<UdpEchoResult> {
  const count = opts.count ?? 1;
  const timeoutMs = opts.timeoutMs ?? 1000;
  return probe(
    ns,
    ['udp', host, String(port), String(count), String(timeoutMs)],
    timeoutMs,
  ) as Promise<UdpEchoResult>;
}

async function probe(ns: Netns, args: string[], timeoutMs: number): Promise<unknown> {
  // Node runs the .ts probe directly (type stripping); the margin covers Node's own start-up.
  const r = await ns.exec([process.execPath, PROBE, ...args], { timeoutMs: timeoutMs + 15_000 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(
      `probe ${args.join(' ')} in ${ns.name} gave no result (exit ${r.code}): ${r.stderr.trim()}`,
    );
  }
}
