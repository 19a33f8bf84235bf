/** The pure parts of report sharing: codes, the address re-check, upload validation, limits, tokens, HTML. */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { REPORT_CAPS, type Report } from '../../../src/protocol/report.ts';
import {
  CODE_ALPHABET,
  CODE_LENGTH,
  formatCode,
  normalizeCode,
  REPORT_ID_PATTERN,
  UploadResponseSchema,
} from '../../../src/protocol/share.ts';
import { escapeHtml, html } from '../../../src/relay/console/html.ts';
import { loginPage, reportPage } from '../../../src/relay/console/pages.ts';
import {
  hashSessionId,
  SESSION_COOKIE,
  sessionCookie,
  sessionIdFrom,
} from '../../../src/relay/console/sessions.ts';
import { matchToken, parseSupportTokens } from '../../../src/relay/console/support-tokens.ts';
import { RateLimiter } from '../../../src/relay/core/rate-limit.ts';
import { clientKey, hashClient } from '../../../src/relay/http/client-key.ts';
import { classifyOrigin, selfOrigins } from '../../../src/relay/http/origin-policy.ts';
import { matchRoute, type Route } from '../../../src/relay/http/router.ts';
import {
  allowedAddressSet,
  findFullAddress,
  fullAddressesIn,
  tooDeep,
} from '../../../src/relay/share/address-scan.ts';
import { newCode, newReportId } from '../../../src/relay/share/codes.ts';
import { MAX_UPLOAD_DEPTH, validateUpload } from '../../../src/relay/share/validate-upload.ts';
import { report } from '../../fakes/report.ts';
import { stored } from './report-store-contract.ts';

/** A random source that replays the given bytes, cycling. */
function replay(bytes: number[]): (n: number) => Uint8Array {
  let i = 0;
  return (n) => Uint8Array.from({ length: n }, () => bytes[i++ % bytes.length] as number);
}

