/** The relay holds V8's young generation at its start size unless the operator sized it. */
import { describe, expect, it } from 'vitest';
import { holdYoungGeneration } from '../../../src/relay/young-generation.ts';

describe('holdYoungGeneration', () => {
  it('holds it when nothing on the command line or in NODE_OPTIONS sizes it', () => {
    expect(holdYoungGeneration(['--enable-source-maps'], undefined)).toBe(true);
    expect(holdYoungGeneration([], '--max-old-space-size=512')).toBe(true);
  });

  it("leaves the operator's own sizing alone, in either spelling, on the command line or in NODE_OPTIONS", () => {
    expect(holdYoungGeneration(['--max-semi-space-size=16'], undefined)).toBe(false);
    expect(holdYoungGeneration([], '--enable-source-maps --max_semi_space_size=8')).toBe(false);
    expect(holdYoungGeneration(['--semi-space-growth-factor=2'], '')).toBe(false);
  });
});
