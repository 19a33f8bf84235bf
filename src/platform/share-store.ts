/**
 * Sharing from the extension's pages: the settings a share uses, the upload (the page's own fetch, so the
 * relay sees this extension's origin), and the codes reports were shared under, in storage.local.
 */
import { parseShared, type SharedRecord, type ShareSettings, withShared } from '../share/shared-record.ts';
import { type ShareOutcome, uploadShare } from '../share/upload.ts';
import { loadSettingsState, type SettingsApi } from './settings-store.ts';
import { onLocalKeyChange, type StorageArea, type StorageEvents } from './storage-area.ts';

export const SHARED_KEY = 'shared';

/** Read afresh for every share, so a relay URL fixed in the options applies to the next try. */
export async function loadShareSettings(api: SettingsApi): Promise<ShareSettings> {
  const { settings, locked } = await loadSettingsState(api);
  return {
    relayUrl: settings.relayUrl,
    includeFullAddresses: settings.share.includeFullAddresses,
    fullAddressesLocked: locked.includes('share.includeFullAddresses'),
  };
}

export async function loadShared(area: StorageArea): Promise<SharedRecord[]> {
  return parseShared((await area.get(SHARED_KEY))[SHARED_KEY]);
}

export function onSharedChange(
  events: StorageEvents,
  listener: (records: SharedRecord[]) => void,
): () => void {
  return onLocalKeyChange(events, SHARED_KEY, (raw) => listener(parseShared(raw)));
}

/**
 * Uploads `body` (from prepareShare) and, when the relay answers with a code, remembers it with the run.
 * Never throws: a failure is an outcome the page shows, and the report stays in the history either way.
 */
export async function shareFromPage(
  area: StorageArea,
  runId: string,
  relayUrl: string,
  body: string,
  now: () => number = Date.now,
): Promise<ShareOutcome> {
  const outcome = await uploadShare((url, init) => fetch(url, init), relayUrl, body);
  if (outcome.ok) {
    const { code, url, expiresAt } = outcome.response;
    // The body is prepareShare's JSON: its redaction says what support can see.
    const redaction =
      (JSON.parse(body) as { redaction?: string }).redaction === 'full-addresses'
        ? 'full-addresses'
        : 'default';
    const record: SharedRecord = {
      runId,
      code,
      url,
      expiresAt,
      sharedAt: new Date(now()).toISOString(),
      redaction,
    };
    // Remembering the code is a convenience: the code is on screen whether or not this write works.
    await area.set({ [SHARED_KEY]: withShared(await loadShared(area), record) }).catch(() => undefined);
  }
  return outcome;
}
