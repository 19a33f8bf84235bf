/**
 * The Secure Voice media check: a real DTLS-SRTP audio loopback through the relay. The browser sends a tone,
 * the relay echoes the RTP back, and the browser measures what came back. Every stage has its own time limit
 * and a failure names the stage: signaling, ICE, DTLS, or media.
 */

import { msg } from '../../messages/catalog.ts';
import type { Message } from '../../messages/message.ts';
import { english } from '../../messages/render.ts';
import { DEFAULT_PROFILE_ID, type ProfileId } from '../../profiles/index.ts';
import {
  type DtlsSeen,
  MEDIA_DURATION_MS,
  type MediaCounts,
  type MediaMode,
  type StandIn,
} from '../../protocol/relay-messages.ts';
import type { MediaReport } from '../../protocol/report.ts';
import { wssUrlFor } from '../../protocol/settings.ts';
import { type AddressFamily, addressFamily } from '../address-family.ts';
import type { CheckContext } from '../context.ts';
import type { CheckResult } from '../types.ts';
import { LATE, within } from '../within.ts';
import { summaryOf, titleOf } from '../words.ts';
import { openSocket } from '../ws-session.ts';
import { directionalLoss } from './directional-loss.ts';
import { dtlsTimedOut } from './dtls-stall.ts';
import { keepsCandidate, sdpCandidates, sdpForFamily, udpFamilies } from './family-candidates.ts';
import { findGaps } from './gaps.ts';
import { type EchoCounters, lossPerSecondByDirection } from './loss-per-second.ts';
import type { MediaContext, MediaSample } from './media-context.ts';
import {
  browserStatsLate,
  type MediaFailure,
  type MediaStage,
  mediaStalled,
  relayGone,
  stageFailure,
} from './media-failure.ts';
import { type MediaMetrics, mediaResult } from './media-result.ts';
import {
  allProbesEchoed,
  lossResolved,
  MIN_MEDIA_MS,
  RESOLUTION_CHECK_MS,
  roundTripSoFar,
} from './media-window.ts';
import { otherFamilyPlan, withOtherFamily } from './other-family.ts';
import { PROBE_INTERVAL_MS, type ProbeSample, summarizeProbes } from './probe-stats.ts';
import { lossPercent, type MediaStatsSummary, reduceStats } from './reduce-stats.ts';
import { pumpSignaling } from './signaling-client.ts';
import { DEFAULT_LIMITS, type QualityLimits } from './thresholds.ts';

export const SECURE_MEDIA = { id: 'secure-media', ...titleOf(msg('title_secure_media')) };

export const MEDIA_TIMEOUTS = {
  signalingMs: 5000,
  iceMs: 8000,
  /**
   * DTLS on a lossy path: a lost flight is sent again only when its retransmission timer runs out, and the
   * timer doubles each time (RFC 6347 §4.2.4), so one flight lost twice costs seconds. Within the relay's
   * own setup limit (10 s from the offer by default).
   */
  dtlsMs: 8000,
  firstEchoMs: 3000,
  /**
   * More time for the first echo when the relay says it does receive the audio: the path works, and on a
   * lossy one the setup just took longer (a retransmitted DTLS flight, the first packets lost).
   */
  firstEchoFlowingMs: 5000,
  /** How long the relay may take to say what it received. */
  countsMs: 2000,
  /** How long the browser may take to give the call's statistics (it answers in milliseconds when well). */
  statsMs: 2000,
} as const;

/** No echoed audio for this long in the middle of a run ends it: the media path is gone, not slow. */
export const MEDIA_STALL_MS = 8000;

/**
 * How long media flows and which limits rate it (settings and policy can change both), and the port profile
 * the check is for: the relay answers from that profile's media range, and the report says which of the
 * profile's media rows the port stands in for.
 */
export interface MediaOptions {
  durationMs: number;
  limits: QualityLimits;
  profile: ProfileId;
  /**
   * Also sample the IP version the audio did not take, where the relay offers both (the run's own media
   * check; not the other relays' quick samples, nor the web check).
   */
  bothFamilies?: boolean;
}

export function defaultMediaOptions(mode: MediaMode): MediaOptions {
  return { durationMs: MEDIA_DURATION_MS[mode], limits: DEFAULT_LIMITS, profile: DEFAULT_PROFILE_ID };
}

/** Worst case for the whole check, used as the runner's limit for it (with the second family's sample). */
export function mediaCheckLimitMs(durationMs: number, bothFamilies = false): number {
  const t = MEDIA_TIMEOUTS;
  const setup = t.signalingMs + t.iceMs + t.dtlsMs + t.firstEchoMs + t.firstEchoFlowingMs;
  const one = (ms: number) => setup + 2 * t.countsMs + ms + 5000;
  return one(durationMs) + (bothFamilies ? one(MEDIA_DURATION_MS.quick) : 0);
}

