/**
 * Chromium on Linux takes the certificates a user trusts from the NSS database in $HOME/.pki/nssdb. The
 * command line gives its Chromium a private home folder holding a fresh database with only the certificates
 * passed with --ca-cert, so Chromium validates the relay's chain to them as it would for any trusted CA
 * (the host name still has to match), and the user's own database is never read or changed.
 */
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EnvironmentError } from './environment-error.ts';

const run = promisify(execFile);
export const CERTUTIL = process.env.CERTUTIL_PATH ?? 'certutil';
/** certutil on a fresh, empty database takes well under a second; this bounds a hung one. */
const CERTUTIL_TIMEOUT_MS = 15_000;

export interface TrustAnchor {
  file: string;
  /** A CA certificate (basicConstraints cA): trusted to issue the relay's; otherwise the relay's own. */
  ca: boolean;
}

/**
 * NSS trust flags for the SSL column: "C" a CA trusted to issue server certificates, "P" a trusted peer (a
 * self-signed server certificate trusted as itself; Chromium refuses a non-CA certificate marked "C").
 */
export function nssTrustFlags(anchor: TrustAnchor): string {
  return anchor.ca ? 'C,,' : 'P,,';
}

/** Creates `home`/.pki/nssdb trusting these certificates; `home` then serves as Chromium's HOME. */
export async function createNssHome(home: string, anchors: readonly TrustAnchor[]): Promise<void> {
  const db = `sql:${join(home, '.pki/nssdb')}`;
  await mkdir(join(home, '.pki/nssdb'), { recursive: true });
  const certutil = (args: string[]) =>
    run(CERTUTIL, ['-d', db, ...args], { timeout: CERTUTIL_TIMEOUT_MS }).catch(
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') {
          throw new EnvironmentError(
            `--ca-cert needs NSS's certutil to make Chromium trust the CA, and it is not installed. Install it with "sudo apt-get install libnss3-tools" (Debian/Ubuntu), or set CERTUTIL_PATH.`,
          );
        }
        throw new EnvironmentError(
          `certutil could not build Chromium's certificate database: ${err.message.split('\n')[0]}`,
        );
      },
    );
  await certutil(['-N', '--empty-password']);
  for (const [i, anchor] of anchors.entries()) {
    await certutil(['-A', '-n', `svc-trust-${i}`, '-t', nssTrustFlags(anchor), '-i', anchor.file]);
  }
}
