/** A real relay on an ephemeral loopback port with a fresh self-signed certificate, for Node-side tests. */
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/relay/logger.ts';
import { createRelay } from '../../src/relay/server.ts';
import { loadTlsIdentity, type TlsIdentity } from '../../src/relay/tls-cert.ts';
import type { MediaOptions } from '../../src/relay/wss.ts';

export interface TestRelay {
  url: string;
  port: number;
  tls: TlsIdentity;
  /** GET /healthz, parsed. */
  healthz(): Promise<
    { sessions: { active: number; max: number }; mediaPorts: string } & Record<string, unknown>
  >;
  stop(): Promise<void>;
}

/** Media defaults for tests: loopback, a range away from a developer's running relay (40000-40199). */
export const TEST_MEDIA: MediaOptions = {
  ports: { first: 47100, last: 47109 },
  address: '127.0.0.1',
  iceTcp: true,
  maxSessions: 10,
  setupTimeoutMs: 5000,
};

export async function startTestRelay(opts: { media?: Partial<MediaOptions> } = {}): Promise<TestRelay> {
  const dataDir = await mkdtemp(join(tmpdir(), 'svc-relay-test-'));
  const tls = await loadTlsIdentity({ certFile: null, keyFile: null, dataDir });
  const relay = createRelay({
    host: '127.0.0.1',
    port: 0,
    version: 'test',
    tls,
    log: createLogger('silent'),
    media: { ...TEST_MEDIA, ...opts.media },
  });
  const { port } = await relay.listen();
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    tls,
    healthz: () =>
      new Promise((resolve, reject) => {
        const req = request(`https://127.0.0.1:${port}/healthz`, { ca: tls.cert }, (res) => {
          let body = '';
          res.on('data', (c) => {
            body += c;
          });
          res.on('end', () => resolve(JSON.parse(body)));
        });
        req.on('error', reject);
        req.end();
      }),
    async stop() {
      await relay.close(100);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
