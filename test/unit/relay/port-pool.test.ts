import { describe, expect, it } from 'vitest';
import { PortPool } from '../../../src/relay/core/port-pool.ts';

describe('PortPool', () => {
  it('hands out every port once, then null', () => {
    const pool = new PortPool({ first: 40000, last: 40002 });
    expect([pool.take(0), pool.take(0), pool.take(0), pool.take(0)]).toEqual([40000, 40001, 40002, null]);
    expect(pool.inUse).toBe(3);
  });

  it('reuses a released port only after the others (round-robin)', () => {
    const pool = new PortPool({ first: 40000, last: 40002 });
    const a = pool.take(0);
    expect(pool.release(a as number)).toBe(true);
    expect(pool.take(0)).toBe(40001);
    expect(pool.take(0)).toBe(40002);
    expect(pool.take(0)).toBe(40000);
  });

  it('wraps around past taken ports', () => {
    const pool = new PortPool({ first: 1, last: 3 });
    pool.take(0);
    pool.take(0);
    pool.take(0);
    pool.release(2);
    expect(pool.take(0)).toBe(2);
  });

  it('works with a range of one port', () => {
    const pool = new PortPool({ first: 40000, last: 40000 });
    expect(pool.take(0)).toBe(40000);
    expect(pool.take(0)).toBeNull();
    pool.release(40000);
    expect(pool.take(0)).toBe(40000);
  });

  it('stops at the session limit even with free ports', () => {
    const pool = new PortPool({ first: 40000, last: 40009, limit: 2 });
    expect([pool.take(0), pool.take(0), pool.take(0)]).toEqual([40000, 40001, null]);
    expect(pool.limit).toBe(2);
    expect(new PortPool({ first: 1, last: 2, limit: 100 }).limit).toBe(2);
  });

  it('reports a double release instead of freeing the port twice', () => {
    const pool = new PortPool({ first: 40000, last: 40001 });
    const p = pool.take(0) as number;
    expect(pool.release(p)).toBe(true);
    expect(pool.release(p)).toBe(false);
    expect(pool.release(12345)).toBe(false);
    expect(pool.inUse).toBe(0);
  });

  it('tells a refused client when the first port is due back, in whole seconds, at least 1', () => {
    const pool = new PortPool({ first: 1, last: 2 });
    pool.take(20_000);
    pool.take(9_001);
    expect(pool.retryAfterS(1000)).toBe(9);
    expect(pool.retryAfterS(50_000)).toBe(1);
  });

  it('tells the real time a port frees once its session knows its end, not the worst case it started with', () => {
    const pool = new PortPool({ first: 40000, last: 40000 });
    const port = pool.take(135_000) as number;
    expect(pool.retryAfterS(0)).toBe(135);
    pool.reschedule(port, 20_000);
    expect(pool.retryAfterS(0)).toBe(20);
    pool.release(port);
    pool.reschedule(port, 99_000); // a late call after release changes nothing
    expect(pool.inUse).toBe(0);
  });

  it('refuses a bad range', () => {
    expect(() => new PortPool({ first: 5, last: 4 })).toThrow(RangeError);
  });
});
