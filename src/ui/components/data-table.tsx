import type { ComponentChildren } from 'preact';
import type { PlainLabelKey } from '../../messages/labels.ts';
import { t } from '../../platform/i18n.ts';

/** A captioned table with column headers in the UI language, scrolling sideways on a narrow screen. */
export function DataTable({
  name,
  caption,
  columns,
  children,
}: {
  /** `data-table`, what tests and styles find it by. */
  name: string;
  caption: string;
  columns: readonly PlainLabelKey[];
  /** The body's rows. */
  children: ComponentChildren;
}) {
  return (
    <div class="table-scroll">
      <table class="data-table" data-table={name}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((key) => (
              <th key={key} scope="col">
                {t(key)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** A port table row's header: the provider's purpose, tagged when the rule is one of Secure Voice's. */
export function RowPurpose({ purpose, secureVoice }: { purpose: string; secureVoice: boolean }) {
  return (
    <>
      {purpose}
      {secureVoice ? <span class="tag">Secure Voice</span> : null}
    </>
  );
}
