/**
 * The lab with an office's explicit web proxy on the router (harness/lab-proxy.ts: HTTP CONNECT, to 443 only
 * unless a scenario allows more), the browser set to use it, and the router's firewall dropping direct
 * traffic: the scenarios of harness/lab-proxy-scenarios.ts in Chromium, through the command line (Chromium
 * from https_proxy, as the issue found it) and the popup (Chromium with --proxy-server), both with access to
 * the relay's host. Chromium names no proxy: it is recognised by its refusals or by its address, a private
 * one, where the relay's is public.
 */
import { describe, expect, it } from 'vitest';
import { viaPopup } from './harness/lab-popup.ts';
import {
  expectConnects,
  expectProxyScenario,
  proxyCli,
  proxyScenarios,
} from './harness/lab-proxy-scenarios.ts';
import { useLab } from './harness/lab-session.ts';
import { rememberedRelayAddresses } from './harness/remembered-address.ts';

const session = useLab({ hostAccess: true, proxy: true });

describe('lab: an office proxy on the browser path, which phones do not use', () => {
  for (const scenario of proxyScenarios('192.168.77.1')) {
    it(`${scenario.name}: through the command line and the popup`, async () => {
      await scenario.setup(session);
      const from = session.proxy?.connects.length ?? 0;
      const named = { proxy: '192.168.77.1', evidence: scenario.evidence };
      expectProxyScenario(await proxyCli(session, 'chromium'), scenario, named);
      const { shown, report } = await viaPopup(session);
      expectProxyScenario(report, scenario, named);
      expect(shown).toBe(report.headline);
      expectConnects(session, scenario, from);
      // The proxy's address is not the relay's: nothing is remembered for the next run's stall diagnosis.
      const page = await session.browser.openPage('options/options.html');
      expect(await rememberedRelayAddresses(page).finally(() => page.close())).toEqual({});
    });
  }
});
