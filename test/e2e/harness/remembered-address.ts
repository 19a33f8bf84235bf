/**
 * The relay addresses the extension remembered for its TLS-stall diagnosis (src/platform/relay-address.ts),
 * read from its storage through one of its pages, in either browser.
 */
import { type ExtensionPage, inPage } from '../../../src/cli/extension-page.ts';
import { RELAY_ADDRESS_KEY } from '../../../src/platform/relay-address.ts';

type StorageGlobal = { chrome: { storage: { local: { get(k: string): Promise<Record<string, unknown>> } } } };

/** Host to address, as stored; {} when nothing was remembered. */
export async function rememberedRelayAddresses(page: ExtensionPage): Promise<Record<string, string>> {
  const stored = await inPage(
    page,
    async (key: string) =>
      (await (globalThis as unknown as StorageGlobal).chrome.storage.local.get(key))[key],
    RELAY_ADDRESS_KEY,
  );
  return (stored ?? {}) as Record<string, string>;
}
