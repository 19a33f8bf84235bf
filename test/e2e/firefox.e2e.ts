/**
 * The same product in a real Firefox: Debian Firefox ESR with the built add-on (a temporary add-on over
 * WebDriver BiDi), against the relay process on loopback. The popup's quick check, an extended check that
 * outlives Firefox's 30 s idle limit with no extension page open, the port matrix, share with support, and
 * an untrusted relay certificate named as such.
 */

import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import type { Page } from 'puppeteer-core';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probePortFlags } from '../../scripts/probe-ports.ts';
import { request, runCheckInExtension } from '../../src/cli/drive-extension.ts';
import { type Report, ReportSchema } from '../../src/protocol/report.ts';
import { clickButton, popupVerdict, useFirefoxSession, waitInPage } from './harness/firefox-session.ts';
import { type RelayProcess, relayMetric, startRelayProcess } from './harness/relay-process.ts';
import { rememberedRelayAddresses } from './harness/remembered-address.ts';
import { runCli } from './harness/run-cli.ts';

const TOKEN = 'firefox-e2e-support-token-0123456789';
/** Longer than Firefox's 30 s idle limit for event pages, which is what it proves; short of the default's 30 s more. */
const EXTENDED_S = 35;

const session = useFirefoxSession({ relayArgs: ['--support-tokens', `alice:${TOKEN}`, ...probePortFlags()] });
let options: Page;
let quick: Report;

async function lastReport(page: Page, runId: string): Promise<Report> {
  return waitInPage<Report | undefined, string>(
    page,
    async (id) => {
      const state = (
        await (
          globalThis as unknown as {
            browser: {
              runtime: {
                sendMessage(m: unknown): Promise<{ value: { status: string; last: Report | null } }>;
              };
            };
          }
        ).browser.runtime.sendMessage({ type: 'getState' })
      ).value;
      return state.status === 'idle' && state.last?.runId === id ? state.last : undefined;
    },
    runId,
    90_000,
    `the report of run ${runId}`,
  );
}

beforeAll(async () => {
  options = await session.firefox.openPage('options/options.html');
  await request(options, {
    type: 'saveSettings',
    settings: {
      relayUrl: session.relay.url,
      targets: [],
      profile: 'desk-phone',
      extendedDurationS: EXTENDED_S,
    },
  });
});

