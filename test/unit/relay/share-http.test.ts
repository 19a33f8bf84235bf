/**
 * Report sharing over HTTPS against a real in-process relay: uploads (limits, validation, CORS), the support
 * console (sign-in, rate limits, lookup, view log) and retention (expiry, sweep).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CODE_ALPHABET,
  formatCode,
  MAX_UPLOAD_BYTES,
  REPORT_ID_PATTERN,
} from '../../../src/protocol/share.ts';
import { parseSupportTokens } from '../../../src/relay/console/support-tokens.ts';
import { report } from '../../fakes/report.ts';
import { startTestRelay, type TestRelay } from '../../helpers/in-process-relay.ts';
import { type Answer, call, upload } from './https-call.ts';

const TOKENS = parseSupportTokens('alice:alice-token-0123456789,bob:bob-token-9876543210');
const DAY = 24 * 3600 * 1000;
const EXTENSION_ORIGIN = `chrome-extension://${'abcdefghijklmnop'.repeat(2)}`;

async function storedCount(relay: TestRelay, now: number): Promise<number> {
  return (await relay.store?.recent(200, now))?.length ?? 0;
}

async function signIn(relay: TestRelay, user: string, token: string): Promise<Answer> {
  return call(relay, '/console/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ user, token }).toString(),
  });
}

/** What `curl -u user:token` sends. */
const basic = (user: string, token: string) => ({
  Authorization: `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`,
});

function cookieOf(a: Answer): string {
  const set = a.headers['set-cookie']?.[0] ?? '';
  return set.split(';')[0] ?? '';
}

