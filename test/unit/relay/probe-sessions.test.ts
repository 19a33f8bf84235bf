import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_PROBE_BINDINGS, MAX_PROBE_BINDINGS_PER_FAMILY } from '../../../src/protocol/relay-messages.ts';
import { KEPT_PER_CONNECTION, ProbeRegistry } from '../../../src/relay/core/probe-sessions.ts';

const registry = (opts: { maxLive?: number } = {}) =>
  new ProbeRegistry({ random: (n) => randomBytes(n), ...opts });
const binding = (relayPort: number, remotePort = 50000) => ({
  relayPort,
  providerPort: relayPort - 10000,
  remoteAddress: '198.51.100.7',
  remotePort,
});

describe('probe sessions', () => {
  it('issues random ICE credentials (8-character ufrag, 24-character password) valid for 30 s', () => {
    const r = registry();
    const a = r.start(1, 0);
    const b = r.start(2, 0);
    if (!a.ok || !b.ok) throw new Error('refused');
    expect(a.ufrag).toMatch(/^[A-Za-z0-9+/]{8}$/);
    expect(a.pwd).toMatch(/^[A-Za-z0-9+/]{24}$/);
    expect(a.expiresInS).toBe(30);
    expect(a.ufrag).not.toBe(b.ufrag);
    expect(r.passwordFor(a.ufrag, 29_999)).toBe(a.pwd);
    expect(r.passwordFor(a.ufrag, 30_000)).toBeUndefined();
    expect(r.passwordFor('unknown1', 0)).toBeUndefined();
  });

  it('allows two live sessions per connection, then says when the oldest ends', () => {
    const r = registry();
    expect(r.start(1, 0).ok).toBe(true);
    expect(r.start(1, 10_000).ok).toBe(true);
    expect(r.start(1, 12_500)).toEqual({ ok: false, why: 'connection', retryAfterS: 18 });
    expect(r.start(2, 12_500).ok).toBe(true);
    expect(r.start(1, 30_000).ok).toBe(true);
  });

  it('caps live sessions per client address over all its connections, so a few addresses cannot hold them all', () => {
    const r = registry();
    // Eight sessions from one address, over four connections; then its next one waits for the first to expire.
    for (let i = 0; i < 8; i++) {
      expect(r.start(1 + Math.floor(i / 2), i * 1000, { key: '198.51.100.7' }).ok).toBe(true);
    }
    expect(r.start(5, 8000, { key: '198.51.100.7' })).toEqual({ ok: false, why: 'address', retryAfterS: 22 });
    // Another address is not affected, and the first one's slot comes back when its session expires.
    expect(r.start(6, 8000, { key: '203.0.113.9' }).ok).toBe(true);
    expect(r.start(5, 30_000, { key: '198.51.100.7' }).ok).toBe(true);
  });

  it('caps live sessions over all connections', () => {
    const r = registry({ maxLive: 3 });
    for (const owner of [1, 2, 3]) expect(r.start(owner, 0).ok).toBe(true);
    expect(r.start(4, 1000)).toEqual({ ok: false, why: 'relay', retryAfterS: 29 });
    expect(r.live(1000)).toBe(3);
  });

  it('records each binding once, up to the cap, and only for its own connection', () => {
    const r = registry();
    const s = r.start(1, 0);
    if (!s.ok) throw new Error('refused');
    r.record(s.ufrag, binding(15000));
    r.record(s.ufrag, binding(15000));
    r.record(s.ufrag, binding(15001));
    r.record('nobody12', binding(15002));
    expect(r.results(1, null)).toEqual({ ufrag: s.ufrag, bindings: [binding(15000), binding(15001)] });
    expect(r.results(1, s.ufrag)?.bindings).toHaveLength(2);
    expect(r.results(2, s.ufrag)).toBeNull();
    expect(r.results(2, null)).toBeNull();
    for (let p = 0; p < MAX_PROBE_BINDINGS + 10; p++) r.record(s.ufrag, binding(20000 + p));
    expect(r.results(1, null)?.bindings).toHaveLength(MAX_PROBE_BINDINGS_PER_FAMILY);
  });

  it('keeps results after the credentials expire, and the latest few sessions of a connection', () => {
    const r = registry();
    const ufrags: string[] = [];
    for (let i = 0; i < KEPT_PER_CONNECTION + 2; i++) {
      const s = r.start(1, i * 31_000);
      if (!s.ok) throw new Error('refused');
      ufrags.push(s.ufrag);
    }
    expect(r.results(1, null)?.ufrag).toBe(ufrags.at(-1));
    expect(r.results(1, ufrags[0] as string)).toBeNull();
    expect(r.results(1, ufrags[2] as string)?.ufrag).toBe(ufrags[2]);
  });

  it('forgets a connection: its credentials stop working', () => {
    const r = registry();
    const s = r.start(1, 0);
    if (!s.ok) throw new Error('refused');
    r.release(1);
    expect(r.passwordFor(s.ufrag, 1)).toBeUndefined();
    expect(r.results(1, null)).toBeNull();
  });
});
