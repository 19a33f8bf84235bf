/**
 * Per-port results rolled up per table row and per profile, and the remediation list an administrator can
 * paste into a change request (only the rows that failed). Pure.
 */
import { msg } from '../../messages/catalog.ts';
import type { Message } from '../../messages/message.ts';
import { english } from '../../messages/render.ts';
import { rangeSize } from '../../profiles/sample-ports.ts';
import type { PortRange, Profile, ProfileRow } from '../../profiles/types.ts';
import { notTestableMessage, portShortMessage } from '../words.ts';
import { portReasonMessage } from './port-reason.ts';
import type { PortResult, RemediationLine, RowResult, RowStatus } from './types.ts';

export function formatRanges(ranges: readonly PortRange[]): string {
  return ranges.map((r) => (r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`)).join(', ');
}

/** A port the browser's proxy refused stays in the remediation list: it is blocked on the way it took. */
export const FAILED_PORT_STATUSES = new Set(['blocked', 'refused', 'proxy-blocked']);
const UNMEASURED = new Set(['browser-blocked', 'relay-unavailable', 'error']);

function rowStatus(
  row: ProfileRow,
  ports: readonly PortResult[],
): { status: RowStatus; detail: Message; failedPorts: string; measured?: number; size?: number } {
  if (row.probe.kind === 'not-testable') {
    return { status: 'not-testable', detail: notTestableMessage(row.probe.reason), failedPorts: '' };
  }
  const mine = ports.filter((p) => p.row === row.id);
  const failed = mine.filter((p) => FAILED_PORT_STATUSES.has(p.status));
  const failedPorts = formatRanges(
    row.providerPorts.filter((r) => failed.some((p) => p.port >= r.from && p.port <= r.to)),
  );
  const coverage: Coverage = {
    measured: new Set(
      mine.filter((p) => p.status === 'open' || FAILED_PORT_STATUSES.has(p.status)).map((p) => p.port),
    ).size,
    size: row.providerPorts.reduce((n, r) => n + rangeSize(r), 0),
  };
  return { ...rowOutcome(mine, failed, coverage), failedPorts, ...coverage };
}

/** Distinct ports of a row measured in this run, and ports its ranges hold (measured < size: sampled). */
interface Coverage {
  measured: number;
  size: number;
}

/** How many ports a list names at most before "and N more". */
const LISTED = 8;

function describe(list: readonly PortResult[]): Message {
  const shown = msg(
    'join_list',
    list.slice(0, LISTED).map((p) => msg('ports_detail_port', p.port, portShortMessage(p.status))),
  );
  return list.length > LISTED ? msg('ports_detail_more', shown, list.length - LISTED) : shown;
}

function rowOutcome(
  mine: readonly PortResult[],
  failed: readonly PortResult[],
  { measured, size }: Coverage,
): { status: RowStatus; detail: Message } {
  const open = mine.filter((p) => p.status === 'open');
  // "the 32 sampled ports of 10,000": never more than was probed.
  const sampled = measured < size;
  if (failed.length > 0 && open.length > 0) {
    const detail = sampled
      ? msg('ports_detail_sampled_partial', failed.length, measured, size, describe(failed))
      : describe(mine);
    return { status: 'partial', detail };
  }
  if (failed.length > 0) {
    const detail = sampled
      ? msg('ports_detail_sampled_blocked', measured, size, describe(failed))
      : describe(failed);
    return { status: 'blocked', detail };
  }
  if (open.length > 0 && open.length === mine.length) {
    return {
      status: 'open',
      detail: sampled ? msg('ports_detail_sampled_open', measured, size) : describe(open),
    };
  }
  // Through the browser's proxy only: never open for phones, which do not use it.
  const viaProxy = mine.filter((p) => p.status === 'via-proxy');
  if (viaProxy.length > 0) return { status: 'unknown', detail: describe(viaProxy) };
  const unmeasured = mine.filter((p) => UNMEASURED.has(p.status));
  return {
    status: 'unknown',
    detail:
      unmeasured.length > 0
        ? msg(
            'join_semicolons',
            unmeasured.map((p) => msg('ports_detail_unmeasured', p.port, portReasonMessage(p.reason))),
          )
        : msg('ports_not_probed'),
  };
}

export function rollUpRows(profile: Profile, ports: readonly PortResult[]): RowResult[] {
  return profile.rows.map((row) => {
    const { status, detail, failedPorts, measured, size } = rowStatus(row, ports);
    return {
      row: row.id,
      purpose: row.purpose,
      protocol: row.protocol,
      transport: row.transport,
      ports: formatRanges(row.providerPorts),
      secureVoice: row.secureVoice,
      status,
      detail: english(detail),
      failedPorts,
      detailMessage: detail,
      ...(measured === undefined ? {} : { measured }),
      ...(size === undefined ? {} : { size }),
    };
  });
}

export function profileStatus(rows: readonly RowResult[]): 'open' | 'blocked' | 'partial' | 'unknown' {
  const tested = rows.filter((r) => r.status !== 'not-testable');
  if (tested.some((r) => r.status === 'blocked' || r.status === 'partial')) {
    return tested.every((r) => r.status === 'blocked') ? 'blocked' : 'partial';
  }
  if (tested.length > 0 && tested.every((r) => r.status === 'open')) return 'open';
  return 'unknown';
}

/** The SIP over TLS rows of every profile (row ids are stable: src/profiles/provider-ports.ts). */
const SIGNALING_ROW = /-sip-tls$/;

/**
 * Secure Voice rows that are blocked, by what breaks first for the user: signaling (SIP over TLS: phones
 * cannot register at all), then media (SRTP, or TLS media on TCP: calls connect without audio).
 */
export function blockedSecureRows(rows: readonly RowResult[]): {
  signaling: RowResult[];
  media: RowResult[];
} {
  const blocked = rows.filter((r) => r.secureVoice && (r.status === 'blocked' || r.status === 'partial'));
  return {
    signaling: blocked.filter((r) => SIGNALING_ROW.test(r.row)),
    media: blocked.filter((r) => !SIGNALING_ROW.test(r.row)),
  };
}

/** Rows as "TCP 5096 (Desk phones signaling Secure Voice), …", the ports that failed. */
export function rowRulesMessage(rows: readonly RowResult[]): Message {
  return msg(
    'join_list',
    rows.map((r) => msg('port_rule_for', r.transport.toUpperCase(), r.failedPorts || r.ports, r.purpose)),
  );
}

/**
 * The rows whose ranges were sampled rather than probed whole, as "UDP 40000-49999: 32 of 10,000 ports",
 * so a summary never claims more than was probed.
 */
export function sampledRows(rows: readonly RowResult[]): Message[] {
  return rows.flatMap((r) =>
    r.measured !== undefined && r.size !== undefined && r.measured > 0 && r.measured < r.size
      ? [msg('ports_sampled_range', r.transport.toUpperCase(), r.ports, r.measured, r.size)]
      : [],
  );
}

/** Rows that failed, as firewall rules to add: direction, protocol, destination ports, purpose. */
export function remediation(rows: readonly RowResult[]): RemediationLine[] {
  return rows
    .filter((r) => r.status === 'blocked' || r.status === 'partial')
    .map((r) => ({
      direction: 'outbound',
      protocol: r.transport === 'tcp' ? 'TCP' : 'UDP',
      ports: r.failedPorts ?? r.ports,
      purpose: r.purpose,
    }));
}

/** The remediation list as lines to paste into a change request: an introduction, then one rule a line. */
export function remediationMessages(lines: readonly RemediationLine[]): Message[] {
  if (lines.length === 0) return [msg('remediation_none')];
  return [
    msg('remediation_intro'),
    ...lines.map((l) => msg('remediation_line', l.protocol, l.ports, l.purpose)),
  ];
}

/** The remediation list in English, as the report's text and the command line print it. */
export function remediationText(lines: readonly RemediationLine[]): string {
  return remediationMessages(lines).map(english).join('\n');
}
