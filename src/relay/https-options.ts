/**
 * TLS and HTTP limits shared by the main HTTPS server and the TCP probe listeners: one certificate, TLS 1.2
 * or later, and timeouts so slow or idle clients cannot hold sockets (slowloris).
 */
import type { ServerOptions } from 'node:https';
import type { TlsIdentity } from './tls-cert.ts';

export function httpsServerOptions(tls: TlsIdentity): ServerOptions {
  return {
    cert: tls.cert,
    key: tls.key,
    minVersion: 'TLSv1.2',
    headersTimeout: 10_000,
    requestTimeout: 15_000,
    maxHeaderSize: 16 * 1024,
  };
}
