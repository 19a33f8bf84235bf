/**
 * TLS and HTTP limits shared by the main HTTPS server and the TCP probe listeners: one certificate, TLS 1.2
 * or later with AEAD ciphers only, and timeouts so slow or idle clients cannot hold sockets (slowloris):
 * a connection that has not finished its TLS handshake within a few seconds is closed, and so is one whose
 * request headers (or whole request) take longer than configured.
 */

import type { ServerOptions } from 'node:https';
import type { Server as NetServer, Socket } from 'node:net';
import type { SecureContextOptions } from 'node:tls';
import { type CapRefusal, ConnectionCap } from './core/connection-cap.ts';
import { clientKey } from './http/client-key.ts';
import type { TlsIdentity } from './tls-cert.ts';

export interface ConnectionLimits {
  /** A TCP connection that has not completed the TLS handshake by then is closed (Node's default: 120 s). */
  tlsHandshakeTimeoutMs: number;
  /** All request headers must have arrived by then (answered 408 and closed otherwise). */
  headersTimeoutMs: number;
  /** The whole request, body included, must have arrived by then. */
  requestTimeoutMs: number;
  /** Most open TCP connections one client address (IPv6: one /64) holds across HTTPS and probe ports. */
  maxConnectionsPerAddress: number;
  /** Most open TCP connections over all addresses, HTTPS and probe ports together. */
  maxConnections: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  tlsHandshakeTimeoutMs: 5_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  maxConnectionsPerAddress: 200,
  maxConnections: 10_000,
};

/**
 * TLS 1.3's suites, then TLS 1.2 with forward secrecy and AEAD only: no CBC suites (Lucky 13 and its kin),
 * no RSA key exchange. Every browser the extension supports negotiates one of these.
 */
export const TLS_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/** The certificate part, also what a reload hands to setSecureContext (new handshakes get it). */
export function secureContextOptions(tls: TlsIdentity): SecureContextOptions {
  return {
    cert: tls.cert,
    key: tls.key,
    minVersion: 'TLSv1.2',
    ciphers: TLS_CIPHERS,
    honorCipherOrder: true,
  };
}

export function httpsServerOptions(tls: TlsIdentity, limits: ConnectionLimits): ServerOptions {
  return {
    ...secureContextOptions(tls),
    handshakeTimeout: limits.tlsHandshakeTimeoutMs,
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    // Node checks the two timeouts above only this often (30 s by default), so trickled headers were held
    // three times the configured limit: check every second, or sooner for short limits.
    connectionsCheckingInterval: Math.min(1000, Math.ceil(limits.headersTimeoutMs / 4)),
    maxHeaderSize: 16 * 1024,
  };
}

/**
 * Applies the connection caps (per address and in all) to a listener's raw TCP connections (before TLS):
 * over a cap, the connection is closed at once. One cap object is shared by every listener of the relay.
 */
export function capConnections(
  server: NetServer,
  cap: ConnectionCap,
  onRefused: (why: CapRefusal) => void,
): void {
  server.on('connection', (socket: Socket) => {
    const key = clientKey(socket.remoteAddress);
    const refused = cap.take(key);
    if (refused) {
      onRefused(refused);
      socket.destroy();
      return;
    }
    socket.once('close', () => cap.release(key));
  });
}

export const connectionCap = (limits: ConnectionLimits) =>
  new ConnectionCap(limits.maxConnectionsPerAddress, limits.maxConnections);
