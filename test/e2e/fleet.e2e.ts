/**
 * A fleet: two relay processes sharing one real PostgreSQL. A report shared through relay A opens in relay
 * B's support console; shutting A down drains it (its /readyz answers 503, its running session is told and
 * keeps echoing) while B keeps serving uploads and lookups.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { report } from '../fakes/report.ts';
import { closeEchoStream, openEchoStream, timedGet } from '../helpers/relay-load.ts';
import { startPostgres, type TestPostgres } from '../unit/relay/postgres-server.ts';
import { type RelayProcess, startRelayProcess } from './harness/relay-process.ts';

const TOKEN = 'fleet-support-token-0123456789';
const GRACE_MS = 3000;

function call(
  relay: RelayProcess,
  cert: string,
  method: 'GET' | 'POST',
  path: string,
  opts: { body?: unknown; token?: string } = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const req = request(
      `${relay.url}${path}`,
      {
        method,
        ca: cert,
        timeout: 10_000,
        headers: {
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : {} }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

let pg: TestPostgres;
let a: RelayProcess;
let b: RelayProcess;
const certOf = (r: RelayProcess) => readFileSync(r.certFile, 'utf8');

beforeAll(async () => {
  pg = await startPostgres();
  const dbUrl = await pg.createDatabase();
  const common = [
    '--db-url',
    dbUrl,
    '--support-tokens',
    `support:${TOKEN}`,
    '--shutdown-grace-ms',
    String(GRACE_MS),
    // Draining is tested here, not how fast a session connects: on a loaded machine the JavaScript DTLS
    // handshake of the test's peer took longer than the default 10 s (setup-timeout, twice in four runs).
    '--setup-timeout-ms',
    '30000',
  ];
  // One after the other is not needed (migrations take an advisory lock), but it keeps the logs readable.
  a = await startRelayProcess([...common, '--media-ports', '47500-47504']);
  b = await startRelayProcess([...common, '--media-ports', '47505-47509']);
}, 120_000);

afterAll(async () => {
  await a?.stop('SIGTERM');
  await b?.stop('SIGTERM');
  await pg?.stop();
});

describe('two relays, one PostgreSQL', () => {
  it('a report shared through relay A opens in relay B’s console', async () => {
    const up = await call(a, certOf(a), 'POST', '/api/reports', {
      body: { report: report({ runId: 'fleet-run-1' }), redaction: 'default' },
    });
    expect(up.status).toBe(201);
    const code = up.json.code as string;
    const seen = await call(b, certOf(b), 'GET', `/console/api/reports/${code}`, {
      token: `support:${TOKEN}`,
    });
    expect(seen.status).toBe(200);
    expect(JSON.stringify(seen.json)).toContain('fleet-run-1');
    // Both relays say they store in PostgreSQL.
    for (const r of [a, b]) {
      const listening = JSON.parse(r.logs.find((l) => l.includes('"listening"')) as string);
      expect(listening.reports.storage).toBe('postgres');
    }
  });

  it('shutting relay A down drains it while relay B keeps serving', async () => {
    // Its logs with a failure: a session that never connects says why only there.
    const stream = await openEchoStream({ port: a.port, cert: certOf(a) }, { limitMs: 35_000 }).catch(
      (err: Error) => {
        throw new Error(`${err.message}\nrelay A:\n${a.logs.join('\n')}`);
      },
    );
    try {
      const exited = a.stop('SIGTERM');
      expect(await stream.sig.next('draining', 5000)).toEqual({ type: 'draining', graceMs: GRACE_MS });
      expect((await timedGet(a.port, certOf(a), '/readyz')).status).toBe(503);
      // The session on A keeps echoing while it drains: more echoes come back, well within the grace.
      const echoed = stream.peer.echoedPackets;
      await expect.poll(() => stream.peer.echoedPackets, { timeout: GRACE_MS / 2 }).toBeGreaterThan(echoed);
      // B is ready and takes new shares, which it can look up.
      expect((await timedGet(b.port, certOf(b), '/readyz')).status).toBe(200);
      const up = await call(b, certOf(b), 'POST', '/api/reports', {
        body: { report: report({ runId: 'fleet-run-2' }), redaction: 'default' },
      });
      expect(up.status).toBe(201);
      const seen = await call(b, certOf(b), 'GET', `/console/api/reports/${up.json.code}`, {
        token: `support:${TOKEN}`,
      });
      expect(seen.status).toBe(200);
      expect(await exited).toBe(0);
    } finally {
      await closeEchoStream(stream);
    }
  });
});
