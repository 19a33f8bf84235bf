/**
 * What the relay comparison says about two clean relays: their quick samples cannot tell them apart, so the
 * configured relay stays; or, where a busy computer slowed one relay's sample (the configured relay's own
 * media check runs beside the port check), a recommendation whose stated figures differ by more than the
 * samples resolve (src/checks/regions/resolution.ts). Never a recommendation on noise.
 */
import { expect } from 'vitest';

const NUM = '(\\d+(?:\\.\\d)?)';

export function expectCleanRelaysCompared(summary: string, configured: string, other: string): void {
  const names = `(?:${configured}|${other})`;
  const alike = `^${configured} and ${other} measured alike \\(MOS \\d\\.\\d; their short samples cannot tell them apart\\): keep the configured relay, ${configured}\\.`;
  if (new RegExp(alike).test(summary)) return;
  const rule: Array<[RegExp, (a: number, b: number) => boolean]> = [
    [
      new RegExp(
        `^Recommended relay: ${names} \\(calls through it would sound best: MOS ${NUM}, against ${NUM} through ${names}\\)`,
      ),
      (a, b) => a - b > 0.1,
    ],
    [
      new RegExp(
        `^Recommended relay: ${names} \\(MOS \\d\\.\\d as through ${names}, with a shorter round trip: ${NUM} ms against ${NUM} ms\\)`,
      ),
      (a, b) => b - a > 5 && b - a > 0.1 * b,
    ],
    [
      new RegExp(
        `^Recommended relay: ${names} \\(MOS \\d\\.\\d as through ${names}, with less jitter: ${NUM} ms against ${NUM} ms\\)`,
      ),
      (a, b) => b - a > 3,
    ],
    [
      new RegExp(
        `^Recommended relay: ${names} \\(MOS \\d\\.\\d as through ${names}, with less loss: ${NUM} % against ${NUM} %\\)`,
      ),
      (a, b) => b > a,
    ],
  ];
  for (const [words, resolved] of rule) {
    const m = words.exec(summary);
    if (m) {
      expect(resolved(Number(m[1]), Number(m[2])), summary).toBe(true);
      return;
    }
  }
  expect(summary).toMatch(new RegExp(alike));
}
