/**
 * What the benchmark scripts share: the machine description every result must carry (numbers without the
 * machine they came from cannot be compared), order statistics, Markdown tables, and bounded argument parsing.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, release } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_PATH } from '../../src/cli/chromium.ts';

export const ROOT = join(import.meta.dirname, '../..');

export interface Machine {
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  kernel: string;
  node: string;
  chromium: string;
  commit: string;
  date: string;
  /** 1-minute load average at the start: other work on the machine skews every figure. */
  load1: number;
}

function run(cmd: string, args: string[]): string {
  try {
    // stderr ignored: Debian's chromium wrapper prints a harmless shell warning there.
    return execFileSync(cmd, args, {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'unknown';
  }
}

export function machine(withChromium: boolean): Machine {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const meminfo = readFileSync('/proc/meminfo', 'utf8');
  const memKiB = Number(/^MemTotal:\s+(\d+)/m.exec(meminfo)?.[1] ?? 0);
  const commit = run('git', ['rev-parse', '--short', 'HEAD']);
  // The tree is shared with other work in progress: say when the measured code is not exactly the commit.
  const dirty = run('git', ['status', '--porcelain', '--untracked-files=no']) !== '';
  return {
    nproc: availableParallelism(),
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown',
    memoryGiB: Math.round((memKiB / 1024 / 1024) * 10) / 10,
    kernel: release(),
    node: process.version,
    chromium: withChromium ? run(CHROMIUM_PATH, ['--version']) : 'not used',
    commit: dirty ? `${commit} (+ uncommitted changes)` : commit,
    date: new Date().toISOString(),
    load1: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}

export function printMachine(m: Machine): void {
  console.log('## Machine');
  console.log(`- nproc: ${m.nproc}; CPU: ${m.cpuModel}; memory: ${m.memoryGiB} GiB; kernel: ${m.kernel}`);
  console.log(`- Node ${m.node}; Chromium: ${m.chromium}`);
  console.log(`- commit ${m.commit}; date ${m.date}; 1-min load average at start ${m.load1}`);
  console.log('');
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function stats(xs: readonly number[]): { median: number; min: number; max: number } {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

export function fmt(x: number | null | undefined, digits = 0): string {
  return x === null || x === undefined || Number.isNaN(x) ? '-' : x.toFixed(digits);
}

/** A Markdown table, so the output can go into BENCHMARKS.md as printed. */
export function table(head: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** An integer flag within bounds: a benchmark with an unbounded count or duration is a runaway. */
export function boundedInt(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) {
    throw new Error(`--${name}: must be an integer from ${min} to ${max} (got "${raw}")`);
  }
  return n;
}

/** "A-B", counting the ports it holds. */
export function portRange(
  name: string,
  raw: string,
): { range: string; size: number; first: number; last: number } {
  const m = /^(\d+)-(\d+)$/.exec(raw);
  const first = Number(m?.[1]);
  const last = Number(m?.[2]);
  if (!m || first < 1024 || last > 65535 || first > last) {
    throw new Error(`--${name}: must be a port range A-B within 1024-65535 (got "${raw}")`);
  }
  return { range: raw, size: last - first + 1, first, last };
}

/** The p-th percentile of an ascending list (nearest rank), NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Busy and total jiffies of the whole machine (all cores), from /proc/stat. */
export function systemJiffies(): { busy: number; total: number } {
  const f = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + (Number.isNaN(b) ? 0 : b), 0);
  // idle + iowait
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { busy: total - idle, total };
}

/** Share of the whole machine busy between two samples, in % of one core (so 2 cores → up to 200 %). */
export function busyCorePct(a: { busy: number; total: number }, b: { busy: number; total: number }): number {
  return ((b.busy - a.busy) / Math.max(1, b.total - a.total)) * 100 * availableParallelism();
}

/**
 * The relay options of the load benchmarks: every media port usable, and the per-address caps lifted, since
 * one loopback address plays every client there.
 */
export function loadRelayArgs(media: { range: string; size: number }): string[] {
  const all = String(media.size);
  return [
    '--media-ports',
    media.range,
    '--max-sessions',
    all,
    '--max-sessions-per-address',
    all,
    '--session-starts-per-minute',
    '100000',
    // One signaling connection per session, all from 127.0.0.1, plus the bench's own /metrics reads: the
    // default 200 per address reset the 201st (200 sessions + one /metrics read).
    '--max-connections-per-address',
    '100000',
  ];
}
