/** The readable report for terminals and tickets. */
import type { Report } from '../protocol/report.ts';

const ICON: Record<string, string> = {
  pass: 'PASS',
  warn: 'WARN',
  fail: 'FAIL',
  skip: 'SKIP',
  error: 'ERROR',
};

export function renderText(report: Report): string {
  const lines = [
    `Secure Voice Check: ${report.verdict.toUpperCase()}`,
    report.headline,
    '',
    ...report.checks.map((c) => {
      const step = c.step ? ` [${c.step.toUpperCase()}]` : '';
      return `  ${ICON[c.status]?.padEnd(5)} ${c.title} (${c.durationMs} ms)${step}\n        ${c.summary}`;
    }),
    ...mediaLines(report),
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
  ];
}
