/**
 * Secure media under network faults, with Chromium inside a network namespace the test creates and the relay
 * on the namespace's host address. Rules are iptables inside the namespace; nothing leaves the machine.
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionBrowser, launchWithExtension } from '../../src/cli/chromium.ts';
import { runCheckInExtension } from '../../src/cli/drive-extension.ts';
import type { Report } from '../../src/protocol/report.ts';
import {
  blockUdpTo,
  clearRules,
  createNetns,
  dropUdpRandomly,
  type Netns,
  requireNetns,
} from './harness/netns.ts';
import { type RelayProcess, ROOT, startRelayProcess } from './harness/relay-process.ts';

const MEDIA_PORTS = { from: 47200, to: 47219 };
let ns: Netns;
let relay: RelayProcess;
let browser: ExtensionBrowser;

beforeAll(async () => {
  requireNetns();
  ns = await createNetns();
  relay = await startRelayProcess([
    '--host',
    ns.hostAddress,
    '--media-ports',
    `${MEDIA_PORTS.from}-${MEDIA_PORTS.to}`,
  ]);
  browser = await launchWithExtension({
    extensionDir: join(ROOT, 'dist/chrome'),
    trustSpki: [relay.spkiSha256],
    executablePath: ns.chromiumWrapper,
  });
});
afterEach(async () => {
  await clearRules(ns);
});
afterAll(async () => {
  await browser?.close();
  await relay?.stop();
  await ns?.destroy();
});

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
    expect(m.lossPercent).not.toBeNull();
    expect(Math.abs((m.lossPercent ?? 0) - 10)).toBeLessThanOrEqual(3);
    expect(m.samples.length).toBeGreaterThanOrEqual(25);
  });
});
