/**
 * Benchmark: how soon the popup paints, in real Chromium, from the browser's own performance entries.
 *   node scripts/bench/popup-paint.ts [--runs 15] [--compare main] [--flavour release|dev] [--no-probes]
 * Builds the extension (this tree, and the --compare commit the same way, in the same run), launches headless
 * Chromium once per build with the relay process on loopback, then opens popup/popup.html in a new tab again
 * and again, alternating between the builds, and reads first-contentful-paint (the popup's first render:
 * its body is empty until the script renders) and the page's own mark. Needs a build of the relay
 * (npm run bench:popup-paint builds it first).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { getPriority, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type ExtensionBrowser, launchWithExtension } from '../../src/cli/chromium.ts';
import { request } from '../../src/cli/drive-extension.ts';
import { POPUP_RENDERED_MARK } from '../../src/ui/marks.ts';
import { startRelayProcess } from '../../test/e2e/harness/relay-process.ts';
import { type Build, buildExtension, DEV, RELEASE, workDir } from './builds.ts';
import {
  boundedInt,
  busyCorePct,
  fmt,
  machine,
  printMachine,
  ROOT,
  sleep,
  stats,
  systemJiffies,
  table,
} from './common.ts';

const { values } = parseArgs({
  // --no-probes leaves the probe pages out.
  allowNegative: true,
  options: {
    runs: { type: 'string', default: '15' },
    compare: { type: 'string' },
    flavour: { type: 'string', default: RELEASE },
    'media-ports': { type: 'string', default: '28020-28039' },
    // Also open two pages written into this tree's build for the run, to tell the browser's share of the
    // popup's start from ours: a page with one line of text and nothing else, and the popup's HTML without
    // its script (its frame and stylesheet only).
    probes: { type: 'boolean', default: true },
  },
});
const runs = boundedInt('runs', values.runs, 3, 50);
const flavour = values.flavour === DEV ? DEV : RELEASE;
if (values.flavour !== DEV && values.flavour !== RELEASE) throw new Error('--flavour: release or dev');
if (!existsSync(join(ROOT, 'dist/relay/server.js'))) {
  throw new Error('dist/relay/server.js missing: run "node scripts/build.ts --only relay" first');
}

interface Paint {
  fcp: number;
  mark: number | null;
  domContentLoaded: number;
  /** The page's HTML in: what came before is the browser's (tab, process, navigation). */
  responseEnd: number;
  /** The HTML parsed. */
  domInteractive: number;
}

/** Opens a page (the popup) in a new tab, waits for its first contentful paint, and reads the entries. */
async function openPopup(browser: ExtensionBrowser, path = POPUP): Promise<Paint> {
  const page = await browser.openPage(path);
  try {
    return await page.evaluate(async (markName) => {
      const fcp = await new Promise<number>((resolve, reject) => {
        const seen = performance.getEntriesByName('first-contentful-paint')[0];
        if (seen) return resolve(seen.startTime);
        const timer = setTimeout(() => reject(new Error('no first-contentful-paint within 10 s')), 10_000);
        new PerformanceObserver((list) => {
          const e = list.getEntriesByName('first-contentful-paint')[0];
          if (e) {
            clearTimeout(timer);
            resolve(e.startTime);
          }
        }).observe({ type: 'paint', buffered: true });
      });
      // The frame in popup.html can paint before the script has rendered: wait (bounded) for its mark too;
      // pages without a script have none.
      const scripted = document.scripts.length > 0;
      for (let i = 0; scripted && i < 100 && !performance.getEntriesByName(markName)[0]; i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      return {
        fcp,
        mark: performance.getEntriesByName(markName)[0]?.startTime ?? null,
        domContentLoaded: nav?.domContentLoadedEventEnd ?? Number.NaN,
        responseEnd: nav?.responseEnd ?? Number.NaN,
        domInteractive: nav?.domInteractive ?? Number.NaN,
      };
    }, POPUP_RENDERED_MARK);
  } finally {
    await page.close();
  }
}

/** The popup starts a quick check when it opens: the next one opens once the background is idle again. */
async function untilIdle(browser: ExtensionBrowser): Promise<void> {
  const page = await browser.openPage('options/options.html');
  try {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const state = (await request(page, { type: 'getState' })) as { status: string };
      if (state.status !== 'running') return;
      await sleep(200);
    }
    throw new Error('the quick check the popup started did not end within 30 s');
  } finally {
    await page.close();
  }
}

const POPUP = 'popup/popup.html';
/** The probe pages, beside popup.html in this tree's build (so relative links resolve the same way). */
const BLANK = 'popup/bench-blank.html';
const NO_SCRIPT = 'popup/bench-no-script.html';
const NO_SCRIPT_LINKED = 'popup/bench-no-script-linked.html';

const withoutScript = (html: string) => {
  const out = html.replace(/<script\b[^>]*>\s*<\/script>/g, '');
  if (out === html) throw new Error('popup.html has no script tag to leave out');
  return out;
};

/**
 * Writes the probe pages into a build: the browser's floor, the built popup.html without its script, and the
 * source popup.html (its stylesheet linked, not written in) without its script.
 */
function writeProbes(dist: string): void {
  const dir = join(dist, 'chrome', 'popup');
  writeFileSync(
    join(dir, 'bench-blank.html'),
    '<!doctype html><html lang="en"><head><meta charset="utf-8" /><title>Secure Voice Check</title></head><body><p>Secure Voice Check</p></body></html>\n',
  );
  writeFileSync(
    join(dir, 'bench-no-script.html'),
    withoutScript(readFileSync(join(dir, 'popup.html'), 'utf8')),
  );
  writeFileSync(
    join(dir, 'bench-no-script-linked.html'),
    withoutScript(readFileSync(join(ROOT, 'popup/popup.html'), 'utf8')),
  );
}

