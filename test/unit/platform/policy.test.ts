import { describe, expect, it } from 'vitest';
import { english } from '../../../src/messages/render.ts';
import { effectiveSettings, ignoredText, readManagedPolicy } from '../../../src/platform/policy.ts';
import { defaultSettings, SETTING_FIELDS, type Settings } from '../../../src/protocol/settings.ts';

const DEFAULTS = defaultSettings('https://default-relay.example:8443');
const USER = {
  relayUrl: 'https://user-relay.example',
  targets: ['https://sip.user.example'],
  profile: 'mobile-app',
  quickDurationS: 5,
  thresholds: { rttGoodMs: 150, mosPass: 3.8 },
  share: { includeFullAddresses: true },
};

type Row = {
  name: string;
  user: unknown;
  managed: unknown;
  expect: Partial<Settings>;
  locked: string[] | 'all';
  ignored?: string[];
};

const rows: Row[] = [
  {
    name: "a policy list of relays (regions) replaces the user's and locks it",
    user: { ...USER, relays: [{ name: 'Mine', url: 'https://mine.example' }] },
    managed: {
      relays: [
        { name: 'Frankfurt', url: 'https://fra.relay.example:8443' },
        { url: 'https://par.relay.example' },
      ],
    },
    expect: {
      relays: [
        { name: 'Frankfurt', url: 'https://fra.relay.example:8443' },
        { name: '', url: 'https://par.relay.example' },
      ],
    },
    locked: ['relays'],
  },
  {
    name: "a policy list of relays with a plain-http one is ignored whole, and the user's stays",
    user: { ...USER, relays: [{ name: 'Mine', url: 'https://mine.example' }] },
    managed: { relays: [{ name: 'Paris', url: 'http://par.relay.example' }] },
    expect: { relays: [{ name: 'Mine', url: 'https://mine.example' }] },
    locked: [],
    ignored: ['relays'],
  },
  {
    name: 'nothing stored, no policy: the defaults',
    user: undefined,
    managed: {},
    expect: DEFAULTS,
    locked: [],
  },
  {
    name: 'user values over the defaults',
    user: USER,
    managed: {},
    expect: {
      relayUrl: 'https://user-relay.example',
      profile: 'mobile-app',
      quickDurationS: 5,
      thresholds: { rttGoodMs: 150, lossGoodPercent: 1, jitterGoodMs: 30, mosPass: 3.8 },
      share: { includeFullAddresses: true },
    },
    locked: [],
  },
  {
    name: 'policy values over the user, locking just those',
    user: USER,
    managed: { relayUrl: 'https://policy-relay.example:9443', profile: 'meetings' },
    expect: { relayUrl: 'https://policy-relay.example:9443', profile: 'meetings', quickDurationS: 5 },
    locked: ['relayUrl', 'profile'],
  },
  {
    name: 'a policy group member locks only that member',
    user: USER,
    managed: { thresholds: { mosPass: 4.2 }, share: { includeFullAddresses: false } },
    expect: {
      thresholds: { rttGoodMs: 150, lossGoodPercent: 1, jitterGoodMs: 30, mosPass: 4.2 },
      share: { includeFullAddresses: false },
    },
    locked: ['thresholds.mosPass', 'share.includeFullAddresses'],
  },
  {
    // The setting did nothing (the upload never carried a checklist) and was removed: an old stored value
    // is left aside, and a policy that still sets it is told the key is ignored.
    name: 'the removed share.includeChecklist is ignored where it is still stored or set',
    user: { ...USER, share: { includeFullAddresses: true, includeChecklist: false } },
    managed: { share: { includeChecklist: true } },
    expect: { share: { includeFullAddresses: true } },
    locked: [],
    ignored: ['share.includeChecklist'],
  },
  {
    name: 'allowUserOverride false: the user is ignored and everything is locked',
    user: USER,
    managed: { allowUserOverride: false, profile: 'desktop-app' },
    expect: { ...DEFAULTS, profile: 'desktop-app' },
    locked: 'all',
  },
  {
    name: 'allowUserOverride true alone changes nothing',
    user: USER,
    managed: { allowUserOverride: true },
    expect: { relayUrl: 'https://user-relay.example' },
    locked: [],
  },
  {
    name: 'invalid policy values are ignored and reported; the user keeps those fields',
    user: USER,
    managed: {
      relayUrl: 'http://plain.example',
      quickDurationS: 60,
      thresholds: { mosPass: 9, jitterGoodMs: 20 },
      profile: 'meetings',
    },
    expect: {
      relayUrl: 'https://user-relay.example',
      quickDurationS: 5,
      profile: 'meetings',
      thresholds: { rttGoodMs: 150, lossGoodPercent: 1, jitterGoodMs: 20, mosPass: 3.8 },
    },
    locked: ['profile', 'thresholds.jitterGoodMs'],
    ignored: ['relayUrl', 'quickDurationS', 'thresholds.mosPass'],
  },
  {
    name: 'unknown keys, a group that is not an object and a bad allowUserOverride are reported',
    user: undefined,
    managed: {
      relayURL: 'https://typo.example',
      share: true,
      thresholds: { rtt: 5 },
      allowUserOverride: 'no',
    },
    expect: DEFAULTS,
    locked: [],
    ignored: ['relayURL', 'share', 'thresholds.rtt', 'allowUserOverride'],
  },
  {
    name: 'an invalid policy value with allowUserOverride false locks the default',
    user: USER,
    managed: { allowUserOverride: false, relayUrl: 'ftp://x' },
    expect: { relayUrl: DEFAULTS.relayUrl },
    locked: 'all',
    ignored: ['relayUrl'],
  },
  {
    name: 'one invalid stored user value falls back alone, not the whole object',
    user: { ...USER, quickDurationS: 'fast', targets: 'not a list' },
    managed: {},
    expect: { relayUrl: 'https://user-relay.example', quickDurationS: 3, targets: [] },
    locked: [],
  },
  {
    name: 'a policy that is not an object counts as none',
    user: USER,
    managed: ['relayUrl'],
    expect: { relayUrl: 'https://user-relay.example' },
    locked: [],
  },
  {
    name: 'policy targets and repeat intervals replace the user’s',
    user: { ...USER, checklistRepeatDays: { 'change-passwords': 10 } },
    managed: {
      targets: ['https://a.example', 'https://b.example'],
      checklistRepeatDays: { 'review-usage': 7 },
    },
    expect: {
      targets: ['https://a.example', 'https://b.example'],
      checklistRepeatDays: { 'review-usage': 7 },
    },
    locked: ['targets', 'checklistRepeatDays'],
  },
];

