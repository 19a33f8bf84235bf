/**
 * The lab's certificates: a private CA, as a provider or an office runs one, and the relay's certificate for
 * relay.voice.test issued by it. The relay sends only its own certificate, not the CA: a browser passes only
 * if it validates the chain to a CA it was told to trust (`--ca-cert`), which key pinning could not do.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import selfsigned from 'selfsigned';

const EC = { keyType: 'ec', curve: 'P-256', algorithm: 'sha256' } as const;

export interface LabCa {
  /** The CA certificate (PEM file): what `--ca-cert` is given. */
  caFile: string;
  ca: { cert: string; key: string };
  /** Issues a server certificate for these names; returns its PEM files. */
  issue(names: string[]): Promise<{ certFile: string; keyFile: string }>;
  /** The PEM of the last certificate issued. */
  served: string;
  remove(): Promise<void>;
}

export async function createLabCa(commonName: string): Promise<LabCa> {
  const dir = await mkdtemp(join(tmpdir(), 'svc-lab-ca-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    const ca = await selfsigned.generate([{ name: 'commonName', value: commonName }], {
      ...EC,
      extensions: [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      ],
    });
    const caFile = join(dir, 'ca.pem');
    await writeFile(caFile, ca.cert);
    let issued = 0;
    const made: LabCa = {
      served: '',
      caFile,
      ca: { cert: ca.cert, key: ca.private },
      async issue(names) {
        const leaf = await selfsigned.generate([{ name: 'commonName', value: names[0] ?? 'lab' }], {
          ...EC,
          ca: { cert: ca.cert, key: ca.private },
          extensions: [
            { name: 'basicConstraints', cA: false },
            { name: 'keyUsage', digitalSignature: true, critical: true },
            { name: 'extKeyUsage', serverAuth: true },
            { name: 'subjectAltName', altNames: names.map((value) => ({ type: 2, value })) },
          ],
        });
        issued += 1;
        const certFile = join(dir, `server-${issued}.pem`);
        const keyFile = join(dir, `server-${issued}-key.pem`);
        await writeFile(certFile, leaf.cert);
        await writeFile(keyFile, leaf.private, { mode: 0o600 });
        made.served = leaf.cert;
        return { certFile, keyFile };
      },
      remove,
    };
    return made;
  } catch (err) {
    await remove();
    throw err;
  }
}
