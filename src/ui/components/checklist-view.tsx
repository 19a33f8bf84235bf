import type { Confirmations, ItemState, ItemStatus } from '../../checklist/evaluate.ts';
import type { StatusLabel } from '../../report-text/port-rows.ts';
import { StatusWord } from './status-word.tsx';

const LABEL: Record<ItemStatus, StatusLabel> = {
  verified: { icon: '✓', word: 'Verified by the last check', tone: 'pass' },
  attention: { icon: '!', word: 'Needs attention', tone: 'fail' },
  done: { icon: '✓', word: 'Done', tone: 'pass' },
  due: { icon: '!', word: 'Due again', tone: 'warn' },
  todo: { icon: '–', word: 'To do', tone: 'skip' },
};

const shortDate = (iso: string) => new Date(iso).toLocaleDateString();

function statusLabel(state: ItemState, confirmations: Confirmations): StatusLabel {
  const ticked = confirmations[state.item.id];
  if (state.status === 'done' && ticked) return { ...LABEL.done, word: `Done on ${shortDate(ticked)}` };
  return LABEL[state.status];
}

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
        const confirmable = state.status !== 'verified' && state.status !== 'attention';
        // "Done on <date>" already says what the detail would.
        const detail = state.status === 'done' ? '' : state.detail;
        return (
          <li key={item.id} class="checklist-item" data-item-id={item.id} data-status={state.status}>
            <p class="checklist-title">{item.title}</p>
            <p class="checklist-why">{item.why}</p>
            <div class="checklist-state">
              <p class="checklist-status">
                <StatusWord label={statusLabel(state, confirmations)} />
                {detail ? <span class="checklist-detail"> {detail}</span> : null}
              </p>
              {confirmable ? (
                <label class="checklist-done">
                  <input
                    type="checkbox"
                    checked={state.status === 'done'}
                    onChange={(e) => onToggle(item.id, e.currentTarget.checked)}
                  />{' '}
                  Done<span class="visually-hidden">: {item.title}</span>
                </label>
              ) : null}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