describe('share codes', () => {
  it('has no look-alikes in the alphabet', () => {
    for (const c of '01OILoil') expect(CODE_ALPHABET).not.toContain(c);
    expect(new Set(CODE_ALPHABET).size).toBe(CODE_ALPHABET.length);
  });

  it('makes codes of 8 alphabet characters, drawing again for bytes that would bias them', () => {
    const code = newCode(replay([255, 248, 0, 1, 30, 31, 247, 2, 3, 4, 5]));
    // 255 and 248 are redrawn; 31 and 247 wrap to 0 and 30 (247 = 7*31+30).
    expect(code).toBe(
      `${CODE_ALPHABET[0]}${CODE_ALPHABET[1]}${CODE_ALPHABET[30]}${CODE_ALPHABET[0]}${CODE_ALPHABET[30]}${CODE_ALPHABET[2]}${CODE_ALPHABET[3]}${CODE_ALPHABET[4]}`,
    );
    const real = newCode((n) => crypto.getRandomValues(new Uint8Array(n)));
    expect(real).toMatch(new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`));
  });

  it('makes 128-bit ids', () => {
    const id = newReportId((n) => new Uint8Array(n).fill(0xff));
    expect(id).toMatch(REPORT_ID_PATTERN);
    expect(Buffer.from(id, 'base64url')).toHaveLength(16);
  });

  it.each([
    ['ABCD-EFGH', 'ABCDEFGH'],
    ['abcd-efgh', 'ABCDEFGH'],
    [' abcd efgh ', 'ABCDEFGH'],
    ['AB-CD-EF-GH', 'ABCDEFGH'],
    ['23456789', '23456789'],
  ])('normalizes %j to %s', (typed, code) => {
    expect(normalizeCode(typed)).toBe(code);
  });

  it.each(['ABCDEFG', 'ABCDEFGHJ', 'ABCD-EFG0', 'OBCDEFGH', 'ABCDEFG1', 'ABCDÉFGH', ''])(
    'refuses %j',
    (typed) => {
      expect(normalizeCode(typed)).toBeNull();
    },
  );

  it('formats a code in two halves', () => {
    expect(formatCode('ABCDEFGH')).toBe('ABCD-EFGH');
    expect(normalizeCode(formatCode('ABCDEFGH'))).toBe('ABCDEFGH');
  });

  it('describes the upload answer', () => {
    const ok = { code: 'ABCDEFGH', id: 'A'.repeat(22), url: 'https://r/console/r/ABCDEFGH', expiresAt: 'x' };
    expect(v.is(UploadResponseSchema, ok)).toBe(true);
    expect(v.is(UploadResponseSchema, { ...ok, code: 'ABCDEFG0' })).toBe(false);
    expect(v.is(UploadResponseSchema, { ...ok, id: 'short' })).toBe(false);
  });
});

describe('full address re-check', () => {
  it.each([
    ['10.1.2.3', ['10.1.2.3']],
    ['host 192.168.1.23 and 203.0.113.7:5060', ['192.168.1.23', '203.0.113.7']],
    ['link-local 169.254.10.20, CGNAT 100.64.1.2', ['169.254.10.20', '100.64.1.2']],
    ['2001:db8:1:2:3:4:5:6', ['2001:db8:1:2:3:4:5:6']],
    ['[2001:db8::1]:8443 and fe80::1%eth0', ['2001:db8::1', 'fe80::1']],
    ['mapped ::ffff:192.0.2.44', ['::ffff:192.0.2.44']],
    ['mapped hex ::ffff:c000:22c', ['::ffff:c000:22c']],
  ])('finds %j', (text, found) => {
    expect(fullAddressesIn(text)).toEqual(found);
  });

  it.each([
    'redacted 203.0.113.x and 2001:db8:1:x',
    'chrome Chrome/140.0.0.0',
    'chrome Chrome/140.0.7339.80',
    'loopback 127.0.0.1 and ::1, unspecified 0.0.0.0 and ::',
    'multicast 224.0.0.251 ff02::fb, broadcast 255.255.255.255, mask 255.255.255.0',
    'a /64 prefix 2001:db8:1:2:: is a network',
    'time 2026-11-21T12:00:00.000Z, fingerprint AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89',
    'MAC 00:1a:2b:3c:4d:5e, version 1.2.3, 10.0.19045.2965',
    'abcd.local candidate',
  ])('finds nothing in %j', (text) => {
    expect(fullAddressesIn(text)).toEqual([]);
  });

  it("allows the relay's own addresses, in any spelling", () => {
    const allowed = allowedAddressSet(['198.51.100.10', '2001:DB8:0:0::10']);
    expect(fullAddressesIn('relay 198.51.100.10 and 2001:db8::10, user 198.51.100.11', allowed)).toEqual([
      '198.51.100.11',
    ]);
  });

  it('names the path of the first full address, keys included', () => {
    const r = report();
    expect(findFullAddress(r, new Set(), 'report')).toBeNull();
    const leaky = report({
      checks: [
        ...r.checks,
        { ...(r.checks[0] as (typeof r.checks)[0]), data: { relaySaw: [{ remoteAddress: '192.168.1.9' }] } },
      ],
    });
    expect(findFullAddress(leaky, new Set(), 'report')).toEqual({
      path: 'report.checks.2.data.relaySaw.0.remoteAddress',
      address: '192.168.1.9',
    });
    expect(findFullAddress({ data: { '10.0.0.8': true } })).toEqual({
      path: 'data.10.0.0.8',
      address: '10.0.0.8',
    });
  });

  it('measures nesting without recursion', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(tooDeep(deep, 32)).toBe(Array.from({ length: 32 }, () => '0').join('.'));
    expect(tooDeep({ a: { b: 1 } }, 32)).toBeNull();
    expect(findFullAddress(deep)).toBeNull();
  });
});

describe('upload validation', () => {
  const own = new Set<string>();
  const body = (over: object = {}) => JSON.stringify({ report: report(), redaction: 'default', ...over });

  it('accepts a redacted report and drops unknown keys', () => {
    const r = validateUpload(body({ extra: 1, report: { ...report(), unknown: 'x' } }), own);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.request).toEqual({ report: report(), redaction: 'default' });
      expect(r.request).not.toHaveProperty('extra');
    }
  });

  it('refuses malformed JSON', () => {
    expect(validateUpload('{"report":', own)).toMatchObject({ ok: false, body: { error: 'bad-json' } });
  });

  it('names the first schema problem', () => {
    const bad = report();
    (bad.checks[0] as { status: string }).status = 'great';
    expect(validateUpload(body({ report: bad }), own)).toMatchObject({
      ok: false,
      body: { error: 'bad-report', path: 'report.checks.0.status' },
    });
    expect(validateUpload(body({ redaction: 'none' }), own)).toMatchObject({
      ok: false,
      body: { error: 'bad-report', path: 'redaction' },
    });
    expect(validateUpload('"text"', own)).toMatchObject({
      ok: false,
      body: { error: 'bad-report', path: '(top level)' },
    });
  });

  it('refuses uploads nested too deep', () => {
    const data = JSON.parse(`${'['.repeat(MAX_UPLOAD_DEPTH + 5)}1${']'.repeat(MAX_UPLOAD_DEPTH + 5)}`);
    const r = report();
    r.checks[0] = { ...(r.checks[0] as (typeof r.checks)[0]), data: { deep: data } };
    expect(validateUpload(body({ report: r }), own)).toMatchObject({
      ok: false,
      body: { error: 'bad-report' },
    });
  });

  it('caps every string of the report, naming its path (the 200,000-character upload that froze the relay)', () => {
    const long = 'a'.repeat(200_000);
    const check = (over: object) => ({ ...(report().checks[0] as Report['checks'][0]), ...over });
    const cases: Array<[object, string]> = [
      [{ headline: long }, 'report.headline'],
      [{ runId: long }, 'report.runId'],
      [{ relayUrl: long }, 'report.relayUrl'],
      [{ checks: [check({ data: { note: long } })] }, 'report.checks.0.data.note'],
      [{ checks: [check({ data: { nested: [{ deeper: long }] } })] }, 'report.checks.0.data.nested.0.deeper'],
      [{ checks: [check({ data: { [long]: 1 } })] }, `report.checks.0.data.${long}`],
    ];
    for (const [over, path] of cases) {
      const r = validateUpload(body({ report: report(over) }), own);
      expect(r, path.slice(0, 40)).toMatchObject({ ok: false, body: { error: 'bad-report', path } });
    }
    // What a real report holds passes.
    const real = report({ checks: [check({ data: { note: 'n'.repeat(REPORT_CAPS.dataString) } })] });
    expect(validateUpload(body({ report: real }), own).ok).toBe(true);
  });

  it('refuses numbers JSON cannot carry (1e999 would be stored as null)', () => {
    const typed = body().replace('"durationMs":', '"durationMs":1e999,"was":');
    expect(validateUpload(typed, own)).toMatchObject({
      ok: false,
      body: { error: 'bad-report', path: 'report.checks.0.durationMs' },
    });
    const inData = JSON.stringify({ report: report(), redaction: 'default' }).replace(
      '"data":{',
      '"data":{"big":1e999,',
    );
    expect(validateUpload(inData, own)).toMatchObject({
      ok: false,
      body: { error: 'bad-report', path: 'report.checks.0.data.big' },
    });
  });

  it('refuses a full address when redaction is default, not when the user shared full addresses', () => {
    const r = report({ headline: 'Blocked: 10.20.30.40 could not reach the relay.' });
    expect(validateUpload(body({ report: r }), own)).toMatchObject({
      ok: false,
      body: { error: 'unredacted-address', path: 'report.headline' },
    });
    expect(validateUpload(body({ report: r, redaction: 'full-addresses' }), own)).toMatchObject({ ok: true });
  });
});

describe('rate limiter', () => {
  it('lets the limit through, then tells how long to wait, and refills', () => {
    const l = new RateLimiter({ limit: 5, windowMs: 60_000 });
    for (let i = 0; i < 5; i++) expect(l.take('a', 0)).toEqual({ ok: true });
    expect(l.take('a', 0)).toEqual({ ok: false, retryAfterS: 12 });
    expect(l.check('a', 0)).toEqual({ ok: false, retryAfterS: 12 });
    expect(l.take('b', 0)).toEqual({ ok: true });
    expect(l.take('a', 12_000)).toEqual({ ok: true });
    expect(l.check('a', 12_000).ok).toBe(false);
    // A clock stepping back refills nothing.
    expect(l.take('a', 1000).ok).toBe(false);
  });

  it('tracks a bounded number of keys, forgetting the least recently used: a full table neither fails open nor closed', () => {
    const l = new RateLimiter({ limit: 1, windowMs: 60_000, maxKeys: 3 });
    for (const k of ['a', 'b', 'c']) expect(l.take(k, 0).ok).toBe(true);
    // A new key still gets its attempt (not refused because the table is full)...
    expect(l.take('d', 0).ok).toBe(true);
    expect(l.size).toBe(3);
    // ...and the keys used recently keep their state (not reset because the table is full).
    expect(l.take('c', 1).ok).toBe(false);
    expect(l.take('d', 1).ok).toBe(false);
    // 'a' was the least recently used: it was forgotten and starts over.
    expect(l.take('a', 2).ok).toBe(true);
    // 10,001 keys through a 10,000-key table: the one in use is never the one forgotten.
    const big = new RateLimiter({ limit: 1, windowMs: 60_000 });
    expect(big.take('victim', 0).ok).toBe(true);
    for (let i = 0; i < 9_999; i++) big.take(`k${i}`, 0);
    expect(big.take('victim', 0).ok).toBe(false);
  });
});

describe('client key and origins', () => {
  it('keys IPv4 by address and IPv6 by /64', () => {
    expect(clientKey('::ffff:198.51.100.7')).toBe('198.51.100.7');
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:2:bbbb::9')).toBe('2001:db8:1:2::/64');
    expect(clientKey(undefined)).toBe('unknown');
  });

  it('hashes with the salt', () => {
    expect(hashClient('s1', 'k')).toMatch(/^[0-9a-f]{32}$/);
    expect(hashClient('s1', 'k')).not.toBe(hashClient('s2', 'k'));
    expect(hashClient('s1', 'k')).not.toContain('k');
  });

  it.each([
    [undefined, 'none'],
    ['null', 'null'],
    [`chrome-extension://${'a'.repeat(32)}`, 'extension'],
    ['moz-extension://0a1b2c3d-4e5f-6789-abcd-ef0123456789', 'extension'],
    ['https://relay.example', 'self'],
    ['https://127.0.0.1:8443', 'self'],
    ['https://evil.example', 'foreign'],
    ['chrome-extension://not-an-id', 'foreign'],
    ['http://relay.example', 'foreign'],
  ])('classifies origin %s as %s', (origin, kind) => {
    expect(classifyOrigin(origin, selfOrigins('https://relay.example', '127.0.0.1:8443'))).toBe(kind);
  });
});

describe('support tokens', () => {
  it('parses name:token lists', () => {
    expect(parseSupportTokens('alice:0123456789abcdef, bob@corp:tok:with:colons!!')).toEqual([
      { name: 'alice', token: '0123456789abcdef' },
      { name: 'bob@corp', token: 'tok:with:colons!!' },
    ]);
    expect(parseSupportTokens('')).toEqual([]);
  });

  it.each([
    ['alice', 'entry 1: must be name:token'],
    ['alice:short', 'entry 1 (alice): the token must be at least 16 characters'],
    [':0123456789abcdef', 'entry 1: the name must be 1-64 letters, digits or . _ @ -'],
    ['a:0123456789abcdef,a:fedcba9876543210', 'entry 2: the name a is listed twice'],
    ['a:0123456789abcdef,b:0123456789abcdef', 'entry 2 (b): the token is used twice'],
    [
      'a:0123456789 abcdef',
      'entry 1 (a): the token must be at most 256 printable characters, no spaces or commas',
    ],
  ])('refuses %j without showing the token', (raw, message) => {
    expect(() => parseSupportTokens(raw)).toThrow(message);
    try {
      parseSupportTokens(raw);
    } catch (err) {
      expect((err as Error).message).not.toContain('0123456789');
    }
  });

  it("matches the named user's own token only", () => {
    const tokens = parseSupportTokens('alice:0123456789abcdef,bob:fedcba9876543210');
    expect(matchToken(tokens, 'bob', 'fedcba9876543210')?.name).toBe('bob');
    // Another user's token is wrong for this name.
    expect(matchToken(tokens, 'alice', 'fedcba9876543210')).toBeNull();
    expect(matchToken(tokens, 'bob', 'fedcba987654321')).toBeNull();
    expect(matchToken(tokens, 'bob', '')).toBeNull();
    expect(matchToken(tokens, 'carol', 'fedcba9876543210')).toBeNull();
    expect(matchToken([], 'alice', 'anything-at-all-long')).toBeNull();
  });
});

describe('console sessions and HTML', () => {
  it('reads only a well-formed session cookie', () => {
    const sid = 'A'.repeat(22);
    expect(sessionIdFrom(`a=b; ${SESSION_COOKIE}=${sid}`)).toBe(sid);
    expect(sessionIdFrom(`${SESSION_COOKIE}=x`)).toBeNull();
    expect(sessionIdFrom(undefined)).toBeNull();
    expect(sessionCookie(sid, 8 * 3600_000)).toBe(
      `${SESSION_COOKIE}=${sid}; Path=/; Max-Age=28800; HttpOnly; Secure; SameSite=Strict`,
    );
    expect(hashSessionId(sid)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('escapes every value', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(html`<p>${'<b>'}</p>${html`<i>${['<', '>']}</i>`}${null}`.text).toBe(
      '<p>&lt;b&gt;</p><i>&lt;&gt;</i>',
    );
  });

  it('never puts report strings into the page as markup', () => {
    const evil = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const r = report({
      headline: evil,
      browser: evil,
      checks: [
        {
          ...(report().checks[0] as ReturnType<typeof report>['checks'][0]),
          title: evil,
          summary: evil,
          status: 'pass',
        },
      ],
    });
    const page = reportPage('alice"<', stored({ report: r }), [{ supportUser: evil, reportId: 'x', at: 0 }]);
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('<img');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(loginPage({ next: '"><script>' })).not.toContain('"><script>');
  });
});

describe('route matching', () => {
  const routes: Route[] = [
    { method: 'GET', path: /^\/x\/([^/]+)$/, handle: () => {} },
    { method: 'POST', path: /^\/x\/([^/]+)$/, handle: () => {} },
  ];
  it('matches by path and method, with params', () => {
    expect(matchRoute(routes, 'HEAD', '/x/a%20b')).toMatchObject({ params: ['a b'] });
    expect(matchRoute(routes, 'PUT', '/x/a')).toEqual({
      error: 'method-not-allowed',
      allow: ['GET', 'POST'],
    });
    expect(matchRoute(routes, 'GET', '/y')).toEqual({ error: 'not-found' });
    expect(matchRoute(routes, 'GET', '/x/%E0%A4%A')).toEqual({ error: 'not-found' });
  });
});
