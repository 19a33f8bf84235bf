/**
 * Every message the product builds from data, with the kind of each argument: the one list the compiler
 * checks msg() calls against, and the tests check the _locales against (same keys, $1…$n for n arguments).
 * Fixed labels of the pages (buttons, headings) are in src/messages/labels.ts, checked the same way.
 *
 * Argument kinds, and how src/messages/render.ts shows them:
 * - text, host: a string as it is (a cipher, a TLS version, a host:port, the provider's wording, a code);
 * - int, number, ms, s, port: a number as the check measured it, in the language's digits ("1.4" → "1,4");
 * - fixed0, fixed1, fixed2: a number rounded to that many decimals;
 * - count: a whole number with the language's thousands separator ("10,000", "10.000"): a range's size;
 * - day: a 'YYYY-MM-DD' date, in the language's date format;
 * - phrase: a string, a number or a nested message (a value that is sometimes a word: "TLS" or "TLSv1.3");
 * - message: a nested message; sentences, list, semicolons: nested messages joined by ' ', ', ' or '; '.
 */
import type { Message, MessageArg } from './message.ts';

export type ArgKind =
  | 'text'
  | 'host'
  | 'int'
  | 'number'
  | 'ms'
  | 's'
  | 'port'
  | 'fixed0'
  | 'fixed1'
  | 'fixed2'
  | 'count'
  | 'day'
  | 'phrase'
  | 'message'
  | 'sentences'
  | 'list'
  | 'semicolons';

const NET = ['host'] as const;
const NONE = [] as const;

