/**
 * Checklist status from the last report and what the user confirmed. Pure: the clock, the confirmations and
 * the report are passed in.
 */
import { msg } from '../messages/catalog.ts';
import type { Said } from '../messages/render.ts';
import type { Report } from '../protocol/report.ts';
import { CHECKLIST, type ChecklistItem, type Evidence } from './items.ts';

export type ItemStatus = 'verified' | 'attention' | 'done' | 'due' | 'todo';

export interface ItemState {
  item: ChecklistItem;
  status: ItemStatus;
  /** Why the status is what it is (evidence, or when it was ticked); null when there is nothing to say. */
  detail: Said | null;
}

/** Item id → ISO date the user ticked it. */
export type Confirmations = Record<string, string>;

type Finding = { ok: boolean; detail: Said } | null;

const DAY_MS = 86_400_000;

function findEvidence(kind: Evidence, report: Report | null): Finding {
  if (!report) return null;
  const check = (id: string) => report.checks.find((c) => c.id === id);
  const media = report.media;
  switch (kind) {
    case 'srtp': {
      if (!check('secure-media')) return null;
      const cipher = media?.srtpCipher;
      return cipher
        ? { ok: true, detail: msg('checklist_detail_srtp_ok', cipher) }
        : { ok: false, detail: msg('checklist_detail_srtp_missing') };
    }
    case 'https-tls12': {
      const https = check('relay-https');
      if (!https) return null;
      const v = https.data.tlsVersion;
      return https.status === 'pass' && (v === 'TLSv1.2' || v === 'TLSv1.3')
        ? { ok: true, detail: msg('checklist_detail_https_ok', String(v)) }
        : { ok: false, detail: msg('checklist_detail_https_missing') };
    }
    case 'udp-and-tls': {
      const https = check('relay-https');
      if (!https || !media) return null;
      const udp = media.transport === 'udp';
      return udp && https.status === 'pass'
        ? { ok: true, detail: msg('checklist_detail_udp_tls_ok') }
        : {
            ok: false,
            detail: msg(udp ? 'checklist_detail_tls_failed' : 'checklist_detail_udp_failed'),
          };
    }
    case 'nat':
    case 'ports': {
      const ports = check('port-matrix');
      if (!ports || ports.status === 'skip' || ports.status === 'error') return null;
      if (kind === 'nat') {
        const nat = report.nat;
        if (!nat || nat.natDetected === null) return null;
        return nat.natDetected
          ? { ok: true, detail: nat.summaryMessage ?? nat.summary }
          : { ok: false, detail: msg('checklist_detail_no_nat') };
      }
      return { ok: ports.status === 'pass', detail: ports.summaryMessage ?? ports.summary };
    }
  }
}

export function evaluateChecklist(
  report: Report | null,
  confirmations: Confirmations,
  now: number,
  repeatDays: Record<string, number> = {},
): { items: ItemState[]; done: number; total: number } {
  const items = CHECKLIST.map((item): ItemState => {
    const evidence = item.evidence ? findEvidence(item.evidence, report) : null;
    if (evidence?.ok) return { item, status: 'verified', detail: evidence.detail };
    const ticked = confirmations[item.id];
    const interval = repeatDays[item.id] ?? item.repeatDays;
    if (ticked) {
      const age = now - Date.parse(ticked);
      if (interval !== undefined && age > interval * DAY_MS) {
        return {
          item,
          status: 'due',
          detail: msg('checklist_detail_due', ticked.slice(0, 10), interval),
        };
      }
      if (!evidence)
        return { item, status: 'done', detail: msg('checklist_detail_confirmed', ticked.slice(0, 10)) };
    }
    if (evidence) return { item, status: 'attention', detail: evidence.detail };
    return { item, status: 'todo', detail: interval ? msg('checklist_detail_repeat', interval) : null };
  });
  const done = items.filter((i) => i.status === 'verified' || i.status === 'done').length;
  return { items, done, total: items.length };
}
