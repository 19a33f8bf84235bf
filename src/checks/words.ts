/**
 * A check's words: the message, and its English rendering that the report keeps as text beside it (what the
 * command line prints and support reads). One place, so the two never disagree. Below: codes the reports
 * carry (a MOS band, a profile id, a port status) as the words that name them.
 */
import { type MessageKey, msg } from '../messages/catalog.ts';
import type { Message } from '../messages/message.ts';
import { english } from '../messages/render.ts';
import type { NotTestableReason } from '../profiles/types.ts';
import type { PortStatus } from '../protocol/report.ts';

export const summaryOf = (message: Message) => ({ summary: english(message), summaryMessage: message });

export const titleOf = (message: Message) => ({ title: english(message), titleMessage: message });

export const headlineOf = (message: Message) => ({ headline: english(message), headlineMessage: message });

const MOS_BAND: Record<string, MessageKey> = {
  excellent: 'mos_band_excellent',
  good: 'mos_band_good',
  fair: 'mos_band_fair',
  poor: 'mos_band_poor',
  bad: 'mos_band_bad',
};

/** "excellent", …; "unknown" when there is none (or a band this build does not know). */
export const mosBandMessage = (band: string | null): Message =>
  msg((band !== null && MOS_BAND[band]) || 'common_unknown');

const PROFILE: Record<string, MessageKey> = {
  'desk-phone': 'profile_desk_phone',
  'mobile-app': 'profile_mobile_app',
  'desktop-app': 'profile_desktop_app',
  meetings: 'profile_meetings',
};

const MEDIA_ROW: Record<string, MessageKey> = {
  'desk-phone-rtp': 'media_row_desk_phone_rtp',
  'desk-phone-srtp': 'media_row_desk_phone_srtp',
  'mobile-app-rtp': 'media_row_mobile_app_rtp',
  'mobile-app-srtp': 'media_row_mobile_app_srtp',
  'desktop-app-rtp': 'media_row_desktop_app_rtp',
  'desktop-app-srtp': 'media_row_desktop_app_srtp',
  'meetings-rtp': 'media_row_meetings_rtp',
};

/**
 * What a media row is for, in the reader's language (English: the provider's words); the provider's words
 * for a row this build has no label for.
 */
export function mediaRowPurpose(row: { id: string; purpose: string }): Message | string {
  const key = MEDIA_ROW[row.id];
  return key ? msg(key) : row.purpose;
}

/** A port profile's name, or null for one this build does not know. */
export function profileNameMessage(id: string): Message | null {
  const key = PROFILE[id];
  return key ? msg(key) : null;
}

const PORT_SHORT: Record<PortStatus, MessageKey> = {
  open: 'port_short_open',
  blocked: 'port_short_blocked',
  refused: 'port_short_refused',
  'browser-blocked': 'port_short_browser_blocked',
  'relay-unavailable': 'port_short_relay_unavailable',
  'not-testable': 'port_short_not_testable',
  error: 'port_short_error',
  'proxy-blocked': 'port_short_proxy_blocked',
  'via-proxy': 'port_short_via_proxy',
};

/** The short status a row's detail gives each port ("5096 open"). */
export const portShortMessage = (status: PortStatus): Message => msg(PORT_SHORT[status]);

const NOT_TESTABLE: Record<NotTestableReason, MessageKey> = {
  'sip-over-udp': 'ports_not_testable_sip_udp',
  ntp: 'ports_not_testable_ntp',
  'source-port-rule': 'ports_not_testable_source_port',
};

/** Why a row of the provider's table cannot be checked from a browser. */
export const notTestableMessage = (reason: NotTestableReason): Message => msg(NOT_TESTABLE[reason]);