export const MESSAGES = {
  // Check titles (src/checks/*: RELAY_HTTPS, …; the plan's extra HTTPS targets).
  title_relay_https: NONE,
  title_relay_wss: NONE,
  title_https_target: ['host'],
  title_secure_media: NONE,
  title_port_matrix: NONE,
  title_nat_binding: NONE,

  // A failed connection, by reason (src/checks/net-error.ts).
  net_dns_failure: NET,
  net_dns_no_answer: NET,
  net_connection_refused: NET,
  net_timed_out: NET,
  net_connection_reset: NET,
  net_tls_certificate_rejected: NET,
  net_tls_handshake_failed: NET,
  net_tls_stalled: NET,
  net_blocked_by_browser: NET,
  net_blocked_by_client: NET,
  net_network_unreachable: NET,
  net_proxy_failed: NET,
  net_network_error: NET,

  // HTTPS and WSS to the relay, extra HTTPS targets.
  sum_https_bad_response: ['host', 'int'],
  sum_https_tls_too_old: ['phrase'],
  phrase_unknown_tls_version: NONE,
  sum_https_ok: ['text', 'ms'],
  sum_https_ok_family: ['text', 'text', 'ms'],
  sum_https_tls_inspected: ['host', 'message'],
  phrase_hello_no_grease: NONE,
  phrase_hello_no_record_size_limit: NONE,
  sum_wss_no_pong: ['host'],
  sum_wss_degraded: ['int', 'int', 'ms'],
  sum_wss_ok: ['ms', 'int', 'ms'],
  sum_wss_open_pinging: ['ms', 'int'],
  sum_wss_upgrade_blocked: ['host', 'int'],
  sum_wss_went_away: ['host', 'message'],
  phrase_right_after_connecting: NONE,
  phrase_while_pinging: NONE,
  sum_wss_bad_response: ['host', 'message'],
  phrase_no_hello: NONE,
  sum_target_slow: ['host', 'ms'],
  sum_target_ok: ['host', 'phrase', 'ms'],
  phrase_http_ok: NONE,

  // Any check, from the runner.
  sum_check_timed_out: ['phrase', 's'],
  sum_check_crashed: ['phrase', 'text'],

  // Secure media: the stage that failed, and why.
  sum_media_signaling_failed: ['host', 'message'],
  sum_media_ice_failed: ['host', 'message'],
  sum_media_dtls_failed: ['host', 'message'],
  sum_media_dtls_stalled: ['host', 'message'],
  sum_media_no_media: ['host', 'message'],
  why_wss_timed_out: NONE,
  why_wss_refused: NONE,
  why_within: ['message', 's'],
  why_no_answer: NONE,
  why_ice_state: ['text'],
  why_dtls_state: ['text'],
  why_nothing_echoed: NONE,
  why_nothing_echoed_relay_receives: NONE,
  why_relay_media_failed: NONE,
  why_relay_setup_timeout: NONE,
  sum_media_stats_late: ['s'],
  sum_media_went_away: ['host', 'message', 'text'],
  stage_signaling: NONE,
  stage_ice: NONE,
  stage_dtls: NONE,
  stage_media: NONE,
  sum_media_timeout: ['host', 's'],
  sum_media_busy: ['host', 's'],
  sum_media_refused: ['host', 'text'],
  sum_media_no_srtp: NONE,
  sum_media_ok: ['text', 'message'],
  sum_media_ok_tcp: ['text', 'message'],
  sum_media_quality: ['message', 'message'],
  sum_media_quality_tcp: ['message', 'message'],
  media_family_carried: ['text', 'message'],
  media_family_fails: ['text', 'text'],
  media_family_unmeasured: ['text', 'message'],
  media_family_no_path: ['text'],
  media_figures: ['phrase', 'phrase', 'phrase', 'phrase', 'phrase', 'message'],
  media_figures_oneway: ['phrase', 'phrase', 'phrase', 'fixed1', 'fixed1', 'fixed1', 'phrase', 'message'],
  media_mos: ['fixed2', 'message'],
  media_port_for_row: ['port', 'message'],
  media_port_tcp_for_row: ['port', 'message'],
  media_port_no_row: ['text', 'port', 'message'],
  quality_rtt: ['fixed0', 'number'],
  quality_loss: ['fixed1', 'number'],
  quality_loss_unresolved: ['fixed1', 'number', 'fixed1', 'fixed1'],
  quality_jitter: ['fixed0', 'number'],
  quality_mos: ['fixed2', 'fixed1'],
  mos_band_excellent: NONE,
  mos_band_good: NONE,
  mos_band_fair: NONE,
  mos_band_poor: NONE,
  mos_band_bad: NONE,
  common_unknown: NONE,

  // The port matrix.
  sum_ports_unknown_profile: ['text'],
  sum_ports_session_failed: ['host'],
  sum_ports_session_not_started: ['host'],
  sum_ports_no_probe_ports: NONE,
  sum_ports_blocked: ['semicolons'],
  sum_ports_some_blocked: ['int', 'list'],
  sum_ports_unmeasured: NONE,
  sum_ports_ipv6_udp_blocked: ['semicolons'],
  sum_ports_ipv6_udp_open: NONE,
  sum_ports_ipv6_udp_unclear: NONE,
  sum_ports_ipv6_no_path: NONE,
  sum_ports_tls_inspected: ['list', 'message'],
  sum_ports_ok: ['int', 'message'],
  sum_ports_ok_ipv4: ['int', 'message'],
  sum_ports_ok_sampled: ['int', 'message', 'semicolons'],
  ports_sampled_range: ['text', 'text', 'int', 'count'],
  profile_desk_phone: NONE,
  profile_mobile_app: NONE,
  profile_desktop_app: NONE,
  profile_meetings: NONE,
  port_rule: ['text', 'text'],
  port_rule_for: ['text', 'text', 'phrase'],
  // The media rows' purposes (src/checks/words.ts): English in the provider's words.
  media_row_desk_phone_rtp: NONE,
  media_row_desk_phone_srtp: NONE,
  media_row_mobile_app_rtp: NONE,
  media_row_mobile_app_srtp: NONE,
  media_row_desktop_app_rtp: NONE,
  media_row_desktop_app_srtp: NONE,
  media_row_meetings_rtp: NONE,

  ports_not_probed: NONE,
  ports_detail_port: ['port', 'message'],
  ports_detail_unmeasured: ['port', 'message'],
  ports_detail_sampled_open: ['int', 'count'],
  ports_detail_sampled_blocked: ['int', 'count', 'message'],
  ports_detail_sampled_partial: ['int', 'int', 'count', 'message'],
  ports_detail_more: ['message', 'int'],
  port_short_open: NONE,
  port_short_blocked: NONE,
  port_short_refused: NONE,
  port_short_browser_blocked: NONE,
  port_short_relay_unavailable: NONE,
  port_short_not_testable: NONE,
  port_short_error: NONE,
  port_short_proxy_blocked: NONE,
  port_short_via_proxy: NONE,
  ports_not_testable_sip_udp: NONE,
  ports_not_testable_ntp: NONE,
  ports_not_testable_source_port: NONE,
  // Why one port has its status (src/checks/ports/port-reason.ts); the report keeps the code beside.
  port_reason_ok: NONE,
  port_reason_relay_answered: NONE,
  port_reason_timed_out: NONE,
  port_reason_ice_failed: NONE,
  port_reason_checks_not_sent: NONE,
  port_reason_connection_refused: NONE,
  port_reason_connection_reset: NONE,
  port_reason_failed_fast: NONE,
  port_reason_proxy_failed: NONE,
  port_reason_browser_refuses: NONE,
  port_reason_relay_not_listening: NONE,
  port_reason_page_may_not_connect: NONE,
  port_reason_not_probed: NONE,
  port_reason_network_error: NONE,
  port_reason_dns_failure: NONE,
  port_reason_dns_no_answer: NONE,
  port_reason_tls_certificate_rejected: NONE,
  port_reason_tls_handshake_failed: NONE,
  port_reason_tls_stalled: NONE,
  port_reason_blocked_by_client: NONE,
  port_reason_network_unreachable: NONE,
  port_reason_probe_error: ['text', 'text'],
  port_reason_other: ['text'],
  remediation_none: NONE,
  remediation_intro: NONE,
  remediation_line: ['text', 'text', 'text'],

  // NAT (src/checks/ports/nat.ts): the summary is these sentences.
  nat_behind: NONE,
  nat_none: NONE,
  nat_symmetric: NONE,
  nat_endpoint_independent: NONE,
  nat_paths_differ: NONE,
  nat_path_changed: ['message'],
  phrase_path_web: NONE,
  phrase_path_udp: NONE,
  phrase_path_both: NONE,
  nat_unknown: NONE,

  // A proxy on the browser's path (src/checks/ports/proxy-path.ts, src/checks/verdict.ts).
  proxy_named: ['host'],
  proxy_unnamed: NONE,
  proxy_ports_via: ['text'],
  proxy_ports_refused: ['text'],
  proxy_rows_refused: ['message'],
  proxy_rows_blocked: ['message'],
  proxy_rows_via: ['message'],
  phrase_proxy_unnamed: NONE,
  headline_proxy_blocked: ['phrase', 'sentences'],
  headline_proxy_degraded: ['phrase', 'sentences'],

  // Lists as one message (a summary made of sentences, a row's ports).
  join_sentences: ['sentences'],
  join_list: ['list'],
  join_semicolons: ['semicolons'],

  // The verdict's headline (src/checks/verdict.ts, build-report.ts).
  headline_interrupted: NONE,
  headline_blocked_check: ['phrase', 'phrase'],
  headline_could_not_finish: ['phrase'],
  headline_signaling_blocked: ['message'],
  headline_signaling_media_blocked: ['message', 'phrase'],
  headline_media_blocked: ['phrase'],
  headline_ports_blocked: ['phrase'],
  headline_blocked: ['phrase'],
  headline_degraded: ['phrase', 'phrase'],
  headline_no_checks: NONE,
  headline_ready_relay: NONE,
  headline_ready_media: NONE,
  headline_ready_ports: NONE,
  headline_ready_all: NONE,

  // The security checklist's evidence (src/checklist/evaluate.ts).
  checklist_detail_srtp_ok: ['text'],
  checklist_detail_srtp_missing: NONE,
  checklist_detail_https_ok: ['text'],
  checklist_detail_https_missing: NONE,
  checklist_detail_udp_tls_ok: NONE,
  checklist_detail_tls_failed: NONE,
  checklist_detail_udp_failed: NONE,
  checklist_detail_no_nat: NONE,
  checklist_detail_due: ['day', 'int'],
  checklist_detail_confirmed: ['day'],
  checklist_detail_repeat: ['int'],

  // Settings problems (src/protocol/settings.ts, src/platform/policy.ts, the options page).
  options_err_text: NONE,
  options_err_max_chars: ['int'],
  options_err_url: NONE,
  options_err_https: NONE,
  options_err_number: NONE,
  options_err_between: ['number', 'number'],
  options_err_whole_between: ['int', 'int'],
  options_err_url_list: NONE,
  options_err_max_urls: ['int'],
  options_err_one_of: ['text'],
  options_err_bool: NONE,
  options_err_item_id: NONE,
  options_err_max_items: ['int'],
  options_err_not_setting: NONE,
  options_err_object: NONE,
  options_err_other: ['text'],
  options_problem_at: ['phrase', 'message'],
  options_item: ['int'],
  options_line_problem: ['int', 'message'],

  // The relay's web check (web/web-check.ts): what a web page cannot check.
  web_left_out_reasons: NONE,
  web_left_out_hosts: NONE,
  web_left_out_extras: NONE,
  headline_web_ready: ['phrase'],

  // NAT binding lifetime (src/checks/nat-binding/): how long an idle UDP mapping lives.
  binding_range_between: ['s', 's'],
  binding_range_below: ['s'],
  binding_basis_provider: NONE,
  binding_basis_rfc4787: NONE,
  sum_binding_short: ['message', 'text', 's', 'message'],
  sum_binding_ok: ['s', 's', 'message'],
  sum_binding_not_long_enough: ['s', 's', 'message'],
  sum_binding_no_mapping: ['port'],
  sum_binding_not_measured: NONE,
  sum_binding_browser_stops: ['s'],
  sum_binding_unavailable: ['host', 'text'],

  // Relays (regions) compared (src/checks/regions/).
  title_relay_comparison: NONE,
  options_err_relay_list: NONE,
  options_err_max_relays: ['int'],
  sum_regions_recommend: ['text', 'message'],
  regions_why_mos: ['fixed1', 'text', 'fixed1'],
  regions_why_loss: ['fixed1', 'text', 'fixed1', 'fixed1'],
  regions_why_rtt: ['fixed1', 'text', 'ms', 'ms'],
  regions_why_jitter: ['fixed1', 'text', 'fixed1', 'fixed1'],
  // Kept for reports in the history from before resolution.ts; new runs say sum_regions_alike_*.
  regions_why_same_configured: ['fixed1', 'text'],
  regions_why_same_listed: ['fixed1', 'text'],
  sum_regions_alike_configured: ['text', 'text', 'fixed1'],
  sum_regions_alike_listed: ['text', 'text', 'fixed1'],
  regions_why_only: NONE,
  sum_regions_none: ['int'],
  regions_not_measured: ['text', 'message'],
  regions_broke_off: NONE,
  sum_regions_with_unmeasured: ['message', 'sentences'],

  // The headset check (src/device/): the microphone's level, or why it could not be recorded.
  device_level_ok: ['fixed0'],
  device_level_quiet: ['fixed0'],
  device_level_silent: NONE,
  device_level_clipping: ['int'],
  device_level_unmeasured: NONE,
  device_err_denied: NONE,
  device_err_no_device: NONE,
  device_err_busy: NONE,
  device_err_timeout: ['s'],
  device_err_unsupported: NONE,
  device_err_recording: ['text'],
  device_err_other: ['text'],
} as const satisfies Record<string, readonly ArgKind[]>;

type Catalog = typeof MESSAGES;

/** A key of a message built from data; the compiler rejects any other. */
export type MessageKey = keyof Catalog;

type ValueOf<K> = K extends 'text' | 'host' | 'day'
  ? string
  : K extends 'message'
    ? Message
    : K extends 'phrase'
      ? string | number | Message
      : K extends 'sentences' | 'list' | 'semicolons'
        ? Message[]
        : number;

/** A message without arguments (a word such as "unknown", a profile's name): the pages may show it as a label. */
export type PlainMessageKey = { [K in MessageKey]: Catalog[K]['length'] extends 0 ? K : never }[MessageKey];

/** The arguments of `key`, in order, typed by their kinds. */
export type ArgsOf<K extends MessageKey> = ValuesOf<Catalog[K]>;
type ValuesOf<T extends readonly ArgKind[]> = { -readonly [I in keyof T]: ValueOf<T[I]> };

/** A message with its arguments, checked against MESSAGES at compile time. */
export function msg<K extends MessageKey>(key: K, ...args: ArgsOf<K>): Message {
  return { key, args: args as MessageArg[] };
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(MESSAGES, key);
}
