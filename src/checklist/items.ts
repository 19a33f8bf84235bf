/**
 * The provider's security checklist ("Checklist for protecting your RingCentral service") plus the firewall
 * preparation of the Secure Voice white paper, as data. Titles are the provider's words; `why` is one line,
 * from the provider's text where it says why.
 */
export type Evidence = 'srtp' | 'nat' | 'https-tls12' | 'ports' | 'udp-and-tls';

export interface ChecklistItem {
  id: string;
  title: string;
  why: string;
  /** Verified from a run's measurements instead of by the user. */
  evidence?: Evidence;
  /** Periodic items come due again after this many days unless settings say otherwise. */
  repeatDays?: number;
  source: 'security-overview' | 'secure-voice-white-paper';
}

export const CHECKLIST: readonly ChecklistItem[] = [
  {
    id: 'strong-passwords',
    title: 'Set strong passwords and PINs for your extensions.',
    why: 'Use answers to security questions that are difficult to guess and don’t make use of public or easily guessable information.',
    source: 'security-overview',
  },
  {
    id: 'voip-encryption',
    title: 'Implement VoIP encryption on your account.',
    why: 'Secure Voice encrypts signaling with TLS and media with SRTP, with message authentication and replay protection.',
    evidence: 'srtp',
    source: 'security-overview',
  },
  {
    id: 'disable-international',
    title: 'Disable international calling on your account if it is not needed.',
    why: 'Customer-controlled settings to disable international calling are one of the measures against toll fraud.',
    source: 'security-overview',
  },
  {
    id: 'restrict-international',
    title:
      'If international calling is needed, restrict international destinations to those needed for your company business.',
    why: 'Enabling international calling only to approved destinations limits toll fraud.',
    source: 'security-overview',
  },
  {
    id: 'phones-behind-firewalls',
    title: 'Place VoIP phones behind firewalls.',
    why: 'The service perimeter is protected with firewalls; your side of the connection should be too.',
    evidence: 'nat',
    source: 'security-overview',
  },
  {
    id: 'block-login-consoles',
    title: 'Block unauthorized network access to the phones’ login consoles.',
    why: 'A phone’s login console reachable from the network lets others change its settings.',
    source: 'security-overview',
  },
  {
    id: 'block-unwanted-callers',
    title: 'Block numbers for unwanted callers.',
    why: 'Blocking inbound caller IDs is one of the front-end settings customers control.',
    source: 'security-overview',
  },
  {
    id: 'limit-admins',
    title: 'Limit the users to whom you give admin-level permission.',
    why: 'Customers manage their account policies, user permissions, and login information.',
    source: 'security-overview',
  },
  {
    id: 'email-forwarding',
    title: 'Only use email message forwarding for non-sensitive messages.',
    why: 'Forwarded messages leave the encrypted service.',
    source: 'security-overview',
  },
  {
    id: 'encrypted-web-session',
    title: 'Retrieve sensitive messages via an encrypted web session.',
    why: 'RingCentral utilizes TLS 1.2 to encrypt web-session traffic.',
    evidence: 'https-tls12',
    source: 'security-overview',
  },
  {
    id: 'change-passwords',
    title: 'Intermittently change extension passwords and PIN codes.',
    why: 'Credentials that never change stay useful to anyone who learned them.',
    repeatDays: 90,
    source: 'security-overview',
  },
  {
    id: 'review-usage',
    title:
      'Periodically review service usage to ensure it complies with your policies and appropriate use for your organization.',
    why: 'Admins and users can review call history; anomalous calling patterns are a sign of fraud.',
    repeatDays: 30,
    source: 'security-overview',
  },
  {
    id: 'open-firewall-ports',
    title:
      'Open the firewall ports for Secure Voice: TLS on 5096/5097 and SRTP on UDP 40000-49999 and 60000-64999.',
    why: 'If your firewall restricts ports, endpoints that reboot into Secure Voice cannot register or carry calls.',
    evidence: 'ports',
    source: 'secure-voice-white-paper',
  },
  {
    id: 'open-all-protocols',
    title: 'Open firewall ports for all protocols, as some devices may continue to use UDP.',
    why: 'By opening TLS ports as well, you will be ready for additional changes that may occur in the future.',
    evidence: 'udp-and-tls',
    source: 'secure-voice-white-paper',
  },
];
