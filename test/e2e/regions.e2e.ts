/**
 * Regions (issue 17 item 5): two real relay processes, the browser in a network namespace, and loss injected
 * on one relay's media ports. The check measures both and recommends the other one, in the report, the popup
 * and the report page, whichever of the two is the configured relay.
 */
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionBrowser, launchWithExtension } from '../../src/cli/chromium.ts';
import { request, runCheckInExtension } from '../../src/cli/drive-extension.ts';
import type { ComparedRelay, Report } from '../../src/protocol/report.ts';
import type { SettingsInput } from '../../src/protocol/settings.ts';
import { clearRules, createNetns, dropUdpRandomly, type Netns, requireNetns } from './harness/netns.ts';
import { closedPort, type RelayProcess, ROOT, startRelayProcess } from './harness/relay-process.ts';
import { expectCleanRelaysCompared } from './harness/relays-compared.ts';

/** Each relay answers media from its own ports, so loss can be put on one relay's media alone. */
const PARIS_MEDIA = { from: 47260, to: 47269 };
const FRANKFURT_MEDIA = { from: 47270, to: 47279 };
/** Enough loss that no short sample can mistake it for a clean path (a quick check resolves about ±2 points). */
const LOSS = 0.15;

let ns: Netns;
let paris: RelayProcess;
let frankfurt: RelayProcess;
let browser: ExtensionBrowser;

beforeAll(async () => {
  requireNetns();
  ns = await createNetns();
  const relayAt = (media: { from: number; to: number }) =>
    startRelayProcess(['--host', ns.hostAddress, '--media-ports', `${media.from}-${media.to}`]);
  [paris, frankfurt] = await Promise.all([relayAt(PARIS_MEDIA), relayAt(FRANKFURT_MEDIA)]);
  browser = await launchWithExtension({
    extensionDir: join(ROOT, 'dist/chrome'),
    trustSpki: [paris.spkiSha256, frankfurt.spkiSha256],
    executablePath: ns.chromiumWrapper,
  });
});
afterAll(async () => {
  await browser?.close();
  await Promise.all([paris?.stop(), frankfurt?.stop()]);
  await ns?.destroy();
});
afterEach(async () => {
  await clearRules(ns);
});

/** Loss on the way back from one relay's media ports to the browser, at random, as on a bad link. */
const lossyMediaFrom = (media: { from: number; to: number }) =>
  dropUdpRandomly(ns, {
    fromHost: ns.hostAddress,
    sourcePorts: `${media.from}:${media.to}`,
    probability: LOSS,
  });

function settings(configured: RelayProcess): SettingsInput {
  return {
    relayUrl: configured.url,
    targets: [],
    relays: [
      { name: 'Paris', url: paris.url },
      { name: 'Frankfurt', url: frankfurt.url },
    ],
  };
}

async function runCheck(configured: RelayProcess): Promise<Report> {
  const page = await browser.openPage('options/options.html');
  try {
    return await runCheckInExtension(page, settings(configured), 'quick', 180_000);
  } finally {
    await page.close();
  }
}

const figures = (r: Report, name: string): ComparedRelay => {
  const found = r.regions?.relays.find((x) => x.name === name);
  if (!found) throw new Error(`no figures for ${name}: ${r.regions?.summary ?? r.headline}`);
  return found;
};

