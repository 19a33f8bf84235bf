/**
 * The usual end-to-end set-up in one call: the relay process, Chromium with the built extension trusting the
 * relay's certificate, and both torn down after the file's tests. Optionally inside a network namespace.
 */
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type ExtensionBrowser, launchWithExtension } from '../../../src/cli/chromium.ts';
import { createNetns, type Netns, requireNetns } from './netns.ts';
import { type RelayProcess, ROOT, startRelayProcess } from './relay-process.ts';

export interface ExtensionSession {
  relay: RelayProcess;
  browser: ExtensionBrowser;
  /** Set when the session runs Chromium inside its own network namespace. */
  ns: Netns | null;
}

export interface SessionOptions {
  /** Extra relay flags; with `netns`, `--host` is added for the namespace's host address. */
  relayArgs?: string[] | ((ns: Netns | null) => string[]);
  /** Run Chromium inside a fresh network namespace and the relay on its host address. */
  netns?: boolean;
}

/** Registers beforeAll/afterAll and returns the live session (read it inside tests, not at import time). */
export function useExtensionSession(opts: SessionOptions = {}): ExtensionSession {
  const session = {} as ExtensionSession;
  beforeAll(async () => {
    session.ns = null;
    if (opts.netns) {
      requireNetns();
      session.ns = await createNetns();
    }
    const extra = typeof opts.relayArgs === 'function' ? opts.relayArgs(session.ns) : (opts.relayArgs ?? []);
    session.relay = await startRelayProcess([
      ...(session.ns ? ['--host', session.ns.hostAddress] : []),
      ...extra,
    ]);
    session.browser = await launchWithExtension({
      extensionDir: join(ROOT, 'dist/chrome'),
      trustSpki: [session.relay.spkiSha256],
      ...(session.ns ? { executablePath: session.ns.chromiumWrapper } : {}),
    });
  });
  afterAll(async () => {
    await session.browser?.close();
    await session.relay?.stop();
    await session.ns?.destroy();
  });
  return session;
}
