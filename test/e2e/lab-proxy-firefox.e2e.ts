/**
 * The lab's office proxy (harness/lab-proxy-scenarios.ts) with Firefox ESR, through the command line
 * (`--browser firefox`, the proxy from https_proxy as Firefox reads it from the environment) and the popup
 * (Firefox in the client namespace, the proxy set by enterprise policy). Firefox names the proxy it used
 * (webRequest proxyInfo), so the headline names it by host and port in every scenario.
 */
import { describe, expect, it } from 'vitest';
import { useLabFirefox, viaFirefoxPopup } from './harness/lab-firefox.ts';
import {
  expectConnects,
  expectProxyScenario,
  proxyCli,
  proxyScenarios,
} from './harness/lab-proxy-scenarios.ts';
import { LAB_PROXY_URL } from './harness/lab-proxy-service.ts';
import { useLab } from './harness/lab-session.ts';
import { rememberedRelayAddresses } from './harness/remembered-address.ts';

const session = useLab({ hostAccess: true, proxy: true });
const PROXY = new URL(LAB_PROXY_URL).host;
const held = useLabFirefox(session, { proxy: PROXY });

describe('lab: an office proxy on the browser path, Firefox', () => {
  for (const scenario of proxyScenarios(PROXY)) {
    it(`${scenario.name}: through the command line and the popup`, async () => {
      await scenario.setup(session);
      const from = session.proxy?.connects.length ?? 0;
      const named = { proxy: PROXY, evidence: 'browser-proxy-info' as const };
      expectProxyScenario(await proxyCli(session, 'firefox'), scenario, named);
      const { shown, report } = await viaFirefoxPopup(held.firefox);
      expectProxyScenario(report, scenario, named);
      expect(shown).toBe(report.headline);
      expectConnects(session, scenario, from);
      // Firefox said the answers came through a proxy: its address is not remembered as the relay's.
      const page = await held.firefox.openPage('options/options.html');
      expect(await rememberedRelayAddresses(page).finally(() => page.close())).toEqual({});
    });
  }
});
