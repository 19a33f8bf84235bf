import { describe, expect, it, vi } from 'vitest';
import { MAX_UPLOAD_BYTES } from '../../../src/protocol/share.ts';
import { prepareShare } from '../../../src/share/prepare-share.ts';
import { type UploadFetch, uploadShare, uploadUrlFor } from '../../../src/share/upload.ts';
import { endlessBody } from '../../fakes/check-context.ts';
import { report } from '../../fakes/report.ts';

const BODY = prepareShare(report(), { includeFullAddresses: false });
const ANSWER = {
  code: 'ABCD2345',
  id: 'AAAAAAAAAAAAAAAAAAAAAA',
  url: 'https://relay.example:8443/console/r/ABCD2345',
  expiresAt: '2026-12-21T12:00:00.000Z',
};

function answering(status: number, body: unknown, headers: Record<string, string> = {}) {
  return vi.fn<UploadFetch>(async () => ({
    status,
    headers: { get: (n: string) => headers[n.toLowerCase()] ?? null },
    body: new Response(typeof body === 'string' ? body : JSON.stringify(body)).body,
  }));
}

describe('uploadShare', () => {
  it("stops reading an endless answer at 64 KiB and says it was not the relay's answer", async () => {
    const endless = endlessBody();
    const fetch = vi.fn<UploadFetch>(async () => ({
      status: 201,
      headers: { get: () => null },
      body: endless.stream,
    }));
    const out = await uploadShare(fetch, 'https://relay.example', BODY);
    expect(out).toEqual({
      ok: false,
      message:
        "relay.example answered the upload, but the answer is larger than 64 KiB: not the relay's answer.",
    });
    expect(endless.sent()).toBeLessThanOrEqual(64 * 1024 + 2 * 4096);
    expect(endless.cancelled()).toBe(true);
  });

  it('refuses an answer whose Content-Length is over the cap without reading it', async () => {
    const endless = endlessBody();
    const out = await uploadShare(
      async () => ({
        status: 201,
        headers: { get: (n: string) => (n === 'content-length' ? String(10 * 1024 * 1024) : null) },
        body: endless.stream,
      }),
      'https://relay.example',
      BODY,
    );
    expect(out.ok).toBe(false);
    expect(endless.sent()).toBeLessThanOrEqual(2 * 4096);
  });

  it('posts the body unchanged as JSON to <relay>/api/reports and returns the code', async () => {
    const fetch = answering(201, ANSWER);
    const out = await uploadShare(fetch, 'https://relay.example:8443', BODY);
    expect(out).toEqual({ ok: true, response: ANSWER });
    const [url, init] = fetch.mock.calls[0] ?? [];
    expect(url).toBe('https://relay.example:8443/api/reports');
    expect(init?.method).toBe('POST');
    expect(init?.headers).toEqual({ 'Content-Type': 'application/json' });
    expect(init?.body).toBe(BODY);
  });

  it('keeps a path of the relay URL', () => {
    expect(uploadUrlFor('https://example.com/relay/')).toBe('https://example.com/relay/api/reports');
    expect(uploadUrlFor('https://example.com?x=1')).toBe('https://example.com/api/reports');
  });

  it('says in words why the relay refused, with its wait time when rate-limited', async () => {
    const limited = await uploadShare(
      answering(429, { error: 'rate-limited', message: 'Too many' }, { 'retry-after': '42' }),
      'https://relay.example',
      BODY,
    );
    expect(limited).toEqual({
      ok: false,
      error: 'rate-limited',
      message: 'The relay has had too many uploads from this network; try again in 42 s.',
    });
    const unredacted = await uploadShare(
      answering(400, {
        error: 'unredacted-address',
        message: 'The report holds a full IP address at report.checks.0.data.x.',
        path: 'report.checks.0.data.x',
      }),
      'https://relay.example',
      BODY,
    );
    expect(unredacted).toMatchObject({ ok: false, error: 'unredacted-address' });
    expect(unredacted.ok ? '' : unredacted.message).toMatch(
      /^The relay refused the report: The report holds/,
    );
    const proxy = await uploadShare(
      answering(502, '<html>Bad gateway</html>'),
      'https://relay.example',
      BODY,
    );
    expect(proxy).toEqual({
      ok: false,
      message: 'The relay answered HTTP 502 instead of storing the report.',
    });
    const odd = await uploadShare(answering(201, { code: 'lowercase' }), 'https://relay.example', BODY);
    expect(odd).toEqual({ ok: false, message: 'relay.example answered, but not with a support code.' });
  });

  it('names the relay when it cannot be reached, and gives up after the time limit', async () => {
    const refused = await uploadShare(
      async () => {
        throw new TypeError('Failed to fetch');
      },
      'https://127.0.0.1:9',
      BODY,
    );
    expect(refused).toEqual({
      ok: false,
      message: 'Could not reach the relay at 127.0.0.1:9 (Failed to fetch).',
    });
    const hanging: UploadFetch = (_url, init) =>
      new Promise((_resolve, reject) =>
        init.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    const slow = await uploadShare(hanging, 'https://relay.example', BODY, 20);
    expect(slow).toEqual({
      ok: false,
      message: 'Could not reach the relay at relay.example (no answer within 1 s).',
    });
  });

  it('does not send what the relay would refuse for size, nor to a relay URL that is not one', async () => {
    const fetch = answering(201, ANSWER);
    const big = await uploadShare(fetch, 'https://relay.example', 'x'.repeat(MAX_UPLOAD_BYTES + 1));
    expect(big).toMatchObject({ ok: false, error: 'too-big' });
    expect(await uploadShare(fetch, 'not a url', BODY)).toMatchObject({ ok: false });
    expect(fetch).not.toHaveBeenCalled();
  });
});
