/**
 * Open connections per client address: a slot is taken when a connection opens and given back when it
 * closes. One address (one script, one flood) cannot hold every socket the relay has, so other clients'
 * HTTPS, WSS and probe ports keep working. Pure bookkeeping; the key is the shell's (http/client-key.ts:
 * IPv4 as is, IPv6 by /64).
 */
export class ConnectionCap {
  private readonly held = new Map<string, number>();
  /** Most connections one key holds at once. */
  private readonly perKey: number;
  /** Most keys tracked at once: a table this full refuses new keys rather than grow. */
  private readonly maxKeys: number;

  constructor(perKey: number, maxKeys = 100_000) {
    this.perKey = perKey;
    this.maxKeys = maxKeys;
  }

  /** Takes a slot for `key`; false when it already holds perKey (or the table is full). */
  take(key: string): boolean {
    const n = this.held.get(key) ?? 0;
    if (n >= this.perKey || (n === 0 && this.held.size >= this.maxKeys)) return false;
    this.held.set(key, n + 1);
    return true;
  }

  release(key: string): void {
    const n = (this.held.get(key) ?? 1) - 1;
    if (n > 0) this.held.set(key, n);
    else this.held.delete(key);
  }

  /** Connections held by `key` now. */
  count(key: string): number {
    return this.held.get(key) ?? 0;
  }
}
