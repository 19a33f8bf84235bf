import { describe, expect, it } from 'vitest';
import { probeUdpOverIpv6 } from '../../../src/checks/ports/ipv6-udp.ts';
import type { ProbeSessionInfo } from '../../../src/checks/ports/probe-session.ts';
import { LANGUAGES } from '../../../src/messages/languages.ts';
import type { Message } from '../../../src/messages/message.ts';
import { renderMessage } from '../../../src/messages/render.ts';
import type { IceProbeTarget } from '../../../src/protocol/runtime-messages.ts';
import { info, ipv4Rows, profile, targets } from './ipv6-fixture.ts';

const udp = targets.filter((t) => t.transport === 'udp');

/** An ICE prober over IPv6 where `blocked` says which provider ports a firewall drops. */
function prober(blocked: (port: number) => boolean, localAddresses: string[] = []) {
  const seen: IceProbeTarget[][] = [];
  const iceProbes = async (t: IceProbeTarget[]) => {
    seen.push(t);
    const results = t.map((x) => ({
      providerPort: x.providerPort,
      relayPort: x.relayPort,
      status: blocked(x.providerPort) ? ('blocked' as const) : ('open' as const),
      reason: blocked(x.providerPort) ? 'timed-out' : 'ok',
      ms: 1,
    }));
    return { results, localAddresses };
  };
  return { iceProbes, seen };
}

const run = (i: ProbeSessionInfo, blocked: (port: number) => boolean, localAddresses: string[] = []) => {
  const p = prober(blocked, localAddresses);
  return probeUdpOverIpv6({
    info: i,
    profile,
    targets,
    ipv4Rows,
    iceProbes: p.iceProbes,
    observed: async () => [],
    timeoutMs: 100,
  }).then((r) => ({ r, seen: p.seen }));
};

describe('UDP ports over IPv6', () => {
  it('probes the UDP ports on the relay IPv6 address and says they are open as well', async () => {
    const { r, seen } = await run(info(), () => false);
    expect(seen[0]?.every((t) => t.address === '2001:db8:113::10')).toBe(true);
    expect(seen[0]?.length).toBe(udp.length);
    expect(r?.outcome).toBe('measured');
    expect(r?.blockedOnlyOverIpv6).toEqual([]);
    expect(renderMessage(r?.sentence as Message, LANGUAGES.en)).toBe(
      'The UDP ports are open over IPv6 as well.',
    );
  });

  it('names the Secure Voice rows blocked over IPv6 only, after a second look at the silent ports', async () => {
    const srtp = (p: number) => p >= 40000 && p <= 49999;
    const { r, seen } = await run(info(), srtp);
    expect(seen).toHaveLength(2);
    expect(seen[1]?.every((t) => srtp(t.providerPort))).toBe(true);
    expect(r?.blockedOnlyOverIpv6).toEqual(['desk-phone-srtp']);
    expect(renderMessage(r?.sentence as Message, LANGUAGES.en)).toBe(
      'Over IPv6, blocked while open over IPv4: UDP 40000-49999 (Desk phones media Secure Voice). Phones and apps that use IPv6 would fail there: ask your IT administrator to open the same ports for IPv6.',
    );
  });

  it('blames no firewall when this computer never reached the relay over IPv6', async () => {
    const { r } = await run(info({ clientAddress: '::ffff:203.0.113.1' }), () => true);
    expect(r?.outcome).toBe('no-ipv6-path');
    expect(r?.blockedOnlyOverIpv6).toEqual([]);
    expect(renderMessage(r?.sentence as Message, LANGUAGES.en)).toBe(
      'IPv6 not tested: this computer did not reach the relay over IPv6.',
    );
  });

  it('judges IPv6 when the web went over IPv4 but the browser offered an IPv6 address of its own', async () => {
    const v4 = info({ clientAddress: '203.0.113.1' });
    const srtp = (p: number) => p >= 40000 && p <= 49999;
    expect((await run(v4, srtp, ['2001:db8:77::10'])).r?.blockedOnlyOverIpv6).toEqual(['desk-phone-srtp']);
    // A link-local address reaches nothing beyond the LAN: still no IPv6 path.
    expect((await run(v4, () => true, ['fe80::1'])).r?.outcome).toBe('no-ipv6-path');
  });

  it('does nothing against a relay without IPv6', async () => {
    const { r, seen } = await run(info({ address6: undefined }), () => false);
    expect(r).toBeNull();
    expect(seen).toHaveLength(0);
  });
});
