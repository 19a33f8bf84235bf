/**
 * The security checklist in the UI language. src/checklist/items.ts keeps the seed's English as the canonical
 * text; each item has a title and a "why" message keyed by its id (checklist_<id with _>_title/_why), and the
 * status words and details of src/checklist/evaluate.ts are matched against their English messages the same
 * way check summaries are (src/ui/check-text.ts).
 */
import type { ItemState, ItemStatus } from '../checklist/evaluate.ts';
import type { ChecklistItem } from '../checklist/items.ts';
import { fallbackMessage, t } from '../platform/i18n.ts';
import type { StatusLabel } from '../report-text/port-rows.ts';
import {
  anySummaryOf,
  localDate,
  localizeIn,
  localizeSentences,
  NAT_SENTENCES,
  type PhraseGroup,
} from './check-text.ts';

const keyOf = (item: Pick<ChecklistItem, 'id'>, part: 'title' | 'why') =>
  `checklist_${item.id.replace(/-/g, '_')}_${part}`;

/** The message, or `fallback` for an item this catalogue does not have yet. */
function itemText(item: ChecklistItem, part: 'title' | 'why'): string {
  const key = keyOf(item, part);
  return fallbackMessage(key) === key ? item[part] : t(key);
}

export const itemTitle = (item: ChecklistItem) => itemText(item, 'title');
export const itemWhy = (item: ChecklistItem) => itemText(item, 'why');

const LABEL: Record<ItemStatus, { icon: string; key: string; tone: StatusLabel['tone'] }> = {
  verified: { icon: '✓', key: 'checklist_status_verified', tone: 'pass' },
  attention: { icon: '!', key: 'checklist_status_attention', tone: 'fail' },
  done: { icon: '✓', key: 'checklist_status_done', tone: 'pass' },
  due: { icon: '!', key: 'checklist_status_due', tone: 'warn' },
  todo: { icon: '–', key: 'checklist_status_todo', tone: 'skip' },
};

/** The item's status as icon and words; a ticked item says when ("Done on 21/11/2026"). */
export function itemStatusLabel(state: ItemState, tickedAt: string | undefined): StatusLabel {
  const l = LABEL[state.status];
  const word =
    state.status === 'done' && tickedAt ? t('checklist_status_done_on', localDate(tickedAt)) : t(l.key);
  return { icon: l.icon, word, tone: l.tone };
}

const DETAILS: PhraseGroup = {
  phrases: [
    { key: 'checklist_detail_srtp_ok' },
    { key: 'checklist_detail_srtp_missing' },
    { key: 'checklist_detail_https_ok' },
    { key: 'checklist_detail_https_missing' },
    { key: 'checklist_detail_udp_tls_ok' },
    { key: 'checklist_detail_tls_failed' },
    { key: 'checklist_detail_udp_failed' },
    { key: 'checklist_detail_no_nat' },
    { key: 'checklist_detail_due', kinds: ['day', 'num'] },
    { key: 'checklist_detail_confirmed', kinds: ['day'] },
    { key: 'checklist_detail_repeat', kinds: ['num'] },
  ],
};

/**
 * Why the item has its status: evaluate.ts's detail, translated. Measured items quote the NAT summary or the
 * port check's summary, which are translated as such.
 */
export function itemDetail(state: ItemState): string {
  const { detail } = state;
  if (detail === '') return '';
  const own = localizeIn(DETAILS, detail);
  if (own !== detail) return own;
  if (state.item.evidence === 'nat') return localizeSentences(NAT_SENTENCES, detail);
  if (state.item.evidence === 'ports') return anySummaryOf('port-matrix', detail);
  return detail;
}
