/**
 * cyclictest (rt-tests) beside a benchmark: one thread on a given CPU at a given nice, ordinary scheduling
 * (SCHED_OTHER), that asks to wake every millisecond and records how late it woke. Run on the relay's CPU
 * at the relay's nice while the relay echoes, it tells whether any thread there waits as long as the echo
 * does (the CPU, the VM, the kernel) or only the echo does (the relay). --default-system: cyclictest does
 * not write /dev/cpu_dma_latency, which would change the machine's idle states for the relay too.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { getPriority } from 'node:os';

/** Latencies tracked one microsecond apart up to here; later wake-ups count as overflows. */
export const HISTOGRAM_US = 20_000;

export interface WakeUp {
  samples: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
  /** Wake-ups later than HISTOGRAM_US (a p50 or p99 among them is shown as HISTOGRAM_US). */
  overflows: number;
}

/** Why cyclictest cannot run here, or null. */
export function cyclictestUnavailable(): string | null {
  const probe = spawnSync('cyclictest', ['--help'], { stdio: 'ignore', timeout: 5000 });
  return probe.error ? 'cyclictest not installed (Debian: apt-get install rt-tests)' : null;
}

/** The p-th percentile of a histogram's samples, µs (HISTOGRAM_US when it falls among the overflows). */
function histogramPercentile(buckets: ReadonlyArray<readonly [number, number]>, total: number, p: number) {
  const rank = Math.ceil((p / 100) * total);
  let seen = 0;
  for (const [us, count] of buckets) {
    seen += count;
    if (seen >= rank) return us;
  }
  return HISTOGRAM_US;
}

/** cyclictest -q -h output: "<µs> <count>" lines, then "# Max Latencies:" and "# Histogram Overflows:". */
export function parseCyclictest(text: string): WakeUp {
  const buckets: Array<[number, number]> = [];
  for (const m of text.matchAll(/^(\d{6}) (\d+)$/gm)) {
    const count = Number(m[2]);
    if (count > 0) buckets.push([Number(m[1]), count]);
  }
  const field = (name: string) =>
    Number(new RegExp(`^# ${name}: *(\\d+)`, 'm').exec(text)?.[1] ?? Number.NaN);
  const overflows = field('Histogram Overflows');
  const samples = buckets.reduce((a, [, n]) => a + n, 0) + (overflows || 0);
  return {
    samples,
    p50Us: histogramPercentile(buckets, samples, 50),
    p99Us: histogramPercentile(buckets, samples, 99),
    maxUs: field('Max Latencies'),
    overflows,
  };
}

/** cyclictest pinned to `cpu` at nice `nice`, from now until stop() (SIGINT: it prints its histogram). */
export function startCyclictest(cpu: number, nice: number): { stop(): Promise<WakeUp> } {
  // `nice -n` adds to this process's own nice; the thread it starts inherits the result.
  const adjust = nice - getPriority();
  const child: ChildProcess = spawn(
    'nice',
    [
      '-n',
      String(adjust),
      'cyclictest',
      '-q',
      '--default-system',
      '-i',
      '1000',
      '-t',
      '1',
      '-a',
      String(cpu),
    ].concat(['--policy=other', '-h', String(HISTOGRAM_US)]),
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.resume();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    async stop() {
      child.kill('SIGINT');
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000).unref());
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        child.kill('SIGKILL');
        throw new Error('cyclictest did not stop within 10 s of SIGINT');
      }
      return parseCyclictest(out);
    },
  };
}
