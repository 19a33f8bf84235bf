/**
 * Every row of the provider's two firewall tables ("Preparing Your Network for Secure Voice",
 * a copy in test/fixtures/seeds), in the paper's order and wording, so an administrator can match each row to
 * the paper they hold. test/unit/profiles checks this file against the paper row by row: edit both together.
 *
 * How each kind of row is probed, and why:
 * - SIP over TLS (5096, 5097; Meetings 'SIP/TLS/TCP' and 'TLS/TCP' on 443) -> tls-tcp: the browser opens a
 *   TLS connection to the relay listening on that port, which is exactly the path the endpoint's TLS uses.
 * - Plain SIP over TCP (5090, 5091, 8801/8802) -> tls-tcp as well: a browser cannot open a raw TCP socket,
 *   but a stateful firewall decides on the connection set-up (SYN), before any payload, so a TLS connection
 *   to the relay on that port shows whether the rule lets TCP through. It cannot show what a SIP-aware
 *   firewall (SIP ALG) does to SIP text later; the check's evidence says so.
 * - RTP and SRTP media over UDP -> udp-ice: an ICE connectivity check to the relay answering STUN on the
 *   port proves UDP to that port gets through and back. Firewalls key media rules on ports, not on
 *   whether the payload is RTP or SRTP, so the same probe covers both.
 * - HTTPS -> https.
 * - Plain SIP over UDP (5090, 5091, 5099) -> not testable. An ICE check to 5090 would show that a STUN
 *   packet got through, but SIP ALGs, common on UDP, treat SIP datagrams differently from STUN, so a pass
 *   would be false comfort; these rows are reported as not testable rather than guessed.
 * - NTP -> not testable: browsers cannot send NTP, and 123 is on their restricted-port list.
 *
 * Source ports: every row that names customer-side source ports gets a sourcePortNote, because a browser
 * picks its own (ephemeral) source port; only the destination side of those rules is ever probed.
 */
import type { PortRange, ProbeMethod, Profile, ProfileRow } from './types.ts';

const TLS_TCP: ProbeMethod = { kind: 'tls-tcp' };
const UDP_ICE: ProbeMethod = { kind: 'udp-ice' };
const HTTPS: ProbeMethod = { kind: 'https' };
// What the user is told about these rows is in _locales (ports_not_testable_*, src/WORDS).
const SIP_OVER_UDP: ProbeMethod = { kind: 'not-testable', reason: 'sip-over-udp' };
const NTP: ProbeMethod = { kind: 'not-testable', reason: 'ntp' };

export const SOURCE_PORT_NOTE =
  'Browsers choose their own source ports, so the customer-side source ports of this rule are not tested; ' +
  'only the provider-side port is. If your firewall matches on source ports, check that rule by hand.';

function p(from: number, to: number = from): PortRange {
  return { from, to };
}

type RowInput = Omit<ProfileRow, 'sourcePortNote'>;

function row(input: RowInput): ProfileRow {
  return { ...input, sourcePortNote: input.customerSourcePorts === null ? null : SOURCE_PORT_NOTE };
}

// Mobile and desktop apps list their media source ports as "4000 to 5000 20000 to 60000" (two ranges,
// no separator in the paper).
const APP_MEDIA_SOURCE = [p(4000, 5000), p(20000, 60000)];

