import { describe, expect, it } from 'vitest';
import { MediaPorts, mediaRangeFor } from '../../../src/relay/core/media-ports.ts';
import { PortPool } from '../../../src/relay/core/port-pool.ts';

describe('media ports per profile', () => {
  it("gives the mobile and desktop apps the apps' range, everyone else the desk phones'", () => {
    expect(mediaRangeFor('mobile-app')).toBe('apps');
    expect(mediaRangeFor('desktop-app')).toBe('apps');
    expect(mediaRangeFor('desk-phone')).toBe('desk');
    expect(mediaRangeFor('meetings')).toBe('desk');
    expect(mediaRangeFor(undefined)).toBe('desk');
  });

  it('hands out each range on its own, under one session cap over both', () => {
    const ports = new MediaPorts({
      ranges: { desk: { first: 40000, last: 40001 }, apps: { first: 60000, last: 60001 } },
      maxSessions: 3,
    });
    expect(ports.limit).toBe(3);
    expect(ports.take('apps', 0)).toBe(60000);
    expect(ports.take('desk', 0)).toBe(40000);
    expect(ports.take('apps', 0)).toBe(60001);
    expect(ports.inUse).toBe(3);
    // The cap, not the desk range (one port left there), refuses the fourth.
    expect(ports.take('desk', 0)).toBeNull();
    expect(ports.release(60000)).toBe(true);
    expect(ports.release(60000)).toBe(false);
    expect(ports.take('desk', 0)).toBe(40001);
    expect(ports.take('apps', 0)).toBeNull();
  });

  it('leaves out the UDP probe ports inside a range, and counts only what it can hand out', () => {
    const ports = new MediaPorts({
      ranges: { desk: { first: 40000, last: 40002 }, apps: { first: 60000, last: 60002 } },
      maxSessions: 100,
      exclude: new Set([40000, 40002, 60001, 8801]),
    });
    expect(ports.size('desk')).toBe(1);
    expect(ports.size('apps')).toBe(2);
    expect(ports.limit).toBe(3);
    expect([ports.take('desk', 0), ports.take('desk', 0)]).toEqual([40001, null]);
    expect([ports.take('apps', 0), ports.take('apps', 0), ports.take('apps', 0)]).toEqual([
      60000,
      60002,
      null,
    ]);
    expect(ports.release(40000)).toBe(false);
  });

  it('one range for both is one pool: a port is never handed out twice', () => {
    const ports = new MediaPorts({
      ranges: { desk: { first: 40000, last: 40001 }, apps: { first: 40000, last: 40001 } },
      maxSessions: 10,
    });
    expect(ports.limit).toBe(2);
    expect([ports.take('apps', 0), ports.take('desk', 0), ports.take('apps', 0)]).toEqual([
      40000,
      40001,
      null,
    ]);
  });

  it('tells a refused client when a port of its range is due back, or any port when the cap refused it', () => {
    const ports = new MediaPorts({
      ranges: { desk: { first: 40000, last: 40000 }, apps: { first: 60000, last: 60001 } },
      maxSessions: 2,
    });
    ports.take('desk', 30_000);
    expect(ports.retryAfterS('desk', 0)).toBe(30);
    // The apps' range has room and no session: any moment.
    expect(ports.retryAfterS('apps', 0)).toBe(1);
    ports.take('apps', 12_000);
    expect(ports.retryAfterS('apps', 0)).toBe(12);
    ports.reschedule(40000, 5000);
    expect(ports.retryAfterS('apps', 0)).toBe(5);
  });
});

describe('PortPool with excluded ports', () => {
  it('skips them, round-robin, and sizes itself without them', () => {
    const pool = new PortPool({ first: 1, last: 4, exclude: new Set([2, 3]) });
    expect(pool.size).toBe(2);
    expect(pool.has(2)).toBe(false);
    expect([pool.take(0), pool.take(0), pool.take(0)]).toEqual([1, 4, null]);
  });
});