describe('Firefox ESR', () => {
  it('popup: the quick check is ready, with the SRTP cipher and echoed packets', async () => {
    const popup = await session.firefox.openPage('popup/popup.html');
    const verdict = await popupVerdict(popup);
    const { last } = (await request(popup, { type: 'getState' })) as { last: Report };
    quick = last;
    expect(verdict, `${last.headline}\n${JSON.stringify(last.checks.map((c) => c.summary))}`).toBe('ready');
    const rows = await popup.evaluate(() =>
      [...document.querySelectorAll('.checks > li')].map((e) => [
        e.getAttribute('data-check-id'),
        e.getAttribute('data-status'),
      ]),
    );
    expect(rows).toEqual([
      ['relay-https', 'pass'],
      ['relay-wss', 'pass'],
      ['secure-media', 'pass'],
      ['port-matrix', 'pass'],
    ]);
    expect(
      await popup.evaluate(() => document.querySelector('[data-field="encrypted"]')?.textContent),
    ).toMatch(/^Yes \(SRTP_/);
    expect(quick.browser).toMatch(/^firefox Firefox\/153/);
    expect(quick.media).toMatchObject({
      encrypted: true,
      srtpCipher: expect.stringMatching(/^SRTP_/),
      tlsVersion: 'DTLS 1.2',
    });
    expect(quick.media?.packetsReceived).toBeGreaterThan(0);
    // Firefox's audio, too, went to the relay's native echo (it negotiates AEAD_AES_128_GCM).
    expect(await relayMetric(session.relay, 'svc_relay_native_echo_sessions_total')).toBeGreaterThanOrEqual(
      1,
    );
    await popup.close();
  });

  it("remembers the address the relay answered from (webRequest's ip), for the next run's stall diagnosis", async () => {
    // What lets a TLS stall be told from a dropping firewall once the browser holds the relay's HSTS
    // (src/platform/relay-address.ts): Firefox reports the server's address as Chromium does.
    const host = new URL(session.relay.url).host;
    expect(await rememberedRelayAddresses(options)).toEqual({ [host]: '127.0.0.1' });
  });

  it('port matrix: the provider’s TCP and UDP ports are probed and open', () => {
    const open = (transport: string) =>
      quick.ports.filter((p) => p.transport === transport && p.status === 'open');
    expect(open('tcp').map((p) => p.port)).toContain(5096);
    expect(open('udp').map((p) => p.port)).toEqual(expect.arrayContaining([40000, 49999]));
    expect(quick.checks.find((c) => c.id === 'port-matrix')?.status).toBe('pass');
  });

  it(`an extended check (${EXTENDED_S} s of audio) completes with every extension page closed`, async () => {
    const { runId } = (await request(options, { type: 'runCheck', mode: 'extended' })) as { runId: string };
    await options.close();
    // Nothing of the extension is open now; Firefox would stop an idle event page after 30 s.
    await new Promise((r) => setTimeout(r, (EXTENDED_S + 8) * 1000));
    options = await session.firefox.openPage('options/options.html');
    const report = await lastReport(options, runId);
    expect(report.interrupted).toBe(false);
    expect(report.verdict).toBe('ready');
    expect(report.media?.mode).toBe('extended');
    expect(report.media?.samples.length).toBeGreaterThanOrEqual(EXTENDED_S - 1);
  }, 150_000);

  it('shares the report with support; the console finds it by the code', async () => {
    const page = await session.firefox.openPage(`report/report.html#run=${encodeURIComponent(quick.runId)}`);
    await clickButton(page, 'Share with support');
    await waitInPage(
      page,
      () => document.querySelector('[data-field="share-preview"]')?.textContent,
      null,
      10_000,
      'preview',
    );
    await clickButton(page, 'Send to support');
    const code = (
      await waitInPage(
        page,
        () => document.querySelector('[data-field="share-code"]')?.textContent,
        null,
        15_000,
        'support code',
      )
    ).trim();
    expect(code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    const found = await consoleReport(session.relay, code);
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({
      report: { runId: quick.runId, verdict: 'ready', browser: quick.browser },
    });
    await page.close();
  });

  it('the command line with --browser firefox prints the same JSON report', async () => {
    const r = await runCli([
      '--browser',
      'firefox',
      '--json',
      '--relay',
      session.relay.url,
      '--ca-cert',
      session.relay.certFile,
    ]);
    const report = v.parse(ReportSchema, JSON.parse(r.stdout));
    expect(report.browser).toMatch(/^firefox Firefox\/153/);
    expect(report.checks.map((c) => c.id)).toEqual([
      'relay-https',
      'relay-wss',
      'secure-media',
      'port-matrix',
    ]);
    expect(report.media).toMatchObject({ encrypted: true, srtpCipher: expect.stringMatching(/^SRTP_/) });
    expect(r.code, `${report.headline}\n${r.stderr}`).toBe(report.verdict === 'ready' ? 0 : 1);
  });

  describe('a relay whose certificate Firefox does not trust', () => {
    let untrusted: RelayProcess;
    beforeAll(async () => {
      untrusted = await startRelayProcess();
    });
    afterAll(async () => {
      await untrusted?.stop();
    });

    it('is named an untrusted certificate, at the TLS step', async () => {
      const report = await runCheckInExtension(
        options,
        { relayUrl: untrusted.url, targets: [], profile: 'desk-phone' },
        'quick',
        60_000,
      );
      const https = report.checks.find((c) => c.id === 'relay-https');
      expect(https).toMatchObject({ status: 'fail', reason: 'tls-certificate-rejected', step: 'tls' });
      expect(https?.summary).toMatch(/^TLS certificate rejected for 127\.0\.0\.1:\d+/);
      expect(report.verdict).toBe('blocked');
    });
  });
});

/** The support console's JSON for a code, as support staff's tools read it (Bearer token). */
function consoleReport(relay: RelayProcess, code: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${relay.url}/console/api/reports/${encodeURIComponent(code)}`,
      { ca: readFileSync(relay.certFile), headers: { Authorization: `Bearer alice:${TOKEN}` } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
