/** The relays a run compares, from the settings. Pure. */
import type { RelayEntry } from '../../protocol/settings.ts';

export interface RelayToCompare {
  name: string;
  url: string;
  primary: boolean;
}

/** Two spellings of one relay (a trailing slash, upper-case host) are the same relay. */
function sameRelay(a: string, b: string): boolean {
  const norm = (u: string) => {
    const url = new URL(u);
    return `${url.origin}${url.pathname.replace(/\/$/, '')}`;
  };
  return norm(a) === norm(b);
}

/** What the report calls a relay: its name from the settings, else its host (with the port). */
export const relayLabel = (entry: { name?: string; url: string }): string =>
  entry.name?.trim() || new URL(entry.url).host;

/**
 * The configured relay first, then each listed relay once, in the settings' order. Empty when the list names
 * no other relay: there is nothing to compare, and the run stays as it was without a list.
 */
export function relaysToCompare(relayUrl: string, relays: readonly RelayEntry[]): RelayToCompare[] {
  const others: RelayToCompare[] = [];
  for (const entry of relays) {
    if (sameRelay(entry.url, relayUrl) || others.some((o) => sameRelay(o.url, entry.url))) continue;
    others.push({ name: relayLabel(entry), url: entry.url, primary: false });
  }
  if (others.length === 0) return [];
  const named = relays.find((e) => sameRelay(e.url, relayUrl));
  return [{ name: relayLabel(named ?? { url: relayUrl }), url: relayUrl, primary: true }, ...others];
}