describe('effectiveSettings', () => {
  it.each(rows)('$name', (row) => {
    const r = effectiveSettings(DEFAULTS, row.user, row.managed);
    expect(r.settings).toMatchObject(row.expect);
    expect(r.locked).toEqual(row.locked === 'all' ? [...SETTING_FIELDS] : row.locked);
    expect(r.ignored.map((i) => i.key)).toEqual(row.ignored ?? []);
    expect(r.allowUserOverride).toBe(row.locked !== 'all');
  });

  it('says why a value was ignored', () => {
    const r = effectiveSettings(DEFAULTS, undefined, {
      relayUrl: 'http://plain.example',
      thresholds: { mosPass: 9 },
    });
    expect(r.ignored.map((i) => ({ key: i.key, reason: english(i.reason) }))).toEqual([
      { key: 'relayUrl', reason: 'must start with https://' },
      { key: 'thresholds.mosPass', reason: 'must be between 1 and 4.5' },
    ]);
    expect(r.ignored.map(ignoredText)).toEqual([
      'Policy value ignored: relayUrl',
      'Policy value ignored: thresholds.mosPass',
    ]);
  });

  it('is pure: its inputs are left as they were', () => {
    const user = structuredClone(USER);
    const managed = { thresholds: { mosPass: 4.2 } };
    const defaults = structuredClone(DEFAULTS);
    const r = effectiveSettings(defaults, user, managed);
    r.settings.thresholds.rttGoodMs = 1;
    expect(user).toEqual(USER);
    expect(managed).toEqual({ thresholds: { mosPass: 4.2 } });
    expect(defaults).toEqual(DEFAULTS);
  });
});

describe('readManagedPolicy', () => {
  it('treats a rejecting, missing or odd managed area as no policy', async () => {
    expect(await readManagedPolicy(undefined)).toEqual({});
    const firefox = { get: () => Promise.reject(new Error('Managed storage manifest not found')) };
    expect(await readManagedPolicy(firefox)).toEqual({});
    const throwing = {
      get: (): Promise<Record<string, unknown>> => {
        throw new Error('no managed storage');
      },
    };
    expect(await readManagedPolicy(throwing)).toEqual({});
    expect(await readManagedPolicy({ get: async () => null as unknown as Record<string, unknown> })).toEqual(
      {},
    );
  });

  it('returns what the browser holds', async () => {
    expect(await readManagedPolicy({ get: async () => ({ profile: 'meetings' }) })).toEqual({
      profile: 'meetings',
    });
  });
});
