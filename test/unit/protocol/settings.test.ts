import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REPEAT_DAYS,
  defaultSettings,
  getField,
  parseField,
  parseSettings,
  SETTING_FIELDS,
  SettingsSchema,
  setField,
} from '../../../src/protocol/settings.ts';

const RELAY = 'https://relay.example.com:8443';

describe('settings schema', () => {
  it('fills every new setting with its default', () => {
    expect(defaultSettings(RELAY)).toEqual({
      relayUrl: RELAY,
      relays: [],
      targets: [],
      profile: 'desk-phone',
      quickDurationS: 3,
      extendedDurationS: 30,
      thresholds: { rttGoodMs: 100, lossGoodPercent: 1, jitterGoodMs: 30, mosPass: 4.0 },
      share: { includeFullAddresses: false },
      // Monitor mode is off unless the user or the policy turns it on.
      monitor: { enabled: false, intervalMinutes: 30 },
      checklistRepeatDays: { 'change-passwords': 90, 'review-usage': 30 },
    });
  });

  it('still parses settings stored before the new fields existed', () => {
    const old = { relayUrl: RELAY, targets: ['https://sip.example.com'], profile: 'meetings' };
    const r = parseSettings(old);
    expect(r).toEqual({ ok: true, value: { ...defaultSettings(RELAY), ...old } });
  });

  it('fills the members a partial group leaves out', () => {
    const r = parseSettings({ relayUrl: RELAY, targets: [], thresholds: { mosPass: 3.6 }, share: {} });
    expect(r.ok && r.value.thresholds).toEqual({
      rttGoodMs: 100,
      lossGoodPercent: 1,
      jitterGoodMs: 30,
      mosPass: 3.6,
    });
    expect(r.ok && r.value.share).toEqual({ includeFullAddresses: false });
  });

  it('takes its checklist intervals from the checklist', () => {
    expect(DEFAULT_REPEAT_DAYS).toEqual({ 'change-passwords': 90, 'review-usage': 30 });
    // A fresh copy each time: one user's edits never leak into the defaults.
    const a = defaultSettings(RELAY);
    a.checklistRepeatDays['change-passwords'] = 7;
    expect(defaultSettings(RELAY).checklistRepeatDays['change-passwords']).toBe(90);
  });

  it.each([
    [{ quickDurationS: 0 }, 'quickDurationS: must be a whole number between 1 and 10'],
    [{ quickDurationS: 11 }, 'quickDurationS: must be a whole number between 1 and 10'],
    [{ quickDurationS: 2.5 }, 'quickDurationS: must be a whole number between 1 and 10'],
    [{ extendedDurationS: 9 }, 'extendedDurationS: must be a whole number between 10 and 120'],
    [{ extendedDurationS: 121 }, 'extendedDurationS: must be a whole number between 10 and 120'],
    [{ thresholds: { mosPass: 4.6 } }, 'thresholds.mosPass: must be between 1 and 4.5'],
    [{ thresholds: { lossGoodPercent: -1 } }, 'thresholds.lossGoodPercent: must be between 0 and 50'],
    [{ thresholds: { rttGoodMs: Number.NaN } }, 'thresholds.rttGoodMs: must be a number'],
    [{ thresholds: { rttGoodMs: 100, extra: 1 } }, 'thresholds.extra'],
    [{ share: { includeFullAddresses: 'yes' } }, 'share.includeFullAddresses: must be true or false'],
    [{ checklistRepeatDays: { 'change-passwords': 0 } }, 'checklistRepeatDays.change-passwords'],
    [{ profile: 'fax' }, 'profile: must be one of desk-phone, mobile-app, desktop-app, meetings'],
    [{ relayUrl: 'http://relay.example.com' }, 'relayUrl: must start with https://'],
    [{ targets: ['https://ok.example', 'wss://x.example'] }, 'targets.1: must start with https://'],
    [{ relays: [{ name: 'Paris', url: 'http://par.example' }] }, 'relays.0.url: must start with https://'],
    [{ relays: [{ name: 'x'.repeat(41), url: RELAY }] }, 'relays.0.name: must be at most 40 characters'],
    [
      { relays: Array.from({ length: 9 }, (_, i) => ({ url: `https://r${i}.example` })) },
      'relays: may list at most 8 relays',
    ],
    [{ relays: 'https://par.example' }, 'relays: must be a list of relays'],
  ])('rejects %j', (change, message) => {
    const r = parseSettings({ relayUrl: RELAY, targets: [], ...change });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain(message);
  });

  it('takes a list of relays to compare, a name optional', () => {
    const r = parseSettings({
      relayUrl: RELAY,
      targets: [],
      relays: [{ name: ' Frankfurt ', url: 'https://fra.example' }, { url: 'https://par.example' }],
    });
    expect(r.ok && r.value.relays).toEqual([
      { name: 'Frankfurt', url: 'https://fra.example' },
      { name: '', url: 'https://par.example' },
    ]);
  });

  it('accepts the bounds themselves', () => {
    const r = parseSettings({
      relayUrl: RELAY,
      targets: [],
      quickDurationS: 10,
      extendedDurationS: 120,
      thresholds: { rttGoodMs: 2000, lossGoodPercent: 0, jitterGoodMs: 1, mosPass: 4.5 },
      checklistRepeatDays: { 'change-passwords': 365, 'review-usage': 1 },
    });
    expect(r.ok).toBe(true);
  });
});

describe('setting fields', () => {
  it('name every setting: each top-level key, or each member of a group', () => {
    const tops = new Set(SETTING_FIELDS.map((f) => f.split('.')[0]));
    expect([...tops].sort()).toEqual(Object.keys(SettingsSchema.entries).sort());
  });

  it('validate one field with the same piece the schema uses', () => {
    expect(parseField('thresholds.mosPass', 3.9)).toEqual({ ok: true, value: 3.9 });
    expect(parseField('thresholds.mosPass', 5)).toMatchObject({
      ok: false,
      error: 'must be between 1 and 4.5',
    });
    expect(parseField('relayUrl', ' https://r.example ')).toEqual({ ok: true, value: 'https://r.example' });
    expect(parseField('targets', ['nope'])).toMatchObject({
      ok: false,
      error: 'item 1: must be a URL such as https://relay.example.com',
    });
  });

  it('get and set values by field without touching the original', () => {
    const s = defaultSettings(RELAY);
    expect(getField(s, 'share.includeFullAddresses')).toBe(false);
    expect(getField({ thresholds: 5 }, 'thresholds.mosPass')).toBeUndefined();
    expect(getField(undefined, 'relayUrl')).toBeUndefined();
    const t = setField(s, 'thresholds.mosPass', 3.5);
    expect(t.thresholds).toEqual({ ...s.thresholds, mosPass: 3.5 });
    expect(s.thresholds.mosPass).toBe(4);
    expect(setField({}, 'share.includeFullAddresses', true)).toEqual({
      share: { includeFullAddresses: true },
    });
  });
});
