/** User/administrator settings, validated wherever they enter: options page, storage, command line. */
import * as v from 'valibot';
import { DEFAULT_PROFILE_ID, PROFILE_IDS } from '../profiles/index.ts';

const httpsUrl = v.pipe(
  v.string(),
  v.trim(),
  v.maxLength(2048),
  v.url('must be a URL such as https://relay.example.com'),
  v.check((s) => s.startsWith('https://'), 'must start with https://'),
);

export const SettingsSchema = v.strictObject({
  /** Base URL of the companion relay, e.g. https://relay.example.com:8443 */
  relayUrl: httpsUrl,
  /** Extra HTTPS endpoints whose reachability is checked (the provider's web and provisioning hosts). */
  targets: v.pipe(v.array(httpsUrl), v.maxLength(20)),
  /** Which of the provider's port tables the firewall matrix probes. */
  profile: v.optional(v.picklist(PROFILE_IDS), DEFAULT_PROFILE_ID),
});
export type Settings = v.InferOutput<typeof SettingsSchema>;
export type SettingsInput = v.InferInput<typeof SettingsSchema>;

export function parseSettings(raw: unknown): { ok: true; value: Settings } | { ok: false; error: string } {
  const r = v.safeParse(SettingsSchema, raw);
  if (r.success) return { ok: true, value: r.output };
  const issue = r.issues[0];
  const path = issue?.path?.map((p) => String(p.key)).join('.') ?? 'settings';
  return { ok: false, error: `${path}: ${issue?.message ?? 'invalid'}` };
}

/** The relay's WSS URL derived from its HTTPS base. */
export function wssUrlFor(relayUrl: string): string {
  const u = new URL(relayUrl);
  u.protocol = 'wss:';
  u.pathname = `${u.pathname.replace(/\/$/, '')}/ws`;
  u.search = '';
  return u.toString();
}

export function probeUrlFor(relayUrl: string): string {
  const u = new URL(relayUrl);
  u.pathname = `${u.pathname.replace(/\/$/, '')}/probe`;
  u.search = '';
  return u.toString();
}
