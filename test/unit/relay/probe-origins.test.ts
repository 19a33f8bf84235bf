import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { certificateNames, hostOfHeader, isOwnName } from '../../../src/relay/landing/probe-origins.ts';
import { loadTlsIdentity } from '../../../src/relay/tls-cert.ts';

describe("the relay's own names, for the web check's probe origins", () => {
  it('reads the host of a Host header, and nothing from a malformed one', () => {
    expect(hostOfHeader('Relay.Example:8443')).toBe('relay.example');
    expect(hostOfHeader('[2001:DB8::1]:443')).toBe('2001:db8::1');
    for (const bad of [undefined, '', 'a b', 'relay.example;x', '[relay.example]', '[::1', 'x'.repeat(400)]) {
      expect(hostOfHeader(bad), String(bad)).toBeNull();
    }
  });

  it('matches exact names, addresses however written, and one label under a wildcard', () => {
    const names = ['relay.example', '*.voice.example', '0:0:0:0:0:0:0:1', '203.0.113.10'];
    for (const ok of ['relay.example', 'eu.voice.example', '::1', '203.0.113.10']) {
      expect(isOwnName(ok, names), ok).toBe(true);
    }
    for (const no of ['voice.example', 'a.b.voice.example', 'xvoice.example', '203.0.113.1', 'example']) {
      expect(isOwnName(no, names), no).toBe(false);
    }
  });

  it("lists the generated certificate's names", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'svc-names-'));
    try {
      const tls = await loadTlsIdentity({ certFile: null, keyFile: null, dataDir: dir });
      const names = certificateNames(tls.cert);
      expect(names.length).toBeGreaterThan(0);
      expect(names.every((n) => n === n.toLowerCase())).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
