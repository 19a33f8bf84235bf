// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type OptionsActions, OptionsApp } from '../../../options/app.tsx';
import { draftFrom, INPUTS, settingsFromDraft } from '../../../options/form.ts';
import { englishMessage } from '../../../src/messages/english.ts';
import { effectiveSettings, type SettingsState } from '../../../src/platform/policy.ts';
import { defaultSettings, type Settings } from '../../../src/protocol/settings.ts';

/** The note on a field the policy sets, as the page shows it outside a browser (English). */
const LOCKED_TEXT = englishMessage('options_locked');
const DEFAULTS = defaultSettings('https://relay.example.com:8443');

function fakeActions(managed: unknown = {}, opts: { grant?: boolean; access?: boolean } = {}) {
  let user: unknown;
  let state = effectiveSettings(DEFAULTS, user, managed);
  const listeners = new Set<(s: SettingsState) => void>();
  const log: string[] = [];
  const actions = {
    load: vi.fn(async () => state),
    save: vi.fn(async (s: Settings) => {
      log.push('save');
      user = s;
      state = effectiveSettings(DEFAULTS, user, managed);
      return state;
    }),
    subscribe: (l: (s: SettingsState) => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    requestAccess: vi.fn((_origins: string[]) => {
      log.push('request');
      return Promise.resolve(opts.grant ?? true);
    }),
    hasAccess: vi.fn(async (_url: string) => opts.access ?? true),
    subscribeAccess: () => () => undefined,
  } satisfies OptionsActions;
  return {
    actions,
    log,
    setPolicy(next: unknown) {
      managed = next;
      state = effectiveSettings(DEFAULTS, user, managed);
      for (const l of listeners) l(state);
    },
  };
}

const field = (id: string) => document.getElementById(id) as HTMLInputElement;
const type = (id: string, value: string) => fireEvent.input(field(id), { target: { value } });

afterEach(cleanup);

describe('options page', () => {
  it('shows every setting in labelled fieldsets with its current value', async () => {
    render(<OptionsApp actions={fakeActions().actions} />);
    await screen.findByLabelText('Relay URL');
    expect(field('relay-url').value).toBe('https://relay.example.com:8443');
    expect(field('quick-duration').value).toBe('3');
    expect(field('extended-duration').value).toBe('30');
    expect(field('mos-pass').value).toBe('4.0');
    expect(field('share-full-addresses').checked).toBe(false);
    // The checklist box did nothing (the upload never carried a checklist): it is gone.
    expect(document.getElementById('share-checklist')).toBeNull();
    expect(field('repeat-change-passwords').value).toBe('90');
    for (const legend of [
      'Relay and targets',
      'Audio loopback',
      'What counts as good',
      'What a shared report may include',
    ])
      expect(screen.getByRole('group', { name: legend })).toBeTruthy();
    for (const input of INPUTS) {
      expect(screen.getByLabelText(input.label).id).toBe(input.id);
      expect(field(input.id).getAttribute('aria-describedby')).toBe(`${input.id}-hint`);
    }
    expect(screen.queryByText(LOCKED_TEXT)).toBeNull();
  });

  it('locks what the policy sets, says so next to the field, and lists ignored policy values', async () => {
    const { actions } = fakeActions({
      relayUrl: 'https://policy-relay.example:9443',
      profile: 'meetings',
      thresholds: { mosPass: 9 },
    });
    render(<OptionsApp actions={actions} />);
    await screen.findByLabelText('Relay URL');
    for (const id of ['relay-url', 'profile']) {
      expect(field(id).disabled).toBe(true);
      expect(field(id).getAttribute('aria-describedby')).toBe(`${id}-hint ${id}-locked`);
      expect(document.getElementById(`${id}-locked`)?.textContent).toBe(LOCKED_TEXT);
    }
    expect(field('relay-url').value).toBe('https://policy-relay.example:9443');
    expect(field('profile').value).toBe('meetings');
    expect(field('mos-pass').disabled).toBe(false);
    expect(screen.getByRole('heading', { name: 'Managed by your organization' })).toBeTruthy();
    expect(screen.getByText('Policy value ignored: thresholds.mosPass')).toBeTruthy();
  });

  it('shows the first problem of each field and saves nothing', async () => {
    const { actions } = fakeActions();
    render(<OptionsApp actions={actions} />);
    await screen.findByLabelText('Relay URL');
    type('relay-url', 'http://plain.example');
    type('targets', 'https://ok.example\nftp://bad.example');
    type('quick-duration', '0');
    type('mos-pass', '');
    fireEvent.submit(field('relay-url').form as HTMLFormElement);
    await screen.findByText('Not saved: 4 fields need attention.');
    expect(document.getElementById('relay-url-error')?.textContent).toBe('Must start with https://');
    expect(document.getElementById('targets-error')?.textContent).toBe('Line 2: must start with https://');
    expect(document.getElementById('quick-duration-error')?.textContent).toBe(
      'Must be a whole number between 1 and 10',
    );
    expect(document.getElementById('mos-pass-error')?.textContent).toBe('Must be a number');
    expect(field('quick-duration').getAttribute('aria-invalid')).toBe('true');
    expect(field('quick-duration').getAttribute('aria-describedby')).toBe(
      'quick-duration-hint quick-duration-error',
    );
    expect(document.activeElement?.id).toBe('relay-url');
    expect(actions.save).not.toHaveBeenCalled();
    expect(actions.requestAccess).not.toHaveBeenCalled();
  });

  it('asks for host access from the click, before anything is awaited, then saves', async () => {
    const { actions, log } = fakeActions();
    render(<OptionsApp actions={actions} />);
    await screen.findByLabelText('Relay URL');
    type('relay-url', 'https://new-relay.example:8443');
    type('targets', 'https://sip.example\nhttps://sip.example:444');
    type('extended-duration', '60');
    fireEvent.click(screen.getByLabelText('Full IP addresses'));
    fireEvent.submit(field('relay-url').form as HTMLFormElement);
    // Synchronously, inside the submit handler, and before the save: nothing has been awaited yet.
    expect(log).toEqual(['request', 'save']);
    expect(actions.requestAccess).toHaveBeenCalledWith([
      'https://new-relay.example/*',
      'wss://new-relay.example/*',
      'https://sip.example/*',
      'wss://sip.example/*',
    ]);
    await screen.findByText('Saved.');
    const saved = actions.save.mock.calls[0]?.[0];
    expect(saved?.relayUrl).toBe('https://new-relay.example:8443');
    expect(saved?.targets).toEqual(['https://sip.example', 'https://sip.example:444']);
    expect(saved?.extendedDurationS).toBe(60);
    expect(saved?.share.includeFullAddresses).toBe(true);
  });

  it('takes relays to compare one a line, a name before the URL, and asks for their hosts too', async () => {
    const { actions } = fakeActions();
    render(<OptionsApp actions={actions} />);
    await screen.findByLabelText('Relays to compare (regions)');
    type('relays', 'Paris http://par.example');
    fireEvent.submit(field('relay-url').form as HTMLFormElement);
    await screen.findByText('Not saved: one field needs attention.');
    expect(document.getElementById('relays-error')?.textContent).toBe('Line 1: must start with https://');
    type('relays', 'Frankfurt am Main https://fra.example:8443\n  https://par.example  ');
    fireEvent.submit(field('relay-url').form as HTMLFormElement);
    await screen.findByText('Saved.');
    expect(actions.save.mock.calls[0]?.[0].relays).toEqual([
      { name: 'Frankfurt am Main', url: 'https://fra.example:8443' },
      { name: '', url: 'https://par.example' },
    ]);
    expect(actions.requestAccess.mock.calls[0]?.[0]).toEqual(
      expect.arrayContaining(['https://fra.example/*', 'wss://par.example/*']),
    );
    expect(field('relays').value).toBe('Frankfurt am Main https://fra.example:8443\nhttps://par.example');
  });

  it('still saves when access is refused, and says what that costs', async () => {
    const { actions } = fakeActions({}, { grant: false, access: false });
    render(<OptionsApp actions={actions} />);
    await screen.findByLabelText('Relay URL');
    type('relay-url', 'https://new-relay.example');
    fireEvent.submit(field('relay-url').form as HTMLFormElement);
    await screen.findByText('Saved.');
    await screen.findByText("Without access to new-relay.example, failures can't be explained in detail.");
    expect(actions.save).toHaveBeenCalledTimes(1);
  });

  it('follows a policy change without a reload, keeping what the user is typing elsewhere', async () => {
    const { actions, setPolicy } = fakeActions();
    render(<OptionsApp actions={actions} />);
    await screen.findByLabelText('Relay URL');
    type('rtt-good', '150');
    setPolicy({ profile: 'desktop-app', relayUrl: 'https://policy-relay.example' });
    await waitFor(() => expect(field('profile').disabled).toBe(true));
    expect(field('profile').value).toBe('desktop-app');
    expect(field('relay-url').value).toBe('https://policy-relay.example');
    expect(field('rtt-good').value).toBe('150');
    setPolicy({});
    await waitFor(() => expect(field('profile').disabled).toBe(false));
    expect(screen.queryByText(LOCKED_TEXT)).toBeNull();
  });

  it('locks everything and disables Save when the policy allows no user changes', async () => {
    render(<OptionsApp actions={fakeActions({ allowUserOverride: false }).actions} />);
    await screen.findByLabelText('Relay URL');
    for (const input of INPUTS) expect(field(input.id).disabled, input.id).toBe(true);
    expect((screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText(/sets all of these settings/)).toBeTruthy();
  });

  it('shows whether the relay can be reached in detail, with a Grant access button', async () => {
    const { actions } = fakeActions({}, { access: false });
    render(<OptionsApp actions={actions} />);
    const button = await screen.findByRole('button', { name: 'Grant access' });
    expect(document.querySelector('.relay-access')?.textContent).toContain(
      "Without access to relay.example.com, failures can't be explained in detail.",
    );
    fireEvent.click(button);
    expect(actions.requestAccess).toHaveBeenCalledWith([
      'https://relay.example.com/*',
      'wss://relay.example.com/*',
    ]);
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Grant access' })).toBeNull());
  });
});

describe('options form mapping', () => {
  it('round-trips the settings through the inputs', () => {
    const s = {
      ...DEFAULTS,
      targets: ['https://a.example'],
      thresholds: { ...DEFAULTS.thresholds, lossGoodPercent: 0.5 },
    };
    expect(settingsFromDraft(s, draftFrom(s))).toEqual({ ok: true, value: s });
  });

  it('keeps repeat intervals for items the page does not show', () => {
    const s = { ...DEFAULTS, checklistRepeatDays: { 'review-usage': 14, 'future-item': 5 } };
    const draft = draftFrom(s);
    expect(draft['repeat-change-passwords']).toBe('90');
    const r = settingsFromDraft(s, draft);
    expect(r.ok && r.value.checklistRepeatDays).toEqual({
      'review-usage': 14,
      'future-item': 5,
      'change-passwords': 90,
    });
  });
});
