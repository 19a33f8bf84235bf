/**
 * The IPv6 pass on a computer too busy to hear the answers in time: like the IPv4 pass, a port whose IPv6
 * checks the relay answered is open, and a port this computer sent no check to is not measured, so a busy
 * computer does not read "blocked over IPv6 while open over IPv4". The relay's records of IPv4 checks to
 * the same port say nothing of IPv6.
 */
import { describe, expect, it } from 'vitest';
import { CHECKS_NOT_SENT } from '../../../src/checks/ports/ice-probe.ts';
import { probeUdpOverIpv6 } from '../../../src/checks/ports/ipv6-udp.ts';
import { LANGUAGES } from '../../../src/messages/languages.ts';
import type { Message } from '../../../src/messages/message.ts';
import { renderMessage } from '../../../src/messages/render.ts';
import type { ProbeBinding } from '../../../src/protocol/relay-messages.ts';
import type { IceProbeTarget } from '../../../src/protocol/runtime-messages.ts';
import { info, ipv4Rows, profile, targets } from './ipv6-fixture.ts';

const srtp = (p: number) => p >= 40000 && p <= 49999;

type Outcome = 'open' | 'silent' | 'unsent';

/** An IPv6 prober where `outcome(port, call)` says what each probe of a port reads (call 0: first look). */
function run(outcome: (port: number, call: number) => Outcome, bindings: ProbeBinding[]) {
  const seen: IceProbeTarget[][] = [];
  const iceProbes = async (t: IceProbeTarget[]) => {
    const call = seen.push(t) - 1;
    const results = t.map((x) => {
      const o = outcome(x.providerPort, call);
      return {
        providerPort: x.providerPort,
        relayPort: x.relayPort,
        status: o === 'open' ? ('open' as const) : o === 'silent' ? ('blocked' as const) : ('error' as const),
        reason: o === 'open' ? 'ok' : o === 'silent' ? 'timed-out' : CHECKS_NOT_SENT,
        ms: o === 'open' ? 4 : 100,
      };
    });
    return { results, localAddresses: [] };
  };
  return probeUdpOverIpv6({
    info: info(),
    profile,
    targets,
    ipv4Rows,
    iceProbes,
    observed: async () => bindings,
    timeoutMs: 100,
  }).then((r) => ({ r, seen }));
}

/** The relay's record of a check it answered on `relayPort`, from `from`. */
const heard = (relayPort: number, from: string): ProbeBinding => ({
  relayPort,
  providerPort: relayPort,
  remoteAddress: from,
  remotePort: 50_000,
});
const mediaPorts = targets.filter((t) => t.transport === 'udp' && srtp(t.port)).map((t) => t.port);
const en = (m: Message | undefined) => renderMessage(m as Message, LANGUAGES.en);
const de = (m: Message | undefined) => renderMessage(m as Message, LANGUAGES.de);

describe('UDP ports over IPv6 on a busy computer', () => {
  it('reads a port open when the relay answered its IPv6 checks, although the browser heard nothing', async () => {
    const { r, seen } = await run(
      (p) => (srtp(p) ? 'silent' : 'open'),
      mediaPorts.map((p) => heard(p, '2001:db8:77::10')),
    );
    expect(seen).toHaveLength(2);
    expect(r?.outcome).toBe('measured');
    expect(r?.blockedOnlyOverIpv6).toEqual([]);
    expect(r?.rows.find((x) => x.row === 'desk-phone-srtp')?.status).toBe('open');
    expect(en(r?.sentence)).toBe('The UDP ports are open over IPv6 as well.');
  });

  it('still names the row blocked over IPv6 when the relay heard those ports only over IPv4', async () => {
    const { r } = await run(
      (p) => (srtp(p) ? 'silent' : 'open'),
      mediaPorts.flatMap((p) => [heard(p, '198.51.100.7'), heard(p, '::ffff:198.51.100.7')]),
    );
    expect(r?.blockedOnlyOverIpv6).toEqual(['desk-phone-srtp']);
    expect(r?.ports.filter((p) => srtp(p.port)).every((p) => p.status === 'blocked')).toBe(true);
    expect(en(r?.sentence)).toBe(
      'Over IPv6, blocked while open over IPv4: UDP 40000-49999 (Desk phones media Secure Voice). Phones and apps that use IPv6 would fail there: ask your IT administrator to open the same ports for IPv6.',
    );
    expect(de(r?.sentence)).toContain('Über IPv6 blockiert, über IPv4 offen: UDP 40000-49999');
  });

  it('opens only the ports the relay heard over IPv6, and blames the firewall for the rest', async () => {
    const half = new Set(mediaPorts.filter((_, i) => i % 2 === 0));
    const { r } = await run(
      (p) => (srtp(p) ? 'silent' : 'open'),
      [...half].map((p) => heard(p, '2001:db8:77::10')),
    );
    const media = r?.ports.filter((p) => srtp(p.port)) ?? [];
    expect(media.filter((p) => p.status === 'open').map((p) => p.port)).toEqual([...half]);
    expect(media.filter((p) => p.status === 'blocked')).toHaveLength(mediaPorts.length - half.size);
    expect(r?.rows.find((x) => x.row === 'desk-phone-srtp')?.status).toBe('partial');
    expect(r?.blockedOnlyOverIpv6).toEqual(['desk-phone-srtp']);
  });

  it('probes again a port it sent no check to, and reads what the second look measured', async () => {
    const { r, seen } = await run((p, call) => (srtp(p) && call === 0 ? 'unsent' : 'open'), []);
    expect(seen).toHaveLength(2);
    expect(seen[1]?.map((t) => t.providerPort)).toEqual(mediaPorts);
    expect(r?.ports.every((p) => p.status === 'open')).toBe(true);
    expect(en(r?.sentence)).toBe('The UDP ports are open over IPv6 as well.');
  });

  it('says "not measured", never "blocked", for a port it sent no check to both times', async () => {
    const { r } = await run((p) => (srtp(p) ? 'unsent' : 'open'), []);
    const media = r?.ports.filter((p) => srtp(p.port)) ?? [];
    expect(media.every((p) => p.status === 'error')).toBe(true);
    expect(r?.blockedOnlyOverIpv6).toEqual([]);
    expect(en(r?.sentence)).toBe('Over IPv6, not every UDP port could be measured.');
    expect(de(r?.sentence)).toBe('Über IPv6 ließen sich nicht alle UDP-Ports messen.');
  });
});
