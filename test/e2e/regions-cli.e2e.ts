/**
 * The command line compares relays too (--compare NAME=URL): two real relay processes on loopback, each
 * certificate trusted with --ca-cert, the text report naming the recommendation and one line a relay, in
 * Chromium and in Firefox ESR (where the media check runs in the add-on's event page).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RelayProcess, startRelayProcess } from './harness/relay-process.ts';
import { expectCleanRelaysCompared } from './harness/relays-compared.ts';
import { runCli } from './harness/run-cli.ts';

let configured: RelayProcess;
let other: RelayProcess;
beforeAll(async () => {
  [configured, other] = await Promise.all([
    startRelayProcess(['--media-ports', '47280-47284']),
    startRelayProcess(['--media-ports', '47285-47289']),
  ]);
});
afterAll(async () => {
  await Promise.all([configured?.stop(), other?.stop()]);
});

describe.each(['chromium', 'firefox'])('command line: relays compared (%s)', (browser) => {
  it('measures the relay given with --compare and prints each relay with its own figures', async () => {
    const r = await runCli([
      '--browser',
      browser,
      '--relay',
      configured.url,
      '--compare',
      `Lyon=${configured.url}`,
      '--compare',
      `Bonn=${other.url}`,
      '--ca-cert',
      configured.certFile,
      '--ca-cert',
      other.certFile,
    ]);
    expect(r.stderr).toBe('');
    const out = r.stdout;
    // Both relays are clean loopback relays: alike within their samples (the configured one stays), or a
    // difference the samples resolve, in the check's line and in the relays' heading line alike.
    const said = / {2}(?:PASS|WARN) +Relays compared \(\d+ ms\)\n {8}(.+)\n/.exec(out)?.[1] ?? '';
    expectCleanRelaysCompared(said, 'Lyon', 'Bonn');
    expect(out).toContain(`\n  Relays compared: ${said}`);
    expect(out).toMatch(
      new RegExp(
        `\\n {4}Lyon \\((recommended, )?configured\\) <${configured.url}>: HTTPS \\d+ ms, round trip \\d+ ms, loss [\\d.]+ %, jitter [\\d.]+ ms, MOS \\d(\\.\\d)?\\n`,
      ),
    );
    expect(out).toMatch(
      new RegExp(
        `\\n {4}Bonn( \\(recommended\\))? <${other.url}>: HTTPS \\d+ ms, round trip \\d+ ms, loss [\\d.]+ %, jitter [\\d.]+ ms, MOS \\d(\\.\\d)?\\n`,
      ),
    );
  });
});
