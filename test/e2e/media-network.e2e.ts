import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ExtensionBrowser } from '../../src/cli/chromium.ts';
import { runCheckInExtension } from '../../src/cli/drive-extension.ts';
import type { Report } from '../../src/protocol/report.ts';
import { dropLargeUdpFrom, expectDtlsStalledOnTheWayBack } from './harness/dtls-stall.ts';
import { useExtensionSession } from './harness/extension-session.ts';
import { untilMediaFlows } from './harness/media-flowing.ts';
import { blockUdpTo, clearRules, dropUdpRandomly, type Netns, RULES_OUT } from './harness/netns.ts';
import type { RelayProcess } from './harness/relay-process.ts';

const MEDIA_PORTS = { from: 47200, to: 47219 };
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

/** Silently drops everything (UDP and TCP) from the browser to the relay's media ports: a media outage. */
async function dropMedia(): Promise<void> {
  for (const proto of ['udp', 'tcp']) {
    await ns.iptables([
      '-A',
      RULES_OUT,
      '-p',
      proto,
      '-d',
      ns.hostAddress,
      '--dport',
      `${MEDIA_PORTS.from}:${MEDIA_PORTS.to}`,
      '-j',
      'NFQUEUE',
      '--queue-num',
      '4242',
    ]);
  }
}

/** Starts an extended check; resolves, with its report to come, once its audio flows. */
async function startExtendedCheck(): Promise<{ report: Promise<Report> }> {
  const report = runCheck('extended');
  const probe = await browser.openPage('options/options.html');
  try {
    await Promise.race([untilMediaFlows(probe), report]);
  } finally {
    await probe.close();
  }
  return { report };
}

async function runCheck(mode: 'quick' | 'extended'): Promise<Report> {
  const page = await browser.openPage('options/options.html');
  try {
    return await runCheckInExtension(page, { relayUrl: relay.url, targets: [] }, mode, 90_000);
  } finally {
    await page.close();
  }
}

const media = (r: Report) => {
  if (!r.media) throw new Error(`no media figures: ${r.headline}`);
  return r.media;
};

describe('secure media across a namespace', () => {
  it('passes over UDP on an open network', async () => {
    const r = await runCheck('quick');
    const check = r.checks.find((c) => c.id === 'secure-media');
    expect(check?.status, check?.summary).toBe('pass');
    expect(media(r).transport).toBe('udp');
  });

  it('reports TCP transport, not a pass over UDP, when UDP to the relay is blocked', async () => {
    await blockUdpTo(ns);
    const r = await runCheck('quick');
    const check = r.checks.find((c) => c.id === 'secure-media');
    expect(check?.summary).toMatch(/fell back to TCP/);
    expect(check).toMatchObject({ status: 'warn', reason: 'tcp-fallback' });
    expect(media(r).transport).toBe('tcp');
    expect(media(r).candidateTypes.remote).toBe('host');
    expect(media(r).srtpCipher).toMatch(/^(SRTP_|AEAD_)/);
  });

  it('says large packets from the relay are dropped, not that a firewall blocks DTLS, when only its small ones arrive', async () => {
    await dropLargeUdpFrom(ns, `${MEDIA_PORTS.from}:${MEDIA_PORTS.to}`);
    expectDtlsStalledOnTheWayBack(await runCheck('quick'), 'Chromium');
  });

  it('measures injected 10 % loss on the relay media port within 3 percentage points', async () => {
    await dropUdpRandomly(ns, {
      fromHost: ns.hostAddress,
      sourcePorts: `${MEDIA_PORTS.from}:${MEDIA_PORTS.to}`,
      probability: 0.1,
    });
    const r = await runCheck('extended');
    const m = media(r);
    expect(m.transport).toBe('udp');
    expect(m.packetsReceived + m.packetsLost).toBeGreaterThan(1000);
    console.info(
      `injected 10 % loss on the relay's media ports: measured ${m.lossPercent} % over ${m.packetsReceived + m.packetsLost} packets`,
    );
    expect(m.lossPercent).not.toBeNull();
    expect(Math.abs((m.lossPercent ?? 0) - 10)).toBeLessThanOrEqual(3);
    expect(m.samples.length).toBeGreaterThanOrEqual(25);
  });

  it('records a 3 s media outage in the middle of an extended check as a gap, and recovers', async () => {
    const { report } = await startExtendedCheck();
    // Audio for a while, then a 3 s outage, well inside the 30 s of media.
    await new Promise((r) => setTimeout(r, 5000));
    await dropMedia();
    await new Promise((r) => setTimeout(r, 3000));
    await clearRules(ns);
    const r = await report;
    const check = r.checks.find((c) => c.id === 'secure-media');
    expect(check?.reason).not.toBe('media-timeout');
    const m = media(r);
    expect(m.gaps.length).toBeGreaterThanOrEqual(1);
    const longest = Math.max(...m.gaps.map((g) => g.toS - g.fromS));
    expect(longest).toBeGreaterThanOrEqual(2);
    expect(longest).toBeLessThanOrEqual(6);
    // Audio flowed again after the outage.
    const last = m.samples.at(-1);
    const before = m.samples.at(-4);
    expect((last?.packetsReceived ?? 0) - (before?.packetsReceived ?? 0)).toBeGreaterThan(50);
  });

  it('fails with a clear media timeout when media stays dropped', async () => {
    const { report } = await startExtendedCheck();
    await new Promise((r) => setTimeout(r, 3000));
    await dropMedia();
    const r = await report;
    const check = r.checks.find((c) => c.id === 'secure-media');
    expect(check).toMatchObject({ status: 'fail', reason: 'media-timeout', step: 'media' });
    expect(check?.summary).toMatch(/stopped for 8 s/);
    expect(r.verdict).toBe('blocked');
  });
});
