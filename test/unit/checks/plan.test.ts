import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { mediaOptionsFrom, quickCheckPlan } from '../../../src/checks/plan.ts';
import { SettingsSchema } from '../../../src/protocol/settings.ts';
import { fakeContext } from '../../fakes/check-context.ts';

const settings = v.parse(SettingsSchema, {
  relayUrl: 'https://relay.example',
  targets: ['https://provider.example'],
  extendedDurationS: 45,
  thresholds: { rttGoodMs: 80 },
});

describe('quickCheckPlan', () => {
  it('runs the relay checks, each target, secure media and the port matrix', () => {
    const ctx = {
      ...fakeContext({}),
      iceProbes: async () => ({ results: [], localAddresses: [] }),
      natProbe: async () => ({ connected: false }),
    };
    const plan = quickCheckPlan(settings, ctx, async () => {
      throw new Error('not run');
    });
    expect(plan.map((c) => c.id)).toEqual([
      'relay-https',
      'relay-wss',
      'https-target-1',
      'secure-media',
      'port-matrix',
    ]);
  });

  it('takes media duration and quality limits from the settings', () => {
    expect(mediaOptionsFrom(settings, 'quick').durationMs).toBe(3000);
    const extended = mediaOptionsFrom(settings, 'extended');
    expect(extended.durationMs).toBe(45_000);
    expect(extended.limits.rttGoodMs).toBe(80);
  });
});
