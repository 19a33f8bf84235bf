import { useEffect, useState } from 'preact/hooks';
import { PROFILES } from '../src/profiles/index.ts';
import { parseSettings, type Settings } from '../src/protocol/settings.ts';

export interface SettingsActions {
  load(): Promise<Settings>;
  save(settings: Settings): Promise<Settings>;
}

/** Options: where the relay and the extra HTTPS targets are set. Input is validated before it is saved. */
export function OptionsApp({ actions }: { actions: SettingsActions }) {
  const [relayUrl, setRelayUrl] = useState('');
  const [targets, setTargets] = useState('');
  const [profile, setProfile] = useState<string>('desk-phone');
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  useEffect(() => {
    actions.load().then((s) => {
      setRelayUrl(s.relayUrl);
      setTargets(s.targets.join('\n'));
      setProfile(s.profile);
    });
  }, [actions]);

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    const candidate = {
      relayUrl,
      profile,
      targets: targets
        .split('\n')
        .map((t) => t.trim())
        .filter(Boolean),
    };
    const parsed = parseSettings(candidate);
    if (!parsed.ok) return setMessage({ kind: 'error', text: `Not saved: ${parsed.error}` });
    try {
      await actions.save(parsed.value);
      setMessage({ kind: 'ok', text: 'Saved.' });
    } catch (err) {
      setMessage({ kind: 'error', text: `Not saved: ${String(err)}` });
    }
  };

  return (
    <main class="options">
      <h1>Secure Voice Check settings</h1>
      <form onSubmit={onSubmit}>
        <label for="relay-url">Relay URL</label>
        <input
          id="relay-url"
          type="url"
          value={relayUrl}
          onInput={(e) => setRelayUrl(e.currentTarget.value)}
        />
        <p class="hint">The companion relay the checks run against, e.g. https://relay.example.com:8443</p>
        <label for="profile">Profile</label>
        <select id="profile" value={profile} onChange={(e) => setProfile(e.currentTarget.value)}>
          {PROFILES.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
        <p class="hint">Which of the provider's port tables the firewall check probes.</p>
        <label for="targets">Extra HTTPS targets (one per line)</label>
        <textarea id="targets" rows={4} value={targets} onInput={(e) => setTargets(e.currentTarget.value)} />
        <p class="hint">Your provider's web and provisioning hosts, checked for reachability.</p>
        <p>
          <button type="submit">Save</button>
        </p>
        <p role="status" class={message?.kind === 'error' ? 'problem' : 'hint'}>
          {message?.text ?? ''}
        </p>
      </form>
    </main>
  );
}
