/**
 * The slice of a storage area (storage.local) the stores use. `api.storage.local` satisfies it; unit tests
 * pass a small in-memory map instead of mocking the whole browser.
 */
export interface StorageArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

/** Where storage changes are announced (`api.storage.onChanged`). */
export interface StorageEvents {
  addListener(cb: (changes: Record<string, { newValue?: unknown }>, area: string) => void): void;
  removeListener(cb: (changes: Record<string, { newValue?: unknown }>, area: string) => void): void;
}

/** Calls back with the new value of `key` in storage.local; returns an unsubscribe function. */
export function onLocalKeyChange(events: StorageEvents, key: string, listener: (raw: unknown) => void) {
  const handler = (changes: Record<string, { newValue?: unknown }>, area: string) => {
    if (area === 'local' && key in changes) listener(changes[key]?.newValue);
  };
  events.addListener(handler);
  return () => events.removeListener(handler);
}
