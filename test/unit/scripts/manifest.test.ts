import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { forTarget, relayHostPermissions } from '../../../scripts/manifest.ts';

const base = JSON.parse(readFileSync(new URL('../../../manifest.json', import.meta.url), 'utf8'));
const opts = { version: '1.2.3', relayUrl: 'https://relay.example.com:8443', dev: false };

/** The approved permission sets: any addition must be a deliberate change to this test. */
const APPROVED = {
  chrome: ['storage', 'webRequest', 'offscreen', 'alarms', 'notifications'],
  firefox: ['storage', 'webRequest', 'alarms', 'notifications'],
};

describe('forTarget', () => {
  it('gives Chrome a service worker, the offscreen permission and no gecko settings', () => {
    const m = forTarget(base, 'chrome', opts);
    expect(m.background).toEqual({ service_worker: 'background.js' });
    expect(m.permissions).toEqual(APPROVED.chrome);
    expect(m.browser_specific_settings).toBeUndefined();
    expect(m.manifest_version).toBe(3);
  });

  it('gives Firefox background scripts, a gecko id and data collection permissions, no Chrome-only keys', () => {
    const m = forTarget(base, 'firefox', opts) as Record<string, unknown> & {
      browser_specific_settings: { gecko: Record<string, unknown> };
    };
    expect(m.background).toEqual({ scripts: ['background.js'] });
    expect(m.permissions).toEqual(APPROVED.firefox);
    expect(m.browser_specific_settings.gecko.id).toMatch(/@/);
    expect(m.browser_specific_settings.gecko.data_collection_permissions).toEqual({ required: ['none'] });
    expect(m.minimum_chrome_version).toBeUndefined();
  });

  it('stamps the version and grants host access to the default relay only', () => {
    for (const target of ['chrome', 'firefox'] as const) {
      const m = forTarget(base, target, opts);
      expect(m.version).toBe('1.2.3');
      expect(m.host_permissions).toEqual(['https://relay.example.com/*', 'wss://relay.example.com/*']);
      expect(m.optional_host_permissions).toEqual(['https://*/*', 'wss://*/*']);
      expect(m).not.toHaveProperty('externally_connectable');
      expect(m).not.toHaveProperty('content_scripts');
    }
  });

  it('names the managed storage schema, which Chrome checks policy against and Firefox ignores', () => {
    for (const target of ['chrome', 'firefox'] as const) {
      expect(forTarget(base, target, opts).storage).toEqual({ managed_schema: 'managed-schema.json' });
    }
  });

  it('marks dev builds in the name and leaves the base untouched', () => {
    const before = JSON.stringify(base);
    expect(forTarget(base, 'chrome', { ...opts, dev: true }).name).toBe('__MSG_extNameDev__');
    expect(JSON.stringify(base)).toBe(before);
  });

  it('brackets IPv6 relay hosts in match patterns', () => {
    expect(relayHostPermissions('https://[::1]:8443')).toEqual(['https://[::1]/*', 'wss://[::1]/*']);
  });
});
