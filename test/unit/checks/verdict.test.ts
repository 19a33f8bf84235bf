import { describe, expect, it } from 'vitest';
import type { CheckResult, CheckStatus } from '../../../src/checks/types.ts';
import { verdictOf } from '../../../src/checks/verdict.ts';

const check = (id: string, status: CheckStatus): CheckResult => ({
  id,
  title: id,
  status,
  reason: status === 'pass' ? 'ok' : 'x',
  summary: `${id} is ${status}`,
  durationMs: 1,
  data: {},
});

describe('verdictOf', () => {
  it.each([
    [['pass', 'pass', 'pass'], 'ready'],
    [['pass', 'pass', 'skip'], 'ready'],
    [['fail', 'pass', 'pass'], 'blocked'],
    [['pass', 'fail', 'pass'], 'blocked'],
    [['pass', 'pass', 'fail'], 'degraded'],
    [['pass', 'warn', 'pass'], 'degraded'],
    [['pass', 'pass', 'error'], 'error'],
    [['pass', 'error', 'fail'], 'degraded'],
  ] as Array<[CheckStatus[], string]>)('%j -> %s', (statuses, expected) => {
    const ids = ['relay-https', 'relay-wss', 'https-target-1'];
    expect(verdictOf(statuses.map((s, i) => check(ids[i] as string, s))).verdict).toBe(expected);
  });

  it('names the failing relay check in the headline', () => {
    const v = verdictOf([check('relay-https', 'fail'), check('relay-wss', 'pass')]);
    expect(v.headline).toContain('relay-https is fail');
  });

  it('is an error, not ready, when nothing ran', () => {
    expect(verdictOf([]).verdict).toBe('error');
  });
});

describe('verdictOf with the media check', () => {
  const media = (status: CheckStatus, reason: string): CheckResult => ({
    ...check('secure-media', status),
    reason,
  });
  const relayOk = [check('relay-https', 'pass'), check('relay-wss', 'pass')];

  it.each([
    ['ice-failed', 'blocked'],
    ['dtls-failed', 'blocked'],
    ['no-media-returned', 'blocked'],
    ['no-srtp', 'blocked'],
    ['relay-went-away', 'error'],
    ['relay-busy', 'error'],
    ['relay-refused', 'error'],
    ['poor-quality', 'degraded'],
  ])('a media failure with reason %s makes the run %s', (reason, verdict) => {
    expect(verdictOf([...relayOk, media('fail', reason)]).verdict).toBe(verdict);
  });

  it('says secure media is blocked while signaling works', () => {
    expect(verdictOf([...relayOk, media('fail', 'ice-failed')]).headline).toMatch(/secure media is blocked/);
  });

  it('is ready with encrypted audio in the headline when media passed', () => {
    const v = verdictOf([...relayOk, media('pass', 'ok')]);
    expect(v.verdict).toBe('ready');
    expect(v.headline).toMatch(/encrypted audio/);
  });
});

describe('the ready headline', () => {
  it('says what was proven, in one sentence', () => {
    const all = ['relay-https', 'relay-wss', 'secure-media', 'port-matrix'].map((id) => check(id, 'pass'));
    expect(verdictOf(all).headline).toBe(
      "Ready for Secure Voice: HTTPS and WSS reach the relay, encrypted audio made the round trip and the provider's ports are open.",
    );
    expect(verdictOf(all.slice(0, 2)).headline).toBe(
      'Ready for Secure Voice: HTTPS and WSS reach the relay.',
    );
  });
});
