/**
 * Checklist status from the last report and what the user confirmed. Pure: the clock, the confirmations and
 * the report are passed in.
 */
import type { Report } from '../protocol/report.ts';
import { CHECKLIST, type ChecklistItem, type Evidence } from './items.ts';

export type ItemStatus = 'verified' | 'attention' | 'done' | 'due' | 'todo';

export interface ItemState {
  item: ChecklistItem;
  status: ItemStatus;
  /** Why the status is what it is, in plain words (evidence, or when it was ticked). */
  detail: string;
}

/** Item id → ISO date the user ticked it. */
export type Confirmations = Record<string, string>;

type Finding = { ok: boolean; detail: string } | null;

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
        ? { ok: true, detail: `The loopback negotiated ${cipher}.` }
        : { ok: false, detail: 'The last check could not negotiate SRTP with the relay.' };
    }
    case 'https-tls12': {
      const https = check('relay-https');
      if (!https) return null;
      const v = https.data.tlsVersion;
      return https.status === 'pass' && (v === 'TLSv1.2' || v === 'TLSv1.3')
        ? { ok: true, detail: `HTTPS used ${String(v)}.` }
        : { ok: false, detail: 'HTTPS with TLS 1.2 or later did not work in the last check.' };
    }
    case 'udp-and-tls': {
      const https = check('relay-https');
      if (!https || !media) return null;
      const udp = media.transport === 'udp';
      return udp && https.status === 'pass'
        ? { ok: true, detail: 'TLS and UDP media both got through.' }
        : { ok: false, detail: udp ? 'TLS did not get through.' : 'Media did not get through over UDP.' };
    }
    case 'nat':
    case 'ports': {
      const ports = check('port-matrix');
      if (!ports || ports.status === 'skip' || ports.status === 'error') return null;
      if (kind === 'nat') {
        const nat = report.nat;
        if (!nat || nat.natDetected === null) return null;
        return nat.natDetected
          ? { ok: true, detail: nat.summary }
          : {
              ok: false,
              detail: 'No NAT or firewall translation was seen between this computer and the relay.',
            };
      }
      return ports.status === 'pass'
        ? { ok: true, detail: ports.summary }
        : { ok: false, detail: ports.summary };
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
          detail: `Last done ${ticked.slice(0, 10)}; due again every ${interval} days.`,
        };
      }
      if (!evidence) return { item, status: 'done', detail: `Confirmed ${ticked.slice(0, 10)}.` };
    }
    if (evidence) return { item, status: 'attention', detail: evidence.detail };
    return { item, status: 'todo', detail: interval ? `Repeat every ${interval} days.` : '' };
  });
  const done = items.filter((i) => i.status === 'verified' || i.status === 'done').length;
  return { items, done, total: items.length };
}
