/**
 * Which certificate the browser should trust for the relay: the one given with --ca-cert, or, for a relay on
 * this machine, the self-signed certificate the local relay generated. Nothing else is trusted.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeCert } from '../relay/tls-cert.ts';
import { UsageError } from './args.ts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The certificate file Firefox should trust for the relay (it trusts certificates, not keys): the one given
 * with --ca-cert, or the local relay's generated one for a relay on this machine; null: none.
 */
export function trustedCertFile(relayUrl: string, caCert: string | null, dataDir: string): string | null {
  if (caCert) {
    spkiPins(relayUrl, caCert, dataDir); // the same check that it is a readable PEM certificate
    return caCert;
  }
  const local = join(dataDir, 'relay-cert.pem');
  return isLoopbackRelay(relayUrl) && existsSync(local) ? local : null;
}

export function isLoopbackRelay(relayUrl: string): boolean {
  return LOOPBACK.has(new URL(relayUrl).hostname);
}

export function spkiPins(relayUrl: string, caCert: string | null, dataDir: string): string[] {
  if (caCert) {
    try {
      return [describeCert(readFileSync(caCert, 'utf8')).spkiSha256];
    } catch (err) {
      throw new UsageError(
        `--ca-cert: cannot read a PEM certificate from ${caCert}: ${(err as Error).message}`,
      );
    }
  }
  const local = join(dataDir, 'relay-cert.pem');
  if (isLoopbackRelay(relayUrl) && existsSync(local)) {
    return [describeCert(readFileSync(local, 'utf8')).spkiSha256];
  }
  return [];
}
