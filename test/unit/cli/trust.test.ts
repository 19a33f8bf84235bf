import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import selfsigned from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nssTrustFlags } from '../../../src/cli/nss-db.ts';
import { browserTrust } from '../../../src/cli/trust.ts';
import { describeCert } from '../../../src/relay/tls-cert.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'svc-trust-'));
const file = (name: string) => join(dataDir, name);
const none = { caCerts: [], pinCert: null };

beforeAll(async () => {
  const ec = { keyType: 'ec', curve: 'P-256', algorithm: 'sha256' } as const;
  const ca = await selfsigned.generate([{ name: 'commonName', value: 'Office CA' }], {
    ...ec,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, critical: true },
    ],
  });
  const leaf = await selfsigned.generate([{ name: 'commonName', value: 'relay' }], {
    ...ec,
    extensions: [{ name: 'basicConstraints', cA: false }],
  });
  writeFileSync(file('ca.pem'), ca.cert);
  writeFileSync(file('relay-cert.pem'), leaf.cert);
  writeFileSync(file('bad.pem'), 'nothing');
});

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('what the browser trusts for the relay', () => {
  it('--ca-cert is a trust anchor in either browser: a CA as a CA, a self-signed certificate as itself', () => {
    for (const browser of ['chromium', 'firefox'] as const) {
      const ca = browserTrust(
        'https://relay.example.com',
        { ...none, caCerts: [file('ca.pem')] },
        browser,
        dataDir,
      );
      expect(ca).toEqual({ anchors: [{ file: file('ca.pem'), ca: true }], spkiPins: [] });
      const own = browserTrust(
        'https://relay.example.com',
        { ...none, caCerts: [file('relay-cert.pem')] },
        browser,
        dataDir,
      );
      expect(own.anchors).toEqual([{ file: file('relay-cert.pem'), ca: false }]);
    }
    expect(nssTrustFlags({ file: '', ca: true })).toBe('C,,');
    expect(nssTrustFlags({ file: '', ca: false })).toBe('P,,');
  });

  it('--pin-cert pins the public key in Chromium and is refused for Firefox', () => {
    const pinned = browserTrust(
      'https://relay.example.com',
      { ...none, pinCert: file('ca.pem') },
      'chromium',
      dataDir,
    );
    expect(pinned).toEqual({ anchors: [], spkiPins: [describeCert(pem('ca.pem')).spkiSha256] });
    expect(() =>
      browserTrust('https://relay.example.com', { ...none, pinCert: file('ca.pem') }, 'firefox', dataDir),
    ).toThrow(/--pin-cert: Chromium only/);
  });

  it('without either, the local relay’s generated certificate for a relay on this machine, nothing for another', () => {
    const spki = describeCert(pem('relay-cert.pem')).spkiSha256;
    expect(browserTrust('https://127.0.0.1:8443', none, 'chromium', dataDir)).toEqual({
      anchors: [],
      spkiPins: [spki],
    });
    expect(browserTrust('https://127.0.0.1:8443', none, 'firefox', dataDir)).toEqual({
      anchors: [{ file: file('relay-cert.pem'), ca: false }],
      spkiPins: [],
    });
    expect(browserTrust('https://relay.example.com', none, 'chromium', dataDir)).toEqual({
      anchors: [],
      spkiPins: [],
    });
  });

  it('refuses a file that is not a PEM certificate, naming the option', () => {
    expect(() =>
      browserTrust('https://relay.example.com', { ...none, caCerts: [file('bad.pem')] }, 'chromium', dataDir),
    ).toThrow(/--ca-cert: cannot read/);
    expect(() =>
      browserTrust('https://relay.example.com', { ...none, pinCert: file('bad.pem') }, 'chromium', dataDir),
    ).toThrow(/--pin-cert: cannot read/);
  });
});

function pem(name: string): string {
  return readFileSync(file(name), 'utf8');
}
