/**
 * The relay's young generation stays at V8's starting size. Every echoed packet allocates short-lived objects
 * (werift parses, decrypts and re-encrypts each one), and under that steady stream V8 grows its young
 * generation from 2 MB to 64 MB and keeps it: at 25 concurrent sessions that was more than half of the
 * relay's growth in resident memory, charged to no session. Held at its starting size, the collector runs
 * more often on less memory; BENCHMARKS.md has the memory and CPU measured both ways.
 *
 * V8 reads this flag each time it considers growing the young generation, so setting it once the process runs
 * takes effect (unlike --max-semi-space-size, which is fixed when the heap is made and would have to be given
 * on every command line that starts the relay). An operator's own NODE_OPTIONS or flags come first.
 */
import { setFlagsFromString } from 'node:v8';

export const YOUNG_GENERATION_FLAGS = ['--semi-space-growth-factor', '--max-semi-space-size'];

/** Stops the young generation from growing, unless the node command line or NODE_OPTIONS sizes it. */
export function holdYoungGeneration(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)];
  const sized = given.some((a) => YOUNG_GENERATION_FLAGS.some((f) => a.replace(/_/g, '-').startsWith(f)));
  if (sized) return false;
  setFlagsFromString('--semi-space-growth-factor=1');
  return true;
}
