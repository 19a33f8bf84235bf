import type { Confirmations, ItemState } from '../../checklist/evaluate.ts';
import { t } from '../../platform/i18n.ts';
import { itemDetail, itemStatusLabel, itemTitle, itemWhy } from '../checklist-text.ts';
import { StatusWord } from './status-word.tsx';

/**
 * The security checklist. Items a measurement decides (verified, needs attention) have no checkbox; the
 * others are ticked by the user. A periodic item that came due shows unticked, so ticking it again records
 * the new date.
 */
export function ChecklistView({
  items,
  confirmations,
  onToggle,
}: {
  items: ItemState[];
  confirmations: Confirmations;
  onToggle: (itemId: string, done: boolean) => void;
}) {
  return (
    <ol class="checklist">
      {items.map((state) => {
        const { item } = state;
        const title = itemTitle(item);
        const confirmable = state.status !== 'verified' && state.status !== 'attention';
        // "Done on <date>" already says what the detail would.
        const detail = state.status === 'done' ? '' : itemDetail(state);
        return (
          <li key={item.id} class="checklist-item" data-item-id={item.id} data-status={state.status}>
            <p class="checklist-title">{title}</p>
            <p class="checklist-why">{itemWhy(item)}</p>
            <div class="checklist-state">
              <p class="checklist-status">
                <StatusWord label={itemStatusLabel(state, confirmations[item.id])} />
                {detail ? <span class="checklist-detail"> {detail}</span> : null}
              </p>
              {confirmable ? (
                <label class="checklist-done">
                  <input
                    type="checkbox"
                    checked={state.status === 'done'}
                    onChange={(e) => onToggle(item.id, e.currentTarget.checked)}
                  />{' '}
                  {t('checklist_done_checkbox')}
                  <span class="visually-hidden">: {title}</span>
                </label>
              ) : null}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
