/**
 * Console sessions and token rotation (issue 10, item 6): a session is bound to the token it was made
 * with, so after the relay restarts with alice's token replaced, a session made with the old one no longer
 * signs anyone in; a restart with the same token keeps it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSupportTokens } from '../../../src/relay/console/support-tokens.ts';
import type { ReportStore } from '../../../src/relay/storage/report-store.ts';
import { openSqliteStore } from '../../../src/relay/storage/sqlite-store.ts';
import { startTestRelay } from '../../helpers/in-process-relay.ts';
import { call } from './https-call.ts';

const OLD = 'alice:old-token-0123456789';
const NEW = 'alice:new-token-0123456789';

let dir: string;
let store: ReportStore;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'svc-console-sessions-'));
  store = openSqliteStore(dir);
});
afterAll(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** A relay on the shared store with these tokens: the session cookie it gives for `token`, or the status `cookie` gets. */
async function withRelay<T>(
  tokens: string,
  fn: (relay: Awaited<ReturnType<typeof startTestRelay>>) => Promise<T>,
) {
  const relay = await startTestRelay({ share: { store, supportTokens: parseSupportTokens(tokens) } });
  try {
    return await fn(relay);
  } finally {
    await relay.stop();
  }
}

describe('console sessions across token rotation', () => {
  it('ends a session when its token is replaced, and keeps it over a restart with the same token', async () => {
    const cookie = await withRelay(OLD, async (relay) => {
      const r = await call(relay, '/console/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'user=alice&token=old-token-0123456789',
      });
      expect(r.status).toBe(303);
      return (r.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
    });
    const recent = (tokens: string) =>
      withRelay(
        tokens,
        async (relay) => (await call(relay, '/console/recent', { headers: { Cookie: cookie } })).status,
      );
    expect(await recent(OLD)).toBe(200);
    expect(await recent(NEW)).toBe(303);
  });
});
