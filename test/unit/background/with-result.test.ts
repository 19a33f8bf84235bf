import { describe, expect, it } from 'vitest';
import { withResult } from '../../../src/background/with-result.ts';
import type { CheckResult } from '../../../src/checks/types.ts';

const r = (id: string, reason: string, partial?: true): CheckResult => ({
  id,
  title: id,
  status: 'pass',
  reason,
  summary: reason,
  durationMs: 1,
  data: {},
  ...(partial ? { partial } : {}),
});

describe('withResult', () => {
  it('appends a new check, and puts a final result in its partial row place', () => {
    let rows = withResult([], r('https', 'ok'));
    rows = withResult(rows, r('wss', 'pings-pending', true));
    rows = withResult(rows, r('ports', 'ok'));
    rows = withResult(rows, r('wss', 'ok'));
    expect(rows.map((c) => [c.id, c.reason, c.partial ?? false])).toEqual([
      ['https', 'ok', false],
      ['wss', 'ok', false],
      ['ports', 'ok', false],
    ]);
  });
});
