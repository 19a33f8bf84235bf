import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { directionalLoss } from '../../../src/checks/media/directional-loss.ts';
import { type MediaMetrics, mediaResult } from '../../../src/checks/media/media-result.ts';
import { summarizeProbes } from '../../../src/checks/media/probe-stats.ts';
import { lossPercent, type MediaStatsSummary } from '../../../src/checks/media/reduce-stats.ts';
import { mediaRowPurpose } from '../../../src/checks/words.ts';
import { LANGUAGES } from '../../../src/messages/languages.ts';
import { renderMessage } from '../../../src/messages/render.ts';
import { PROFILES } from '../../../src/profiles/index.ts';
import type { MediaReport } from '../../../src/protocol/report.ts';

const fixture = (name: string): MediaStatsSummary =>
  JSON.parse(readFileSync(new URL(`../../fixtures/stats/${name}.expected.json`, import.meta.url), 'utf8'));

const base = { id: 'secure-media', title: 'Secure media' };

function metrics(stats: MediaStatsSummary, over: Partial<MediaMetrics> = {}): MediaMetrics {
  return {
    stats,
    lossPercent: lossPercent(stats),
    loss: { uplink: null, downlink: null, roundTrip: null },
    probes: summarizeProbes([]),
    samples: [],
    timings: { signalingMs: 50, iceConnectedMs: 120, dtlsConnectedMs: 180, firstEchoMs: 260 },
    toneState: 'running',
    mode: 'quick',
    profile: 'desk-phone',
    standsFor: null,
    ...over,
  };
}

/** n audio packets and n probes each way, `lost` of each lost on the way to the relay, none on the way back. */
const uplinkOnly = (n: number, lost: number) =>
  directionalLoss({
    echoedAudio: { received: n - lost, lost },
    probes: { sent: n, echoed: n - lost },
    relay: { rtp: { received: n - lost, expected: n }, probes: { received: n - lost } },
  });

