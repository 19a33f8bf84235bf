/**
 * What the user ticked on the checklist: item id → ISO date it was done, in storage.local. Unticking removes
 * the entry. Invalid entries are dropped on read so one bad value never hides the rest.
 */
import type { Confirmations } from '../checklist/evaluate.ts';
import { onLocalKeyChange, type StorageArea, type StorageEvents } from './storage-area.ts';

export const CHECKLIST_KEY = 'checklist';

export function parseConfirmations(raw: unknown): Confirmations {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {};
  const out: Confirmations = {};
  for (const [id, date] of Object.entries(raw)) {
    if (id.length <= 64 && typeof date === 'string' && !Number.isNaN(Date.parse(date))) out[id] = date;
  }
  return out;
}

export async function loadConfirmations(area: StorageArea): Promise<Confirmations> {
  return parseConfirmations((await area.get(CHECKLIST_KEY))[CHECKLIST_KEY]);
}

/** Marks an item done on `date` (ISO), or not done when `date` is null. Returns the new confirmations. */
export async function setConfirmation(
  area: StorageArea,
  itemId: string,
  date: string | null,
): Promise<Confirmations> {
  const { [itemId]: _previous, ...rest } = await loadConfirmations(area);
  const next = date === null ? rest : { ...rest, [itemId]: date };
  await area.set({ [CHECKLIST_KEY]: next });
  return next;
}

export function onConfirmationsChange(
  events: StorageEvents,
  listener: (confirmations: Confirmations) => void,
): () => void {
  return onLocalKeyChange(events, CHECKLIST_KEY, (raw) => listener(parseConfirmations(raw)));
}
