/**
 * NAT binding lifetime in Firefox, on loopback: no router, no NAT, nothing that could forget a mapping. Firefox
 * still stops answering the relay a few seconds into the silence (its ICE agent gives up on the idle
 * transport), so a lost mapping in Firefox is the browser's doing: the check says the figure cannot be
 * measured in Firefox and where it can, and never warns that the network forgets (binding-short).
 */
import { describe, expect, it } from 'vitest';
import { probePortFlags } from '../../scripts/probe-ports.ts';
import { runCheckInExtension } from '../../src/cli/drive-extension.ts';
import { useFirefoxSession } from './harness/firefox-session.ts';
import { LAB_THRESHOLDS } from './harness/lab-session.ts';

const GAPS_S = [3, 6, 9, 12];

const session = useFirefoxSession({ relayArgs: ['--binding-gaps', GAPS_S.join(','), ...probePortFlags()] });

describe('Firefox ESR: NAT binding lifetime', () => {
  it('a mapping Firefox stopped answering is not blamed on the network', async () => {
    const page = await session.firefox.openPage('options/options.html');
    const settings = {
      relayUrl: session.relay.url,
      targets: [],
      profile: 'desk-phone' as const,
      extendedDurationS: 10,
      thresholds: LAB_THRESHOLDS,
    };
    const r = await runCheckInExtension(page, settings, 'extended', 120_000).finally(() => page.close());
    const check = r.checks.find((c) => c.id === 'nat-binding');
    expect(check, r.checks.map((c) => `${c.id} ${c.status}`).join('\n')).toBeDefined();
    // What Firefox did on loopback: at least one gap lost with no NAT on the path (measured: 3 s kept, 6 s lost).
    const data = check?.data as { gapsS: number[]; expiredS: number | null };
    expect(data.gapsS).toEqual(GAPS_S);
    expect(data.expiredS, JSON.stringify(check?.data)).not.toBeNull();
    expect(check).toMatchObject({ status: 'skip', reason: 'browser-stops-answering' });
    expect(check?.reason).not.toBe('binding-short');
    expect(check?.step).toBeUndefined();
    expect(check?.summary).toBe(
      "Firefox stops answering the relay a few seconds after a connection falls silent, so how long your network keeps an idle UDP mapping cannot be measured in Firefox: the browser, not the network, ends the measurement. To see whether the mapping lasts the 120 s a phone's SIP flow needs, run the extended check in Chrome or Edge.",
    );
    // A skipped measurement does not make the verdict (delay limits widened: a loaded machine, not the network).
    expect(r.verdict, r.headline).toBe('ready');
    expect(r.headline).not.toContain('NAT binding lifetime');
  });
});
