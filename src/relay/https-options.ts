/**
 * TLS and HTTP limits shared by the main HTTPS server and the TCP probe listeners: one certificate, TLS 1.2
 * or later, and timeouts so slow or idle clients cannot hold sockets (slowloris).
 */
import type { ServerOptions } from 'node:https';
import type { SecureContextOptions } from 'node:tls';
import type { TlsIdentity } from './tls-cert.ts';

/** The certificate part, also what a reload hands to setSecureContext (new handshakes get it). */
export function secureContextOptions(tls: TlsIdentity): SecureContextOptions {
  return { cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' };
}

export function httpsServerOptions(tls: TlsIdentity): ServerOptions {
  return {
    ...secureContextOptions(tls),
    headersTimeout: 10_000,
    requestTimeout: 15_000,
    maxHeaderSize: 16 * 1024,
  };
}
