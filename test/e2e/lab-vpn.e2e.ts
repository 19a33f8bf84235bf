/**
 * The lab with a split tunnel (issue 19 item 3): between two checks on the same computer, the office turns
 * on a tunnel that carries only UDP, which then leaves from another public address than web traffic. The
 * relay sees HTTPS from the router's address and UDP from the tunnel's: the second check says, in the NAT
 * line an administrator reads (report page, command line), that web traffic and UDP take different paths and
 * that the UDP path changed since the last check, and what to try. Neither changes the verdict: media and
 * every port still work from this computer.
 */
import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/report-text/render-text.ts';
import { type Expected, expectOutcome, labCheck, READY_HEADLINE, useLab } from './harness/lab-session.ts';

const session = useLab({ hostAccess: true });

/** The tunnel's exit: another address on the provider's side of the router (the lab's WAN). */
const TUNNEL_EXIT = '203.0.113.2';
const READY: Expected = { verdict: 'ready', headline: READY_HEADLINE, rows: {}, remediation: [] };

const BEHIND_NAT =
  'This computer is behind NAT (a firewall/router translates its address). The NAT keeps one mapping for all destinations (good for media).';
const PATHS_DIFFER =
  "Web traffic and UDP reach the relay from different public addresses: a VPN or split tunnel is likely (or a proxy for web traffic). Phones send their media directly over UDP: to see what they see, run the check again with the VPN off, or from the phones' network.";
const UDP_CHANGED =
  'Since the last check, the address the relay sees for UDP changed: unless this computer moved to another network, the path changes between runs (a VPN that connects and disconnects, or a split tunnel). Run the check once with the VPN on and once with it off, and compare.';

describe('lab: a VPN split tunnel on the path', () => {
  it('a tunnel for UDP only, turned on between two checks: paths differ and the UDP path changed, in words', async () => {
    const before = await labCheck(session);
    expectOutcome(before, READY);
    expect(before.nat).toMatchObject({ pathsDiffer: false, summary: BEHIND_NAT });

    await session.lab.leaveFrom(TUNNEL_EXIT, 'udp');
    const after = await labCheck(session);
    expectOutcome(after, READY);
    expect(after.nat).toMatchObject({ pathsDiffer: true, pathChanged: true });
    expect(after.nat?.summary).toBe(`${BEHIND_NAT} ${PATHS_DIFFER} ${UDP_CHANGED}`);
    // The command line prints it as its NAT line.
    expect(renderText(after)).toContain(`NAT: ${after.nat?.summary}`);
  });
});
