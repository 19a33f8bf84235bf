/**
 * The readable report for terminals and tickets: the command line prints it, the report page copies it.
 * Pure and short on purpose; the JSON report carries the full evidence.
 */
import { toneSilent } from '../checks/media/media-context.ts';
import type { Report } from '../protocol/report.ts';
import { portMatrixOf } from './port-rows.ts';

const ICON: Record<string, string> = {
  pass: 'PASS',
  warn: 'WARN',
  fail: 'FAIL',
  skip: 'SKIP',
  error: 'ERROR',
};

export function renderText(report: Report): string {
  const lines = [
    `Secure Voice Check: ${report.verdict.toUpperCase()}${report.interrupted ? ' (interrupted)' : ''}`,
    report.headline,
    '',
    ...report.checks.map((c) => {
      const step = c.step ? ` [${c.step.toUpperCase()}]` : '';
      return `  ${ICON[c.status]?.padEnd(5)} ${c.title} (${c.durationMs} ms)${step}\n        ${c.summary}`;
    }),
    ...mediaLines(report),
    ...portLines(report),
    ...(report.nat ? ['', `  NAT: ${report.nat.summary}`] : []),
    '',
    `relay ${report.relayUrl} · ${report.browser} · extension ${report.extensionVersion} · ${report.finishedAt}`,
  ];
  return lines.join('\n');
}

function mediaLines(report: Report): string[] {
  const m = report.media;
  if (!m) return [];
  const n = (v: unknown, unit: string) => (typeof v === 'number' ? `${v} ${unit}` : 'n/a');
  return [
    '',
    `  Secure media: ${m.encrypted ? `encrypted (${String(m.srtpCipher ?? 'SRTP')}, ${String(m.dtlsCipher ?? 'DTLS')})` : 'NOT encrypted'} over ${String(m.transport ?? '?').toUpperCase()}`,
    `    round trip ${n(m.rttMs, 'ms')}, jitter ${n(m.jitterMs, 'ms')}, loss ${n(m.lossPercent, '%')}, MOS ${String(m.mos ?? 'n/a')} (${String(m.mosBand ?? 'n/a')})`,
    `    packets sent ${String(m.packetsSent)}, echoed back ${String(m.packetsReceived)}`,
    ...(toneSilent(m.toneState)
      ? [
          `    test tone silent (audio ${m.toneState}: no audio output?); the check sent silence, the encrypted path was still measured`,
        ]
      : []),
  ];
}

/** Only what an administrator must act on: the blocked rows and the rules to add. */
function portLines(report: Report): string[] {
  const matrix = portMatrixOf(report);
  if (!matrix) return [];
  const tested = matrix.rows.filter((r) => r.status !== 'not-testable');
  const open = tested.filter((r) => r.status === 'open').length;
  const head = `  Firewall (${matrix.profileName}): ${open} of ${tested.length} testable rows open`;
  if (matrix.failed.length === 0) return ['', head];
  return [
    '',
    `${head}, ${matrix.failed.length} blocked`,
    ...matrix.failed.map(
      (r) =>
        `    ${r.status === 'partial' ? 'PARTLY BLOCKED' : 'BLOCKED'} ${r.transport.toUpperCase()} ${r.ports} ${r.protocol}: ${r.purpose} (${r.detail})`,
    ),
    '',
    ...matrix.remediation.split('\n').map((l) => `  ${l}`),
  ];
}
