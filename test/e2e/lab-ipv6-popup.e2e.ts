/**
 * The IPv6 lab (harness/lab-ipv6.ts) as a user meets it in Chromium: the popup opened, the router dropping
 * IPv6 UDP while IPv4 passes. The popup's verdict, the port check's cause and step and the words it shows;
 * then the report page's "Over IPv6" table (each UDP row over IPv4 beside IPv6, the relay's IPv6 address
 * redacted), its copied text, and an axe scan of the ports section in both themes.
 */
import AxeBuilder from '@axe-core/playwright';
import { describe, expect, it } from 'vitest';
import type { CheckResult, Report } from '../../src/protocol/report.ts';
import { LAB6, relayArgsIpv6Ports } from './harness/lab-ipv6.ts';
import { viaPopup } from './harness/lab-popup.ts';
import { useLab } from './harness/lab-session.ts';

const session = useLab({
  ipv6: true,
  hostAccess: true,
  relayArgs: relayArgsIpv6Ports(),
});

const check = (r: Report, id: string) => r.checks.find((c) => c.id === id) as CheckResult;

const BLOCKED_ROWS =
  'Over IPv6, blocked while open over IPv4: UDP 40000-49999 (Desk phones media Secure Voice). Phones and apps that use IPv6 would fail there: ask your IT administrator to open the same ports for IPv6.';

describe('lab: IPv6 in the popup and on the report page (Chromium)', () => {
  it('the router drops IPv6 UDP, IPv4 passes: degraded, ipv6-ports-blocked at ICE, in the popup and on the report page', async () => {
    await session.lab6?.forward6(['-i', 'lan0', '-p', 'udp', '-j', 'DROP']);
    let row = '';
    const { shown, report } = await viaPopup(session, async (popup) => {
      row = (await popup.locator('[data-check-id="port-matrix"]').textContent()) ?? '';
    });
    const ports = check(report, 'port-matrix');
    expect(report.verdict, report.headline).toBe('degraded');
    expect(ports).toMatchObject({ status: 'warn', reason: 'ipv6-ports-blocked', step: 'ice' });
    expect(ports.summary).toMatch(/^Over IPv4, all \d+ probed ports of the Desk phone profile are open\. /);
    expect(ports.summary.endsWith(` ${BLOCKED_ROWS}`)).toBe(true);
    expect(shown).toBe(`Calls may have problems: Firewall: the provider's ports. ${ports.summary}`);
    // The popup's row: the warning, its words, the reason and the step.
    expect(row).toContain(BLOCKED_ROWS);
    expect(row).toMatch(/reasonipv6-ports-blocked/);
    expect(row).toMatch(/failed stepICE/);
    expect(check(report, 'relay-https').data.addressFamily).toBe('IPv6');

    const page = await session.browser.openPage('report/report.html');
    try {
      const table = page.locator('[data-table="ipv6-rows"]');
      await table.waitFor({ timeout: 10_000 });
      expect(await page.locator('#ports .ipv6-ports .hint').textContent()).toContain(
        "probed again on the relay's IPv6 address (2001:db8:113:x)",
      );
      const srtp = table.locator('[data-row-id="desk-phone-srtp"]');
      expect(await srtp.getAttribute('data-ipv6-only')).toBe('true');
      expect(await srtp.locator('[data-family="IPv4"]').textContent()).toContain('Open');
      expect(await srtp.locator('[data-family="IPv6"]').textContent()).toContain('Blocked');
      expect(await srtp.locator('th').textContent()).toContain('blocked over IPv6 only');
      expect(await table.locator('[data-ipv6-only]').count()).toBe(1);
      // The relay's IPv6 address in full is nowhere on the page's IPv6 section or the port check's row.
      expect(await page.locator('#ports').textContent()).not.toContain(LAB6.wan.provider);
      expect(await page.locator('[data-check-id="port-matrix"]').textContent()).not.toContain(
        LAB6.wan.provider,
      );
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.locator('#ports .ipv6-ports details summary').click();
        const axe = await new AxeBuilder({ page }).include('#ports').analyze();
        expect(
          axe.violations.map((v) => `${scheme} ${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`),
        ).toEqual([]);
        await page.locator('#ports .ipv6-ports details summary').click();
      }
    } finally {
      await page.close();
    }
  });
});