describe('relays (regions) compared by call quality', () => {
  it('recommends Frankfurt when the configured relay, Paris, loses 15 % of its media', async () => {
    await lossyMediaFrom(PARIS_MEDIA);
    const r = await runCheck(paris);
    const check = r.checks.find((c) => c.id === 'relay-comparison');
    const lossy = figures(r, 'Paris');
    const clean = figures(r, 'Frankfurt');
    console.info(
      `Paris (15 % loss injected): loss ${lossy.lossPercent} %, MOS ${lossy.mos}; Frankfurt: loss ${clean.lossPercent} %, MOS ${clean.mos}`,
    );
    expect(check, r.headline).toMatchObject({ status: 'pass', reason: 'ok' });
    expect(check?.summary).toMatch(
      /^Recommended relay: Frankfurt \(calls through it would sound best: MOS \d\.\d, against \d\.\d through Paris\)\.$/,
    );
    expect(r.regions?.recommended).toBe(frankfurt.url);
    expect(r.regions?.relays.map((x) => [x.name, x.primary])).toEqual([
      ['Frankfurt', false],
      ['Paris', true],
    ]);
    // Each figure is the relay's own: the loss shows at Paris, not at Frankfurt.
    expect(lossy.lossPercent).toBeGreaterThanOrEqual(5);
    expect(clean.lossPercent).toBeLessThan(5);
    expect(clean.mos ?? 0).toBeGreaterThan(lossy.mos ?? 5);
    // The run's own media figures are the configured relay's (Paris), and say so.
    expect(r.relayUrl).toBe(paris.url);
    expect(r.media?.lossPercent).toBe(lossy.lossPercent);
    // The lossy configured relay makes the verdict itself degraded, with the media check as its cause.
    expect(r.verdict).toBe('degraded');
  });

  it('recommends the configured relay, Paris, when the other one, Frankfurt, is the lossy one', async () => {
    await lossyMediaFrom(FRANKFURT_MEDIA);
    const r = await runCheck(paris);
    const check = r.checks.find((c) => c.id === 'relay-comparison');
    expect(check?.status, r.headline).toBe('pass');
    expect(check?.summary).toMatch(
      /^Recommended relay: Paris \(calls through it would sound best: MOS .* through Frankfurt\)\.$/,
    );
    expect(r.regions?.recommended).toBe(paris.url);
    expect(figures(r, 'Frankfurt').lossPercent).toBeGreaterThanOrEqual(5);
    expect(figures(r, 'Paris').lossPercent).toBeLessThan(5);
    // The comparison is advice: a clean configured relay stays ready.
    expect(r.verdict, r.headline).toBe('ready');
  });

  it('warns naming a relay that could not be measured, with the failed step in its own words', async () => {
    const gone = `https://${ns.hostAddress}:${await closedPort()}`;
    const page = await browser.openPage('options/options.html');
    let r: Report;
    try {
      r = await runCheckInExtension(
        page,
        { ...settings(paris), relays: [...(settings(paris).relays ?? []), { name: 'Madrid', url: gone }] },
        'quick',
        180_000,
      );
    } finally {
      await page.close();
    }
    const check = r.checks.find((c) => c.id === 'relay-comparison');
    expect(check, r.headline).toMatchObject({ status: 'warn', reason: 'relays-not-measured' });
    // The extension has no host access to the namespace's address here, so the browser names no cause.
    // Paris and Frankfurt are both clean: alike within their samples (Paris stays), or a resolved difference.
    expectCleanRelaysCompared(check?.summary ?? '', 'Paris', 'Frankfurt');
    expect(check?.summary).toContain(`Madrid was not measured: Could not connect to ${new URL(gone).host};`);
    expect(r.regions?.relays.map((x) => x.name).at(-1)).toBe('Madrid');
    expect(figures(r, 'Madrid')).toMatchObject({ mos: null, httpsMs: null });
    // A region this network cannot reach is worth knowing: the run is degraded, and says why.
    expect(r.verdict).toBe('degraded');
    expect(r.headline).toContain('Madrid was not measured');
  });

  it('says the recommendation in the popup and shows each relay with its figures on the report page', async () => {
    const options = await browser.openPage('options/options.html');
    await request(options, { type: 'saveSettings', settings: settings(paris) });
    await options.close();
    await lossyMediaFrom(PARIS_MEDIA);
    const popup = await browser.context.newPage();
    await popup.setViewportSize({ width: 420, height: 640 });
    await popup.goto(`chrome-extension://${browser.extensionId}/popup/popup.html`);
    await popup.locator('.status[data-running="true"]').waitFor({ timeout: 5000 });
    const row = popup.locator('[data-check-id="relay-comparison"]');
    await row.waitFor({ timeout: 120_000 });
    expect(await row.textContent()).toMatch(
      /Relays compared.*Recommended relay: Frankfurt \(calls through it would sound best/,
    );
    await popup.locator('.status[data-running="false"]').waitFor({ timeout: 30_000 });
    // The media figures say whose they are: the configured relay's (Paris), with Frankfurt recommended.
    const relay = popup.locator('.media-summary [data-field="relay"]');
    await relay.waitFor({ timeout: 10_000 });
    expect(await relay.textContent()).toBe('Paris');
    expect(await popup.locator('.media-summary [data-field="recommended-relay"]').textContent()).toBe(
      'Frankfurt',
    );
    expect(await popup.locator('.media-summary dt').first().textContent()).toBe('Relay');
    await popup.close();

    const page = await browser.openPage('report/report.html');
    const table = page.locator('[data-table="relays"]');
    await table.waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-field="relay-recommendation"]').textContent()).toMatch(
      /^Recommended relay: Frankfurt/,
    );
    const rows = await table
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => (c.textContent ?? '').trim())),
      );
    expect(rows.map((cells) => cells[0]?.split('https://')[0])).toEqual([
      'Frankfurt (recommended)',
      'Paris (configured)',
    ]);
    expect(rows[1]?.[0]).toContain(paris.url);
    // Each row's own figures: Paris's loss is the injected one, Frankfurt's none.
    expect(rows[0]?.slice(1)).toEqual([
      expect.stringMatching(/^\d+ ms$/),
      expect.stringMatching(/^\d+ ms$/),
      '0 %',
      expect.stringMatching(/^[\d.]+ ms$/),
      '4.4',
    ]);
    expect(Number(rows[1]?.[3]?.replace(' %', ''))).toBeGreaterThanOrEqual(5);
    // The history keeps the comparison: the newest entry names the recommended relay, the timeline draws its MOS.
    expect(await page.locator('.history li').first().locator('.history-relay').textContent()).toBe(
      ' Recommended relay: Frankfurt',
    );
    expect(await page.locator('[data-chart="history"] .legend-recommended').textContent()).toBe(
      "Recommended relay's MOS (relays compared)",
    );
    expect(await page.locator('[data-chart="history"] .chart-summary').textContent()).toMatch(
      /Relays were compared in \d+ of these runs; in [1-9]\d* of them a relay other than the configured one was recommended\.$/,
    );
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const axe = await new AxeBuilder({ page })
        .include('#relays')
        .include('[data-chart="history"]')
        .analyze();
      const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(bad.map((v) => `${scheme} ${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`)).toEqual([]);
    }
    expect(await page.locator('#media .hint').first().textContent()).toBe(
      `Measured against relay Paris (${paris.url}).`,
    );
    await page.close();
  });
});
