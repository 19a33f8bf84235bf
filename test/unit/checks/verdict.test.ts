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

describe('verdictOf leads with what breaks first: signaling, then media', () => {
  const relayOk = [check('relay-https', 'pass'), check('relay-wss', 'pass')];
  const row = (id: string, transport: 'tcp' | 'udp', ports: string, purpose: string, status = 'blocked') => ({
    row: id,
    purpose,
    protocol: transport === 'tcp' ? 'SIP/TLS' : 'SRTP',
    transport,
    ports,
    secureVoice: true,
    status,
    detail: '',
    failedPorts: ports,
  });
  const sipTls = row('desk-phone-sip-tls', 'tcp', '5096', 'Desk phones signaling Secure Voice');
  const srtp = row('desk-phone-srtp', 'udp', '40000-49999', 'Desk phones media Secure Voice');
  const ports = (...rows: unknown[]): CheckResult => ({
    ...check('port-matrix', 'fail'),
    reason: 'ports-blocked',
    data: { rows },
  });
  const mediaFailed: CheckResult = {
    ...check('secure-media', 'fail'),
    reason: 'ice-failed',
    summary: 'No network path for media.',
  };

  it('corporate egress (80/443 only): phones cannot register, TCP 5096 named before the media ports', () => {
    const v = verdictOf([...relayOk, mediaFailed, ports(sipTls, srtp)]);
    expect(v.verdict).toBe('blocked');
    expect(v.headline).toBe(
      'Blocked: phones cannot register, Secure Voice signaling is blocked: TCP 5096 (Desk phones signaling Secure Voice). Secure media is blocked too: UDP 40000-49999 (Desk phones media Secure Voice). Give your IT administrator the remediation list.',
    );
  });

  it('signaling blocked, media ports open but the media check failed: the media failure follows', () => {
    expect(verdictOf([...relayOk, mediaFailed, ports(sipTls)]).headline).toMatch(
      /^Blocked: phones cannot register, .*TCP 5096 .*Secure media is blocked too: No network path for media\./,
    );
  });

  it('only signaling blocked: phones cannot register, and nothing about media', () => {
    expect(verdictOf([...relayOk, check('secure-media', 'pass'), ports(sipTls)]).headline).toBe(
      'Blocked: phones cannot register, Secure Voice signaling is blocked: TCP 5096 (Desk phones signaling Secure Voice). Give your IT administrator the remediation list.',
    );
  });

  it('signaling open, media blocked: the media headline as before', () => {
    expect(verdictOf([...relayOk, mediaFailed, ports(srtp)]).headline).toMatch(
      /^Calls may connect, but secure media/,
    );
  });
});
