import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trustedCertFile } from '../../../src/cli/trust.ts';

describe('the certificate Firefox trusts for the relay', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'svc-trust-'));
  writeFileSync(join(dataDir, 'relay-cert.pem'), 'not read for a local relay');

  it('is the local relay’s generated one for a relay on this machine, and none for another host', () => {
    expect(trustedCertFile('https://127.0.0.1:8443', null, dataDir)).toBe(join(dataDir, 'relay-cert.pem'));
    expect(trustedCertFile('https://relay.example.com', null, dataDir)).toBeNull();
  });

  it('refuses a --ca-cert that is not a PEM certificate', () => {
    const bad = join(dataDir, 'bad.pem');
    writeFileSync(bad, 'nothing');
    expect(() => trustedCertFile('https://relay.example.com', bad, dataDir)).toThrow(
      /--ca-cert: cannot read/,
    );
  });
});
