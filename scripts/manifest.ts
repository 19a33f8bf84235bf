/**
 * Per-browser manifests from the base manifest.json. Pure, so it is unit-tested without a build.
 * - chrome: service worker background, offscreen permission, no gecko settings;
 * - firefox: background.scripts, no Chrome-only permissions or keys;
 * - both: version from package.json, host permissions for the default relay only (others are optional and
 *   requested when the user saves them), and storage.managed_schema (policy/managed-schema.json): Chrome checks
 *   administrators' policy against it; Firefox ignores the key (web-ext lint accepts it) and the extension
 *   validates policy values itself.
 */
export type Target = 'chrome' | 'firefox';

export interface ManifestOptions {
  version: string;
  relayUrl: string;
  dev: boolean;
}

type Manifest = Record<string, unknown> & {
  background?: Record<string, unknown>;
  permissions?: string[];
  host_permissions?: string[];
};

const CHROME_ONLY_PERMISSIONS = new Set(['offscreen']);
const CHROME_ONLY_KEYS = ['minimum_chrome_version'];

export function relayHostPermissions(relayUrl: string): string[] {
  const host = new URL(relayUrl).hostname;
  const h = host.includes(':') ? `[${host.replace(/^\[|\]$/g, '')}]` : host;
  return [`https://${h}/*`, `wss://${h}/*`];
}

export function forTarget(base: Manifest, target: Target, opts: ManifestOptions): Manifest {
  const m: Manifest = structuredClone(base);
  m.version = opts.version;
  // The name is a __MSG_…__ reference, so the dev marker is a message of its own.
  if (opts.dev) m.name = '__MSG_extNameDev__';
  m.host_permissions = [...new Set([...(m.host_permissions ?? []), ...relayHostPermissions(opts.relayUrl)])];
  const bg = m.background ?? {};
  if (target === 'chrome') {
    m.background = { service_worker: bg.service_worker };
    delete m.browser_specific_settings;
  } else {
    m.background = { scripts: bg.scripts };
    m.permissions = (m.permissions ?? []).filter((p) => !CHROME_ONLY_PERMISSIONS.has(p));
    for (const k of CHROME_ONLY_KEYS) delete m[k];
  }
  return m;
}
