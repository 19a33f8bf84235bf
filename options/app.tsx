import type { JSX } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../src/platform/i18n.ts';
import { hostOf, originsFor, originsForAll } from '../src/platform/permissions.ts';
import type { IgnoredPolicyValue, SettingsState } from '../src/platform/policy.ts';
import type { Settings } from '../src/protocol/settings.ts';
import { messageLocale, say } from '../src/ui/check-text.ts';
import {
  type Draft,
  draftFrom,
  GROUPS,
  INPUTS,
  type InputDef,
  settingsFromDraft,
  toDraftValue,
} from './form.ts';

export interface OptionsActions {
  /** Effective settings with the policy's locks and the policy values that were ignored. */
  load(): Promise<SettingsState>;
  /** Saves the fields the policy leaves to the user; resolves with the new state. */
  save(settings: Settings): Promise<SettingsState>;
  /** Calls back when the user's settings or the policy change; returns an unsubscribe function. */
  subscribe(listener: (state: SettingsState) => void): () => void;
  /**
   * Asks for host access. Must be called straight from a click, before anything is awaited (the user gesture);
   * resolves false when refused.
   */
  requestAccess(origins: string[]): Promise<boolean>;
  hasAccess(url: string): Promise<boolean>;
  /** Calls back when host access is granted or revoked; returns an unsubscribe function. */
  subscribeAccess(listener: () => void): () => void;
}

/** The note on a field the policy sets. */
const lockedText = () => t('options_locked');
export const noAccessText = (hosts: string[]) => t('options_no_access', hosts.join(', '));
const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

type Status = { kind: 'ok' | 'error'; text: string } | null;

/**
 * Options: relay, targets, profile, durations, thresholds, sharing and reminders. Fields the organization's
 * policy sets are shown read-only; input is validated before it is saved, and host access for a new relay or
 * target is asked for from the Save click.
 */
export function OptionsApp({ actions }: { actions: OptionsActions }) {
  const [state, setState] = useState<SettingsState | null>(null);
  const [draft, setDraft] = useState<Draft>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<Status>(null);
  const [accessWarning, setAccessWarning] = useState<string | null>(null);
  const [relayAccess, setRelayAccess] = useState<boolean | null>(null);
  // Inputs the user has typed in since the last save: a policy or storage change must not overwrite them.
  const dirty = useRef(new Set<string>());

  const apply = useCallback((next: SettingsState) => {
    setState(next);
    setDraft((prev) => {
      const out = { ...prev };
      for (const input of INPUTS) {
        if (next.locked.includes(input.field) || !dirty.current.has(input.id))
          out[input.id] = toDraftValue(input, next.settings);
      }
      return out;
    });
    setErrors((prev) =>
      Object.fromEntries(
        Object.entries(prev).filter(([id]) => {
          const input = INPUTS.find((i) => i.id === id);
          return input && !next.locked.includes(input.field);
        }),
      ),
    );
  }, []);

  useEffect(() => {
    // The page speaks the messages' language: its language tag and tab title follow them.
    document.documentElement.lang = messageLocale();
    document.title = t('options_title');
  }, []);

  useEffect(() => {
    let live = true;
    actions.load().then((s) => {
      if (!live) return;
      setDraft(draftFrom(s.settings));
      apply(s);
    });
    const off = actions.subscribe(apply);
    return () => {
      live = false;
      off();
    };
  }, [actions, apply]);

  const relayUrl = state?.settings.relayUrl;
  useEffect(() => {
    if (!relayUrl) return;
    let live = true;
    const check = () =>
      void actions.hasAccess(relayUrl).then((granted) => {
        if (live) setRelayAccess(granted);
      });
    check();
    const off = actions.subscribeAccess(check);
    return () => {
      live = false;
      off();
    };
  }, [actions, relayUrl]);

  if (!state) {
    return (
      <main class="options">
        <h1>{t('options_title')}</h1>
        <p class="hint">{t('common_loading')}</p>
      </main>
    );
  }

  const locked = (input: InputDef) => state.locked.includes(input.field);
  const allLocked = INPUTS.every(locked);

  const onInput = (id: string, value: string | boolean) => {
    dirty.current.add(id);
    setDraft((d) => ({ ...d, [id]: value }));
  };

  const finishSave = async (candidate: Settings, access: Promise<boolean>) => {
    try {
      const saved = await actions.save(candidate);
      dirty.current.clear();
      apply(saved);
      setStatus({ kind: 'ok', text: t('options_saved') });
    } catch (err) {
      setStatus({ kind: 'error', text: t('options_not_saved', errorText(err)) });
      return;
    }
    if (await access) return setAccessWarning(null);
    const urls = [candidate.relayUrl, ...candidate.relays.map((r) => r.url), ...candidate.targets];
    const hosts = new Map(urls.map((u) => [hostOf(u), u]));
    const missing: string[] = [];
    for (const [host, url] of hosts) if (!(await actions.hasAccess(url))) missing.push(host);
    setAccessWarning(missing.length > 0 ? noAccessText(missing) : null);
  };

  const onSubmit = (e: Event) => {
    e.preventDefault();
    const parsed = settingsFromDraft(state.settings, draft);
    if (!parsed.ok) {
      setErrors(parsed.errors);
      const n = Object.keys(parsed.errors).length;
      setStatus({
        kind: 'error',
        text: n === 1 ? t('options_not_saved_one') : t('options_not_saved_many', n),
      });
      const first = INPUTS.find((i) => i.id in parsed.errors);
      if (first) document.getElementById(first.id)?.focus();
      return;
    }
    setErrors({});
    setAccessWarning(null);
    // Asked before anything is awaited so the click still counts as the user's gesture.
    const { relayUrl: own, relays, targets } = parsed.value;
    const access = actions.requestAccess(originsForAll([own, ...relays.map((r) => r.url), ...targets]));
    void finishSave(parsed.value, access);
  };

  const grantRelayAccess = () => {
    if (!relayUrl) return;
    void actions.requestAccess(originsFor(relayUrl)).then(setRelayAccess);
  };

  return (
    <main class="options">
      <h1>{t('options_title')}</h1>
      <PolicyNotice state={state} allLocked={allLocked} />
      <form onSubmit={onSubmit} noValidate>
        {GROUPS.map((group) => (
          <fieldset key={group.id} id={`group-${group.id}`}>
            <legend>{group.legend}</legend>
            {group.inputs.map((input) => (
              <Field
                key={input.id}
                input={input}
                value={draft[input.id] ?? ''}
                locked={locked(input)}
                error={errors[input.id]}
                onInput={onInput}
              />
            ))}
            {group.id === 'relay' && relayUrl && (
              <RelayAccess host={hostOf(relayUrl)} granted={relayAccess} onGrant={grantRelayAccess} />
            )}
          </fieldset>
        ))}
        <p>
          <button type="submit" disabled={allLocked}>
            {t('options_save')}
          </button>
        </p>
        <div role="status" class="options-status">
          {status && <p class={status.kind === 'error' ? 'problem' : 'hint'}>{status.text}</p>}
          {accessWarning && <p class="warning">{accessWarning}</p>}
        </div>
      </form>
    </main>
  );
}