interface Subject {
  label: string;
  browser: ExtensionBrowser;
  path: string;
  paints: Paint[];
  /** Opening it starts a quick check, which the next open must wait out. */
  startsCheck: boolean;
}

const m = machine(true);
const work = workDir();
const relay = await startRelayProcess(['--media-ports', values['media-ports'], '--max-sessions', '10']);
const browsers: Array<{ build: Build; browser: ExtensionBrowser }> = [];
const subjects: Subject[] = [];
let busy = Number.NaN;
let loadAtEnd = Number.NaN;
try {
  for (const ref of [...(values.compare ? [values.compare] : []), null]) {
    const build = buildExtension(ref, flavour, work.path);
    if (ref === null && values.probes) writeProbes(build.dist);
    const browser = await launchWithExtension({
      extensionDir: join(build.dist, 'chrome'),
      trustSpki: [relay.spkiSha256],
    });
    const page = await browser.openPage('options/options.html');
    await request(page, { type: 'saveSettings', settings: { relayUrl: relay.url, targets: [] } });
    await page.close();
    browsers.push({ build, browser });
    subjects.push({ label: build.label, browser, path: POPUP, paints: [], startsCheck: true });
    if (ref === null && values.probes) {
      subjects.push({ label: 'blank page (probe)', browser, path: BLANK, paints: [], startsCheck: false });
      for (const [label, path] of [
        ['built popup.html without its script (probe)', NO_SCRIPT],
        ['source popup.html (stylesheet linked) without its script (probe)', NO_SCRIPT_LINKED],
      ] as const) {
        subjects.push({ label, browser, path, paints: [], startsCheck: false });
      }
    }
  }
  const open = async (s: Subject) => {
    const paint = await openPopup(s.browser, s.path);
    if (s.startsCheck) await untilIdle(s.browser);
    return paint;
  };
  // One untimed open each: the first page of a fresh browser also starts the extension's process.
  for (const s of subjects) await open(s);
  const sys0 = systemJiffies();
  for (let i = 0; i < runs; i++) {
    // ABBA order: whichever page opens right after another's check gets no systematic advantage.
    for (const s of i % 2 ? [...subjects].reverse() : subjects) s.paints.push(await open(s));
    process.stderr.write(`run ${i + 1}/${runs} (load ${fmt(loadavg()[0] ?? Number.NaN, 1)})\n`);
  }
  busy = busyCorePct(sys0, systemJiffies());
  loadAtEnd = loadavg()[0] ?? Number.NaN;
} finally {
  for (const b of browsers) await b.browser.close();
  await relay.stop();
  work.remove();
}

printMachine(m);
console.log('## Method');
console.log(`- ${m.chromium}, headless, one browser per build with its dist/chrome loaded (${flavour} build, made in
  this run by that commit's own scripts/build.ts), the relay process on 127.0.0.1 saved as the relay.
- popup/popup.html opened in a new tab ${runs} times per build (after one untimed open), alternating between the
  builds in ABBA order; each time the popup starts a quick check, and the next open waits until the background is idle.
- first-contentful-paint: the browser's paint entry, ms from navigation start (the first text on screen: in
  builds whose popup.html carries the popup's frame, that frame, possibly before the script ran; in older
  builds the body is empty until the script renders); "${POPUP_RENDERED_MARK}": the popup's own performance
  mark right after its first render (absent in builds without it); the navigation entry's responseEnd (the
  HTML in: everything before it is the browser's), domInteractive (the HTML parsed) and DOMContentLoaded end.
  (Chromium gives extension resources no resource-timing entries, so the script's own share cannot be
  told from the page's load this way.)
- Probe pages (this tree's build only, same browser, in the same ABBA rotation): "blank page": one line
  of text, no stylesheet, no script (what any extension page costs this browser); "built popup.html without
  its script": the built popup's HTML (its frame, and its stylesheet as the build left it), the script tag
  left out; "source popup.html (stylesheet linked)": the same from the source, which links ../ui/theme.css.
  They start no check.
- A tab, not the toolbar bubble: the bubble adds its window's own setup, which is the browser's, the same for
  every build.
- Process priority: this script and everything it starts (Chromium, the relay) at nice ${getPriority()}
  (run it under \`nice -n -10\` as root to measure the page rather than the other work on a shared machine).
- Whole machine busy during the timed opens (/proc/stat, all processes): ${fmt(busy)} % of one core, out of
  ${m.nproc * 100} %; 1-minute load average ${m.load1} at the start,
  ${fmt(loadAtEnd, 2)} at the end.
`);
const row = (name: string, xs: number[]) => {
  if (xs.length === 0) return [name, '0', '-', '-', '-'];
  const s = stats(xs);
  return [name, String(xs.length), fmt(s.median, 1), fmt(s.min, 1), fmt(s.max, 1)];
};
console.log(
  table(
    ['build', 'measure (ms)', 'n', 'median', 'min', 'max'],
    subjects.flatMap((b) =>
      [
        row(
          'first-contentful-paint',
          b.paints.map((p) => p.fcp),
        ),
        row(
          POPUP_RENDERED_MARK,
          b.paints.flatMap((p) => (p.mark === null ? [] : [p.mark])),
        ),
        row(
          'HTML in (responseEnd)',
          b.paints.map((p) => p.responseEnd),
        ),
        row(
          'HTML parsed (domInteractive)',
          b.paints.map((p) => p.domInteractive),
        ),
        row(
          'DOMContentLoaded end',
          b.paints.map((p) => p.domContentLoaded),
        ),
      ].map((r) => [b.label, ...r]),
    ),
  ),
);
