import type { StatusLabel } from '../../report-text/port-rows.ts';

/** A status as icon plus word; the colour only repeats what the word says. */
export function StatusWord({ label }: { label: StatusLabel }) {
  return (
    <span class={`status-word tone-${label.tone}`}>
      <span class="status-icon" aria-hidden="true">
        {label.icon}
      </span>{' '}
      {label.word}
    </span>
  );
}