function PolicyNotice({ state, allLocked }: { state: SettingsState; allLocked: boolean }) {
  if (state.locked.length === 0 && state.ignored.length === 0) return null;
  return (
    <section class="notice" aria-labelledby="policy-heading">
      <h2 id="policy-heading">{t('options_policy_heading')}</h2>
      {state.locked.length > 0 && (
        <p>{allLocked ? t('options_policy_all') : t('options_policy_some', lockedText())}</p>
      )}
      {state.ignored.length > 0 && <IgnoredList ignored={state.ignored} />}
    </section>
  );
}

function IgnoredList({ ignored }: { ignored: IgnoredPolicyValue[] }) {
  return (
    <>
      <p>{t('options_ignored_intro')}</p>
      <ul class="ignored-policy">
        {ignored.map((i) => (
          <li key={i.key}>
            {t('options_policy_ignored', i.key)} <span class="hint">({say(i.reason)})</span>
          </li>
        ))}
      </ul>
    </>
  );
}

function Field(props: {
  input: InputDef;
  value: string | boolean;
  locked: boolean;
  error: string | undefined;
  onInput: (id: string, value: string | boolean) => void;
}) {
  const { input, value, locked, error, onInput } = props;
  const { id } = input;
  const describedBy = [`${id}-hint`, locked ? `${id}-locked` : '', error ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  const common = {
    id,
    disabled: locked,
    'aria-describedby': describedBy,
    'aria-invalid': error ? ('true' as const) : undefined,
  };
  const lockedNote = locked && (
    <span class="locked-note" id={`${id}-locked`}>
      {lockedText()}
    </span>
  );
  const after = (
    <>
      <p class="hint" id={`${id}-hint`}>
        {input.hint}
      </p>
      {error && (
        <p class="problem field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </>
  );

  if (input.kind === 'checkbox') {
    return (
      <div class="field field-checkbox" data-field={input.field}>
        <div class="field-head">
          <input
            {...common}
            type="checkbox"
            checked={value === true}
            onChange={(e) => onInput(id, e.currentTarget.checked)}
          />
          <label for={id}>{input.label}</label>
          {lockedNote}
        </div>
        {after}
      </div>
    );
  }

  const text = String(value);
  let control: JSX.Element;
  if (input.kind === 'select') {
    control = (
      <select {...common} value={text} onChange={(e) => onInput(id, e.currentTarget.value)}>
        {input.options?.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    );
  } else if (input.kind === 'lines' || input.kind === 'relays') {
    control = (
      <textarea {...common} rows={4} value={text} onInput={(e) => onInput(id, e.currentTarget.value)} />
    );
  } else if (input.kind === 'number') {
    control = (
      <input
        {...common}
        type="number"
        inputMode="decimal"
        min={input.min}
        max={input.max}
        step={input.step}
        value={text}
        onInput={(e) => onInput(id, e.currentTarget.value)}
      />
    );
  } else {
    control = (
      <input {...common} type="url" value={text} onInput={(e) => onInput(id, e.currentTarget.value)} />
    );
  }
  return (
    <div class={`field field-${input.kind}`} data-field={input.field}>
      <div class="field-head">
        <label for={id}>{input.label}</label>
        {lockedNote}
      </div>
      {control}
      {after}
    </div>
  );
}

function RelayAccess(props: { host: string; granted: boolean | null; onGrant: () => void }) {
  const { host, granted, onGrant } = props;
  if (granted === null) return null;
  return (
    <div class="relay-access" data-access={granted ? 'granted' : 'missing'}>
      <p>
        <strong>{t('options_access_to', host)}</strong>{' '}
        {granted ? t('options_access_granted') : t('options_access_missing', noAccessText([host]))}
      </p>
      {!granted && (
        <button type="button" onClick={onGrant}>
          {t('options_grant_access')}
        </button>
      )}
    </div>
  );
}
