/** The relay comparison in the readable report: one line a relay, each figure beside the relay it came from. */
import { formatNumber, type Language, label as say, shown } from '../messages/render.ts';
import type { ComparedRelay, Report } from '../protocol/report.ts';

function relayLine(r: ComparedRelay, recommended: boolean, lang: Language): string {
  const na = say(lang, 'text_not_available');
  const num = (v: number | null, decimals: number, unit: 'unit_ms' | 'unit_percent' | null) => {
    if (v === null) return na;
    const n = formatNumber(Number(v.toFixed(decimals)), lang);
    return unit ? say(lang, unit, n) : n;
  };
  const marks = [
    ...(recommended ? [say(lang, 'relays_recommended')] : []),
    ...(r.primary ? [say(lang, 'relays_configured')] : []),
  ];
  const name = marks.length ? `${r.name} (${marks.join(', ')})` : r.name;
  if (r.mos === null) {
    return say(
      lang,
      'text_relay_not_measured',
      name,
      r.url,
      shown(r.problemMessage ?? undefined, r.problem ?? na, lang),
    );
  }
  return say(
    lang,
    'text_relay_figures',
    name,
    r.url,
    num(r.httpsMs, 0, 'unit_ms'),
    num(r.rttMs, 0, 'unit_ms'),
    num(r.lossPercent, 1, 'unit_percent'),
    num(r.jitterMs, 1, 'unit_ms'),
    num(r.mos, 1, null),
  );
}

export function relayLines(report: Report, lang: Language): string[] {
  const regions = report.regions;
  if (!regions) return [];
  return [
    '',
    `  ${say(lang, 'text_relays', shown(regions.summaryMessage, regions.summary, lang))}`,
    ...regions.relays.map((r) => `    ${relayLine(r, r.url === regions.recommended, lang)}`),
  ];
}
