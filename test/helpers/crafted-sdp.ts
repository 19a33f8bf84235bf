/**
 * Offers written by hand, as a SIP gateway or a desk phone's WebRTC stack might send them: the relay's
 * signaling takes any SDP, and these say exactly what the tests vary (codecs, a=setup, sections).
 */
export interface CraftedOffer {
  /** The audio section's formats: [payload type, a=rtpmap value or null for a static type without one]. */
  audio?: Array<[number, string | null]> | null;
  dataChannel?: boolean;
  setup?: 'actpass' | 'active' | 'passive' | 'holdconn' | null;
  fingerprint?: boolean;
  audioProto?: string;
}

const FINGERPRINT =
  'sha-256 65:11:3E:DF:29:1D:99:D4:CD:1C:79:51:39:35:5D:44:75:EA:87:2D:4E:35:D3:3E:8F:51:58:EF:D8:5B:8F:66';

export function craftedOffer(o: CraftedOffer = {}): string {
  const audio = o.audio === undefined ? [[111, 'opus/48000/2'] as [number, string]] : o.audio;
  const setup = o.setup === undefined ? 'actpass' : o.setup;
  const common = [
    ...(setup ? [`a=setup:${setup}`] : []),
    'a=ice-ufrag:Ab12',
    'a=ice-pwd:Cd34Ef56Gh78Ij90Kl12Mn34',
    ...(o.fingerprint === false ? [] : [`a=fingerprint:${FINGERPRINT}`]),
  ];
  const lines = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 't=0 0'];
  const mids: string[] = [];
  if (audio) mids.push('0');
  if (o.dataChannel) mids.push('1');
  lines.push(`a=group:BUNDLE ${mids.join(' ')}`);
  if (audio) {
    lines.push(
      `m=audio 9 ${o.audioProto ?? 'UDP/TLS/RTP/SAVPF'} ${audio.map(([pt]) => pt).join(' ')}`,
      'c=IN IP4 0.0.0.0',
      'a=mid:0',
      'a=sendrecv',
      'a=rtcp-mux',
      ...common,
      ...audio.flatMap(([pt, map]) => (map ? [`a=rtpmap:${pt} ${map}`] : [])),
    );
  }
  if (o.dataChannel) {
    lines.push(
      'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
      'c=IN IP4 0.0.0.0',
      'a=mid:1',
      'a=sctp-port:5000',
      ...common,
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
