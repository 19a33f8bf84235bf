/**
 * The lab, desk phone profile: a customer's firewall and NAT in front of the relay on the provider's real
 * ports (harness/lab.ts). Every scenario sets router rules, runs the quick check in the client namespace
 * through the extension, and asserts verdict, headline, rows, every probed port and the remediation list.
 */
import { describe, expect } from 'vitest';
import type { Report } from '../../src/protocol/report.ts';
import {
  type Expected,
  labScenario,
  READY_HEADLINE,
  rule,
  rules,
  SRTP_BLOCKED,
  useLab,
} from './harness/lab-session.ts';

const session = useLab();
const inRange = (p: number, from: number, to: number) => p >= from && p <= to;
const scenario = (name: string, s: Parameters<typeof labScenario>[2]) => labScenario(session, name, s);

const READY: Expected = { verdict: 'ready', headline: READY_HEADLINE, rows: {}, remediation: [] };
const sipTlsBlocked = (status: 'blocked' | 'refused'): Expected => ({
  verdict: 'blocked',
  headline:
    'Blocked: phones cannot register, Secure Voice signaling is blocked: TCP 5096 (Desk phones signaling Secure Voice). Give your IT administrator the remediation list.',
  rows: { 'desk-phone-sip-tls': 'blocked' },
  port: (t, p) => (t === 'tcp' && p === 5096 ? status : 'open'),
  remediation: ['TCP 5096'],
});
const otherRowsBlocked = (list: string) =>
  `Calls may have problems: Firewall: the provider's ports. Secure Voice ports are open, but ${list}.`;
const mediaOver = (transport: 'udp' | 'tcp') => (r: Report) => expect(r.media?.transport).toBe(transport);

