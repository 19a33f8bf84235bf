import { describe, expect, it } from 'vitest';
import { classifyNetError, explainNetReason, stepFor } from '../../../src/checks/net-error.ts';
import { english } from '../../../src/messages/render.ts';
import { isBrowserRestrictedPort } from '../../../src/profiles/unsafe-ports.ts';

describe('classifyNetError', () => {
  it.each([
    ['net::ERR_NAME_NOT_RESOLVED', 'dns-failure', 'dns'],
    ['NS_ERROR_UNKNOWN_HOST', 'dns-failure', 'dns'],
    ['net::ERR_CONNECTION_REFUSED', 'connection-refused', 'tcp'],
    ['NS_ERROR_CONNECTION_REFUSED', 'connection-refused', 'tcp'],
    ['net::ERR_CONNECTION_TIMED_OUT', 'timed-out', 'tcp'],
    ['NS_ERROR_NET_TIMEOUT', 'timed-out', 'tcp'],
    ['net::ERR_CONNECTION_RESET', 'connection-reset', 'tcp'],
    ['net::ERR_CERT_AUTHORITY_INVALID', 'tls-certificate-rejected', 'tls'],
    ['SEC_ERROR_UNKNOWN_ISSUER', 'tls-certificate-rejected', 'tls'],
    ['MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT', 'tls-certificate-rejected', 'tls'],
    ['net::ERR_SSL_VERSION_OR_CIPHER_MISMATCH', 'tls-handshake-failed', 'tls'],
    ['net::ERR_UNSAFE_PORT', 'blocked-by-browser', 'browser'],
    ['NS_ERROR_PORT_ACCESS_NOT_ALLOWED', 'blocked-by-browser', 'browser'],
    ['net::ERR_BLOCKED_BY_CLIENT', 'blocked-by-client', 'browser'],
    ['net::ERR_INTERNET_DISCONNECTED', 'network-unreachable', 'tcp'],
    ['net::ERR_PROXY_CONNECTION_FAILED', 'proxy-failed', 'tcp'],
    ['net::ERR_ABORTED', 'network-error', 'tcp'],
    // Firefox: network failures by name (webRequest.onErrorOccurred), the proxy's own before the relay's.
    ['NS_ERROR_NET_RESET', 'connection-reset', 'tcp'],
    ['NS_ERROR_NET_INTERRUPT', 'connection-reset', 'tcp'],
    ['NS_ERROR_NET_EMPTY_RESPONSE', 'connection-reset', 'tcp'],
    ['NS_ERROR_NET_PARTIAL_TRANSFER', 'connection-reset', 'tcp'],
    ['NS_ERROR_OFFLINE', 'network-unreachable', 'tcp'],
    ['NS_ERROR_PROXY_CONNECTION_REFUSED', 'proxy-failed', 'tcp'],
    ['NS_ERROR_UNKNOWN_PROXY_HOST', 'proxy-failed', 'tcp'],
    ['NS_ERROR_NET_INADEQUATE_SECURITY', 'tls-handshake-failed', 'tls'],
    ['NS_ERROR_GENERATE_FAILURE(NS_ERROR_MODULE_SECURITY, 2153390067)', 'tls-handshake-failed', 'tls'],
    ['NS_ERROR_BLOCKED_BY_POLICY', 'blocked-by-client', 'browser'],
    ['NS_ERROR_ABORT', 'network-error', 'tcp'],
    // Firefox: security failures as its translated sentences.
    ['The certificate is not trusted because it is self-signed.', 'tls-certificate-rejected', 'tls'],
    [
      'The certificate is not trusted because the issuer certificate is unknown.',
      'tls-certificate-rejected',
      'tls',
    ],
    ["Peer's Certificate has expired.", 'tls-certificate-rejected', 'tls'],
    [
      'Das Zertifikat ist nicht vertrauenswürdig, weil es vom Aussteller selbst signiert wurde.',
      'tls-certificate-rejected',
      'tls',
    ],
    [
      'Cannot communicate securely with peer: no common encryption algorithm(s).',
      'tls-handshake-failed',
      'tls',
    ],
    ['SSL received a record that exceeded the maximum permissible length.', 'tls-handshake-failed', 'tls'],
    ['Peer reports incompatible or unsupported protocol version.', 'tls-handshake-failed', 'tls'],
    [undefined, 'network-error', 'tcp'],
  ])('%s -> %s (%s)', (raw, reason, step) => {
    const r = classifyNetError(raw);
    expect(r).toBe(reason);
    expect(stepFor(r)).toBe(step);
  });

  it('reads only the start of an overlong browser string', () => {
    expect(classifyNetError(`${'x'.repeat(400)} CONNECTION_REFUSED`)).toBe('network-error');
  });

  it('explains every reason with the host and a next step', () => {
    const r = english(explainNetReason('timed-out', 'relay.example.com:5096'));
    expect(r).toContain('relay.example.com:5096');
    expect(r).toMatch(/Ask your IT administrator/);
  });
});

describe('browser-restricted ports', () => {
  it('knows SIP 5060/5061 are refused by browsers, and 5096/443 are not', () => {
    expect(isBrowserRestrictedPort(new URL('https://h:5060'))).toBe(true);
    expect(isBrowserRestrictedPort(new URL('https://h:5061'))).toBe(true);
    expect(isBrowserRestrictedPort(new URL('https://h:5096'))).toBe(false);
    expect(isBrowserRestrictedPort(new URL('https://h'))).toBe(false);
  });
});