describe('mediaResult', () => {
  it('passes a clean Chromium UDP loopback and reports the fields the JSON report promises', () => {
    const r = mediaResult(base, metrics(fixture('chromium-udp')), 3500);
    expect(r.status).toBe('pass');
    const media = r.data.media as Record<string, unknown>;
    expect(media).toMatchObject({
      encrypted: true,
      srtpCipher: 'SRTP_AES128_CM_HMAC_SHA1_80',
      dtlsCipher: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
      tlsVersion: 'DTLS 1.2',
      transport: 'udp',
      candidateTypes: { local: 'prflx', remote: 'host' },
      lossPercent: 0,
      packetsSent: 205,
      packetsReceived: 205,
      mosBand: 'excellent',
    });
    expect(media.rttMs).toBeCloseTo(3.4, 1);
    expect(media.mos).toBeGreaterThan(4.3);
    expect(r.summary).toContain('SRTP_AES128_CM_HMAC_SHA1_80');
  });

  it('warns when media only got through over TCP, and says UDP is blocked', () => {
    const r = mediaResult(base, metrics(fixture('chromium-tcp')), 3500);
    expect((r.data.media as Record<string, unknown>).transport).toBe('tcp');
    expect(r).toMatchObject({ status: 'warn', reason: 'tcp-fallback' });
    expect(r.summary).toMatch(/UDP .* blocked/);
  });

  it("names the relay's media port and the profile's media row it stands in for, per profile", () => {
    const udp = fixture('chromium-udp');
    const desk = mediaResult(base, metrics({ ...udp, remotePort: 41003 }), 3500);
    expect(desk.data.media).toMatchObject({
      mediaPort: 41003,
      mediaPortRange: { row: 'desk-phone-srtp', from: 40000, to: 49999 },
    });
    expect(desk.summary).toMatch(
      /\. Media went to the relay's UDP port 41003, standing in for UDP 40000-49999 \(Desk phones media Secure Voice\)\.$/,
    );
    const apps = mediaResult(base, metrics({ ...udp, remotePort: 61003 }, { profile: 'mobile-app' }), 3500);
    expect(apps.data.media).toMatchObject({
      mediaPort: 61003,
      mediaPortRange: { row: 'mobile-app-srtp', from: 60000, to: 64999 },
    });
    expect(apps.summary).toContain('standing in for UDP 60000-64999 (Mobile app media Secure Voice).');
    // The desk phones' port is none of the apps' media ports: said, not passed off as theirs.
    const elsewhere = mediaResult(
      base,
      metrics({ ...udp, remotePort: 41003 }, { profile: 'mobile-app' }),
      3500,
    );
    expect(elsewhere.data.media).toMatchObject({ mediaPort: 41003, mediaPortRange: null });
    expect(elsewhere.summary).toMatch(
      /Media went to the relay's UDP port 41003, which is none of the media ports of the Mobile app profile\.$/,
    );
  });

  it('names the range a relay on high ports said its media port stands in for, not "none of"', () => {
    // npm start's relay: media on 56000-56199, standing in for the desk phones' 40000-49999 (--media-stand-in).
    const standsFor = { from: 40000, to: 49999 };
    const udp = fixture('chromium-udp');
    const desk = mediaResult(base, metrics({ ...udp, remotePort: 56000 }, { standsFor }), 3500);
    expect(desk.data.media).toMatchObject({
      mediaPort: 56000,
      mediaPortRange: { row: 'desk-phone-srtp', from: 40000, to: 49999 },
    });
    expect(desk.summary).toMatch(
      /\. Media went to the relay's UDP port 56000, standing in for UDP 40000-49999 \(Desk phones media Secure Voice\)\.$/,
    );
    const tcp = { ...fixture('chromium-tcp'), remotePort: 56000 };
    expect(mediaResult(base, metrics(tcp, { standsFor }), 3500).summary).toContain(
      "Media went to the relay's TCP port 56000 (ICE-TCP); over UDP that port stands in for UDP 40000-49999",
    );
    // 56000 is also a number in the apps' RTP range (50000-59999): the range the relay named wins.
    const apps = mediaResult(
      base,
      metrics(
        { ...udp, remotePort: 56001 },
        { standsFor: { from: 60000, to: 64999 }, profile: 'mobile-app' },
      ),
      3500,
    );
    expect(apps.data.media).toMatchObject({
      mediaPortRange: { row: 'mobile-app-srtp', from: 60000, to: 64999 },
    });
    expect(apps.summary).toContain(
      'UDP port 56001, standing in for UDP 60000-64999 (Mobile app media Secure Voice).',
    );
    // Meetings' media is one port (8801), which the desk phones' range does not stand in for: said plainly.
    const meetings = mediaResult(
      base,
      metrics({ ...udp, remotePort: 56000 }, { standsFor, profile: 'meetings' }),
      3500,
    );
    expect(meetings.data.media).toMatchObject({ mediaPort: 56000, mediaPortRange: null });
    expect(meetings.summary).toMatch(
      /UDP port 56000, which is none of the media ports of the Meetings profile\.$/,
    );
  });

  it("names the media row in the reader's language: German words, the provider's own in English", () => {
    const r = mediaResult(base, metrics({ ...fixture('chromium-udp'), remotePort: 41003 }), 3500);
    const german = renderMessage(r.summaryMessage as NonNullable<typeof r.summaryMessage>, LANGUAGES.de);
    expect(german).toMatch(
      /Die Audiodaten liefen über den UDP-Port 41003 des Relays, stellvertretend für UDP 40000-49999 \(Medien der Tischtelefone, Secure Voice\)\.$/,
    );
    expect(r.summary).toContain('standing in for UDP 40000-49999 (Desk phones media Secure Voice).');
    // Every row a media port can stand in for (UDP, probed with ICE) has its label, in every profile.
    for (const profile of PROFILES) {
      for (const row of profile.rows.filter((x) => x.transport === 'udp' && x.probe.kind === 'udp-ice')) {
        const purpose = mediaRowPurpose(row);
        expect(typeof purpose, row.id).toBe('object');
        expect(renderMessage(purpose as Exclude<typeof purpose, string>, LANGUAGES.en), row.id).toBe(
          row.purpose,
        );
        expect(renderMessage(purpose as Exclude<typeof purpose, string>, LANGUAGES.de), row.id).toMatch(
          /^Medien /,
        );
      }
    }
  });

  it('over ICE-TCP, names the port and the UDP range it stands in for', () => {
    const r = mediaResult(base, metrics({ ...fixture('chromium-tcp'), remotePort: 41003 }), 3500);
    expect(r.summary).toMatch(
      /Media went to the relay's TCP port 41003 \(ICE-TCP\); over UDP that port stands in for UDP 40000-49999 \(Desk phones media Secure Voice\)\.$/,
    );
  });

  it('says nothing of a port the browser did not name', () => {
    const r = mediaResult(base, metrics({ ...fixture('chromium-udp'), remotePort: null }), 3500);
    expect(r.data.media).toMatchObject({ mediaPort: null, mediaPortRange: null });
    expect(r.summary).not.toContain('port');
  });

  it('fails with poor quality at 10 % loss, naming the loss', () => {
    const stats = { ...fixture('chromium-udp'), packetsReceived: 180, packetsLost: 20 };
    const r = mediaResult(base, metrics(stats), 3500);
    expect(r).toMatchObject({ status: 'fail', reason: 'poor-quality', step: 'media' });
    expect((r.data.media as Record<string, unknown>).lossPercent).toBe(10);
    expect(r.summary).toMatch(/loss/i);
  });

  it('scores the worse one-way direction: 10 % each way is 10 %, not the 19 % round trip, and labels it', () => {
    const stats = { ...fixture('chromium-udp'), packetsReceived: 810, packetsLost: 190 };
    const loss = directionalLoss({
      echoedAudio: { received: 810, lost: 190 },
      probes: { sent: 1000, echoed: 810 },
      relay: { rtp: { received: 900, expected: 1000 }, probes: { received: 900 } },
    });
    const r = mediaResult(base, metrics(stats, { loss }), 31_000);
    const media = r.data.media as MediaReport;
    expect(media.lossPercent).toBe(10);
    expect(media.loss).toMatchObject({
      uplink: { percent: 10 },
      downlink: { percent: 10 },
      roundTrip: { percent: 19 },
      scored: 'uplink',
    });
    expect(r).toMatchObject({ status: 'fail', reason: 'poor-quality' });
    expect(r.summary).toContain('loss 10.0 % up and 10.0 % down (±1.4 points)');
  });

  it('a quick check whose loss the sample cannot tell from the limit warns and says so, not fails', () => {
    // 3 % uplink measured as 5.6 % over 300 packets: its 95 % interval reaches down to about 3.5 %.
    const r = mediaResult(base, metrics(fixture('chromium-udp'), { loss: uplinkOnly(150, 8) }), 3500);
    expect((r.data.media as MediaReport).lossPercent).toBeGreaterThanOrEqual(5);
    expect(r).toMatchObject({ status: 'warn', reason: 'degraded-quality' });
    expect(r.summary).toMatch(
      /may be at or above 5 %, but this short sample only places it between [\d.]+ and [\d.]+ %/,
    );
  });

  it('an extended check’s sample resolves 7 % from the limit, and fails it', () => {
    const r = mediaResult(base, metrics(fixture('chromium-udp'), { loss: uplinkOnly(1500, 105) }), 31_000);
    expect(r).toMatchObject({ status: 'fail', reason: 'poor-quality' });
  });

  it('fails when audio flowed but no SRTP cipher was negotiated', () => {
    const r = mediaResult(base, metrics({ ...fixture('chromium-udp'), srtpCipher: null }), 3500);
    expect(r).toMatchObject({ status: 'fail', reason: 'no-srtp' });
  });

  it('falls back to the data-channel probes where RTCP gave no round trip (Firefox shape)', () => {
    const probes = summarizeProbes([
      { seq: 0, sentAt: 0, rttMs: 10 },
      { seq: 1, sentAt: 20, rttMs: 12 },
      { seq: 2, sentAt: 40, rttMs: null },
      { seq: 3, sentAt: 60, rttMs: 11 },
    ]);
    const stats = { ...fixture('firefox-udp'), rttMs: null, rttSource: null };
    const media = mediaResult(base, metrics(stats, { probes }), 3500).data.media as Record<string, unknown>;
    expect(media.rttMs).toBe(11);
    expect(media.rttSource).toBe('datachannel-probes');
  });

  it("rates the probes' median round trip, not one slow ICE check from the setup (quick check, no RTCP yet)", () => {
    const probes = summarizeProbes(
      Array.from({ length: 47 }, (_, i) => ({ seq: i, sentAt: i * 20, rttMs: 2 + (i % 3) })),
    );
    // Chromium before its first RTCP report: the candidate pair's last STUN check, slow on a busy machine.
    const stats = { ...fixture('chromium-udp'), rttMs: 160, rttSource: 'candidate-pair' as const };
    const r = mediaResult(base, metrics(stats, { probes }), 1500);
    const media = r.data.media as Record<string, unknown>;
    expect(media).toMatchObject({ rttMs: 3, rttSource: 'datachannel-probes' });
    expect(r.status).toBe('pass');
  });

  it("keeps the ICE checks' round trip where nothing else measured one", () => {
    const stats = { ...fixture('chromium-udp'), rttMs: 160, rttSource: 'candidate-pair' as const };
    const r = mediaResult(base, metrics(stats), 1500);
    expect(r.data.media).toMatchObject({ rttMs: 160, rttSource: 'candidate-pair' });
    expect(r.status).toBe('warn');
  });
});

describe('summarizeProbes', () => {
  it('computes loss, median and per-packet jitter', () => {
    const s = summarizeProbes([
      { seq: 0, sentAt: 0, rttMs: 10 },
      { seq: 1, sentAt: 20, rttMs: 14 },
      { seq: 2, sentAt: 40, rttMs: null },
      { seq: 3, sentAt: 60, rttMs: 12 },
    ]);
    // loss 1/4 = 25 %; rtts 10, 14, 12 -> median 12; jitter (|14-10| + |12-14|) / 2 = 3
    expect(s).toEqual({ sent: 4, received: 3, lossPercent: 25, rttMedianMs: 12, rttP95Ms: 14, jitterMs: 3 });
  });

  it('reports nothing measured for no probes', () => {
    expect(summarizeProbes([])).toMatchObject({ sent: 0, lossPercent: null, rttMedianMs: null });
  });
});
