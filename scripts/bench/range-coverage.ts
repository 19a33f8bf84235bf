/**
 * `npm run bench:range-coverage`: how likely one run of the check misses a blocked block of ports inside a
 * large range, with the sampling the extension and relay really use (src/profiles/sample-ports.ts): the
 * relay listens on 128 ports of each range (drawn at each start), a run probes 32 of those (drawn each run).
 * A block of `size` consecutive ports is dropped at a uniformly random position; a run misses it when none
 * of its probed ports falls inside. Monte Carlo over the real functions; pure, no network.
 *   node scripts/bench/range-coverage.ts [--trials 20000]
 */
import { portsToProbe, samplePorts, stratifiedSample } from '../../src/profiles/sample-ports.ts';
import { PROBE_PORTS_PER_RANGE } from '../../src/protocol/relay-messages.ts';

const args = process.argv.slice(2);
const trialsArg = args.indexOf('--trials');
const TRIALS = Math.min(
  200_000,
  Math.max(1000, Number(trialsArg >= 0 ? args[trialsArg + 1] : 20_000) || 20_000),
);
/** A relay is restarted now and then, a check is run often: a new relay draw every this many runs. */
const RUNS_PER_RELAY = 100;

const RANGES = [
  { name: 'UDP 40000-49999 (desk phone SRTP)', from: 40000, to: 49999 },
  { name: 'UDP 60000-64999 (app SRTP)', from: 60000, to: 64999 },
  { name: 'UDP 20000-39999 (desk phone RTP)', from: 20000, to: 39999 },
];
const BLOCKS = [1000, 500, 250, 100];

/** The share of trials in which `runs` runs in a row (against one relay draw) all miss the block. */
function missRate(
  range: { from: number; to: number },
  block: number,
  draw: (pool: number[]) => number[],
  runs = 1,
): number {
  let pool: number[] = [];
  let misses = 0;
  for (let i = 0; i < TRIALS; i++) {
    if (i % RUNS_PER_RELAY === 0) pool = stratifiedSample(range, PROBE_PORTS_PER_RANGE, Math.random);
    const start = range.from + Math.floor(Math.random() * (range.to - range.from + 2 - block));
    let missed = true;
    for (let r = 0; r < runs && missed; r++)
      missed = !draw(pool).some((p) => p >= start && p < start + block);
    if (missed) misses++;
  }
  return misses / TRIALS;
}

const pct = (x: number) => `${(x * 100).toFixed(x < 0.001 && x > 0 ? 3 : 1)} %`;

console.log(`# Range coverage: chance one run misses a blocked block of ports`);
console.log(
  `\nMethod: ${TRIALS} simulated runs per cell; the relay draws ${PROBE_PORTS_PER_RANGE} listening ports per range (stratified, ends included) and redraws every ${RUNS_PER_RELAY} runs; each run draws 32 of those (one per equal stretch, ends included); a block of consecutive ports is dropped at a uniform random position. "before" is the old fixed sample (both ends and the middle). "5 runs" is the chance five runs in a row against the same relay all miss it.\n`,
);
console.log(
  '| range | blocked block | ports probed per run | miss, one run | miss, 5 runs | before (3 fixed ports) |',
);
console.log('| --- | --- | --- | --- | --- | --- |');
for (const range of RANGES) {
  for (const block of BLOCKS) {
    const run = (pool: number[]) => portsToProbe(range, pool, Math.random);
    const now = missRate(range, block, run);
    const five = missRate(range, block, run, 5);
    const before = missRate(range, block, () => samplePorts(range));
    const probed = portsToProbe(
      range,
      stratifiedSample(range, PROBE_PORTS_PER_RANGE, Math.random),
      Math.random,
    ).length;
    console.log(`| ${range.name} | ${block} | ${probed} | ${pct(now)} | ${pct(five)} | ${pct(before)} |`);
  }
}
