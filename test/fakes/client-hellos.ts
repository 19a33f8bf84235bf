/** ClientHellos as the relay read them (src/relay/core/client-hello.ts), shared by the TLS-inspection tests. */
import type { ClientHello } from '../../src/protocol/relay-messages.ts';

/** The hellos the relay read in the lab (src/relay/core/client-hello.ts) from each sender. */
export const CHROMIUM: ClientHello = {
  grease: true,
  extensions: [23, 18, 65037, 43, 0, 17613, 10, 27, 13, 65281, 11, 16, 45, 51, 5, 51764, 35],
  groups: [4588, 29, 23, 24],
  alpn: ['h2', 'http/1.1'],
  sni: 'relay.example',
  cipherSuites: 15,
};
export const FIREFOX: ClientHello = {
  grease: false,
  extensions: [0, 23, 65281, 10, 11, 35, 16, 5, 34, 18, 51, 43, 13, 45, 28, 27, 65037],
  groups: [4588, 29, 23, 24, 25, 256, 257],
  alpn: ['h2', 'http/1.1'],
  sni: 'relay.example',
  cipherSuites: 16,
};
/** Node's TLS client (OpenSSL), as a TLS-inspecting proxy built on it re-opens the connection. */
export const PROXY: ClientHello = {
  grease: false,
  extensions: [65281, 0, 11, 10, 35, 16, 22, 23, 13, 43, 45, 51],
  groups: [4588, 29, 23, 30, 24, 25, 256, 257],
  alpn: ['http/1.1'],
  sni: 'relay.example',
  cipherSuites: 52,
};