class StageError extends Error {
  readonly failure: MediaFailure;
  constructor(failure: MediaFailure) {
    super(english(failure.message));
    this.failure = failure;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How long the last probes' echoes may take after the media window; later ones count as lost. */
const LATE_ECHO_MS = 500;
const LATE_ECHO_POLL_MS = 10;

type SampleContext = MediaContext & Pick<CheckContext, 'now'>;

/** How the relay ended the session: its reason or error code ('closed' when the socket closed). */
interface Gone {
  why: string;
  retryAfterS?: number;
  errorCode?: boolean;
}

/**
 * The media check: one sample with every candidate the relay offers; then, with `bothFamilies`, a short
 * second one over the IP version the audio did not take, where the relay offers both (other-family.ts).
 */
export async function checkSecureMedia(
  relayUrl: string,
  mode: MediaMode,
  ctx: SampleContext,
  options: MediaOptions = defaultMediaOptions(mode),
): Promise<CheckResult> {
  const seen: SampleEvidence = { relayCandidates: [], localFamilies: new Set() };
  const first = await mediaSample(relayUrl, mode, ctx, options, null, seen);
  if (!options.bothFamilies) return first;
  const plan = otherFamilyPlan(first, {
    carried: ((first.data.media ?? null) as MediaReport | null)?.addressFamily ?? null,
    relayFamilies: udpFamilies(seen.relayCandidates),
    localFamilies: [...seen.localFamilies],
  });
  if (!plan) return first;
  if (!plan.sample) return withOtherFamily(first, plan.family, null);
  // Quick and adaptive whatever the first sample's mode: a second or two says whether audio crosses.
  const { onFirstEcho: _once, ...quiet } = ctx;
  const quick = { ...options, durationMs: MEDIA_DURATION_MS.quick };
  const second = await mediaSample(relayUrl, 'quick', quiet, quick, plan.family, {
    relayCandidates: [],
    localFamilies: new Set(),
  });
  return withOtherFamily(first, plan.family, second);
}

/** What a sample saw of the two IP versions: the relay's candidates, this computer's own addresses. */
interface SampleEvidence {
  relayCandidates: string[];
  localFamilies: Set<AddressFamily>;
}

/** A host candidate's address as evidence of this computer's IP versions: not link-local, not an mDNS name. */
function ownFamily(candidate: RTCIceCandidate | null): AddressFamily | null {
  if (candidate?.type !== 'host' || !candidate.address || /^fe[89ab]/i.test(candidate.address)) return null;
  return addressFamily(candidate.address);
}

/**
 * One media sample: every candidate of the relay's, or (`only`) its UDP candidates of one IP version, so
 * the browser can pair nothing else.
 */
async function mediaSample(
  relayUrl: string,
  mode: MediaMode,
  ctx: SampleContext,
  options: MediaOptions,
  only: AddressFamily | null,
  seen: SampleEvidence,
): Promise<CheckResult> {
  const host = new URL(relayUrl).host;
  const started = ctx.now();
  const since = () => Math.round(ctx.now() - started);
  const timings: Record<string, number | null> = {
    signalingMs: null,
    iceConnectedMs: null,
    dtlsConnectedMs: null,
    firstEchoMs: null,
  };
  let stage: MediaStage = 'signaling';
  /** What the relay's DTLS saw, when the handshake ran out of time and the relay said (support reads it). */
  let relayDtls: DtlsSeen | null = null;
  let gone: Gone | null = null;
  const cleanups: Array<() => void> = [];
  /** Closes what is open, once; at the end, or as soon as the run stops waiting for this check. */
  const release = () => {
    for (const c of cleanups.splice(0).reverse()) {
      try {
        c();
      } catch {
        // already closed
      }
    }
  };
  const stopped = () => ctx.signal?.aborted === true;
  ctx.signal?.addEventListener('abort', release, { once: true });
  /** Nobody waits for the result any more: end here (the session is closed already). */
  const endIfStopped = () => {
    if (stopped()) throw ctx.signal?.reason ?? new Error('the check was stopped');
  };

  /** Waits for a condition, failing the current stage on timeout or when the relay goes away. */
  async function until(
    cond: () => boolean | Promise<boolean>,
    limitMs: number,
    what: Message,
  ): Promise<void> {
    const deadline = ctx.now() + limitMs;
    for (;;) {
      endIfStopped();
      if (gone) throw new StageError(relayGone(host, stage, gone));
      if (await cond()) return;
      if (ctx.now() > deadline)
        throw new StageError(stageFailure(stage, host, msg('why_within', what, limitMs / 1000)));
      await sleep(25);
    }
  }

  try {
    const opened = await openSocket(ctx, wssUrlFor(relayUrl), MEDIA_TIMEOUTS.signalingMs);
    if (!opened.ok) {
      throw new StageError(
        stageFailure('signaling', host, msg(opened.timedOut ? 'why_wss_timed_out' : 'why_wss_refused')),
      );
    }
    const ws = opened.session;
    cleanups.push(() => {
      ws.send(JSON.stringify({ type: 'bye' }));
      ws.close();
    });
    endIfStopped();

    // One transport for audio and the data channel, RTCP on it too: unbundled, Firefox gathers candidates
    // per m-section and per component (four times as many), past what the relay accepts in one session.
    const pc = new ctx.RTCPeerConnection({
      iceServers: [],
      bundlePolicy: 'max-bundle',
      rtcpMuxPolicy: 'require',
    });
    cleanups.push(() => pc.close());
    const tone = await ctx.createTone();
    cleanups.push(() => tone.stop());
    pc.addTransceiver(tone.track, { direction: 'sendrecv' });
    const probe = pc.createDataChannel('probe', { ordered: false, maxRetransmits: 0 });

    let answer: string | null = null;
    let standsFor: StandIn | null = null;
    let relayCounts: MediaCounts | null = null;
    let countsAt = 0;
    /**
     * What the relay received so far, or null when it does not say in time (an older relay); with perSecond,
     * also second by second, asked for only once the plain counts are in (an older relay refuses the field);
     * with dtls, what its DTLS saw, asked for only once the check failed at DTLS (the same).
     */
    const askCounts = async (also: { perSecond?: true; dtls?: true } = {}): Promise<MediaCounts | null> => {
      relayCounts = null;
      ws.send(JSON.stringify({ type: 'media-counts', ...also }));
      const deadline = ctx.now() + MEDIA_TIMEOUTS.countsMs;
      // Until it answers or something new ends the session (a relay that ended it may still answer).
      const goneBefore = gone;
      while (relayCounts === null && gone === goneBefore && ctx.now() < deadline) await sleep(25);
      return relayCounts;
    };
    const pendingCandidates: RTCIceCandidateInit[] = [];
    let remoteSet = false;
    void pumpSignaling(ws, {
      onAnswer: (sdp, portStandsFor) => {
        seen.relayCandidates.push(...sdpCandidates(sdp));
        answer = sdpForFamily(sdp, only);
        standsFor = portStandsFor;
      },
      onCandidate: (c) => {
        if (!c) return;
        seen.relayCandidates.push(c.candidate);
        if (!keepsCandidate(c.candidate, only)) return;
        if (remoteSet) void pc.addIceCandidate(c).catch(() => undefined);
        else pendingCandidates.push(c);
      },
      onCounts: (counts) => {
        relayCounts = counts;
        countsAt = ctx.now();
      },
      onGone: (why, err) => {
        gone = { why, retryAfterS: err?.retryAfterS, errorCode: err !== undefined };
      },
    });
    pc.onicecandidate = (e) => {
      const own = ownFamily(e.candidate);
      if (own) seen.localFamilies.add(own);
      ws.send(JSON.stringify({ type: 'candidate', candidate: e.candidate ? e.candidate.toJSON() : null }));
    };

    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    const durationS = Math.round(options.durationMs / 1000);
    const sdp = pc.localDescription?.sdp ?? offer.sdp;
    ws.send(JSON.stringify({ type: 'offer', sdp, mode, durationS, profile: options.profile }));
    await until(() => answer !== null, MEDIA_TIMEOUTS.signalingMs, msg('why_no_answer'));
    await pc.setRemoteDescription({ type: 'answer', sdp: answer as unknown as string });
    remoteSet = true;
    for (const c of pendingCandidates.splice(0)) await pc.addIceCandidate(c).catch(() => undefined);
    timings.signalingMs = since();

    stage = 'ice';
    await until(
      () => pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed',
      MEDIA_TIMEOUTS.iceMs,
      msg('why_ice_state', pc.iceConnectionState),
    );
    timings.iceConnectedMs = since();

    stage = 'dtls';
    const dtlsWhat = msg('why_dtls_state', pc.connectionState);
    const dtlsStarted = ctx.now();
    try {
      await until(() => pc.connectionState === 'connected', MEDIA_TIMEOUTS.dtlsMs, dtlsWhat);
    } catch (err) {
      // Out of time, ours or the relay's (its setup limit runs from the offer, and it keeps the socket open):
      // whether the relay's answers reached this computer decides what the user is told.
      const ended = gone as Gone | null;
      const relayGaveUp = ended?.why === 'setup-timeout' && !ended.errorCode;
      if (!(err instanceof StageError) || (ended && !relayGaveUp)) throw err;
      // The relay's limit runs from the offer: after a slow ICE it may end DTLS a moment in, which says
      // nothing about DTLS on this path; only a handshake that had most of its time is judged by its words.
      if (relayGaveUp && ctx.now() - dtlsStarted < MEDIA_TIMEOUTS.dtlsMs / 2) throw err;
      relayDtls = (await askCounts({ dtls: true }))?.dtls ?? null;
      const why = relayGaveUp
        ? msg('why_relay_setup_timeout')
        : msg('why_within', dtlsWhat, MEDIA_TIMEOUTS.dtlsMs / 1000);
      throw new StageError(dtlsTimedOut(host, why, relayDtls));
    }
    timings.dtlsConnectedMs = since();

    stage = 'media';
    /**
     * The browser's statistics of the call. One that does not answer in time ends the check, naming the
     * browser rather than the network: repeating old figures would read as audio that stopped coming back.
     * Only the read after the window may fall back on the newest figures (at most a second old), since the
     * window's own reads already measured it; `timings.statsLate` counts that.
     */
    let newest: MediaStatsSummary | null = null;
    let windowMeasured = false;
    const stats = async () => {
      const report = await within(pc.getStats(), MEDIA_TIMEOUTS.statsMs);
      if (report === LATE) {
        timings.statsLate = (timings.statsLate ?? 0) + 1;
        if (windowMeasured && newest) return newest;
        throw new StageError(browserStatsLate(MEDIA_TIMEOUTS.statsMs / 1000));
      }
      newest = reduceStats([...report.values()] as Array<Record<string, unknown>>);
      return newest;
    };
    /** The stats, keeping the browser's counters of the echoed audio (loss-per-second.ts). */
    const echoes: EchoCounters[] = [];
    const countedStats = async () => {
      const s = await stats();
      echoes.push({ at: ctx.now(), received: s.packetsReceived, lost: s.packetsLost });
      return s;
    };
    await waitForFirstEcho(stats, askCounts, until);
    timings.firstEchoMs = since();
    ctx.onFirstEcho?.(timings.firstEchoMs);

    const extended = mode === 'extended';
    if (extended) await countedStats();
    const mediaStart = ctx.now();
    const probes = await runMedia(
      probe,
      options.durationMs,
      !extended,
      ctx,
      extended ? countedStats : stats,
      () => gone ?? stopped(),
    );
    endIfStopped();
    if (gone) throw new StageError(relayGone(host, stage, gone));
    if (probes.stalled) {
      const failure = mediaStalled(host, MEDIA_STALL_MS / 1000);
      return {
        ...SECURE_MEDIA,
        status: 'fail',
        reason: failure.reason,
        step: failure.step,
        ...summaryOf(failure.message),
        durationMs: since(),
        data: { stage, timings, media: null, samples: probes.perSecond, gaps: findGaps(probes.perSecond) },
      };
    }
    // The probes have stopped and their last echoes are in: what the relay received is now final for them.
    const counts = await askCounts();
    windowMeasured = true;
    const final = await (extended ? countedStats : stats)();
    const seconds = extended && counts ? await askCounts({ perSecond: true }) : null;
    const lossPerSecond = seconds?.perSecond
      ? lossPerSecondByDirection({ relay: seconds.perSecond, answeredAt: countsAt, echoes, mediaStart })
      : undefined;
    const metrics: MediaMetrics = {
      stats: final,
      lossPercent: lossPercent(final),
      loss: directionalLoss({
        echoedAudio: { received: final.packetsReceived, lost: final.packetsLost },
        probes: {
          sent: probes.samples.length,
          echoed: probes.samples.filter((p) => p.rttMs !== null).length,
        },
        relay: counts,
      }),
      probes: summarizeProbes(probes.samples),
      samples: probes.perSecond,
      lossPerSecond,
      timings,
      toneState: tone.state(),
      mode,
      profile: options.profile,
      standsFor,
    };
    return mediaResult(SECURE_MEDIA, metrics, since(), options.limits);
  } catch (err) {
    if (!(err instanceof StageError)) throw err;
    return {
      ...SECURE_MEDIA,
      status: err.failure.status ?? 'fail',
      reason: err.failure.reason,
      step: err.failure.step,
      ...summaryOf(err.failure.message),
      durationMs: since(),
      data: { stage, timings, media: null, ...(relayDtls ? { relayDtls } : {}) },
    };
  } finally {
    ctx.signal?.removeEventListener('abort', release);
    release();
  }
}

/**
 * The first echoed audio. On a lossy path the setup can take longer than the usual window; when nothing
 * came back in it, the relay is asked whether it receives the audio: if it does, packets flow and the echo
 * gets more time (a slow, lossy path is measured, not called blocked); if it does not, nothing gets through.
 */
async function waitForFirstEcho(
  stats: () => Promise<ReturnType<typeof reduceStats>>,
  askCounts: () => Promise<MediaCounts | null>,
  until: (cond: () => Promise<boolean>, limitMs: number, what: Message) => Promise<void>,
): Promise<void> {
  const echoed = async () => (await stats()).packetsReceived > 0;
  try {
    await until(echoed, MEDIA_TIMEOUTS.firstEchoMs, msg('why_nothing_echoed'));
    return;
  } catch (err) {
    // Only "nothing came back in time" is worth asking the relay about (not a relay gone, nor a browser
    // that stopped giving its statistics).
    if (!(err instanceof StageError) || err.failure.reason !== 'no-media-returned') throw err;
    const counts = await askCounts();
    if (!counts || counts.rtp.received === 0) throw err;
  }
  await until(echoed, MEDIA_TIMEOUTS.firstEchoFlowingMs, msg('why_nothing_echoed_relay_receives'));
}

/**
 * Media phase: probes on the data channel every 20 ms, a stats sample every second. Runs the whole duration,
 * or (adaptive, the quick check) until loss is resolved to LOSS_RESOLUTION_POINTS (media-window.ts).
 */
async function runMedia(
  channel: RTCDataChannel,
  durationMs: number,
  adaptive: boolean,
  ctx: MediaContext & Pick<CheckContext, 'now'>,
  stats: () => Promise<ReturnType<typeof reduceStats>>,
  gone: () => unknown,
): Promise<{ samples: ProbeSample[]; perSecond: MediaSample[]; stalled: boolean }> {
  const samples: ProbeSample[] = [];
  const perSecond: MediaSample[] = [];
  channel.onmessage = (e) => {
    if (typeof e.data !== 'string') return;
    const m = /^p:(\d+)$/.exec(e.data);
    const s = m ? samples[Number(m[1])] : undefined;
    if (s && s.rttMs === null) s.rttMs = Math.round((ctx.now() - s.sentAt) * 10) / 10;
  };
  const start = ctx.now();
  let nextSample = 1000;
  let nextResolutionCheck = MIN_MEDIA_MS;
  let lastReceived = -1;
  let lastProgressAt = start;
  let stalled = false;
  while (ctx.now() - start < durationMs && !gone() && !stalled) {
    if (adaptive && ctx.now() - start >= nextResolutionCheck) {
      nextResolutionCheck = ctx.now() - start + RESOLUTION_CHECK_MS;
      const s = await stats();
      const audio = { received: s.packetsReceived, lost: s.packetsLost };
      if (lossResolved(roundTripSoFar(audio, samples, ctx.now()))) break;
    }
    if (channel.readyState === 'open') {
      samples.push({ seq: samples.length, sentAt: ctx.now(), rttMs: null });
      channel.send(`p:${samples.length - 1}`);
    }
    if (ctx.now() - start >= nextSample) {
      nextSample += 1000;
      const s = await stats();
      const sample: MediaSample = {
        t: Math.round((ctx.now() - start) / 100) / 10,
        packetsReceived: s.packetsReceived,
        packetsLost: s.packetsLost,
        jitterMs: s.jitterMs,
        rttMs: s.rttMs,
      };
      perSecond.push(sample);
      ctx.onSample?.(sample);
      if (s.packetsReceived > lastReceived) {
        lastReceived = s.packetsReceived;
        lastProgressAt = ctx.now();
      } else if (ctx.now() - lastProgressAt >= MEDIA_STALL_MS) {
        stalled = true;
      }
    }
    await sleep(PROBE_INTERVAL_MS);
  }
  // Late echoes of the last probes still count; anything after this is lost. Once every probe is back there
  // is nothing left to wait for (on a clean network, at once).
  const lateUntil = ctx.now() + Math.min(LATE_ECHO_MS, durationMs / 4);
  while (ctx.now() < lateUntil && !allProbesEchoed(samples)) await sleep(LATE_ECHO_POLL_MS);
  return { samples, perSecond, stalled };
}