export const DESK_PHONE: Profile = {
  id: 'desk-phone',
  name: 'Desk phone',
  rows: [
    row({
      id: 'desk-phone-sip-udp',
      purpose: 'Desk phone signaling',
      protocol: 'SIP/UDP',
      transport: 'udp',
      customerSourcePorts: [p(5060, 5090)],
      providerPorts: [p(5090)],
      probe: SIP_OVER_UDP,
      secureVoice: false,
    }),
    row({
      id: 'desk-phone-sip-tcp',
      purpose: 'Desk phone signaling',
      protocol: 'SIP/TCP',
      transport: 'tcp',
      customerSourcePorts: [p(5060)],
      providerPorts: [p(5090)],
      probe: TLS_TCP,
      secureVoice: false,
    }),
    row({
      id: 'desk-phone-rtp',
      purpose: 'Desk phone media',
      protocol: 'RTP/UDP',
      transport: 'udp',
      customerSourcePorts: [p(16384, 16482)],
      providerPorts: [p(20000, 39999)],
      probe: UDP_ICE,
      secureVoice: false,
    }),
    row({
      id: 'desk-phone-sip-tls',
      purpose: 'Desk phones signaling Secure Voice',
      protocol: 'SIP/TLS/TCP',
      transport: 'tcp',
      customerSourcePorts: [p(5060)],
      providerPorts: [p(5096)],
      probe: TLS_TCP,
      secureVoice: true,
    }),
    row({
      id: 'desk-phone-srtp',
      purpose: 'Desk phones media Secure Voice',
      protocol: 'SRTP/UDP',
      transport: 'udp',
      customerSourcePorts: [p(16384, 16482)],
      providerPorts: [p(40000, 49999)],
      probe: UDP_ICE,
      secureVoice: true,
    }),
    // The paper says HTTPS on 80 as well as 443. The probe is HTTPS to the relay on both: on 80 that proves
    // TCP 80 is open, though a proxy that forces plain HTTP on 80 can make it fail where the phone succeeds.
    row({
      id: 'desk-phone-provisioning-https',
      purpose: 'Desk phone provisioning',
      protocol: 'HTTPS/TCP/IP',
      transport: 'tcp',
      customerSourcePorts: [p(80), p(443)],
      providerPorts: [p(80), p(443)],
      probe: HTTPS,
      secureVoice: false,
    }),
    row({
      id: 'desk-phone-ntp',
      purpose: 'Desk phone clock sync',
      protocol: 'NTP/UDP',
      transport: 'udp',
      customerSourcePorts: [p(123)],
      providerPorts: [p(123)],
      probe: NTP,
      secureVoice: false,
    }),
    row({
      id: 'desk-phone-presence-sip-udp',
      purpose: 'Desk phone BLA/Presence',
      protocol: 'SIP/UDP',
      transport: 'udp',
      customerSourcePorts: [p(5060)],
      providerPorts: [p(5099)],
      probe: SIP_OVER_UDP,
      secureVoice: false,
    }),
    row({
      id: 'desk-phone-presence-sip-tcp',
      purpose: 'Desk phone BLA/Presence',
      protocol: 'SIP/TCP',
      transport: 'tcp',
      customerSourcePorts: [p(5060)],
      providerPorts: [p(5090)],
      probe: TLS_TCP,
      secureVoice: false,
    }),
  ],
};

export const MOBILE_APP: Profile = {
  id: 'mobile-app',
  name: 'Mobile app',
  rows: [
    row({
      id: 'mobile-app-sip-udp',
      purpose: 'Mobile app signaling',
      protocol: 'SIP/UDP',
      transport: 'udp',
      customerSourcePorts: [p(5060)],
      providerPorts: [p(5090, 5091)],
      probe: SIP_OVER_UDP,
      secureVoice: false,
    }),
    row({
      id: 'mobile-app-sip-tcp',
      purpose: 'Mobile app signaling',
      protocol: 'SIP/TCP',
      transport: 'tcp',
      customerSourcePorts: null,
      providerPorts: [p(5090, 5091)],
      probe: TLS_TCP,
      secureVoice: false,
    }),
    row({
      id: 'mobile-app-rtp',
      purpose: 'Mobile app media',
      protocol: 'RTP/UDP',
      transport: 'udp',
      customerSourcePorts: APP_MEDIA_SOURCE,
      providerPorts: [p(50000, 59999)],
      probe: UDP_ICE,
      secureVoice: false,
    }),
    // 'SIP/TLS/SRTP' is the paper's label for the signaling row: the signaling itself is SIP over TLS on TCP
    // (the SRTP media is the next row), so it is probed as TLS over TCP.
    row({
      id: 'mobile-app-sip-tls',
      purpose: 'Mobile app signaling Secure Voice',
      protocol: 'SIP/TLS/SRTP',
      transport: 'tcp',
      customerSourcePorts: null,
      providerPorts: [p(5097)],
      probe: TLS_TCP,
      secureVoice: true,
    }),
    row({
      id: 'mobile-app-srtp',
      purpose: 'Mobile app media Secure Voice',
      protocol: 'SRTP/UDP',
      transport: 'udp',
      customerSourcePorts: APP_MEDIA_SOURCE,
      providerPorts: [p(60000, 64999)],
      probe: UDP_ICE,
      secureVoice: true,
    }),
    row({
      id: 'mobile-app-presence-sip-tcp',
      purpose: 'Mobile app BLA/Presence',
      protocol: 'SIP/TCP',
      transport: 'tcp',
      customerSourcePorts: null,
      providerPorts: [p(5091)],
      probe: TLS_TCP,
      secureVoice: false,
    }),
    row({
      id: 'mobile-app-presence-sip-udp',
      purpose: 'Mobile app BLA/Presence',
      protocol: 'SIP/UDP',
      transport: 'udp',
      customerSourcePorts: null,
      providerPorts: [p(5099)],
      probe: SIP_OVER_UDP,
      secureVoice: false,
    }),
    row({
      id: 'mobile-app-data-sync-https',
      purpose: 'Mobile app data sync with RingCentral backend',
      protocol: 'HTTPS',
      transport: 'tcp',
      customerSourcePorts: [p(443)],
      providerPorts: [p(443)],
      probe: HTTPS,
      secureVoice: false,
    }),
  ],
};

