/**
 * The relay slices small Buffers out of 8 KiB slabs, not Node 24's 64 KiB. Node hands out every small
 * Buffer.allocUnsafe and Buffer.from as a slice of a shared slab, and a slab stays in memory as long as any
 * slice of it does. What a session keeps for its whole life (werift's DTLS master secret, keys, certificate
 * and handshake fragments; the lean echo's SRTP salts) is made while other sessions' packets fill the same
 * slabs, so each session kept about one slab alive: ~40 KiB of a session's ~230 KiB of live heap at 50
 * sessions (heap snapshots, BENCHMARKS.md). With 8 KiB slabs (Node's size before version 24) it keeps at
 * most that; the cost is a new slab every ~40 echoed packets instead of every ~300.
 */
export const RELAY_BUFFER_POOL_BYTES = 8 * 1024;

/** From now on, new slabs are this small (the one in use is finished first). */
export function useSmallBufferSlabs(): void {
  Buffer.poolSize = RELAY_BUFFER_POOL_BYTES;
}
