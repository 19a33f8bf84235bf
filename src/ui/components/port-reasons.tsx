import * as v from 'valibot';
import { portReasonMessage } from '../../checks/ports/port-reason.ts';
import { portShortMessage } from '../../checks/words.ts';
import { renderMessage } from '../../messages/render.ts';
import { t, UI } from '../../platform/i18n.ts';
import { type PortResult, PortResultSchema } from '../../protocol/report.ts';
import { localNumber } from '../check-text.ts';

/*
 * Why each port has its status, in the UI language. The code the report keeps (`ports[].reason`) stays in
 * the title and in data-reason, for support.
 */

/** A port's reason in the UI language. */
export const portReasonWords = (reason: string): string => renderMessage(portReasonMessage(reason), UI);

/** How many ports the popup lists before "and N more". */
const LISTED = 12;

/**
 * The ports of a check's evidence worth a word: probed and not plainly open, each once (a port two rows share
 * was one probe). Null when the evidence has no port results.
 */
export function portsToExplain(ports: unknown): PortResult[] | null {
  const parsed = v.safeParse(v.array(PortResultSchema), ports);
  if (!parsed.success) return null;
  const seen = new Set<string>();
  return parsed.output.filter((p) => {
    const key = `${p.transport}:${p.port}`;
    if (p.status === 'not-testable' || (p.status === 'open' && p.reason === 'ok') || seen.has(key))
      return false;
    seen.add(key);
    return true;
  });
}

/** The ports that are not plainly open, one a line: port, status, and why in words. */
export function PortReasonList({ ports }: { ports: readonly PortResult[] }) {
  const shown = ports.slice(0, LISTED);
  return (
    <ul class="port-reasons">
      {shown.map((p) => (
        <li
          key={`${p.transport}:${p.port}`}
          data-port={`${p.transport}:${p.port}`}
          data-reason={p.reason}
          title={p.reason}
        >
          {p.transport.toUpperCase()} {p.port} {renderMessage(portShortMessage(p.status), UI)}:{' '}
          <span class="port-reason">{portReasonWords(p.reason)}</span>
        </li>
      ))}
      {ports.length > LISTED ? <li>{t('ports_reasons_more', localNumber(ports.length - LISTED))}</li> : null}
    </ul>
  );
}