describe('report upload and console', () => {
  let relay: TestRelay;
  let clock = Date.UTC(2026, 10, 21, 12, 0, 0);
  beforeAll(async () => {
    relay = await startTestRelay({
      share: {
        supportTokens: TOKENS,
        retentionMs: 30 * DAY,
        now: () => clock,
        uploadsPerMinute: 1000,
        signInsPerMinute: 1000,
      },
    });
  });
  afterAll(() => relay.stop());

  it('stores an upload and answers with a short code, a 128-bit id and the support link', async () => {
    const r = await upload(relay, { report: report(), redaction: 'default' });
    expect(r.status).toBe(201);
    const body = r.json() as { code: string; id: string; url: string; expiresAt: string };
    expect(body.code).toMatch(new RegExp(`^[${CODE_ALPHABET}]{8}$`));
    expect(body.id).toMatch(REPORT_ID_PATTERN);
    expect(Buffer.from(body.id, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    expect(body.url).toBe(`${relay.url}/console/r/${body.code}`);
    expect(body.expiresAt).toBe(new Date(clock + 30 * DAY).toISOString());
    const stored = await relay.store?.getById(body.id, clock);
    expect(stored).toMatchObject({ code: body.code, redaction: 'default', report: report() });
    expect(stored?.clientHash).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(stored)).not.toContain('127.0.0.1');
  });

  it('gives different codes and ids to every upload', async () => {
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => upload(relay, { report: report(), redaction: 'default' })),
    );
    const bodies = answers.map((a) => a.json());
    expect(new Set(bodies.map((b) => b.code)).size).toBe(5);
    expect(new Set(bodies.map((b) => b.id)).size).toBe(5);
  });

  it('lets the extension read the answer (CORS for extension origins only)', async () => {
    const ok = await upload(relay, { report: report(), redaction: 'default' }, { Origin: EXTENSION_ORIGIN });
    expect(ok.status).toBe(201);
    expect(ok.headers['access-control-allow-origin']).toBe(EXTENSION_ORIGIN);
    const preflight = await call(relay, '/api/reports', {
      method: 'OPTIONS',
      headers: {
        Origin: 'moz-extension://0a1b2c3d-4e5f-6789-abcd-ef0123456789',
        'Access-Control-Request-Method': 'POST',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-methods']).toContain('POST');
    expect(preflight.headers['access-control-allow-headers']).toBe('Content-Type');
  });

  it('refuses web origins with 403 and stores nothing', async () => {
    const before = await storedCount(relay, clock);
    const r = await upload(
      relay,
      { report: report(), redaction: 'default' },
      { Origin: 'https://evil.example' },
    );
    expect(r.status).toBe(403);
    expect(r.json()).toMatchObject({ error: 'forbidden-origin' });
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await call(relay, '/api/reports', {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example' },
    });
    expect(preflight.status).toBe(403);
    expect(await storedCount(relay, clock)).toBe(before);
  });

  it('refuses an oversized upload with 413 and stores nothing', async () => {
    const before = await storedCount(relay, clock);
    const big = report({ headline: 'x'.repeat(MAX_UPLOAD_BYTES) });
    const r = await upload(relay, { report: big, redaction: 'default' });
    expect(r.status).toBe(413);
    expect(r.json()).toMatchObject({ error: 'too-big' });
    // Without a Content-Length the limit holds while reading.
    const chunked = await call(relay, '/api/reports', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ report: big, redaction: 'default' }),
      chunked: true,
    });
    expect(chunked.status).toBe(413);
    expect(await storedCount(relay, clock)).toBe(before);
  });

  it('refuses malformed JSON with 400 bad-json and stores nothing', async () => {
    const before = await storedCount(relay, clock);
    const r = await upload(relay, '{"report": {');
    expect(r.status).toBe(400);
    expect(r.json()).toMatchObject({ error: 'bad-json' });
    expect(await storedCount(relay, clock)).toBe(before);
  });

  it('refuses a report that does not match the schema, naming the first problem', async () => {
    const before = await storedCount(relay, clock);
    const r = await upload(relay, { report: { ...report(), verdict: 'great' }, redaction: 'default' });
    expect(r.status).toBe(400);
    expect(r.json()).toMatchObject({ error: 'bad-report', path: 'report.verdict' });
    expect(r.json().message).toContain('report.verdict');
    expect(await storedCount(relay, clock)).toBe(before);
  });

  it('refuses a full IP address in a report whose redaction is default', async () => {
    const before = await storedCount(relay, clock);
    const leaky = report({ headline: 'Your public address 198.51.100.23 is blocked.' });
    const r = await upload(relay, { report: leaky, redaction: 'default' });
    expect(r.status).toBe(400);
    expect(r.json()).toMatchObject({ error: 'unredacted-address', path: 'report.headline' });
    expect(await storedCount(relay, clock)).toBe(before);
    expect((await upload(relay, { report: leaky, redaction: 'full-addresses' })).status).toBe(201);
  });

  it('refuses other content types and methods', async () => {
    const r = await upload(
      relay,
      { report: report(), redaction: 'default' },
      { 'Content-Type': 'text/plain' },
    );
    expect(r.status).toBe(415);
    expect(r.json()).toMatchObject({ error: 'bad-content-type' });
    const get = await call(relay, '/api/reports');
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('OPTIONS, POST');
    expect((await call(relay, '/api/reports/x')).status).toBe(404);
  });

  describe('console', () => {
    let code = '';
    let id = '';
    let cookie = '';
    beforeAll(async () => {
      const r = await upload(relay, {
        report: report({ verdict: 'blocked', headline: 'Blocked: <b>SRTP</b> & "media" dropped' }),
        redaction: 'default',
      });
      ({ code, id } = r.json() as { code: string; id: string });
    });

    it('shows the sign-in page with a strict CSP and no external resources', async () => {
      const r = await call(relay, '/console');
      expect(r.status).toBe(200);
      expect(r.headers['content-security-policy']).toContain("default-src 'self'");
      expect(r.headers['x-frame-options']).toBe('DENY');
      expect(r.body).toContain('name="token"');
      expect(r.body).not.toMatch(/(src|href)="(https?:)?\/\//);
      expect(r.body).not.toContain('<script');
      const css = await call(relay, '/console/console.css');
      expect(css.status).toBe(200);
      expect(css.headers['content-type']).toContain('text/css');
    });

    it('sends a visitor without a session to sign in, and the JSON API answers 401', async () => {
      const page = await call(relay, `/console/r/${code}`);
      expect(page.status).toBe(303);
      expect(page.headers.location).toBe(`/console?next=${encodeURIComponent(`/console/r/${code}`)}`);
      expect((await call(relay, '/console/recent')).status).toBe(303);
      const api = await call(relay, `/console/api/reports/${code}`);
      expect(api.status).toBe(401);
      expect(api.json()).toMatchObject({ error: 'not-signed-in' });
      const forged = await call(relay, `/console/r/${code}`, {
        headers: { Cookie: `__Host-svc-console=${'A'.repeat(22)}` },
      });
      expect(forged.status).toBe(303);
    });

    it('refuses a missing or wrong token with 401', async () => {
      const missing = await signIn(relay, 'alice', '');
      expect(missing.status).toBe(401);
      expect(missing.body).toContain('Wrong user name or support token');
      expect(missing.headers['set-cookie']).toBeUndefined();
      const wrong = await signIn(relay, 'alice', 'alice-token-0123456788');
      expect(wrong.status).toBe(401);
      // Tokens are per user: bob's token does not sign in as alice, and no name signs in no one.
      expect((await signIn(relay, 'alice', 'bob-token-9876543210')).status).toBe(401);
      expect((await signIn(relay, '', 'bob-token-9876543210')).status).toBe(401);
      expect(wrong.headers['set-cookie']).toBeUndefined();
      const bearer = await call(relay, `/console/api/reports/${code}`, {
        headers: basic('alice', 'alice-token-012345678'),
      });
      expect(bearer.status).toBe(401);
      expect(bearer.json()).toMatchObject({ error: 'bad-token' });
    });

    it('refuses a sign-in posted from another site', async () => {
      const r = await call(relay, '/console/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'https://evil.example' },
        body: 'user=alice&token=alice-token-0123456789',
      });
      expect(r.status).toBe(403);
      expect(r.headers['set-cookie']).toBeUndefined();
    });

    it('signs in with the right token: a session cookie, HttpOnly, Secure, SameSite=Strict', async () => {
      const r = await signIn(relay, 'alice', 'alice-token-0123456789');
      expect(r.status).toBe(303);
      expect(r.headers.location).toBe('/console');
      const set = r.headers['set-cookie']?.[0] ?? '';
      expect(set).toMatch(/^__Host-svc-console=[A-Za-z0-9_-]{22}; /);
      for (const attr of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/', 'Max-Age=28800'])
        expect(set).toContain(attr);
      cookie = cookieOf(r);
      const home = await call(relay, '/console', { headers: { Cookie: cookie } });
      expect(home.body).toContain('Signed in as alice');
    });

    it('returns to the page asked for after signing in', async () => {
      const r = await call(relay, '/console/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          user: 'bob',
          token: 'bob-token-9876543210',
          next: `/console/r/${code}`,
        }).toString(),
      });
      expect(r.headers.location).toBe(`/console/r/${code}`);
      const away = await call(relay, '/console/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          user: 'bob',
          token: 'bob-token-9876543210',
          next: 'https://evil.example/',
        }).toString(),
      });
      expect(away.headers.location).toBe('/console');
    });

    it('shows the report by its code, read-only and escaped, and logs the view', async () => {
      const r = await call(relay, `/console/r/${formatCode(code).toLowerCase()}`, {
        headers: { Cookie: cookie },
      });
      expect(r.status).toBe(200);
      expect(r.body).toContain('blocked');
      expect(r.body).toContain('Blocked: &lt;b&gt;SRTP&lt;/b&gt; &amp; &quot;media&quot; dropped');
      expect(r.body).not.toContain('<b>SRTP</b>');
      expect(r.body).toContain('Encrypted audio made the round trip.');
      expect(r.body).toContain('SRTP_AES128_CM_HMAC_SHA1_80');
      expect(r.body).not.toMatch(/<form[^>]*method="post"[^>]*action="\/console\/(?!logout)/);
      const views = await relay.store?.views(id);
      expect(views).toEqual([{ supportUser: 'alice', reportId: id, at: clock }]);
      // A HEAD shows nothing: not a view.
      const head = await call(relay, `/console/r/${code}`, { method: 'HEAD', headers: { Cookie: cookie } });
      expect(head.status).toBe(200);
      expect(await relay.store?.views(id)).toHaveLength(1);
    });

    it('looks a typed code up', async () => {
      const r = await call(
        relay,
        `/console/lookup?code=${encodeURIComponent(` ${formatCode(code).toLowerCase()} `)}`,
        {
          headers: { Cookie: cookie },
        },
      );
      expect(r.status).toBe(303);
      expect(r.headers.location).toBe(`/console/r/${code}`);
      const bad = await call(relay, '/console/lookup?code=O0O0', { headers: { Cookie: cookie } });
      expect(bad.status).toBe(400);
    });

    it('answers the report as JSON (session or token) and logs each view', async () => {
      const viaCookie = await call(relay, `/console/api/reports/${code}`, { headers: { Cookie: cookie } });
      expect(viaCookie.status).toBe(200);
      expect(viaCookie.json()).toMatchObject({
        code,
        id,
        redaction: 'default',
        report: { verdict: 'blocked' },
      });
      const viaToken = await call(relay, `/console/api/reports/${id}`, {
        // Scripts: Bearer name:token does the same as Basic.
        headers: { Authorization: 'Bearer bob:bob-token-9876543210' },
      });
      expect(viaToken.status).toBe(200);
      const views = (await relay.store?.views(id)) ?? [];
      expect(views.map((v) => v.supportUser)).toEqual(['alice', 'alice', 'bob']);
    });

    it('lists recent reports, and logs the listing as a view of each (it shows their headlines)', async () => {
      const before = (await relay.store?.views(id)) ?? [];
      const r = await call(relay, '/console/recent', { headers: { Cookie: cookie } });
      expect(r.status).toBe(200);
      const after = (await relay.store?.views(id)) ?? [];
      expect(after.length).toBe(before.length + 1);
      expect(after.at(-1)?.supportUser).toBe('alice');
      expect(r.body).toContain(`/console/r/${code}`);
      expect(r.body).toContain(formatCode(code));
    });

    it('answers 404 for an unknown code', async () => {
      const r = await call(relay, '/console/r/ZZZZ-ZZZZ', { headers: { Cookie: cookie } });
      expect(r.status).toBe(404);
      const api = await call(relay, '/console/api/reports/ZZZZZZZZ', { headers: { Cookie: cookie } });
      expect(api.status).toBe(404);
    });

    it("signs out everywhere: every session of that user ends, not other users'", async () => {
      const one = cookieOf(await signIn(relay, 'alice', 'alice-token-0123456789'));
      const two = cookieOf(await signIn(relay, 'alice', 'alice-token-0123456789'));
      const bob = cookieOf(await signIn(relay, 'bob', 'bob-token-9876543210'));
      const out = await call(relay, '/console/logout-all', { method: 'POST', headers: { Cookie: one } });
      expect(out.status).toBe(303);
      for (const c of [one, two]) {
        expect((await call(relay, '/console/recent', { headers: { Cookie: c } })).status).toBe(303);
      }
      expect((await call(relay, '/console/recent', { headers: { Cookie: bob } })).status).toBe(200);
      cookie = cookieOf(await signIn(relay, 'alice', 'alice-token-0123456789'));
    });

    it('signs out: the session is gone', async () => {
      const r = await signIn(relay, 'alice', 'alice-token-0123456789');
      const mine = cookieOf(r);
      const out = await call(relay, '/console/logout', { method: 'POST', headers: { Cookie: mine } });
      expect(out.status).toBe(303);
      expect(out.headers['set-cookie']?.[0]).toContain('Max-Age=0');
      expect((await call(relay, '/console/recent', { headers: { Cookie: mine } })).status).toBe(303);
    });
  });

  describe('retention', () => {
    it('hides an expired report at once and deletes it in the sweep', async () => {
      const r = await upload(relay, { report: report({ headline: 'expiring' }), redaction: 'default' });
      const { code, id } = r.json() as { code: string; id: string };
      const signedIn = cookieOf(await signIn(relay, 'alice', 'alice-token-0123456789'));
      const uploadedAt = clock;
      expect((await call(relay, `/console/r/${code}`, { headers: { Cookie: signedIn } })).status).toBe(200);

      clock += 30 * DAY; // retention is up: expired, not yet swept
      const bearer = basic('alice', 'alice-token-0123456789');
      expect((await call(relay, `/console/api/reports/${code}`, { headers: bearer })).status).toBe(404);
      const recent = await call(relay, '/console/recent', { headers: bearer });
      expect(recent.body).not.toContain(code);

      expect(await relay.sweepReports()).toBeGreaterThanOrEqual(1);
      // Gone from storage: not even a clock from before its expiry finds it.
      expect(await relay.store?.getById(id, uploadedAt)).toBeNull();
      expect(await relay.store?.getByCode(code, uploadedAt)).toBeNull();
    });
  });
});

