/** The manifests as built (what users install) ask for exactly the approved permissions. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './harness/relay-process.ts';

const built = (target: string) =>
  JSON.parse(readFileSync(join(ROOT, 'dist', target, 'manifest.json'), 'utf8'));

/** Any change here is a deliberate decision: reviewers and stores look at this list. */
const APPROVED = {
  chrome: {
    permissions: ['storage', 'webRequest', 'offscreen', 'alarms', 'notifications'],
    optional: ['https://*/*', 'wss://*/*'],
  },
  firefox: {
    permissions: ['storage', 'webRequest', 'alarms', 'notifications'],
    optional: ['https://*/*', 'wss://*/*'],
  },
};

describe.each(['chrome', 'firefox'] as const)('dist/%s/manifest.json', (target) => {
  it('has exactly the approved permissions, host access to the default relay only, no external messaging', () => {
    const m = built(target);
    expect(m.permissions).toEqual(APPROVED[target].permissions);
    expect(m.optional_host_permissions).toEqual(APPROVED[target].optional);
    expect(m.host_permissions).toEqual(['https://127.0.0.1/*', 'wss://127.0.0.1/*']);
    expect(m).not.toHaveProperty('externally_connectable');
    expect(m).not.toHaveProperty('content_scripts');
    expect(JSON.stringify(m.content_security_policy ?? {})).not.toMatch(/unsafe-eval|http:/);
  });
});
