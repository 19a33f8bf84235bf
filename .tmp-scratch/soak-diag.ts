import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { closeEchoStream, metricValue, openEchoStream, rssMiB, timedGet, fdCount } from '../test/helpers/relay-load.ts';
const dataDir = mkdtempSync(join(tmpdir(), 'svc-diag-'));
const child = spawn(process.execPath, ['--expose-gc', '.tmp-scratch/relay-gc.mjs', '--port', '0', '--data-dir', dataDir, '--media-ports', '28200-28299', '--max-sessions-per-address', '100', '--session-starts-per-minute', '100000'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url: string = await new Promise((r) => createInterface({ input: child.stdout! }).on('line', (l) => { try { const e = JSON.parse(l); if (e.event === 'listening') r(e.url); } catch {} }));
const port = Number(new URL(url).port);
const cert = readFileSync(join(dataDir, 'relay-cert.pem'), 'utf8');
const pid = child.pid!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const N = Number(process.argv[2] ?? 300);
for (let i = 1; i <= N; i++) {
  const s = await openEchoStream({ port, cert });
  while (s.peer.echoedPackets < 5) await sleep(10);
  await closeEchoStream(s);
  if (i % 50 === 0 || i === 1 || i === 20) {
    await sleep(2500);
    const m = (await timedGet(port, cert, '/metrics')).body;
    console.log(i, 'rss', (await rssMiB(pid)).toFixed(1), 'heap', (metricValue(m, 'process_heap_used_bytes') / 2 ** 20).toFixed(1), 'fds', await fdCount(pid), 'active', metricValue(m, 'svc_relay_sessions_active'));
  }
}
child.kill('SIGTERM');
process.exit(0);