describe('report sharing limits (defaults)', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay({ share: { supportTokens: TOKENS } });
  });
  afterAll(() => relay.stop());

  it('answers the 11th upload in a minute with 429 and Retry-After', async () => {
    for (let i = 0; i < 10; i++) {
      expect((await upload(relay, { report: report(), redaction: 'default' })).status).toBe(201);
    }
    const r = await upload(relay, { report: report(), redaction: 'default' });
    expect(r.status).toBe(429);
    expect(r.json()).toMatchObject({ error: 'rate-limited' });
    expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(await storedCount(relay, Date.now())).toBe(10);
  });

  it('answers the 6th wrong sign-in for a name in a minute with 429, even with the right token then; not another name', async () => {
    for (let i = 0; i < 5; i++)
      expect((await signIn(relay, 'alice', `wrong-token-${i}-0123456789`)).status).toBe(401);
    const sixth = await signIn(relay, 'alice', 'wrong-token-5-0123456789');
    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await signIn(relay, 'alice', 'alice-token-0123456789')).status).toBe(429);
    const bearer = await call(relay, '/console/api/reports/ABCDEFGH', {
      headers: basic('alice', 'alice-token-0123456789'),
    });
    expect(bearer.status).toBe(429);
    // The same address, another support user: wrong guesses at alice do not lock bob out.
    expect((await signIn(relay, 'bob', 'bob-token-9876543210')).status).toBe(303);
  });
});

describe('console without support tokens', () => {
  let relay: TestRelay;
  beforeAll(async () => {
    relay = await startTestRelay({ share: { supportTokens: [] } });
  });
  afterAll(() => relay.stop());

  it('is off (404), while uploads still work', async () => {
    expect((await call(relay, '/console')).status).toBe(404);
    expect((await signIn(relay, 'alice', 'alice-token-0123456789')).status).toBe(404);
    expect((await upload(relay, { report: report(), redaction: 'default' })).status).toBe(201);
  });
});
