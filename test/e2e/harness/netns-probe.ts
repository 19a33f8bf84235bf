/**
 * Runs inside a test namespace (`node netns-probe.ts …`, Node strips the types) and prints one JSON line, so
 * netns.ts can check reachability from the namespace's point of view. Node built-ins only: nothing to resolve
 * from inside the namespace. Always bounded by the timeout it is given.
 *
 *   tcp HOST PORT TIMEOUT_MS             → {"ok":true,"reply":"…"} | {"ok":false,"error":"ECONNREFUSED"|"timeout"}
 *   udp HOST PORT COUNT TIMEOUT_MS       → {"sent":N,"received":M,"sendErrors":K,"errorCodes":[…]}
 */
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';

const [mode, host = '', portText = '', ...rest] = process.argv.slice(2);
const port = Number(portText);

function done(result: unknown): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

function tcp(timeoutMs: number): void {
  const payload = 'ping';
  let reply = '';
  const socket = connect({ host, port });
  const timer = setTimeout(() => {
    socket.destroy();
    done({ ok: false, error: 'timeout' });
  }, timeoutMs);
  socket.on('connect', () => socket.write(payload));
  socket.setEncoding('utf8').on('data', (d: string) => {
    reply += d;
    if (reply.length >= payload.length) {
      clearTimeout(timer);
      socket.destroy();
      done({ ok: reply === payload, reply });
    }
  });
  socket.on('error', (err: NodeJS.ErrnoException) => {
    clearTimeout(timer);
    done({ ok: false, error: err.code ?? err.message });
  });
}

async function udp(count: number, timeoutMs: number): Promise<void> {
  const socket = createSocket('udp4');
  const seen = new Set<number>();
  const errorCodes = new Set<string>();
  let sendErrors = 0;
  socket.on('message', (msg) => {
    const n = Number(String(msg).replace(/^seq:/, ''));
    if (Number.isInteger(n)) seen.add(n);
  });
  socket.on('error', (err: NodeJS.ErrnoException) => errorCodes.add(err.code ?? err.message));
  await new Promise<void>((resolve) => socket.bind(0, resolve));
  for (let i = 0; i < count; i++) {
    await new Promise<void>((resolve) =>
      socket.send(`seq:${i}`, port, host, (err) => {
        if (err) {
          sendErrors++;
          errorCodes.add((err as NodeJS.ErrnoException).code ?? err.message);
        }
        resolve();
      }),
    );
    // Paced so socket buffers never overflow: loss must come from the rules under test, not the probe.
    if (i % 20 === 19) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && seen.size < count) await new Promise((resolve) => setTimeout(resolve, 10));
  socket.close();
  done({ sent: count, received: seen.size, sendErrors, errorCodes: [...errorCodes] });
}

if (mode === 'tcp') {
  tcp(Number(rest[0] ?? 2000));
} else if (mode === 'udp') {
  void udp(Number(rest[0] ?? 1), Number(rest[1] ?? 1000));
} else {
  process.stderr.write('usage: netns-probe.ts tcp HOST PORT TIMEOUT_MS | udp HOST PORT COUNT TIMEOUT_MS\n');
  process.exit(2);
}
