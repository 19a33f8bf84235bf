import type { MediaReport } from '../../src/protocol/report.ts';

/** A complete media report of a clean UDP loopback, to override field by field in tests. */
export function mediaReport(over: Partial<MediaReport> = {}): MediaReport {
  return {
    encrypted: true,
    srtpCipher: 'SRTP_AES128_CM_HMAC_SHA1_80',
    dtlsCipher: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
    tlsVersion: 'DTLS 1.2',
    dtlsRole: 'server',
    transport: 'udp',
    candidateTypes: { local: 'host', remote: 'host' },
    relayProtocol: null,
    codec: 'opus',
    rttMs: 3,
    rttSource: 'remote-inbound-rtp',
    jitterMs: 2,
    lossPercent: 0,
    mos: 4.41,
    mosBand: 'excellent',
    packetsSent: 150,
    packetsReceived: 150,
    packetsLost: 0,
    probes: { sent: 150, received: 150, lossPercent: 0, rttMedianMs: 2, rttP95Ms: 3, jitterMs: 0.3 },
    timings: { signalingMs: 40, iceConnectedMs: 90, dtlsConnectedMs: 140, firstEchoMs: 200 },
    mode: 'quick',
    toneState: 'running',
    samples: [],
    gaps: [],
    ...over,
  };
}
