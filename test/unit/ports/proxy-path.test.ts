import { describe, expect, it } from 'vitest';
import { classifyProxy, routeKind, statusOnRoute } from '../../../src/checks/ports/proxy-path.ts';
import { routeOf } from '../../../src/platform/net-errors.ts';

const RELAY = '203.0.113.10';

describe('routeKind: how one connection reached the relay', () => {
  it('is a proxy when the browser names one (Firefox proxyInfo)', () => {
    expect(routeKind({ proxy: 'proxy.corp:3128', connectedTo: null }, RELAY)).toBe('proxy');
  });

  it("is a proxy when the browser connected to another address than the relay's", () => {
    expect(routeKind({ proxy: null, connectedTo: '192.168.77.1' }, RELAY)).toBe('proxy');
  });

  it("is direct at the relay's own address, IPv4-mapped or bracketed", () => {
    expect(routeKind({ proxy: null, connectedTo: RELAY }, RELAY)).toBe('direct');
    expect(routeKind({ proxy: null, connectedTo: `::ffff:${RELAY}` }, RELAY)).toBe('direct');
    expect(routeKind({ proxy: null, connectedTo: '[2001:db8::1]' }, '2001:db8::1')).toBe('direct');
  });

  it('is unknown when the browser said nothing, or the relay address is not known', () => {
    expect(routeKind(undefined, RELAY)).toBe('unknown');
    expect(routeKind({ proxy: null, connectedTo: '192.168.77.1' }, null)).toBe('unknown');
  });

  it('is unknown at another public address (a load balancer in front of the relay is as likely)', () => {
    expect(routeKind({ proxy: null, connectedTo: '198.51.100.20' }, RELAY)).toBe('unknown');
  });

  it('is not a proxy on loopback: ::1 against a relay announcing 127.0.0.1 is one machine', () => {
    expect(routeKind({ proxy: null, connectedTo: '::1' }, '127.0.0.1')).toBe('unknown');
  });
});

describe('statusOnRoute: a probe through a proxy is never open for phones', () => {
  it('a pass through the proxy is via-proxy, a direct pass stays open', () => {
    expect(statusOnRoute({ status: 'open', reason: 'ok' }, 'proxy')).toBe('via-proxy');
    expect(statusOnRoute({ status: 'open', reason: 'ok' }, 'direct')).toBe('open');
    expect(statusOnRoute({ status: 'open', reason: 'ok' }, 'unknown')).toBe('open');
  });

  it("a refusal by the proxy is proxy-blocked; a firewall's drop stays blocked", () => {
    expect(statusOnRoute({ status: 'proxy-blocked', reason: 'proxy-failed' }, 'proxy')).toBe('proxy-blocked');
    expect(statusOnRoute({ status: 'error', reason: 'proxy-failed' }, 'unknown')).toBe('proxy-blocked');
    expect(statusOnRoute({ status: 'blocked', reason: 'timed-out' }, 'proxy')).toBe('blocked');
  });
});

describe('classifyProxy', () => {
  const via = { proxy: null, connectedTo: '192.168.77.1' };

  it('finds nothing on a direct path', () => {
    const direct = { proxy: null, connectedTo: RELAY };
    expect(
      classifyProxy({ relayAddress: RELAY, probes: [{ port: 443, status: 'open', route: direct }] }),
    ).toBeNull();
    expect(classifyProxy({ relayAddress: RELAY, probes: [{ port: 443, status: 'open' }] })).toBeNull();
  });

  it('names the proxy from the refusals and the address the browser connected to', () => {
    const p = classifyProxy({
      relayAddress: RELAY,
      probes: [
        { port: 443, status: 'via-proxy', route: via },
        { port: 5096, status: 'proxy-blocked', route: via },
        { port: 5090, status: 'proxy-blocked', route: via },
      ],
    });
    expect(p).toMatchObject({
      evidence: 'proxy-refused',
      proxy: '192.168.77.1',
      viaProxy: [443],
      proxyBlocked: [5090, 5096],
    });
    expect(p?.summary).toBe(
      "Your browser reaches the relay through a proxy (192.168.77.1); phones and the provider's apps do not use it, so the Secure Voice ports must be open directly. TCP 443 answered only through the proxy: a phone's direct access was not tested. The proxy refused TCP 5090, 5096: blocked by the proxy (direct access not tested).",
    );
  });

  it('prefers the name the browser gave (Firefox proxyInfo)', () => {
    const p = classifyProxy({
      relayAddress: RELAY,
      https: { proxy: 'proxy.corp:3128', connectedTo: '10.0.0.3' },
      probes: [{ port: 443, status: 'via-proxy' }],
    });
    expect(p).toMatchObject({ evidence: 'browser-proxy-info', proxy: 'proxy.corp:3128' });
  });

  it('counts a refusal by a proxy even when the browser did not say where it connected', () => {
    const p = classifyProxy({ relayAddress: RELAY, probes: [{ port: 5096, status: 'proxy-blocked' }] });
    expect(p).toMatchObject({ evidence: 'proxy-refused', proxy: null });
    expect(p?.summary).toMatch(/^Your browser reaches the relay through a proxy; phones/);
  });

  it('counts another address as a proxy: every port got through, none directly', () => {
    const p = classifyProxy({
      relayAddress: RELAY,
      probes: [
        { port: 443, status: 'via-proxy', route: via },
        { port: 5096, status: 'via-proxy', route: via },
      ],
    });
    expect(p).toMatchObject({ evidence: 'other-address', viaProxy: [443, 5096], proxyBlocked: [] });
  });
});

describe('routeOf: what a webRequest event says about the route', () => {
  it("reads Firefox's proxyInfo, and ignores its 'direct' entries", () => {
    expect(
      routeOf({ proxyInfo: { host: '192.168.77.1', port: 3128, type: 'http' }, ip: '192.168.77.1' }),
    ).toEqual({
      proxy: '192.168.77.1:3128',
      connectedTo: '192.168.77.1',
    });
    expect(routeOf({ proxyInfo: { host: 'x', port: 0, type: 'direct' }, ip: RELAY })).toEqual({
      proxy: null,
      connectedTo: RELAY,
    });
  });

  it("reads Chromium's ip, and nothing when the event has neither", () => {
    expect(routeOf({ ip: RELAY })).toEqual({ proxy: null, connectedTo: RELAY });
    expect(routeOf({})).toBeNull();
    expect(routeOf({ proxyInfo: null, ip: '' })).toBeNull();
  });

  it('cuts what the browser says to a bounded length', () => {
    const r = routeOf({ proxyInfo: { host: 'p'.repeat(5000), port: 1, type: 'http' } });
    expect(r?.proxy?.length).toBe(128);
  });
});