export const DESKTOP_APP: Profile = {
  id: 'desktop-app',
  name: 'Desktop app',
  rows: [
    row({
      id: 'desktop-app-sip-udp',
      purpose: 'RingCentral for Desktop signaling',
      protocol: 'SIP/UDP',
      transport: 'udp',
      customerSourcePorts: [p(5060, 5090)],
      providerPorts: [p(5091)],
      probe: SIP_OVER_UDP,
      secureVoice: false,
    }),
    row({
      id: 'desktop-app-sip-tcp',
      purpose: 'RingCentral for Desktop signaling',
      protocol: 'SIP/TCP',
      transport: 'tcp',
      customerSourcePorts: null,
      providerPorts: [p(5091)],
      probe: TLS_TCP,
      secureVoice: false,
    }),
    row({
      id: 'desktop-app-rtp',
      purpose: 'RingCentral for Desktop media',
      protocol: 'RTP/UDP',
      transport: 'udp',
      customerSourcePorts: [p(8000, 8200)],
      providerPorts: [p(50000, 59999)],
      probe: UDP_ICE,
      secureVoice: false,
    }),
    // 'SecureVoice' (one word) is the paper's spelling in this table; 'SIP/TLS/SRTP' as for the mobile app.
    row({
      id: 'desktop-app-sip-tls',
      purpose: 'RingCentral for Desktop signaling SecureVoice',
      protocol: 'SIP/TLS/SRTP',
      transport: 'tcp',
      customerSourcePorts: null,
      providerPorts: [p(5097)],
      probe: TLS_TCP,
      secureVoice: true,
    }),
    row({
      id: 'desktop-app-srtp',
      purpose: 'RingCentral for Desktop media SecureVoice',
      protocol: 'SRTP/UDP',
      transport: 'udp',
      customerSourcePorts: APP_MEDIA_SOURCE,
      providerPorts: [p(60000, 64999)],
      probe: UDP_ICE,
      secureVoice: true,
    }),
    row({
      id: 'desktop-app-presence-sip-tcp',
      purpose: 'RingCentral for Desktop BLA/Presence',
      protocol: 'SIP/TCP',
      transport: 'tcp',
      customerSourcePorts: null,
      providerPorts: [p(5091)],
      probe: TLS_TCP,
      secureVoice: false,
    }),
    row({
      id: 'desktop-app-presence-sip-udp',
      purpose: 'RingCentral for Desktop BLA/Presence',
      protocol: 'SIP/UDP',
      transport: 'udp',
      customerSourcePorts: null,
      providerPorts: [p(5099)],
      probe: SIP_OVER_UDP,
      secureVoice: false,
    }),
    // Truncated in the paper ("data sync with"); the mobile row suggests "... with RingCentral backend". Kept
    // as printed so it matches the paper an administrator holds.
    row({
      id: 'desktop-app-data-sync-https',
      purpose: 'RingCentral for Desktop data sync with',
      protocol: 'HTTPS',
      transport: 'tcp',
      customerSourcePorts: [p(443)],
      providerPorts: [p(443)],
      probe: HTTPS,
      secureVoice: false,
    }),
  ],
};

export const MEETINGS: Profile = {
  id: 'meetings',
  name: 'Meetings',
  rows: [
    row({
      id: 'meetings-sip-tcp',
      purpose: 'RingCentral Meetings signaling',
      protocol: 'SIP/TCP',
      transport: 'tcp',
      customerSourcePorts: null,
      providerPorts: [p(8801), p(8802)],
      probe: TLS_TCP,
      secureVoice: false,
    }),
    // "signaling Secure" and "media Secure" look cut short in the paper (probably "Secure Voice"); kept.
    row({
      id: 'meetings-sip-tls',
      purpose: 'RingCentral Meetings signaling Secure',
      protocol: 'SIP/TLS/TCP',
      transport: 'tcp',
      customerSourcePorts: null,
      providerPorts: [p(443)],
      probe: TLS_TCP,
      secureVoice: true,
    }),
    row({
      id: 'meetings-rtp',
      purpose: 'RingCentral Meetings media',
      protocol: 'RTP/UDP',
      transport: 'udp',
      customerSourcePorts: null,
      providerPorts: [p(8801)],
      probe: UDP_ICE,
      secureVoice: false,
    }),
    row({
      id: 'meetings-tls-media',
      purpose: 'RingCentral Meetings media Secure',
      protocol: 'TLS/TCP',
      transport: 'tcp',
      customerSourcePorts: null,
      providerPorts: [p(443)],
      probe: TLS_TCP,
      secureVoice: true,
    }),
  ],
};
