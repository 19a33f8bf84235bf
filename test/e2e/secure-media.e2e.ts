/**
 * Secure media end to end: the built extension in Chromium runs a real DTLS-SRTP audio loopback through the
 * relay process (werift), on loopback.
 */
import { join } from 'node:path';
import * as v from 'valibot';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOSS_RESOLUTION_POINTS } from '../../src/checks/media/media-window.ts';
import type { ExtensionBrowser } from '../../src/cli/chromium.ts';
import { request, runCheckInExtension, watchCheckInExtension } from '../../src/cli/drive-extension.ts';
import { type Report, ReportSchema } from '../../src/protocol/report.ts';
import { useExtensionSession } from './harness/extension-session.ts';
import { untilMediaFlows } from './harness/media-flowing.ts';
import { type RelayProcess, relayMetric, startRelayProcess } from './harness/relay-process.ts';
import { runCli } from './harness/run-cli.ts';

const session = useExtensionSession({ relayArgs: ['--media-ports', '47000-47019'] });
let relay: RelayProcess;
let browser: ExtensionBrowser;
beforeAll(() => {
  ({ relay, browser } = session);
});

describe('secure media loopback in Chromium', () => {
  it('passes: DTLS connected, an SRTP cipher negotiated, echoed packets came back', async () => {
    const page = await browser.openPage('options/options.html');
    const report = await runCheckInExtension(page, { relayUrl: relay.url, targets: [] }, 'quick', 60_000);
    const check = report.checks.find((c) => c.id === 'secure-media');
    expect(check?.status, check?.summary).toBe('pass');
    expect(report.verdict).toBe('ready');
    const m = report.media;
    if (!m) throw new Error(report.headline);
    expect(m.encrypted).toBe(true);
    expect(m.srtpCipher).toMatch(/^(SRTP_|AEAD_)/);
    expect(m.dtlsCipher).toMatch(/^TLS_/);
    expect(m.tlsVersion).toBe('DTLS 1.2');
    expect(m.transport).toBe('udp');
    // The quick check stops once loss is known to ±2 points (about a second on loopback, ~50 packets a second
    // each of audio and probes), and says how well it knows it.
    expect(m.packetsSent).toBeGreaterThan(25);
    expect(m.packetsReceived).toBeGreaterThan(25);
    expect(m.probes.received).toBeGreaterThan(25);
    const loss = m.loss?.scored === 'downlink' ? m.loss.downlink : m.loss?.uplink;
    if (!loss) throw new Error('no one-way loss figure');
    // Half the 95 % interval, from figures the report rounds to 0.1.
    expect((loss.high - loss.low) / 2).toBeLessThanOrEqual(LOSS_RESOLUTION_POINTS + 0.1);
    expect(m.mos).toBeGreaterThan(4);
    expect(m.timings.firstEchoMs).toBeGreaterThan(0);
    // The relay as deployed took Chromium's audio into its native echo (AEAD_AES_128_GCM), not JavaScript.
    expect(m.srtpCipher).toMatch(/AEAD_AES_128_GCM$/);
    expect(await relayMetric(relay, 'svc_relay_native_echo_sessions_total')).toBeGreaterThanOrEqual(1);
    await page.close();
  });

  it('says "encrypted audio flowing" before the media figures are in, and the verdict comes with them', async () => {
    const page = await browser.openPage('options/options.html');
    try {
      const run = await watchCheckInExtension(page, { relayUrl: relay.url, targets: [] }, 'quick', 60_000);
      const media = run.seen['secure-media'];
      if (run.flowingMs === null || media === undefined)
        throw new Error('no flowing state or no media result');
      // The run state said so first, then the media check's result arrived, then the report.
      expect(run.flowingMs).toBeLessThan(media);
      expect(media).toBeLessThanOrEqual(run.verdictMs);
      // Results are pushed to the open page as they are measured, not read back from storage after.
      expect(run.via['relay-https']).toBe('port');
      expect(run.via['secure-media']).toBe('port');
      expect(run.stored.verdictMs).not.toBeNull();
      // The WSS row was shown once the socket was open and the relay's hello valid, with the pings still to
      // come, then the same row turned to the pings' figures: two pushed states, in that order.
      expect(run.pushed['relay-wss']?.map((r) => [r.status, r.reason, r.partial])).toEqual([
        ['pass', 'pings-pending', true],
        ['pass', 'ok', false],
      ]);
      expect(run.pushed['relay-wss']?.[0]?.summary).toMatch(
        /^WSS connected in \d+ ms; the relay answered\. Measuring 5 ping round trips…$/,
      );
      expect(run.pushed['relay-wss']?.[1]?.summary).toMatch(
        /^WSS connected in \d+ ms; 5 pings, median round trip [\d.]+ ms\.$/,
      );
    } finally {
      await page.close();
    }
  });

  it('shows encryption, transport and call quality in the popup', async () => {
    const popup = await browser.openPage('popup/popup.html');
    await popup.locator('[data-verdict]').waitFor({ timeout: 30_000 });
    expect(await popup.locator('[data-verdict]').getAttribute('data-verdict')).toBe('ready');
    expect(await popup.locator('[data-field="encrypted"]').textContent()).toMatch(/^Yes \(SRTP_/);
    expect(await popup.locator('[data-field="transport"]').textContent()).toBe('UDP');
    expect(await popup.locator('[data-field="mos"]').textContent()).toMatch(
      /^MOS \d\.\d+ \((excellent|good)\)$/,
    );
    await popup.close();
  });

  it('prints the media object in the command line JSON report', async () => {
    const r = await runCli(['--json', '--relay', relay.url, '--ca-cert', relay.certFile]);
    expect(r.code, r.stderr).toBe(0);
    const report = v.parse(ReportSchema, JSON.parse(r.stdout));
    for (const key of [
      'srtpCipher',
      'dtlsCipher',
      'tlsVersion',
      'transport',
      'candidateTypes',
      'rttMs',
      'jitterMs',
      'lossPercent',
      'mos',
      'packetsSent',
      'packetsReceived',
      'timings',
    ]) {
      expect(report.media, key).toHaveProperty(key);
    }
  });

  it('ends the run naming the relay, not the network, when the relay is killed in the middle of it', async () => {
    // Same key as the trusted relay, so the browser (launched with that key pinned) accepts it.
    const victim = await startRelayProcess([
      '--media-ports',
      '47020-47029',
      '--cert',
      relay.certFile,
      '--key',
      join(relay.dataDir, 'relay-key.pem'),
    ]);
    const page = await browser.openPage('options/options.html');
    try {
      await request(page, { type: 'saveSettings', settings: { relayUrl: victim.url, targets: [] } });
      const { runId } = (await request(page, { type: 'runCheck', mode: 'extended' })) as { runId: string };
      // In the middle of the run: the audio is flowing (not a fixed time after the click).
      await untilMediaFlows(page, runId);
      await victim.stop('SIGKILL');
      const killedAt = Date.now();
      let report: Report | null = null;
      // A hang guard, not a speed limit: the extended check's 30 s of media would end the run anyway, but
      // then as a finished run, which the reason below tells apart.
      while (Date.now() - killedAt < 60_000 && !report) {
        const state = (await request(page, { type: 'getState' })) as { status: string; last: Report | null };
        if (state.status === 'idle' && state.last?.runId === runId) report = state.last;
        else await new Promise((r) => setTimeout(r, 100));
      }
      expect(report, 'the run never finished').not.toBeNull();
      const media = report?.checks.find((c) => c.id === 'secure-media');
      expect(media).toMatchObject({ status: 'fail', reason: 'relay-went-away', step: 'media' });
      expect(media?.summary).toMatch(
        /^The relay at 127\.0\.0\.1:\d+ went away during the media stage \(.+\)\. It may be restarting: run the check again in a minute\. This does not mean your network is blocked\.$/,
      );
      expect(report?.verdict).toBe('error');
    } finally {
      await page.close();
      await victim.stop();
    }
  });
});
