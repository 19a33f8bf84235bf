/**
 * A TLS-inspecting proxy, as corporate firewalls run one (run inside the router namespace by lab.ts): it ends
 * the browser's TLS with a certificate for the relay's name issued by the office's inspection CA, opens its
 * own TLS connection to the relay (validating the relay's certificate against the provider's CA), and passes
 * the plaintext both ways. The router sends LAN traffic for port 443 to it (iptables REDIRECT).
 *   node lab-tls-proxy.ts LISTEN_ADDRESS LISTEN_PORT UPSTREAM_ADDRESS UPSTREAM_PORT SERVERNAME CERT KEY UPSTREAM_CA
 * Prints {"event":"ready"} once it listens, then {"event":"intercepted"} for every connection it re-opens.
 */
import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:tls';

const [address, port, upstream, upstreamPort, servername, certFile, keyFile, caFile] = process.argv.slice(2);
if (!address || !port || !upstream || !upstreamPort || !servername || !certFile || !keyFile || !caFile) {
  console.error(
    'usage: lab-tls-proxy.ts LISTEN_ADDRESS LISTEN_PORT UPSTREAM UPSTREAM_PORT SERVERNAME CERT KEY CA',
  );
  process.exit(2);
}
const ca = readFileSync(caFile, 'utf8');
const server = createServer(
  // Speaks HTTP/1.1 only, as many inspecting proxies do: WebSocket upgrades pass through as plain bytes.
  { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), ALPNProtocols: ['http/1.1'] },
  (client) => {
    const relay = connect({
      host: upstream,
      port: Number(upstreamPort),
      servername,
      ca,
      ALPNProtocols: ['http/1.1'],
    });
    relay.once('secureConnect', () => console.log(JSON.stringify({ event: 'intercepted' })));
    client.pipe(relay);
    relay.pipe(client);
    const end = () => {
      client.destroy();
      relay.destroy();
    };
    client.on('error', end);
    relay.on('error', end);
    client.on('close', end);
    relay.on('close', end);
  },
);
server.listen(Number(port), address, () => console.log(JSON.stringify({ event: 'ready' })));
