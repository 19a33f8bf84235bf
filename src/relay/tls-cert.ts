/**
 * The relay's TLS identity: the operator's certificate and key files, or a self-signed certificate generated
 * on first start and kept in the data folder, so browsers can be told to trust one stable certificate.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import selfsigned from 'selfsigned';

export interface TlsIdentity {
  cert: string;
  key: string;
  /** SHA-256 of the certificate, as browsers show it. */
  fingerprint256: string;
  /** base64 SHA-256 of the SubjectPublicKeyInfo: what Chromium's --ignore-certificate-errors-spki-list takes. */
  spkiSha256: string;
  generated: boolean;
}

export function describeCert(certPem: string): { fingerprint256: string; spkiSha256: string } {
  const x = new X509Certificate(certPem);
  const spki = x.publicKey.export({ type: 'spki', format: 'der' });
  return { fingerprint256: x.fingerprint256, spkiSha256: createHash('sha256').update(spki).digest('base64') };
}

async function readPair(certFile: string, keyFile: string): Promise<{ cert: string; key: string }> {
  const [cert, key] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
  return { cert, key };
}

export async function loadTlsIdentity(opts: {
  certFile: string | null;
  keyFile: string | null;
  dataDir: string;
}): Promise<TlsIdentity> {
  if (opts.certFile && opts.keyFile) {
    const pair = await readPair(opts.certFile, opts.keyFile);
    return { ...pair, ...describeCert(pair.cert), generated: false };
  }
  const certFile = join(opts.dataDir, 'relay-cert.pem');
  const keyFile = join(opts.dataDir, 'relay-key.pem');
  try {
    const pair = await readPair(certFile, keyFile);
    return { ...pair, ...describeCert(pair.cert), generated: false };
  } catch {
    // First start: generate below.
  }
  const notAfter = new Date();
  notAfter.setFullYear(notAfter.getFullYear() + 1);
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'Secure Voice Check local relay' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  await mkdir(opts.dataDir, { recursive: true });
  await writeFile(keyFile, pems.private, { mode: 0o600 });
  await writeFile(certFile, pems.cert);
  return { cert: pems.cert, key: pems.private, ...describeCert(pems.cert), generated: true };
}
