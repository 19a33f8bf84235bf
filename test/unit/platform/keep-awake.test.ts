import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Browser } from '../../../src/platform/browser-api.ts';
import { KEEP_AWAKE_MS, keepAwake } from '../../../src/platform/keep-awake.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const fakeApi = () => {
  const getPlatformInfo = vi.fn(async () => ({ os: 'linux', arch: 'x86-64' }));
  return { api: { runtime: { getPlatformInfo } } as unknown as Pick<Browser, 'runtime'>, getPlatformInfo };
};

describe('keepAwake', () => {
  it('calls an extension API well inside the 30 s idle limit for as long as the run goes on', async () => {
    const { api, getPlatformInfo } = fakeApi();
    const stop = keepAwake(api);
    expect(KEEP_AWAKE_MS).toBeLessThan(30_000 / 2);
    // A 10-minute extended check: one call every interval, never a gap the browser would call idle.
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(getPlatformInfo).toHaveBeenCalledTimes((10 * 60_000) / KEEP_AWAKE_MS);
    stop();
  });

  it('stops when the run ends, so an idle extension is stopped as usual', async () => {
    const { api, getPlatformInfo } = fakeApi();
    const stop = keepAwake(api);
    await vi.advanceTimersByTimeAsync(KEEP_AWAKE_MS);
    stop();
    await vi.advanceTimersByTimeAsync(5 * KEEP_AWAKE_MS);
    expect(getPlatformInfo).toHaveBeenCalledTimes(1);
  });

  it('survives a failing call', async () => {
    const { api, getPlatformInfo } = fakeApi();
    getPlatformInfo.mockRejectedValue(new Error('extension context invalidated'));
    const stop = keepAwake(api);
    await vi.advanceTimersByTimeAsync(3 * KEEP_AWAKE_MS);
    expect(getPlatformInfo).toHaveBeenCalledTimes(3);
    stop();
  });
});
