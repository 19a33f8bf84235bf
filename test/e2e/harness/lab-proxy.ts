/**
 * The lab's explicit web proxy (run inside the router namespace by lab-proxy-process.ts), as offices run one:
 * HTTP CONNECT only, to the names it is given, and by default only to port 443; every other request is
 * refused (403 for a port it does not allow, 405 for plain HTTP). It never forwards anywhere but the lab.
 *   node lab-proxy.ts ADDRESS:PORT NAME=IPv4 [NAME=IPv4 ...]
 * Prints one JSON line {"event":"ready"} once it listens, then {"event":"connect","port":N,"allowed":bool}
 * for every CONNECT it reads (so a test can tell which ports the browser tried through it).
 *
 * A scenario switches which ports it allows with one JSON line on stdin, {"allow":[443]} or {"allow":"any"},
 * acknowledged with {"event":"mode"} on stdout.
 */
import { createServer } from 'node:http';
import { connect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';

/** Upstream connect limit: the lab answers in milliseconds, and a dropped port must not hold a socket. */
const CONNECT_TIMEOUT_MS = 5000;
/** A CONNECT target is "name:port": a name of at most 253 characters, then up to five digits. */
const TARGET = /^([a-z0-9.-]{1,253}):(\d{1,5})$/i;

const [listen, ...pairs] = process.argv.slice(2);
const at = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(listen ?? '');
if (!at || pairs.length === 0) {
  console.error('usage: lab-proxy.ts ADDRESS:PORT NAME=IPv4 [NAME=IPv4 ...]');
  process.exit(2);
}
const names = new Map(
  pairs.map((p) => {
    const [name, ip] = p.split('=');
    return [String(name).toLowerCase(), String(ip)];
  }),
);
let allow: 'any' | number[] = [443];

const say = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);

function refuse(socket: Socket, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
}

// Node's HTTP parser bounds the request head (16 KiB by default): a client cannot make this read much.
const server = createServer((_req, res) => {
  res.writeHead(405, { Connection: 'close' }).end();
});
server.headersTimeout = CONNECT_TIMEOUT_MS;
server.on('clientError', (_err, socket) => socket.destroy());
server.on('connect', (req, client: Socket, head: Buffer) => {
  client.on('error', () => client.destroy());
  const target = TARGET.exec(req.url ?? '');
  const address = target ? names.get(String(target[1]).toLowerCase()) : undefined;
  const port = target ? Number(target[2]) : 0;
  const allowed = !!address && port > 0 && port < 65536 && (allow === 'any' || allow.includes(port));
  say({ event: 'connect', port, allowed });
  if (!allowed || !address) {
    refuse(client, '403 Forbidden');
    return;
  }
  const upstream = connect({ host: address, port, timeout: CONNECT_TIMEOUT_MS });
  let open = false;
  upstream.once('connect', () => {
    open = true;
    upstream.setTimeout(0);
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  const fail = () => {
    if (!open) refuse(client, '502 Bad Gateway');
    else client.destroy();
    upstream.destroy();
  };
  upstream.once('timeout', fail);
  upstream.once('error', fail);
  client.once('close', () => upstream.destroy());
});

server.listen(Number(at[2]), at[1], () => say({ event: 'ready' }));

createInterface({ input: process.stdin }).on('line', (line) => {
  try {
    const { allow: next } = JSON.parse(line.slice(0, 1000)) as { allow?: unknown };
    if (next === 'any') allow = 'any';
    else if (Array.isArray(next)) allow = next.filter((p): p is number => Number.isInteger(p));
    say({ event: 'mode' });
  } catch {
    console.error(`lab-proxy: not a mode: ${line.slice(0, 80)}`);
  }
});
