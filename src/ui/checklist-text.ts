/**
 * The security checklist in the UI language. src/checklist/items.ts keeps the provider's English as the
 * canonical text; each item has a title and a "why" message keyed by its id (checklist_<id with _>_title/_why);
 * the details of src/checklist/evaluate.ts are messages.
 */
import type { ItemState, ItemStatus } from '../checklist/evaluate.ts';
import type { ChecklistItem } from '../checklist/items.ts';
import { isPlainLabelKey, type PlainLabelKey } from '../messages/labels.ts';
import { renderSaid } from '../messages/render.ts';
import { t, UI } from '../platform/i18n.ts';
import type { StatusLabel } from '../report-text/port-rows.ts';
import { localDate } from './check-text.ts';

const keyOf = (item: Pick<ChecklistItem, 'id'>, part: 'title' | 'why') =>
  `checklist_${item.id.replace(/-/g, '_')}_${part}`;

/** The message, or `fallback` for an item this catalogue does not have yet. */
function itemText(item: ChecklistItem, part: 'title' | 'why'): string {
  const key = keyOf(item, part);
  return isPlainLabelKey(key) ? t(key) : item[part];
}

export const itemTitle = (item: ChecklistItem) => itemText(item, 'title');
export const itemWhy = (item: ChecklistItem) => itemText(item, 'why');

const LABEL: Record<ItemStatus, { icon: string; key: PlainLabelKey; tone: StatusLabel['tone'] }> = {
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

/** Why the item has its status, in the UI language ('' when there is nothing to say). */
export function itemDetail(state: ItemState): string {
  return state.detail === null ? '' : renderSaid(state.detail, UI);
}
