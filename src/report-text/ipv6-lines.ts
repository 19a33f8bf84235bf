/** The UDP rows over IPv6 in the readable report: each row's status over IPv4 and over IPv6, side by side. */
import { msg } from '../messages/catalog.ts';
import { type Language, renderMessage, label as say } from '../messages/render.ts';
import type { Report } from '../protocol/report.ts';
import { ipv6PortsOf } from './ipv6-ports.ts';
import { ROW_WORD } from './port-rows.ts';

export function ipv6Lines(report: Report, profile: string, lang: Language): string[] {
  const view = ipv6PortsOf(report);
  if (!view) return [];
  if (view.outcome === 'no-ipv6-path') {
    const why = renderMessage(msg('sum_ports_ipv6_no_path'), lang);
    return ['', `  ${say(lang, 'text_firewall_ipv6_not_tested', view.addressShown, why)}`];
  }
  const open = view.rows.filter((r) => r.ipv6 === 'open').length;
  return [
    '',
    `  ${say(lang, 'text_firewall_ipv6', profile, view.addressShown, open, view.rows.length)}`,
    ...view.rows.map((r) => {
      const row = `UDP ${r.ports} ${r.protocol}: ${r.purpose}`.replace(' : ', ': ');
      const four = r.ipv4 ? say(lang, ROW_WORD[r.ipv4]) : say(lang, 'text_not_available');
      return `    ${say(lang, 'text_ipv6_row', row, four, say(lang, ROW_WORD[r.ipv6]))}`;
    }),
  ];
}
