import { describe, expect, it } from 'vitest';
import { AddressLimits } from '../../../src/relay/core/address-limits.ts';

describe('AddressLimits', () => {
  it('admits up to the concurrent cap per address, says when the soonest session ends, and frees on release', () => {
    const limits = new AddressLimits({ concurrent: 2, startsPerMinute: 100 });
    const a = limits.admit('192.0.2.1', 0, 20_000);
    const b = limits.admit('192.0.2.1', 0, 9_500);
    expect(a.ok && b.ok).toBe(true);
    expect(limits.admit('192.0.2.1', 1000, 30_000)).toEqual({ ok: false, why: 'concurrent', retryAfterS: 9 });
    // Another address is not affected.
    expect(limits.admit('192.0.2.2', 1000, 30_000).ok).toBe(true);
    if (!b.ok) throw new Error('unreachable');
    expect(limits.release('192.0.2.1', b.id)).toBe(true);
    expect(limits.release('192.0.2.1', b.id)).toBe(false);
    expect(limits.admit('192.0.2.1', 1000, 30_000).ok).toBe(true);
  });

  it('caps starts per minute, refilling one per 60/limit s, without using a start on a concurrent refusal', () => {
    const limits = new AddressLimits({ concurrent: 100, startsPerMinute: 3 });
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = limits.admit('k', 0, 1000);
      if (!r.ok) throw new Error('refused too early');
      ids.push(r.id);
    }
    expect(limits.admit('k', 0, 1000)).toEqual({ ok: false, why: 'starts', retryAfterS: 20 });
    expect(limits.admit('k', 19_999, 1000)).toMatchObject({ ok: false, why: 'starts' });
    expect(limits.admit('k', 20_010, 1000).ok).toBe(true);

    const tight = new AddressLimits({ concurrent: 1, startsPerMinute: 2 });
    const first = tight.admit('k', 0, 5000);
    expect(tight.admit('k', 0, 5000)).toMatchObject({ ok: false, why: 'concurrent' });
    expect(tight.admit('k', 0, 5000)).toMatchObject({ ok: false, why: 'concurrent' });
    if (first.ok) tight.release('k', first.id);
    expect(tight.admit('k', 0, 5000).ok).toBe(true);
  });

  it('forgets an address once its last session is released', () => {
    const limits = new AddressLimits({ concurrent: 4, startsPerMinute: 20 });
    const r = limits.admit('k', 0, 1000);
    expect(limits.addresses).toBe(1);
    if (r.ok) limits.release('k', r.id);
    expect(limits.addresses).toBe(0);
  });

  it('refuses new addresses beyond the tracking cap rather than growing without end', () => {
    const limits = new AddressLimits({ concurrent: 4, startsPerMinute: 20, maxKeys: 2 });
    expect(limits.admit('a', 0, 1000).ok).toBe(true);
    expect(limits.admit('b', 0, 1000).ok).toBe(true);
    expect(limits.admit('c', 0, 1000)).toMatchObject({ ok: false });
  });
});
