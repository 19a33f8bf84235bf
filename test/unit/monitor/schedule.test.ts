import { describe, expect, it } from 'vitest';
import {
  isWorse,
  JITTER,
  networkOf,
  nextCheckAt,
  previousOnSameNetwork,
  sameNetwork,
  worsenedSince,
} from '../../../src/monitor/schedule.ts';
import type { Report } from '../../../src/protocol/report.ts';
import { report } from '../../fakes/report.ts';

const MIN = 60_000;

/** A report taken at minute `n` with a verdict, seen by the relay from `address` (null: relay not reached). */
function at(n: number, verdict: Report['verdict'], address: string | null = '198.51.100.7'): Report {
  const base = report();
  const checks = base.checks.map((c) =>
    c.id === 'relay-https' && address !== null
      ? { ...c, data: { ...(c.data as object), clientAddress: address } }
      : c,
  );
  return report({
    runId: `run-${n}`,
    verdict,
    startedAt: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(),
    checks: address === null ? checks.filter((c) => c.id !== 'relay-https') : checks,
  });
}

describe('next check', () => {
  it('is the interval away without jitter in the middle of the range', () => {
    expect(nextCheckAt(1000, 30 * MIN, 0.5)).toBe(1000 + 30 * MIN);
  });

  it('spreads by the jitter fraction either way', () => {
    expect(nextCheckAt(0, 30 * MIN, 0)).toBe(30 * MIN * (1 - JITTER));
    expect(nextCheckAt(0, 30 * MIN, 0.999999)).toBeCloseTo(30 * MIN * (1 + JITTER), -2);
  });
});

describe('worse verdict', () => {
  it('orders ready, degraded, then blocked and error alike', () => {
    expect(isWorse('ready', 'degraded')).toBe(true);
    expect(isWorse('degraded', 'blocked')).toBe(true);
    expect(isWorse('ready', 'error')).toBe(true);
    expect(isWorse('blocked', 'error')).toBe(false);
    expect(isWorse('error', 'blocked')).toBe(false);
    expect(isWorse('blocked', 'ready')).toBe(false);
    expect(isWorse('ready', 'ready')).toBe(false);
  });
});

describe('same network', () => {
  it('reads the address the relay saw', () => {
    expect(networkOf(at(1, 'ready'))).toBe('198.51.100.7');
    expect(networkOf(at(1, 'blocked', null))).toBeNull();
  });

  it('compares only when the addresses do not positively differ', () => {
    expect(sameNetwork(at(1, 'ready'), at(2, 'ready'))).toBe(true);
    expect(sameNetwork(at(1, 'ready', '203.0.113.9'), at(2, 'ready'))).toBe(false);
    expect(sameNetwork(at(1, 'ready'), at(2, 'blocked', null))).toBe(true);
  });
});

describe('worsened since', () => {
  it('finds the earlier report when the verdict got worse on the same network', () => {
    const now = at(3, 'blocked', null);
    const history = [now, at(2, 'ready'), at(1, 'degraded')];
    expect(worsenedSince(history, now)?.runId).toBe('run-2');
  });

  it('says nothing when the verdict stayed or improved', () => {
    const same = at(3, 'ready');
    expect(worsenedSince([same, at(2, 'ready')], same)).toBeNull();
    const better = at(3, 'ready');
    expect(worsenedSince([better, at(2, 'blocked')], better)).toBeNull();
  });

  it('skips reports from another network and compares with the last one from this network', () => {
    const now = at(4, 'degraded');
    const history = [now, at(3, 'blocked', '203.0.113.9'), at(2, 'ready')];
    expect(previousOnSameNetwork(history, now)?.runId).toBe('run-2');
    expect(worsenedSince(history, now)?.runId).toBe('run-2');
  });

  it('says nothing for the first report', () => {
    const first = at(1, 'blocked');
    expect(worsenedSince([first], first)).toBeNull();
  });
});
