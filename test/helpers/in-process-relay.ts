/** A real relay on an ephemeral loopback port with a fresh self-signed certificate, for Node-side tests. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/relay/logger.ts';
import { createRelay } from '../../src/relay/server.ts';
import { loadTlsIdentity, type TlsIdentity } from '../../src/relay/tls-cert.ts';

export interface TestRelay {
  url: string;
  port: number;
  tls: TlsIdentity;
  stop(): Promise<void>;
}

export async function startTestRelay(): Promise<TestRelay> {
  const dataDir = await mkdtemp(join(tmpdir(), 'svc-relay-test-'));
  const tls = await loadTlsIdentity({ certFile: null, keyFile: null, dataDir });
  const relay = createRelay({
    host: '127.0.0.1',
    port: 0,
    version: 'test',
    tls,
    log: createLogger('silent'),
  });
  const { port } = await relay.listen();
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    tls,
    async stop() {
      await relay.close(100);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
