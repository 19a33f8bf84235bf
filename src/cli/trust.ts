/**
 * Which certificates the browser trusts for the relay:
 * - `--ca-cert FILE` (repeatable): a trust anchor. The browser validates the relay's chain up to it, as for any CA it
 *   trusts, so a relay that sends only its own certificate (not the CA) passes, and the name must match.
 *   A self-signed relay certificate given here is trusted as itself.
 * - `--pin-cert FILE` (Chromium only): the old behaviour, any certificate in the chain the relay sends whose
 *   public key is this certificate's is accepted, whatever the name or issuer.
 * - neither, for a relay on this machine: the local relay's generated certificate, pinned.
 * Nothing else is trusted.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeCert } from '../relay/tls-cert.ts';
import { type CheckBrowser, UsageError } from './args.ts';
import type { TrustAnchor } from './nss-db.ts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function isLoopbackRelay(relayUrl: string): boolean {
  return LOOPBACK.has(new URL(relayUrl).hostname);
}

export interface TrustArgs {
  caCerts: readonly string[];
  pinCert: string | null;
}

/** What the chosen browser is told to trust. */
export interface BrowserTrust {
  /** Certificates validated as trust anchors (Chromium: a private NSS database; Firefox: enterprise policy). */
  anchors: TrustAnchor[];
  /** base64 SHA-256 of public keys Chromium accepts in any chain (--ignore-certificate-errors-spki-list). */
  spkiPins: string[];
}

function readCert(flag: string, file: string): X509Certificate {
  try {
    return new X509Certificate(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`${flag}: cannot read a PEM certificate from ${file}: ${(err as Error).message}`);
  }
}

export function browserTrust(
  relayUrl: string,
  args: TrustArgs,
  browser: CheckBrowser,
  dataDir: string,
): BrowserTrust {
  const anchors: TrustAnchor[] = [];
  const spkiPins: string[] = [];
  for (const file of args.caCerts) anchors.push({ file, ca: readCert('--ca-cert', file).ca });
  if (args.pinCert) {
    if (browser === 'firefox') {
      throw new UsageError(
        '--pin-cert: Chromium only (Firefox trusts certificates, not keys): use --ca-cert',
      );
    }
    readCert('--pin-cert', args.pinCert);
    spkiPins.push(describeCert(readFileSync(args.pinCert, 'utf8')).spkiSha256);
  }
  const local = join(dataDir, 'relay-cert.pem');
  if (anchors.length === 0 && spkiPins.length === 0 && isLoopbackRelay(relayUrl) && existsSync(local)) {
    // The local relay's generated certificate: pinned in Chromium, installed in Firefox, as before.
    if (browser === 'firefox') anchors.push({ file: local, ca: false });
    else spkiPins.push(describeCert(readFileSync(local, 'utf8')).spkiSha256);
  }
  return { anchors, spkiPins };
}
