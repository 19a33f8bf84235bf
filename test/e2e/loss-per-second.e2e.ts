/**
 * Loss per direction second by second, end to end: the built extension in Chromium in a network namespace,
 * the relay process on the host, and random loss on one direction of the media path only (iptables'
 * statistic match in the namespace). An extended check must show that direction's loss in its seconds and
 * the other direction's seconds at about 0, within the resolution the product states (a packet or two of the
 * ~50 audio packets a second, 2 points each: loss-per-second.ts), and the report page must chart both series and name them for screen readers.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ExtensionBrowser } from '../../src/cli/chromium.ts';
import { runCheckInExtension } from '../../src/cli/drive-extension.ts';
import type { LossSecond, Report } from '../../src/protocol/report.ts';
import { useExtensionSession } from './harness/extension-session.ts';
import { clearRules, dropUdpRandomly, type Netns, RULES_OUT } from './harness/netns.ts';
import type { RelayProcess } from './harness/relay-process.ts';

const MEDIA_PORTS = { from: 47240, to: 47259 };
const session = useExtensionSession({
  netns: true,
  relayArgs: ['--media-ports', `${MEDIA_PORTS.from}-${MEDIA_PORTS.to}`],
});
let ns: Netns;
let relay: RelayProcess;
let browser: ExtensionBrowser;
beforeAll(() => {
  ({ relay, browser } = session);
  ns = session.ns as Netns;
});
afterEach(async () => {
  await clearRules(ns);
});

const LOSS = 0.15;
/**
 * What the other direction may show in a second: each second counts ~50 audio packets (2 points each), and
 * the stated resolution is a packet, two at the edge of a burst; 5 points is two packets of the ~42 a lossy
 * second leaves to echo.
 */
const CLEAN_POINTS = 5;

/**
 * Drops UDP from the browser to the relay's media ports at random: loss on the way up only. Silently, into a
 * queue nobody reads (see blockUdpTo): a DROP in OUTPUT fails the browser's send with EPERM, and the browser
 * then sends again, so hardly anything was lost (the first runs of this test read 2 % of 15 %).
 */
async function dropUplinkRandomly(probability: number): Promise<void> {
  await ns.iptables([
    ...['-A', RULES_OUT, '-p', 'udp', '-d', ns.hostAddress],
    ...['--dport', `${MEDIA_PORTS.from}:${MEDIA_PORTS.to}`],
    ...['-m', 'statistic', '--mode', 'random', '--probability', String(probability)],
    ...['-j', 'NFQUEUE', '--queue-num', '4242'],
  ]);
}

async function extendedCheck(): Promise<Report> {
  const page = await browser.openPage('options/options.html');
  try {
    const settings = { relayUrl: relay.url, targets: [], extendedDurationS: 10 };
    return await runCheckInExtension(page, settings, 'extended', 120_000);
  } finally {
    await page.close();
  }
}

const values = (seconds: LossSecond[], key: 'uplink' | 'downlink') =>
  seconds.map((s) => s[key]).filter((v): v is number => v !== null);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The per-second series: about the media time's 10 seconds, the lossy direction near LOSS, the other clean. */
function expectOneLossyDirection(r: Report, lossy: 'uplink' | 'downlink'): void {
  const clean = lossy === 'uplink' ? 'downlink' : 'uplink';
  const seconds = r.media?.lossPerSecond ?? [];
  console.info(`${lossy} ${LOSS * 100} % lost: ${JSON.stringify(seconds)}`);
  expect(seconds.length, r.headline).toBeGreaterThanOrEqual(8);
  const hit = values(seconds, lossy);
  const spared = values(seconds, clean);
  expect(hit.length).toBeGreaterThanOrEqual(8);
  expect(spared.length).toBeGreaterThanOrEqual(8);
  // ~50 packets a second at 15 %: each second's own figure is a sample, their mean is the run's.
  expect(mean(hit)).toBeGreaterThan(9);
  expect(mean(hit)).toBeLessThan(21);
  // A second with fewer than 3 of ~50 lost at 15 % happens about once in 70: two such seconds are allowed.
  expect(hit.filter((v) => v > CLEAN_POINTS).length).toBeGreaterThanOrEqual(hit.length - 2);
  for (const v of spared) expect(v).toBeLessThanOrEqual(CLEAN_POINTS);
  // The whole-run figures agree on which direction lost.
  const loss = r.media?.loss;
  expect(loss?.scored).toBe(lossy);
  expect(loss?.[clean]?.percent).toBeLessThan(2);
  // The verdict and its words: a lossy path that carries media is degraded with its figures, never blocked;
  // 15 % is well over the 5 % fail limit, so the media check itself fails on quality.
  expect(r.verdict, r.headline).toBe('degraded');
  const media = r.checks.find((c) => c.id === 'secure-media');
  expect(media).toMatchObject({ status: 'fail', reason: 'poor-quality' });
  expect(media?.summary).toMatch(/Packet loss [\d.]+ % (is|may be) at or above 5 %/);
}

describe('loss per direction, second by second, across a namespace', () => {
  it(`only the uplink loses ${LOSS * 100} %: every second shows it on the uplink, none on the downlink`, async () => {
    await dropUplinkRandomly(LOSS);
    expectOneLossyDirection(await extendedCheck(), 'uplink');
  });

  it(`only the downlink loses ${LOSS * 100} %: every second shows it on the downlink, none on the uplink`, async () => {
    await dropUdpRandomly(ns, {
      fromHost: ns.hostAddress,
      sourcePorts: `${MEDIA_PORTS.from}:${MEDIA_PORTS.to}`,
      probability: LOSS,
    });
    expectOneLossyDirection(await extendedCheck(), 'downlink');
  });
});