describe('lab: desk phone behind a firewall and NAT', () => {
  scenario('open network behind NAT: ready, every row open on the real port numbers, one NAT mapping', {
    expect: READY,
    also: (r) => {
      const tcp = [...new Set(r.ports.filter((p) => p.transport === 'tcp').map((p) => p.port))];
      expect(tcp.sort((a, b) => a - b)).toEqual([80, 443, 5090, 5096]);
      expect(r.media?.transport).toBe('udp');
      expect(r.nat).toMatchObject({ natDetected: true, mapping: 'endpoint-independent' });
      expect(r.tls?.https?.version).toBe('TLSv1.3');
      // 32 ports of each large range, and the report says so instead of claiming the whole range.
      const rows = (r.checks.find((c) => c.id === 'port-matrix')?.data.rows ?? []) as Array<{
        row: string;
        detail: string;
      }>;
      const detail = (id: string) => rows.find((x) => x.row === id)?.detail;
      expect(detail('desk-phone-srtp')).toBe('open on the 32 sampled ports of 10,000');
      expect(detail('desk-phone-rtp')).toBe('open on the 32 sampled ports of 20,000');
      expect(r.checks.find((c) => c.id === 'port-matrix')?.summary).toBe(
        'All 68 probed ports of the Desk phone profile are open; the large ranges were sampled (UDP 20000-39999: 32 of 20,000 ports; UDP 40000-49999: 32 of 10,000 ports).',
      );
    },
  });

  scenario('routed, no NAT: ready, and the report says there is no NAT', {
    setup: (lab) => lab.setNat('routed'),
    expect: READY,
    also: (r) => {
      expect(r.nat).toMatchObject({ natDetected: false });
      expect(r.nat?.summary).toContain('No NAT between this computer and the relay.');
    },
  });

  scenario('symmetric NAT: still ready, and the NAT is called symmetric (media may need TURN)', {
    setup: (lab) => lab.setNat('symmetric'),
    expect: READY,
    also: (r) => {
      expect(r.nat).toMatchObject({ natDetected: true, mapping: 'symmetric' });
      expect(r.nat?.summary).toContain('The NAT is symmetric');
    },
  });

  scenario('corporate egress, TCP 80 and 443 only: phones cannot register (TCP 5096) leads, then media', {
    setup: rules(
      ['-i', 'lan0', '-p', 'tcp', '-m', 'multiport', '--dports', '80,443', '-j', 'RETURN'],
      ['-i', 'lan0', '-j', 'DROP'],
    ),
    expect: {
      verdict: 'blocked',
      headline:
        'Blocked: phones cannot register, Secure Voice signaling is blocked: TCP 5096 (Desk phones signaling Secure Voice). Secure media is blocked too: UDP 40000-49999 (Desk phones media Secure Voice). Give your IT administrator the remediation list.',
      rows: {
        'desk-phone-sip-tcp': 'blocked',
        'desk-phone-rtp': 'blocked',
        'desk-phone-sip-tls': 'blocked',
        'desk-phone-srtp': 'blocked',
        'desk-phone-presence-sip-tcp': 'blocked',
      },
      port: (t, p) => (t === 'tcp' && (p === 80 || p === 443) ? 'open' : 'blocked'),
      remediation: ['TCP 5090', 'UDP 20000-39999', 'TCP 5096', 'UDP 40000-49999', 'TCP 5090'],
    },
    also: (r) =>
      expect(r.checks.find((c) => c.id === 'secure-media')).toMatchObject({ status: 'fail', step: 'ice' }),
  });

  scenario('SRTP range UDP 40000-49999 dropped: that row blocked, media falls back to TCP', {
    setup: rules(rule.udp('40000:49999', ...rule.drop)),
    expect: SRTP_BLOCKED,
    also: (r) => {
      mediaOver('tcp')(r);
      const media = r.checks.find((c) => c.id === 'secure-media');
      expect(media).toMatchObject({ status: 'warn', reason: 'tcp-fallback' });
    },
  });

  scenario('SRTP range answered with ICMP port unreachable: blocked like a drop', {
    setup: rules(rule.udp('40000:49999', ...rule.portUnreachable)),
    expect: SRTP_BLOCKED,
    also: mediaOver('tcp'),
  });

  scenario('part of the SRTP range (45000-49999) dropped: the row is partly blocked, the rest open', {
    setup: rules(rule.udp('45000:49999', ...rule.drop)),
    expect: {
      ...SRTP_BLOCKED,
      rows: { 'desk-phone-srtp': 'partial' },
      port: (t, p) => (t === 'udp' && inRange(p, 45000, 49999) ? 'blocked' : 'open'),
    },
    // The relay's media ports (41000-41019) are outside the dropped part.
    also: mediaOver('udp'),
  });

  scenario('a 1,000-port block of the SRTP range (47000-47999) dropped: the sampled ports catch it', {
    setup: rules(rule.udp('47000:47999', ...rule.drop)),
    expect: {
      ...SRTP_BLOCKED,
      rows: { 'desk-phone-srtp': 'partial' },
      port: (t, p) => (t === 'udp' && inRange(p, 47000, 47999) ? 'blocked' : 'open'),
    },
    also: (r) => {
      const blocked = r.ports.filter((p) => p.status === 'blocked');
      // Two of the 32 stretches of 312 ports lie wholly inside the block, so at least two sampled ports do.
      expect(blocked.length).toBeGreaterThanOrEqual(2);
    },
  });

  scenario('SIP/TLS 5096 rejected with a TCP reset: refused, its row blocked, media unaffected', {
    setup: rules(rule.tcp('5096', ...rule.reset)),
    expect: sipTlsBlocked('refused'),
    also: mediaOver('udp'),
  });

  scenario('SIP/TLS 5096 answered with ICMP administratively prohibited: refused', {
    setup: rules(rule.tcp('5096', ...rule.adminProhibited)),
    expect: sipTlsBlocked('refused'),
  });

  // After this one, Chromium keeps retrying the timed-out connection to 5096 in its socket pool for a while
  // (SYN retransmits, 1 s, 2 s, 4 s apart) and a later probe of 5096 joins that attempt: a rule that rejects
  // would then look like a drop until the next retransmit. So the 5096 rejects run before it.
  scenario('SIP/TLS 5096 silently dropped: blocked (no answer) rather than refused', {
    setup: rules(rule.tcp('5096', ...rule.drop)),
    expect: sipTlsBlocked('blocked'),
  });

  scenario('SIP over TCP 5090 rejected: two non-Secure-Voice rows blocked, degraded', {
    setup: rules(rule.tcp('5090', ...rule.reset)),
    expect: {
      verdict: 'degraded',
      headline: otherRowsBlocked('2 other row(s) are blocked: TCP 5090, TCP 5090'),
      rows: { 'desk-phone-sip-tcp': 'blocked', 'desk-phone-presence-sip-tcp': 'blocked' },
      port: (t, p) => (t === 'tcp' && p === 5090 ? 'refused' : 'open'),
      remediation: ['TCP 5090', 'TCP 5090'],
    },
  });

  scenario('provisioning TCP 80 rejected, 443 open: partly blocked, and the fix names only TCP 80', {
    setup: rules(rule.tcp('80', ...rule.reset)),
    expect: {
      verdict: 'degraded',
      headline: otherRowsBlocked('1 other row(s) are blocked: TCP 80'),
      rows: { 'desk-phone-provisioning-https': 'partial' },
      port: (t, p) => (t === 'tcp' && p === 80 ? 'refused' : 'open'),
      remediation: ['TCP 80'],
    },
  });

  scenario('plain RTP range UDP 20000-39999 dropped: a non-Secure-Voice row blocked, degraded', {
    setup: rules(rule.udp('20000:39999', ...rule.drop)),
    expect: {
      verdict: 'degraded',
      headline: otherRowsBlocked('1 other row(s) are blocked: UDP 20000-39999'),
      rows: { 'desk-phone-rtp': 'blocked' },
      port: (t, p) => (t === 'udp' && inRange(p, 20000, 39999) ? 'blocked' : 'open'),
      remediation: ['UDP 20000-39999'],
    },
  });

  scenario('all UDP dropped: both UDP rows blocked, media over TCP', {
    setup: rules(['-i', 'lan0', '-p', 'udp', '-j', 'DROP']),
    expect: {
      ...SRTP_BLOCKED,
      rows: { 'desk-phone-rtp': 'blocked', 'desk-phone-srtp': 'blocked' },
      port: (t) => (t === 'udp' ? 'blocked' : 'open'),
      remediation: ['UDP 20000-39999', 'UDP 40000-49999'],
    },
    also: mediaOver('tcp'),
  });

  scenario("only the relay's media ports refused over UDP: the matrix is open, media over TCP, degraded", {
    setup: rules(rule.udp('41000:41019', ...rule.portUnreachable)),
    expect: {
      verdict: 'degraded',
      headline:
        /^Calls may have problems: Secure media \(DTLS-SRTP audio loopback\)\. Encrypted audio .* made the round trip: TCP\/IPv4, .*UDP to the media ports seems blocked, so media fell back to TCP\. Media went to the relay's TCP port 410[01]\d \(ICE-TCP\); over UDP that port stands in for UDP 40000-49999 \(Desk phones media Secure Voice\)\.$/,
      rows: {},
      remediation: [],
    },
    also: mediaOver('tcp'),
  });

  scenario('HTTPS 443 dropped: the relay cannot be reached, and the headline says where to look', {
    setup: rules(rule.tcp('443', ...rule.drop)),
    expect: {
      verdict: 'blocked',
      headline:
        'Blocked: HTTPS to the relay failed. Timed out connecting to relay.voice.test: a firewall is probably dropping the traffic. Ask your IT administrator to allow outbound TCP to this port.',
      rows: {},
      remediation: [],
      noMatrix: true,
    },
  });
});
