/**
 * Firefox ESR inside a test's network namespace, with the relay on the namespace's host address: what users
 * meet (a relay on another machine), with no loopback preferences and no stored permission.
 *
 * Firefox's WebDriver BiDi server listens on the namespace's own loopback, out of the test's reach, and
 * puppeteer learns its address from Firefox's "WebDriver BiDi listening on ws://127.0.0.1:PORT" line. So
 * Firefox is started through a small wrapper (the "executable" puppeteer launches) that runs it with
 * `ip netns exec`, and, once Firefox prints that line, bridges the port out through a Unix socket (files are
 * not namespaced): a forwarder inside the namespace from the socket to 127.0.0.1:PORT, and a listener on
 * the same port of this namespace's 127.0.0.1 to the socket (Firefox checks the port in the Host header);
 * then it passes the line on to puppeteer.
 */
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import selfsigned from 'selfsigned';
import type { Netns } from './netns.ts';

/** Inside the namespace: a Unix socket to Firefox's BiDi port on the namespace's loopback. */
const FORWARD_IN_NS = `const net=require('node:net');const [sock,port]=process.argv.slice(1);net.createServer((c)=>{const t=net.connect(Number(port),'127.0.0.1');c.pipe(t);t.pipe(c);c.on('error',()=>t.destroy());t.on('error',()=>c.destroy());}).listen(sock);`;

/** For FirefoxLaunchOptions.wrapper: writes the wrapper for `binary` into `dir` and gives its path. */
export function firefoxInNsWrapper(
  ns: Pick<Netns, 'name'>,
  dir: string,
): (binary: string) => Promise<string> {
  return async (binary) => {
    const path = join(dir, 'firefox-in-ns.mjs');
    const config = JSON.stringify({
      ip: 'ip',
      ns: ns.name,
      binary,
      sock: join(dir, 'bidi.sock'),
      node: process.execPath,
      forward: FORWARD_IN_NS,
    });
    await writeFile(
      path,
      `#!${process.execPath}
// Runs Firefox inside test namespace ${ns.name}; see test/e2e/harness/firefox-netns.ts.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { createInterface } from 'node:readline';
const c = ${config};
const firefox = spawn(c.ip, ['netns', 'exec', c.ns, c.binary, ...process.argv.slice(2)], { stdio: ['inherit', 'inherit', 'pipe'] });
let forward;
createInterface({ input: firefox.stderr }).on('line', async (line) => {
  const m = /^WebDriver BiDi listening on ws:\\/\\/127\\.0\\.0\\.1:(\\d+)$/.exec(line);
  if (!m) return process.stderr.write(line + '\\n');
  forward = spawn(c.ip, ['netns', 'exec', c.ns, c.node, '-e', c.forward, c.sock, m[1]], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !existsSync(c.sock); i++) await new Promise((r) => setTimeout(r, 50));
  const server = net.createServer((conn) => {
    const up = net.connect(c.sock);
    conn.pipe(up);
    up.pipe(conn);
    conn.on('error', () => up.destroy());
    up.on('error', () => conn.destroy());
  });
  // The same port number: Firefox accepts a handshake only with its own port in the Host header.
  server.listen(Number(m[1]), '127.0.0.1', () => process.stderr.write(line + '\\n'));
});
firefox.on('exit', (code) => {
  forward?.kill();
  process.exit(code ?? 1);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => firefox.kill(signal));
`,
    );
    await chmod(path, 0o755);
    return path;
  };
}

/** A certificate for the relay on the namespace's host address (the generated one names only 127.0.0.1). */
export async function certificateFor(address: string, dir: string): Promise<{ cert: string; key: string }> {
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'Secure Voice Check test relay' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: address }] },
    ],
  });
  const cert = join(dir, 'relay-cert.pem');
  const key = join(dir, 'relay-key.pem');
  await writeFile(cert, pems.cert);
  await writeFile(key, pems.private, { mode: 0o600 });
  return { cert, key };
}
