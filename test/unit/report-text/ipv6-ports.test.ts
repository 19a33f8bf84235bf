import { afterEach, describe, expect, it } from 'vitest';
import { UI } from '../../../src/platform/i18n.ts';
import { ipv6PortsOf } from '../../../src/report-text/ipv6-ports.ts';
import { renderText } from '../../../src/report-text/render-text.ts';
import { shareRequest } from '../../../src/share/prepare-share.ts';
import { ipv6Report, RELAY_ADDRESS6 } from '../../fakes/ipv6-report.ts';
import { report } from '../../fakes/report.ts';
import { useBrowserLanguage } from '../i18n/fake-browser-i18n.ts';

const SRTP_ROW = 'UDP 40000-49999 SRTP/UDP: Desk phones media Secure Voice';

describe('the IPv6 pass in the report', () => {
  let restore: () => void = () => undefined;
  afterEach(() => restore());

  it('sets each UDP row over IPv6 beside IPv4, and marks the Secure Voice rows blocked over IPv6 only', () => {
    const view = ipv6PortsOf(ipv6Report());
    expect(view?.outcome).toBe('measured');
    expect(view?.addressShown).toBe('2001:db8:113:x');
    const srtp = view?.rows.find((r) => r.row === 'desk-phone-srtp');
    expect(srtp).toMatchObject({ ipv4: 'open', ipv6: 'blocked', onlyOverIpv6: true, protocol: 'SRTP/UDP' });
    expect(view?.rows.filter((r) => r.onlyOverIpv6).map((r) => r.row)).toEqual(['desk-phone-srtp']);
    expect(view?.ports.find((p) => p.port >= 40000 && p.port <= 49999)).toMatchObject({
      ipv4: 'open',
      ipv6: 'blocked',
    });
    expect(ipv6PortsOf(report())).toBeNull();
  });

  it('prints the rows over both versions in the text report, with the relay address redacted', () => {
    const text = renderText(ipv6Report());
    expect(text).toMatch(
      /\n {2}Firewall over IPv6 \(Desk phone, UDP rows, relay address 2001:db8:113:x\): (\d+) of (\d+) rows open\n/,
    );
    const [, open, all] = /: (\d+) of (\d+) rows open/.exec(text.split('over IPv6 (')[1] ?? '') ?? [];
    expect(Number(open)).toBe(Number(all) - 1);
    expect(text).toContain(`    ${SRTP_ROW}: over IPv4 Open, over IPv6 Blocked`);
    expect(text).not.toContain(RELAY_ADDRESS6);
    // Without an IPv6 pass, nothing is said of IPv6.
    expect(renderText(report())).not.toContain('IPv6');
  });

  it('says IPv6 was not tested where this computer did not reach the relay over it', () => {
    const text = renderText(ipv6Report(() => 'blocked', 'no-ipv6-path'));
    expect(text).toContain(
      '  Firewall over IPv6 (relay address 2001:db8:113:x): IPv6 not tested: this computer did not reach the relay over IPv6.',
    );
    expect(text).not.toContain('over IPv6 Blocked');
  });

  it('says it in German', () => {
    restore = useBrowserLanguage('de');
    const text = renderText(ipv6Report(), UI);
    expect(text).toMatch(
      /Firewall über IPv6 \(Tischtelefon, UDP-Zeilen, Relay-Adresse 2001:db8:113:x\): \d+ von \d+ Zeilen offen/,
    );
    expect(text).toContain(
      'UDP 40000-49999 SRTP/UDP: Desk phones media Secure Voice: über IPv4 Offen, über IPv6 Blockiert',
    );
    expect(text).not.toMatch(/\$\d/);
  });

  it('goes to support with the relay address redacted and the rows kept', () => {
    const shared = shareRequest(ipv6Report(), { includeFullAddresses: false }).report;
    expect(JSON.stringify(shared)).not.toContain(RELAY_ADDRESS6);
    expect(ipv6PortsOf(shared)?.rows.find((r) => r.row === 'desk-phone-srtp')).toMatchObject({
      ipv4: 'open',
      ipv6: 'blocked',
    });
    expect(ipv6PortsOf(shared)?.addressShown).toBe('2001:db8:113:x');
  });
});
