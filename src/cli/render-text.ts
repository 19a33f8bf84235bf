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
    '',
    `relay ${report.relayUrl} · ${report.browser} · extension ${report.extensionVersion} · ${report.finishedAt}`,
  ];
  return lines.join('\n');
}
