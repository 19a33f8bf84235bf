/** A small Buffer a relay session keeps for its life keeps at most an 8 KiB slab in memory, not 64 KiB. */
import { afterEach, describe, expect, it } from 'vitest';
import { RELAY_BUFFER_POOL_BYTES, useSmallBufferSlabs } from '../../../src/relay/buffer-pool.ts';

const nodeDefault = Buffer.poolSize;
afterEach(() => {
  Buffer.poolSize = nodeDefault;
});

/** The slab behind a small Buffer made once the slab in use at the start is surely used up. */
function slabOfFreshSmallBuffer(): number {
  for (let made = 0; made < 2 * nodeDefault; made += 64) Buffer.allocUnsafe(64);
  return Buffer.from('master secret of one session').buffer.byteLength;
}

describe('useSmallBufferSlabs', () => {
  it('makes the slab behind a small long-lived Buffer 8 KiB', () => {
    expect(slabOfFreshSmallBuffer()).toBe(nodeDefault);
    useSmallBufferSlabs();
    expect(slabOfFreshSmallBuffer()).toBe(RELAY_BUFFER_POOL_BYTES);
    expect(RELAY_BUFFER_POOL_BYTES).toBeLessThan(nodeDefault);
  });
});
