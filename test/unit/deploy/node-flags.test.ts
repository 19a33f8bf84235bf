/**
 * Every way a provider starts the relay gives node the relay's flags (RELAY_NODE_FLAGS: one helper thread for
 * V8's collector, so the native echo's thread is not crowded out of its CPU during collections), and the
 * relay can tell from its own command line and NODE_OPTIONS what it got.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { RELAY_NODE_FLAGS, v8PoolSize } from '../../../src/relay/gc-threads.ts';

const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

/** The words between the node binary and the relay's script on a command line. */
function nodeOptions(words: readonly string[]): string[] {
  const node = words.findIndex((w) => /(^|\/)node$/.test(w));
  const script = words.findIndex((w) => w.endsWith('dist/relay/server.js'));
  if (node < 0 || script < node) throw new Error(`no "node … dist/relay/server.js" in ${words.join(' ')}`);
  return words.slice(node + 1, script);
}

describe("the relay's node flags", () => {
  it('the systemd unit starts node with them', () => {
    const line = read('deploy/systemd/secure-voice-check-relay.service')
      .split('\n')
      .find((l) => l.startsWith('ExecStart='));
    expect(nodeOptions((line ?? '').slice('ExecStart='.length).split(/\s+/))).toEqual([...RELAY_NODE_FLAGS]);
  });

  it("the container image's entry point starts node with them", () => {
    const line = read('deploy/container/Containerfile')
      .split('\n')
      .find((l) => l.startsWith('ENTRYPOINT '));
    const words = JSON.parse((line ?? '').slice('ENTRYPOINT '.length)) as string[];
    expect(nodeOptions(words)).toEqual([...RELAY_NODE_FLAGS]);
  });

  it('the Kubernetes relay keeps the image entry point (arguments only, no command that would drop them)', () => {
    const containers = parseAllDocuments(read('deploy/kubernetes/relay.yaml'))
      .map(
        (d) =>
          d.toJS() as { spec?: { template?: { spec?: { containers?: Array<Record<string, unknown>> } } } },
      )
      .flatMap((o) => o.spec?.template?.spec?.containers ?? []);
    expect(containers.length).toBeGreaterThan(0);
    for (const c of containers) expect(c).not.toHaveProperty('command');
  });

  it('the README shows them wherever it starts the relay by hand', () => {
    const starts = read('README.md')
      .split('\n')
      .filter((l) => /\bnode\b.*dist\/relay\/server\.js/.test(l));
    expect(starts.length).toBeGreaterThan(0);
    for (const l of starts) expect(nodeOptions(l.trim().split(/\s+/))).toEqual([...RELAY_NODE_FLAGS]);
  });

  it('the relay reads how many helpers V8 has from its command line, then NODE_OPTIONS', () => {
    expect(v8PoolSize([...RELAY_NODE_FLAGS], undefined)).toBe(1);
    expect(v8PoolSize(['--expose-gc', '--v8-pool-size', '2'], undefined)).toBe(2);
    expect(v8PoolSize([], '--max-old-space-size=512 --v8-pool-size=3')).toBe(3);
    // The command line wins over NODE_OPTIONS, as in node.
    expect(v8PoolSize(['--v8-pool-size=1'], '--v8-pool-size=4')).toBe(1);
    expect(v8PoolSize([], undefined)).toBeNull();
    expect(v8PoolSize(['--v8-pool-size=many'], '')).toBeNull();
  });
});
