import { describe, expect, it } from 'vitest';
import { reportPage } from '../../../src/relay/console/pages.ts';
import type { StoredReport } from '../../../src/relay/storage/report-store.ts';
import { shareRequest } from '../../../src/share/prepare-share.ts';
import { ipv6Report, RELAY_ADDRESS6 } from '../../fakes/ipv6-report.ts';
import { report } from '../../fakes/report.ts';

const stored = (r: StoredReport['report']): StoredReport => ({
  id: 'id',
  code: 'ABCDEFGH',
  report: r,
  redaction: 'default',
  createdAt: Date.parse('2026-12-03T12:00:00Z'),
  expiresAt: Date.parse('2027-01-02T12:00:00Z'),
  clientHash: '0'.repeat(32),
});

/** The page's text, tags dropped and spaces folded. */
const words = (page: string) =>
  page
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

describe('support console: the IPv6 port pass of a shared report', () => {
  it('shows each UDP row over IPv6, the rows blocked over IPv6 only, and the address as shared (redacted)', () => {
    const shared = shareRequest(ipv6Report(), { includeFullAddresses: false }).report;
    const page = words(reportPage('alice', stored(shared), []));
    expect(page).toContain(
      "Firewall ports over IPv6 The UDP rows, probed again on the relay's IPv6 address 2001:db8:113:x.",
    );
    expect(page).toContain('Desk phones media Secure Voice UDP 40000-49999 blocked yes');
    expect(page).not.toContain(RELAY_ADDRESS6);
  });

  it('says IPv6 was not tested, and nothing of IPv6 for a relay without it', () => {
    const notTested = shareRequest(
      ipv6Report(() => 'blocked', 'no-ipv6-path'),
      { includeFullAddresses: false },
    );
    expect(words(reportPage('alice', stored(notTested.report), []))).toContain(
      'Not tested: this computer did not reach the relay over IPv6 (relay address 2001:db8:113:x).',
    );
    expect(reportPage('alice', stored(report()), [])).not.toContain('IPv6');
  });
});
