/**
 * What the relay will answer to an offer, decided from the SDP text before any port is taken: the audio
 * codec it echoes, its DTLS role, or the reason it cannot answer at all (told to the client at once,
 * instead of an answer that rejects the audio and a session that waits for its setup timeout).
 *
 * The relay echoes RTP as it came (same payload, same payload type), so it can answer any codec it can
 * name; it names the four that Secure Voice endpoints speak. It answers exactly one of them, the first the
 * offer lists (the offerer's preference): with one codec negotiated, every echoed packet carries the
 * payload type the client sent.
 *
 * The SDP is at most MAX_SDP_BYTES (checked by the schema); it is read line by line without regular
 * expressions over the whole text.
 */

/** A codec the relay can answer, as it names it in a=rtpmap. */
export interface EchoCodec {
  /** The encoding name as werift and RFC 3551 spell it. */
  name: 'opus' | 'PCMU' | 'PCMA' | 'G722';
  clockRate: number;
  channels: number;
}

/** The codecs the relay answers, with the RTP clock rate each is named with (G.722 is 8000 by RFC 3551). */
export const ECHO_CODECS: readonly EchoCodec[] = [
  { name: 'opus', clockRate: 48_000, channels: 2 },
  { name: 'PCMU', clockRate: 8000, channels: 1 },
  { name: 'PCMA', clockRate: 8000, channels: 1 },
  { name: 'G722', clockRate: 8000, channels: 1 },
];

/** RFC 3551 static payload types an offer may use without an a=rtpmap line. */
const STATIC_PAYLOAD_TYPES: Record<string, { name: string; clockRate: number }> = {
  '0': { name: 'PCMU', clockRate: 8000 },
  '8': { name: 'PCMA', clockRate: 8000 },
  '9': { name: 'G722', clockRate: 8000 },
};

/**
 * The relay's DTLS role (werift's names: client = a=setup:active, server = a=setup:passive). RFC 5763 §5
 * and RFC 8842 §5.3: an offer's `active` is answered `passive`, `passive` with `active`, and `actpass`
 * with either. The relay takes `passive` (DTLS server) whenever it may: then it sends no DTLS before the
 * client's ClientHello, and nothing large before the client has returned the cookie of a HelloVerifyRequest,
 * which proves the client's address receives what the relay sends (see media-guard.ts).
 */
export type DtlsRole = 'client' | 'server';

export interface OfferPlan {
  /** The audio codec to answer, with the offer's payload type; null for an offer with a data channel only. */
  audio: (EchoCodec & { payloadType: number }) | null;
  dtlsRole: DtlsRole;
}

export type PlanResult = { ok: true; plan: OfferPlan } | { ok: false; reason: string };

interface Section {
  kind: string;
  port: string;
  proto: string;
  formats: string[];
  rtpmap: Map<string, string>;
  setup: string | null;
}

const SUPPORTED_NAMES = 'Opus, PCMU (G.711 µ-law), PCMA (G.711 A-law) and G.722';

export function planOffer(sdp: string): PlanResult {
  const sessionAttrs = { setup: null as string | null, fingerprint: false, ufrag: false, pwd: false };
  const sections: Section[] = [];
  let current: Section | null = null;
  let sectionFingerprint = false;
  let sectionUfrag = false;
  let sectionPwd = false;
  for (const raw of sdp.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.startsWith('m=')) {
      const [kind = '', port = '', proto = '', ...formats] = line.slice(2).split(' ');
      current = { kind, port, proto, formats, rtpmap: new Map(), setup: null };
      sections.push(current);
      continue;
    }
    if (!line.startsWith('a=')) continue;
    const colon = line.indexOf(':');
    const name = colon < 0 ? line.slice(2) : line.slice(2, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).trim();
    if (name === 'setup') {
      if (current) current.setup = value;
      else sessionAttrs.setup = value;
    } else if (name === 'fingerprint') {
      if (current) sectionFingerprint = true;
      else sessionAttrs.fingerprint = true;
    } else if (name === 'ice-ufrag') {
      if (current) sectionUfrag = true;
      else sessionAttrs.ufrag = true;
    } else if (name === 'ice-pwd') {
      if (current) sectionPwd = true;
      else sessionAttrs.pwd = true;
    } else if (name === 'rtpmap' && current) {
      const space = value.indexOf(' ');
      if (space > 0) current.rtpmap.set(value.slice(0, space), value.slice(space + 1));
    }
  }

  const live = sections.filter((s) => s.port !== '0');
  const audioSection = live.find((s) => s.kind === 'audio');
  const dataSection = live.find((s) => s.kind === 'application');
  if (!audioSection && !dataSection) {
    return { ok: false, reason: 'the offer has no audio and no data channel section: nothing to echo' };
  }
  if (!(sessionAttrs.ufrag || sectionUfrag) || !(sessionAttrs.pwd || sectionPwd)) {
    return { ok: false, reason: 'the offer has no ICE credentials (a=ice-ufrag, a=ice-pwd)' };
  }
  if (!(sessionAttrs.fingerprint || sectionFingerprint)) {
    return { ok: false, reason: 'the offer has no a=fingerprint: DTLS-SRTP needs one' };
  }

  let audio: OfferPlan['audio'] = null;
  if (audioSection) {
    if (!audioSection.proto.includes('SAVP') || !audioSection.proto.includes('TLS')) {
      return {
        ok: false,
        reason: `the offer's audio is ${audioSection.proto || 'without a transport'}; the relay speaks DTLS-SRTP (UDP/TLS/RTP/SAVPF) only`,
      };
    }
    audio = chooseCodec(audioSection);
    if (!audio) {
      const offered = audioSection.formats.map((pt) => codecOf(audioSection, pt)?.name ?? pt).join(', ');
      return {
        ok: false,
        reason: `no audio codec the relay echoes in the offer (offered: ${offered || 'none'}); it echoes ${SUPPORTED_NAMES}`,
      };
    }
  }

  const setup = (audioSection ?? dataSection)?.setup ?? sessionAttrs.setup;
  if (setup === 'holdconn') {
    return { ok: false, reason: 'the offer says a=setup:holdconn: there is no DTLS connection to answer' };
  }
  if (setup !== null && setup !== 'active' && setup !== 'passive' && setup !== 'actpass') {
    return { ok: false, reason: 'the offer’s a=setup is not active, passive or actpass' };
  }
  // An offer without a=setup is treated as actpass (RFC 4145's default for it, active, gets passive too).
  return { ok: true, plan: { audio, dtlsRole: setup === 'passive' ? 'client' : 'server' } };
}

function codecOf(section: Section, pt: string): { name: string; clockRate: number; channels: number } | null {
  const map = section.rtpmap.get(pt);
  if (map === undefined) {
    const known = STATIC_PAYLOAD_TYPES[pt];
    return known ? { ...known, channels: 1 } : null;
  }
  const [name = '', clock = '', channels = '1'] = map.split('/');
  return { name, clockRate: Number(clock), channels: Number(channels) };
}

function chooseCodec(section: Section): OfferPlan['audio'] {
  for (const pt of section.formats) {
    const payloadType = Number(pt);
    if (!Number.isInteger(payloadType) || payloadType < 0 || payloadType > 127) continue;
    const offered = codecOf(section, pt);
    if (!offered) continue;
    const match = ECHO_CODECS.find(
      (c) => c.name.toLowerCase() === offered.name.toLowerCase() && c.clockRate === offered.clockRate,
    );
    if (match) return { ...match, payloadType };
  }
  return null;
}
