/**
 * `npm start`: build everything, start a local relay, run the quick check through the real extension in
 * headless Chromium, print the verdict, and keep the relay running for manual use (Ctrl+C stops it).
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { RELAY_NODE_FLAGS } from '../src/relay/gc-threads.ts';
import { probePortFlags } from './probe-ports.ts';

const root = join(import.meta.dirname, '..');
const node = process.execPath;
const run = (args: string[]) => spawnSync(node, args, { cwd: root, stdio: 'inherit' }).status ?? 1;

if (run(['scripts/build.ts']) !== 0) process.exit(1);
if (run(['scripts/ensure-chromium.ts']) !== 0) process.exit(2);

// Without flags of its own, the local relay stands in for every provider port on high ports, so the whole
// port matrix can be tried without privileges.
const relayArgs = process.argv.length > 2 ? process.argv.slice(2) : probePortFlags();
const relay = spawn(node, [...RELAY_NODE_FLAGS, 'dist/relay/server.js', ...relayArgs], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
});
const listening = await new Promise<Record<string, string> | null>((resolve) => {
  relay.on('exit', () => resolve(null));
  createInterface({ input: relay.stdout }).on('line', (line) => {
    try {
      const entry = JSON.parse(line);
      if (entry.event === 'listening') resolve(entry);
    } catch {
      // not a log line
    }
    if (process.env.SVC_VERBOSE) console.log(line);
  });
});
if (!listening) {
  console.error('start: the relay did not start (see the message above).');
  process.exit(2);
}
console.log(`\nRelay listening on ${listening.url}`);
console.log(`Certificate SHA-256 fingerprint: ${listening.sha256Fingerprint}\n`);

const check = spawnSync(node, ['src/cli/check.ts', '--relay', listening.url as string], {
  cwd: root,
  stdio: 'inherit',
});

console.log(`
The relay keeps running for manual testing. To try the extension in Chromium or Chrome:
  1. Open ${listening.url}/healthz once and accept the self-signed certificate (or see README: Trusting the
     local certificate).
  2. Open chrome://extensions, turn on Developer mode, "Load unpacked", and pick ${join(root, 'dist/chrome')}.
  3. Click the Secure Voice Check toolbar icon.
Press Ctrl+C to stop the relay.`);

const stop = () => relay.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
relay.on('exit', (code) => process.exit(check.status === 0 ? (code ?? 0) : (check.status ?? 1)));
