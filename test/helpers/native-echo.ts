/**
 * The native echo add-on for tests: compiled once per test process into a temporary folder (the same
 * compile as the build's, scripts/native-echo-build.ts), loaded, and wrapped so a test sees every session
 * the relay hands to it (the handles, to read the add-on's own figures). The temporary folder is removed
 * once the add-on is loaded (a loaded shared object needs no file), so tests leave nothing in /tmp.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildNativeEcho } from '../../scripts/native-echo-build.ts';
import {
  loadNativeEcho,
  type NativeAttachOptions,
  type NativeEcho,
  type NativeHandle,
} from '../../src/relay/media/native/native-echo.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
let loaded: Promise<NativeEcho> | null = null;

/** The add-on, compiled and loaded once for this test process. Throws (the test fails) when it cannot be. */
function nativeEcho(): Promise<NativeEcho> {
  loaded ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'svc-native-echo-'));
    try {
      const result = await buildNativeEcho(root, join(dir, 'udp-echo.node'));
      if (!result.built) throw new Error(`native echo not built: ${result.reason}`);
      const echo = loadNativeEcho(result.file);
      if (!echo.ok) throw new Error(echo.reason);
      return echo.echo;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  })();
  return loaded;
}

export interface WatchedEcho {
  echo: NativeEcho;
  /** Every attach, in order: its options and the handle the add-on returned. */
  attached: Array<{ opts: NativeAttachOptions; handle: NativeHandle }>;
  /** The add-on's figures for one handle. */
  stats(handle: NativeHandle): { echoed: number; refused: number; oversized: number; handed: number };
}

export async function watchedNativeEcho(): Promise<WatchedEcho> {
  const inner = await nativeEcho();
  const attached: WatchedEcho['attached'] = [];
  const echo: NativeEcho = {
    ...inner,
    attach: (opts) => {
      const handle = inner.attach(opts);
      attached.push({ opts, handle });
      return handle;
    },
  };
  const stats = (handle: NativeHandle) => {
    const f = new Float64Array(8);
    inner.stats(handle, f);
    return {
      echoed: f[0] as number,
      refused: f[1] as number,
      oversized: f[2] as number,
      handed: f[5] as number,
    };
  };
  return { echo, attached, stats };
}
