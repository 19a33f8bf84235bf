import { describe, expect, it } from 'vitest';
import type { CheckResult, CheckStatus } from '../../../src/checks/types.ts';
import { verdictOf } from '../../../src/checks/verdict.ts';

const check = (id: string, status: CheckStatus): CheckResult => ({
  id,
  title: id,
  status,
  reason: status === 'pass' ? 'ok' : 'x',
  summary: `${id} is ${status}`,
  durationMs: 1,
  data: {},
});

describe('verdictOf', () => {
  it.each([
    [['pass', 'pass', 'pass'], 'ready'],
    [['pass', 'pass', 'skip'], 'ready'],
    [['fail', 'pass', 'pass'], 'blocked'],
    [['pass', 'fail', 'pass'], 'blocked'],
    [['pass', 'pass', 'fail'], 'degraded'],
    [['pass', 'warn', 'pass'], 'degraded'],
    [['pass', 'pass', 'error'], 'error'],
    [['pass', 'error', 'fail'], 'degraded'],
  ] as Array<[CheckStatus[], string]>)('%j -> %s', (statuses, expected) => {
    const ids = ['relay-https', 'relay-wss', 'https-target-1'];
    expect(verdictOf(statuses.map((s, i) => check(ids[i] as string, s))).verdict).toBe(expected);
  });

  it('names the failing relay check in the headline', () => {
    const v = verdictOf([check('relay-https', 'fail'), check('relay-wss', 'pass')]);
    expect(v.headline).toContain('relay-https is fail');
  });

  it('is an error, not ready, when nothing ran', () => {
    expect(verdictOf([]).verdict).toBe('error');
  });
});
