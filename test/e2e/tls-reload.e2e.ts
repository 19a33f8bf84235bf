/**
 * Certificate rotation on a running relay: a renewed certificate is served to new connections while a
 * media session that started on the old one keeps echoing; a broken file is refused and the old pair kept.
 */
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import selfsigned from 'selfsigned';
import { afterAll, describe, expect, it } from 'vitest';
import { describeCert } from '../../src/relay/tls-cert.ts';
import { closeEchoStream, openEchoStream, timedGet } from '../helpers/relay-load.ts';
import { type RelayProcess, startRelayProcess } from './harness/relay-process.ts';

async function makePair(cn: string) {
  const pems = await selfsigned.generate([{ name: 'commonName', value: cn }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  return { cert: pems.cert, key: pems.private, fingerprint: describeCert(pems.cert).fingerprint256 };
}

/** The fingerprint of the certificate a new TLS handshake on this port gets. */
function servedFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, timeout: 5000 }, () => {
      resolve(socket.getPeerX509Certificate()?.fingerprint256 ?? '');
      socket.end();
    });
    socket.on('timeout', () => socket.destroy(new Error('TLS handshake timed out')));
    socket.on('error', reject);
  });
}

async function waitForLog(
  relay: RelayProcess,
  event: string,
  after: number,
): Promise<Record<string, unknown>> {
  for (let i = 0; i < 100; i++) {
    const line = relay.logs.slice(after).find((l) => l.includes(`"event":"${event}"`));
    if (line) return JSON.parse(line);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${event} log line:\n${relay.logs.join('\n')}`);
}

/** Writes like an ACME client: a new file beside the old, then renamed over it. */
async function replace(path: string, text: string) {
  await writeFile(`${path}.new`, text);
  await rename(`${path}.new`, path);
}

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('TLS certificate reload', () => {
  it('serves a renewed --cert/--key to new connections without dropping a running session; refuses a broken pair', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'svc-e2e-tls-'));
    dirs.push(dir);
    const certFile = join(dir, 'tls.crt');
    const keyFile = join(dir, 'tls.key');
    const first = await makePair('first');
    await writeFile(certFile, first.cert);
    await writeFile(keyFile, first.key);
    const relay = await startRelayProcess([
      '--cert',
      certFile,
      '--key',
      keyFile,
      '--media-ports',
      '47480-47489',
    ]);
    const stream = await openEchoStream({ port: relay.port, cert: first.cert });
    try {
      expect(await servedFingerprint(relay.port)).toBe(first.fingerprint);

      const second = await makePair('second');
      let mark = relay.logs.length;
      await replace(keyFile, second.key);
      await replace(certFile, second.cert);
      expect(await waitForLog(relay, 'tls-reloaded', mark)).toMatchObject({
        reason: 'file-changed',
        sha256Fingerprint: second.fingerprint,
      });
      expect(await servedFingerprint(relay.port)).toBe(second.fingerprint);
      expect((await timedGet(relay.port, second.cert, '/readyz')).status).toBe(200);
      // The session that started on the first certificate is still echoed.
      const echoed = stream.peer.echoedPackets;
      await expect.poll(() => stream.peer.echoedPackets, { timeout: 5000 }).toBeGreaterThan(echoed);
      expect(stream.sig.messages.filter((m) => m.type === 'session-ended')).toEqual([]);

      // A key that does not belong to the certificate: refused, the second pair stays.
      const third = await makePair('third');
      mark = relay.logs.length;
      await replace(certFile, third.cert);
      expect(await waitForLog(relay, 'tls-reload-failed', mark)).toMatchObject({ reason: 'file-changed' });
      expect(await servedFingerprint(relay.port)).toBe(second.fingerprint);
    } finally {
      await closeEchoStream(stream);
      expect(await relay.stop('SIGTERM')).toBe(0);
    }
  });

  it('SIGHUP reloads the certificate in the data folder', async () => {
    const relay = await startRelayProcess();
    try {
      const next = await makePair('renewed');
      await writeFile(join(relay.dataDir, 'relay-key.pem'), next.key);
      await writeFile(relay.certFile, next.cert);
      const mark = relay.logs.length;
      relay.child.kill('SIGHUP');
      expect(await waitForLog(relay, 'tls-reloaded', mark)).toMatchObject({
        reason: 'SIGHUP',
        sha256Fingerprint: next.fingerprint,
      });
      expect(await servedFingerprint(relay.port)).toBe(next.fingerprint);
    } finally {
      expect(await relay.stop('SIGTERM')).toBe(0);
    }
  });
});
