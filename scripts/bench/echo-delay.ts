/**
 * The delay the relay adds to each echo, read from the kernel's own timestamps rather than from the callers'
 * event loops: tcpdump captures the loopback traffic of the relay's media ports for a few seconds, and each
 * echoed RTP packet is matched with the packet it echoes (same relay port, same caller port, same sequence
 * number: the lean echo keeps the caller's sequence numbers, and SRTP leaves the RTP header in the clear).
 * On loopback a packet is captured when its sender's send call hands it to the kernel, so the figure is the
 * time from the caller's send to the relay's send of the echo: the relay's socket queue, its turn and its
 * work, without the callers' side. Needs tcpdump and the right to capture (root); otherwise not measured.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { percentile, sleep } from './common.ts';

/** At most this many packets are captured (~5 MB of 64-byte snapshots): one capture stays bounded. */
const MAX_PACKETS = 300_000;
const SNAP_BYTES = 64;
const EXIT_WAIT_MS = 10_000;

export interface EchoDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Echoes matched with the packet they echo. */
  matched: number;
  /** Packets the kernel dropped from the capture (tcpdump's own count): matched echoes are still exact. */
  droppedByKernel: number;
}

/** Why the delay could not be measured, or null when it can be. */
export function captureUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'needs root to capture';
  const probe = spawnSync('tcpdump', ['--version'], { stdio: 'ignore' });
  return probe.status === 0 ? null : 'tcpdump not installed';
}

/** RFC 7983: RTP (not RTCP) by its first two bytes. */
function isRtp(b0: number, b1: number): boolean {
  return b0 >= 128 && b0 <= 191 && !(b1 >= 192 && b1 <= 223);
}

/**
 * Added delay per echo from a pcap file (Ethernet link type, as tcpdump writes for lo): µs timestamps, IPv4
 * UDP only; relay ports are those in [first, last].
 */
export function delaysFromPcap(pcap: Buffer, first: number, last: number): number[] {
  if (pcap.length < 24) return [];
  const magic = pcap.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4;
  if (!le && pcap.readUInt32BE(0) !== 0xa1b2c3d4) throw new Error('not a microsecond pcap file');
  const u32 = (at: number) => (le ? pcap.readUInt32LE(at) : pcap.readUInt32BE(at));
  const inbound = new Map<string, number>();
  const delays: number[] = [];
  let at = 24;
  while (at + 16 <= pcap.length) {
    const tsUs = u32(at) * 1e6 + u32(at + 4);
    const captured = u32(at + 8);
    const frame = at + 16;
    at = frame + captured;
    if (at > pcap.length) break;
    // Ethernet (14) + IPv4 (IHL) + UDP (8) + the first 4 bytes of RTP.
    if (captured < 14 + 20 + 8 + 4 || pcap.readUInt16BE(frame + 12) !== 0x0800) continue;
    const ip = frame + 14;
    const ihl = (pcap[ip] as number) & 0x0f;
    if (pcap[ip + 9] !== 17 || captured < 14 + ihl * 4 + 8 + 4) continue;
    const udp = ip + ihl * 4;
    const src = pcap.readUInt16BE(udp);
    const dst = pcap.readUInt16BE(udp + 2);
    const rtp = udp + 8;
    if (!isRtp(pcap[rtp] as number, pcap[rtp + 1] as number)) continue;
    const seq = pcap.readUInt16BE(rtp + 2);
    const toRelay = dst >= first && dst <= last;
    const fromRelay = src >= first && src <= last;
    if (toRelay && !fromRelay) inbound.set(`${dst}:${src}:${seq}`, tsUs);
    else if (fromRelay && !toRelay) {
      const key = `${src}:${dst}:${seq}`;
      const sent = inbound.get(key);
      if (sent === undefined) continue;
      inbound.delete(key);
      delays.push((tsUs - sent) / 1000);
    }
  }
  return delays;
}

/** Captures the relay's media ports on lo for `seconds` and returns the added delay per echo. */
export async function measureEchoDelay(
  first: number,
  last: number,
  seconds: number,
  /** The CPU tcpdump runs on (taskset), away from the relay's; any when not given. */
  cpu?: number,
): Promise<EchoDelay> {
  const dir = mkdtempSync(join(tmpdir(), 'svc-echo-delay-'));
  const file = join(dir, 'echo.pcap');
  try {
    // -Z root: tcpdump would otherwise drop to its own user, which may not write into this private directory.
    const args = ['-i', 'lo', '-n', '-p', '-Z', 'root', '-B', '16384', '-s', String(SNAP_BYTES)];
    args.push('-c', String(MAX_PACKETS), '-w', file, 'udp', 'and', 'portrange', `${first}-${last}`);
    const command =
      cpu === undefined ? ['tcpdump', ...args] : ['taskset', '-c', String(cpu), 'tcpdump', ...args];
    const tcpdump = spawn(command[0] as string, command.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    tcpdump.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < 64_000) stderr += d.toString();
    });
    // tcpdump says "listening on lo" once its filter is in place.
    const deadline = Date.now() + EXIT_WAIT_MS;
    while (!stderr.includes('listening on') && Date.now() < deadline && tcpdump.exitCode === null) {
      await sleep(20);
    }
    await sleep(seconds * 1000);
    const exited = await stop(tcpdump);
    if (!exited) throw new Error('tcpdump did not stop');
    const dropped = Number(/(\d+) packets? dropped by kernel/.exec(stderr)?.[1] ?? Number.NaN);
    const delays = delaysFromPcap(readFileSync(file), first, last).sort((a, b) => a - b);
    return {
      p50Ms: percentile(delays, 50),
      p99Ms: percentile(delays, 99),
      maxMs: delays.at(-1) ?? Number.NaN,
      matched: delays.length,
      droppedByKernel: dropped,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** SIGINT (tcpdump then writes its counts), SIGKILL if it does not exit in time. */
async function stop(child: ChildProcess): Promise<boolean> {
  if (child.exitCode !== null) return true;
  const exited = new Promise<boolean>((resolve) => child.once('exit', () => resolve(true)));
  child.kill('SIGINT');
  const timer = sleep(EXIT_WAIT_MS).then(() => false);
  const ok = await Promise.race([exited, timer]);
  if (!ok) child.kill('SIGKILL');
  return ok;
}
