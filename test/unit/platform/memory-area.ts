import type { StorageArea } from '../../../src/platform/storage-area.ts';

/** storage.local in memory; values go through JSON like the real area, so no object is shared. */
export function memoryArea(
  initial: Record<string, unknown> = {},
): StorageArea & { data: Record<string, unknown> } {
  const data: Record<string, unknown> = structuredClone(initial);
  return {
    data,
    async get(key) {
      return key in data ? { [key]: structuredClone(data[key]) } : {};
    },
    async set(items) {
      for (const [k, v] of Object.entries(items)) data[k] = structuredClone(v);
    },
  };
}
