/**
 * The provider's port tables as profiles, one per kind of endpoint. The user (popup, options) or an
 * administrator (settings) picks one; which one applies when nobody has is configurable, so this module
 * offers the fallback chain rather than deciding it in each page.
 */
import { DESK_PHONE, DESKTOP_APP, MEETINGS, MOBILE_APP } from './provider-ports.ts';
import type { Profile, ProfileId } from './types.ts';

export { type MediaRow, mediaRowFor } from './media-row.ts';
export { SOURCE_PORT_NOTE } from './provider-ports.ts';
export type { ProbeTarget } from './sample-ports.ts';
export { probeTargets, samplePorts, samplePortsOf } from './sample-ports.ts';
export type * from './types.ts';

/** In the order pickers show them: the provider's order. */
export const PROFILES: readonly Profile[] = [DESK_PHONE, MOBILE_APP, DESKTOP_APP, MEETINGS];

export const PROFILE_IDS: readonly ProfileId[] = PROFILES.map((p) => p.id);

/** Desk phones, the provider's first table and the most common endpoint; settings can override it. */
export const DEFAULT_PROFILE_ID: ProfileId = 'desk-phone';

export function isProfileId(value: unknown): value is ProfileId {
  return typeof value === 'string' && (PROFILE_IDS as readonly string[]).includes(value);
}

export function profileById(id: string): Profile | undefined {
  return PROFILES.find((p) => p.id === id);
}

/**
 * The profile to use: the user's pick, else the configured default, else DEFAULT_PROFILE_ID. Inputs are
 * `unknown` because they come from storage or managed policy, where a stale or mistyped id must fall
 * through rather than break the check.
 */
export function resolveProfileId(userChoice: unknown, configuredDefault: unknown): ProfileId {
  if (isProfileId(userChoice)) return userChoice;
  if (isProfileId(configuredDefault)) return configuredDefault;
  return DEFAULT_PROFILE_ID;
}
