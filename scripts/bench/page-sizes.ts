/**
 * Benchmark: the extension's JavaScript sizes, raw and gzipped, for each page and the background, in the
 * release build (what `npm run package` ships) and the dev build (what the end-to-end tests load), for this
 * tree and, with --compare <git ref>, for that commit built the same way in the same run.
 *   node scripts/bench/page-sizes.ts [--compare main]
 * Sizes do not depend on the machine's load; gzip is level 9, as a store's download is not, so the figure is
 * the compressed size at best, a fair way to compare two builds.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { type Build, buildExtension, DEV, type Flavour, RELEASE, workDir } from './builds.ts';
import { fmt, machine, printMachine, table } from './common.ts';

const { values } = parseArgs({ options: { compare: { type: 'string' } } });

/** Each JavaScript file the extension loads, by what loads it; offscreen is Chrome's only. */
export const SCRIPTS: ReadonlyArray<readonly [string, string, 'chrome' | 'firefox']> = [
  ['popup', 'popup/main.js', 'chrome'],
  ['options page', 'options/main.js', 'chrome'],
  ['report page', 'report/main.js', 'chrome'],
  ['background', 'background.js', 'chrome'],
  ['offscreen (WebRTC)', 'offscreen/offscreen.js', 'chrome'],
  ['popup', 'popup/main.js', 'firefox'],
  ['background (with WebRTC)', 'background.js', 'firefox'],
];

const kb = (bytes: number) => fmt(bytes / 1024, 1);

function sizes(build: Build): Array<{ raw: number; gz: number }> {
  return SCRIPTS.map(([, file, target]) => {
    const bytes = readFileSync(join(build.dist, target, file));
    return { raw: bytes.length, gz: gzipSync(bytes, { level: 9 }).length };
  });
}

const m = machine(false);
const work = workDir();
try {
  const refs = [...(values.compare ? [values.compare] : []), null];
  const columns: Array<{ head: string; sizes: Array<{ raw: number; gz: number }> }> = [];
  for (const flavour of [RELEASE, DEV] as Flavour[]) {
    for (const ref of refs) {
      const build = buildExtension(ref, flavour, work.path);
      columns.push({ head: `${build.label}, ${flavour}`, sizes: sizes(build) });
    }
  }
  printMachine(m);
  console.log('## Method');
  console.log(`- Each build made by that commit's own scripts/build.ts (default local relay) into a temp folder:
  "release" with --release (minified, no source maps: what npm run package zips), "dev" without (readable,
  linked source maps: what the end-to-end tests load). Source maps are not counted.
- Size of each script file, raw and gzipped (zlib level 9), in KiB.
`);
  console.log(
    table(
      ['script', 'browser', ...columns.map((c) => `${c.head}: KiB raw / gzip`)],
      SCRIPTS.map(([name, file, target], i) => [
        `${name} (${file})`,
        target,
        ...columns.map((c) => {
          const s = c.sizes[i] as { raw: number; gz: number };
          return `${kb(s.raw)} / ${kb(s.gz)}`;
        }),
      ]),
    ),
  );
} finally {
  work.remove();
}
