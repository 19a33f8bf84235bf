/**
 * `npm test`: lint, typecheck, build, unit tests, web-ext lint of the Firefox build, then end-to-end tests in
 * Debian Chromium. Stops at the first failing stage and prints one closing count line.
 *   node scripts/test.ts [--skip-e2e]
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureSystemPackages } from './system-packages.ts';
import { summaryLine } from './test-summary.ts';

const root = join(import.meta.dirname, '..');
const bin = (name: string) => join(root, 'node_modules/.bin', name);
const skipE2e = process.argv.includes('--skip-e2e');
const results = join(root, 'test-results/vitest.json');

interface Stage {
  name: string;
  cmd: string;
  args: string[];
}

const stages: Stage[] = [
  { name: 'lint (biome)', cmd: bin('biome'), args: ['check', '.'] },
  { name: 'typecheck (extension)', cmd: bin('tsc'), args: ['-p', 'tsconfig.json'] },
  { name: 'typecheck (node)', cmd: bin('tsc'), args: ['-p', 'tsconfig.node.json'] },
  { name: 'build', cmd: process.execPath, args: ['scripts/build.ts'] },
  {
    name: 'web-ext lint (dist/firefox)',
    cmd: bin('web-ext'),
    args: ['lint', '--source-dir', 'dist/firefox', '--self-hosted', '--no-input'],
  },
  {
    name: skipE2e ? 'unit tests' : 'unit + end-to-end tests',
    cmd: bin('vitest'),
    args: [
      'run',
      ...(skipE2e ? ['--project', 'unit'] : []),
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${results}`,
    ],
  },
];

rmSync(results, { force: true });
// Before anything else: a missing package is one line now, not a file failing to load minutes later.
ensureSystemPackages({ e2e: !skipE2e });
for (const stage of stages) {
  console.log(`\n▶ ${stage.name}`);
  const r = spawnSync(stage.cmd, stage.args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (r.status !== 0) {
    console.error(`\n✖ ${stage.name} failed (exit ${r.status ?? r.signal})`);
    printCounts();
    process.exit(1);
  }
}
printCounts();

function printCounts(): void {
  try {
    console.log(`\n${summaryLine(JSON.parse(readFileSync(results, 'utf8')))}`);
  } catch {
    console.log('\ntests: 0 passed, 1 failed');
  }
}
