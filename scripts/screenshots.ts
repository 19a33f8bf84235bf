/**
 * `npm run screenshots`: refreshes docs/screenshots (the README's images) by running the end-to-end files
 * that take screenshots with their output pointed there. `npm test` writes them to test-results/ instead.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const e2e = join(root, 'test/e2e');
const files = readdirSync(e2e)
  .filter(
    (f) => f.endsWith('.e2e.ts') && readFileSync(join(e2e, f), 'utf8').includes('harness/screenshots.ts'),
  )
  .map((f) => `test/e2e/${f}`);
const run = (cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run(process.execPath, ['scripts/build.ts']);
run(join(root, 'node_modules/.bin/vitest'), ['run', '--project', 'e2e', ...files], {
  ...process.env,
  SVC_SCREENSHOTS_DIR: 'docs/screenshots',
});
console.log(`docs/screenshots refreshed from ${files.join(', ')}`);
