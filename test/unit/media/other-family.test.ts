import { describe, expect, it } from 'vitest';
import { otherFamilyPlan, withOtherFamily } from '../../../src/checks/media/other-family.ts';
import type { CheckResult } from '../../../src/checks/types.ts';
import { LANGUAGES } from '../../../src/messages/languages.ts';
import { renderMessage } from '../../../src/messages/render.ts';
import type { MediaReport } from '../../../src/protocol/report.ts';

const media = (family: 'IPv4' | 'IPv6') =>
  ({
    transport: 'udp',
    addressFamily: family,
    rttMs: 12,
    jitterMs: 2,
    lossPercent: 0,
    mos: 4.4,
    mosBand: 'excellent',
    loss: null,
  }) as unknown as MediaReport;

const passed = (family: 'IPv4' | 'IPv6'): CheckResult => ({
  id: 'secure-media',
  title: 'Secure media',
  status: 'pass',
  reason: 'ok',
  summary: `Encrypted audio (SRTP) made the round trip: UDP/${family}.`,
  durationMs: 1500,
  data: { media: media(family) },
});

const failedAt = (reason: string, step: CheckResult['step'], summary: string): CheckResult => ({
  id: 'secure-media',
  title: 'Secure media',
  status: 'fail',
  reason,
  step,
  summary,
  durationMs: 8000,
  data: { media: null },
});

const BOTH = ['IPv4', 'IPv6'] as const;

describe('which IP version the media check samples second', () => {
  it('the one the audio did not take, where the relay offers both and this computer has an address of it', () => {
    const e = { relayFamilies: BOTH, localFamilies: BOTH };
    expect(otherFamilyPlan(passed('IPv4'), { ...e, carried: 'IPv4' })).toEqual({
      family: 'IPv6',
      sample: true,
    });
    expect(otherFamilyPlan(passed('IPv6'), { ...e, carried: 'IPv6' })).toEqual({
      family: 'IPv4',
      sample: true,
    });
  });

  it('none to sample when this computer has no address of the other family (said, not sampled)', () => {
    const plan = otherFamilyPlan(passed('IPv4'), {
      carried: 'IPv4',
      relayFamilies: BOTH,
      localFamilies: ['IPv4'],
    });
    expect(plan).toEqual({ family: 'IPv6', sample: false });
  });

  it('nothing at all when the relay offers one family, the family is unknown, or the first sample carried no audio', () => {
    const e = { carried: 'IPv4' as const, relayFamilies: BOTH, localFamilies: BOTH };
    expect(otherFamilyPlan(passed('IPv4'), { ...e, relayFamilies: ['IPv4'] })).toBeNull();
    expect(otherFamilyPlan(passed('IPv4'), { ...e, carried: null })).toBeNull();
    expect(otherFamilyPlan(failedAt('ice-failed', 'ice', 'No path.'), e)).toBeNull();
  });
});

describe('what the second sample changes', () => {
  it("adds the other family's figures when it carried audio, and changes nothing else", () => {
    const r = withOtherFamily(passed('IPv4'), 'IPv6', passed('IPv6'));
    expect(r).toMatchObject({ status: 'pass', reason: 'ok' });
    expect(r.summary).toBe(
      'Encrypted audio (SRTP) made the round trip: UDP/IPv4. Over IPv6 as well: UDP/IPv6, RTT 12 ms, jitter 2 ms, loss 0 %, MOS 4.4 (excellent).',
    );
    expect(r.data.otherFamily).toMatchObject({
      family: 'IPv6',
      outcome: 'carried',
      media: { addressFamily: 'IPv6' },
    });
    expect(r.data.media).toMatchObject({ addressFamily: 'IPv4' });
  });

  it('warns, naming IPv6 and what to do, when IPv4 carried audio and IPv6 none (no path)', () => {
    const r = withOtherFamily(passed('IPv4'), 'IPv6', failedAt('ice-failed', 'ice', 'No network path.'));
    expect(r).toMatchObject({ status: 'warn', reason: 'ipv6-media-fails', step: 'ice' });
    const words =
      "Over IPv6, no encrypted audio got through, while over IPv4 it did: phones and apps that prefer IPv6 would have no audio. Ask your IT administrator to allow UDP to the relay's media ports for IPv6 as well, with the same rules as for IPv4.";
    expect(r.summary).toBe(`Encrypted audio (SRTP) made the round trip: UDP/IPv4. ${words}`);
    expect(r.data.otherFamily).toMatchObject({
      family: 'IPv6',
      outcome: 'fails',
      reason: 'ice-failed',
      step: 'ice',
    });
    expect(
      renderMessage(r.summaryMessage as NonNullable<CheckResult['summaryMessage']>, LANGUAGES.de),
    ).toContain(
      'Über IPv6 kam kein verschlüsseltes Audio durch, über IPv4 schon: Telefone und Apps, die IPv6 bevorzugen, hätten keinen Ton.',
    );
  });

  it('the same the other way round: IPv6 carried audio, IPv4 none (DTLS or no echo count too)', () => {
    for (const [reason, step] of [
      ['dtls-failed', 'dtls'],
      ['no-media-returned', 'media'],
      ['media-timeout', 'media'],
    ] as const) {
      const r = withOtherFamily(passed('IPv6'), 'IPv4', failedAt(reason, step, 'Nothing.'));
      expect(r).toMatchObject({ status: 'warn', reason: 'ipv4-media-fails', step });
      expect(r.summary).toContain('phones and apps that prefer IPv4 would have no audio');
    }
  });

  it('a busy or vanished relay in the second sample is "not measured", never a warning', () => {
    const busy = failedAt('relay-busy', 'wss', 'The relay at relay.example:8443 is busy.');
    const r = withOtherFamily(passed('IPv4'), 'IPv6', busy);
    expect(r).toMatchObject({ status: 'pass', reason: 'ok' });
    expect(r.summary).toMatch(/ Media over IPv6 not measured: The relay at relay\.example:8443 is busy\.$/);
    expect(r.data.otherFamily).toMatchObject({ outcome: 'not-measured', reason: 'relay-busy' });
  });

  it('no address of the other family: "not tested", no warning', () => {
    const r = withOtherFamily(passed('IPv4'), 'IPv6', null);
    expect(r).toMatchObject({ status: 'pass', reason: 'ok' });
    expect(r.summary).toMatch(
      / Media over IPv6 not tested: this computer offered no IPv6 address of its own\.$/,
    );
    expect(r.data.otherFamily).toMatchObject({ outcome: 'no-path', media: null });
  });

  it('a first sample that already warned keeps its own reason; the sentence is added', () => {
    const tcp = { ...passed('IPv4'), status: 'warn' as const, reason: 'tcp-fallback' };
    const r = withOtherFamily(tcp, 'IPv6', failedAt('ice-failed', 'ice', 'No path.'));
    expect(r).toMatchObject({ status: 'warn', reason: 'tcp-fallback' });
    expect(r.summary).toContain('Over IPv6, no encrypted audio got through');
  });
});
