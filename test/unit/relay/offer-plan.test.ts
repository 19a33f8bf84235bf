/** What the relay answers to an offer, decided from its text: codec, DTLS role, or why it cannot. */
import { describe, expect, it } from 'vitest';
import { planOffer } from '../../../src/relay/core/offer-plan.ts';
import { craftedOffer } from '../../helpers/crafted-sdp.ts';

describe('planOffer', () => {
  it.each([
    ['Opus', [[111, 'opus/48000/2']], { name: 'opus', clockRate: 48_000, channels: 2, payloadType: 111 }],
    ['PCMA alone (static type, no rtpmap)', [[8, null]], { name: 'PCMA', clockRate: 8000, payloadType: 8 }],
    ['G.722 alone', [[9, 'G722/8000']], { name: 'G722', clockRate: 8000, payloadType: 9 }],
    ['PCMU alone', [[0, 'PCMU/8000']], { name: 'PCMU', payloadType: 0 }],
    ['PCMA on a dynamic type', [[101, 'PCMA/8000']], { name: 'PCMA', payloadType: 101 }],
    [
      'the first the offer prefers, skipping what the relay cannot name',
      [
        [97, 'iLBC/8000'],
        [9, 'G722/8000'],
        [8, 'PCMA/8000'],
        [101, 'telephone-event/8000'],
      ],
      { name: 'G722', payloadType: 9 },
    ],
  ] as const)('answers %s', (_name, audio, expected) => {
    const result = planOffer(craftedOffer({ audio: audio as unknown as Array<[number, string | null]> }));
    expect(result).toMatchObject({ ok: true, plan: { audio: expected } });
  });

  it.each([
    ['actpass', 'server'],
    ['active', 'server'],
    ['passive', 'client'],
    [null, 'server'],
  ] as const)('takes the DTLS role RFC 5763/8842 give an offer with a=setup:%s (%s)', (setup, role) => {
    expect(planOffer(craftedOffer({ setup }))).toMatchObject({ ok: true, plan: { dtlsRole: role } });
  });

  it('answers a data channel alone, with no audio codec', () => {
    expect(planOffer(craftedOffer({ audio: null, dataChannel: true }))).toEqual({
      ok: true,
      plan: { audio: null, dtlsRole: 'server' },
    });
  });

  it.each([
    [
      'no codec it echoes',
      { audio: [[97, 'iLBC/8000']] },
      'no audio codec the relay echoes in the offer (offered: iLBC); it echoes Opus, PCMU (G.711 µ-law), PCMA (G.711 A-law) and G.722',
    ],
    [
      'plain RTP',
      { audioProto: 'RTP/AVP' },
      "the offer's audio is RTP/AVP; the relay speaks DTLS-SRTP (UDP/TLS/RTP/SAVPF) only",
    ],
    ['no fingerprint', { fingerprint: false }, 'the offer has no a=fingerprint: DTLS-SRTP needs one'],
    [
      'holdconn',
      { setup: 'holdconn' },
      'the offer says a=setup:holdconn: there is no DTLS connection to answer',
    ],
    [
      'nothing to echo',
      { audio: null },
      'the offer has no audio and no data channel section: nothing to echo',
    ],
  ] as const)('refuses an offer with %s, saying why', (_name, o, reason) => {
    expect(planOffer(craftedOffer(o as Parameters<typeof craftedOffer>[0]))).toEqual({ ok: false, reason });
  });

  it('refuses an offer without ICE credentials', () => {
    const sdp = craftedOffer().replace(/^a=ice-(ufrag|pwd):.*\r\n/gm, '');
    expect(planOffer(sdp)).toEqual({
      ok: false,
      reason: 'the offer has no ICE credentials (a=ice-ufrag, a=ice-pwd)',
    });
  });
});
