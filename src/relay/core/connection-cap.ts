/**
 * Open connections per client address and in all: a slot is taken when a connection opens and given back
 * when it closes. One address (one script, one flood) cannot hold every socket the relay has, so other
 * clients' HTTPS, WSS and probe ports keep working; and many addresses together cannot hold more sockets
 * than the relay can have open (its file descriptors are also its media ports and database connections).
 * Pure bookkeeping; the key is the shell's (http/client-key.ts: IPv4 as is, IPv6 by /64).
 */
export type CapRefusal = 'address' | 'relay';

export class ConnectionCap {
  private readonly held = new Map<string, number>();
  /** Most connections one key holds at once. */
  private readonly perKey: number;
  /** Most connections over all keys. */
  private readonly total: number;
  private open = 0;
  /** Most keys tracked at once: a table this full refuses new keys rather than grow. */
  private readonly maxKeys: number;

  constructor(perKey: number, total = Number.POSITIVE_INFINITY, maxKeys = 100_000) {
    this.perKey = perKey;
    this.total = total;
    this.maxKeys = maxKeys;
  }

  /** Takes a slot for `key`; null when taken, else which cap refused it. */
  take(key: string): CapRefusal | null {
    const n = this.held.get(key) ?? 0;
    if (n >= this.perKey || (n === 0 && this.held.size >= this.maxKeys)) return 'address';
    if (this.open >= this.total) return 'relay';
    this.held.set(key, n + 1);
    this.open++;
    return null;
  }

  release(key: string): void {
    const n = this.held.get(key);
    if (n === undefined) return;
    this.open--;
    if (n > 1) this.held.set(key, n - 1);
    else this.held.delete(key);
  }

  /** Connections held by `key` now. */
  count(key: string): number {
    return this.held.get(key) ?? 0;
  }

  /** Connections held over all keys now. */
  get size(): number {
    return this.open;
  }
}
