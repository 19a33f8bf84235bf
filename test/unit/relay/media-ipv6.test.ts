/**
 * Media over IPv6 (--media-address6): the relay's session offers a second host candidate on the IPv6
 * address, on the same port, and a computer that has only IPv6 gets its audio and probes echoed over it,
 * through the lean echo (the relay's default) and through werift's own pipeline alike. Over loopback (::1).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EchoPath } from '../../../src/relay/media/echo-session.ts';
import { startTestRelay } from '../../helpers/in-process-relay.ts';
import { SignalingClient } from '../../helpers/signaling-client.ts';
import { BrowserPeer } from '../../helpers/werift-browser.ts';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const field = (candidate: string, i: number) => candidate.trim().split(' ')[i] ?? '';

/** A relay with one media port (and the IPv6 media address, when given) and an IPv6-only computer's offer. */
async function ipv6Session(first: number, media: { address6?: string; echoPath?: EchoPath }) {
  const relay = await startTestRelay({ media: { ports: { first, last: first }, ...media } });
  cleanup.push(() => relay.stop());
  const sig = await SignalingClient.open(relay);
  cleanup.push(() => sig.close());
  const peer = new BrowserPeer({ ipv6Only: true });
  cleanup.push(() => peer.close());
  await peer.connect(sig);
  return { relay, sig, peer };
}

describe('media over IPv6 (--media-address6)', () => {
  it.each([
    ['lean', 47230],
    ['werift', 47231],
  ] as const)(
    'offers IPv4 and IPv6 host candidates on one port and echoes an IPv6-only computer (%s echo)',
    async (echoPath, port) => {
      const { sig, peer } = await ipv6Session(port, { address6: '::1', echoPath });
      const answer = await sig.next('answer');
      const candidates = [...answer.sdp.matchAll(/^a=candidate:(.*)$/gm)].map((m) => m[1] as string);
      const udp = candidates.filter((c) => field(c, 2).toLowerCase() === 'udp');
      // Each media section (audio, data) lists them; bundled, they are one transport's.
      const hosts = new Set(udp.map((c) => `${field(c, 4)} ${field(c, 5)} ${field(c, 7)}`));
      expect(hosts).toEqual(new Set([`127.0.0.1 ${port} host`, `::1 ${port} host`]));
      // ICE-TCP listens on the IPv6 address too.
      expect(candidates.some((c) => / tcp .* ::1 .* tcptype passive/.test(c))).toBe(true);

      peer.startRtp();
      await expect.poll(() => peer.echoedPackets, { timeout: 8000 }).toBeGreaterThanOrEqual(25);
      expect(peer.echoedPackets).toBeLessThanOrEqual(peer.sentPackets);
      peer.dc.send('p:1');
      await expect.poll(() => peer.dcEchoes.length, { timeout: 3000 }).toBe(1);
      // The pair the computer uses is the relay's IPv6 one: nothing else was offered to it.
      const pair = peer.pc.iceTransports[0]?.connection.nominated;
      expect(pair?.remoteAddr).toEqual(['::1', port]);
      expect(sig.messages.map((m) => m.type)).not.toContain('error');
    },
  );

  it('without an IPv6 media address the relay offers IPv4 candidates only (the default)', async () => {
    const { sig } = await ipv6Session(47232, {});
    const answer = await sig.next('answer');
    const addresses = [...answer.sdp.matchAll(/^a=candidate:(.*)$/gm)].map((m) => field(m[1] as string, 4));
    expect(addresses.length).toBeGreaterThan(0);
    expect(new Set(addresses)).toEqual(new Set(['127.0.0.1']));
  });
});
