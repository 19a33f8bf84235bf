/**
 * The native echo add-on for tests: compiled once per test process into a temporary folder (the same
 * compile as the build's, scripts/native-echo-build.ts), loaded, and wrapped so a test sees every session
 * the relay hands to it (the handles, to read the add-on's own figures).
 */
import { mkdtemp } from 'node:fs/promises';
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
let built: Promise<string> | null = null;

/** The add-on's file, compiled for this test process. Throws (the test fails) when it cannot be built. */
export function nativeEchoFile(): Promise<string> {
  built ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'svc-native-echo-'));
    const result = await buildNativeEcho(root, join(dir, 'udp-echo.node'));
    if (!result.built) throw new Error(`native echo not built: ${result.reason}`);
    return result.file;
  })();
  return built;
}

export interface WatchedEcho {
  echo: NativeEcho;
  /** Every attach, in order: its options and the handle the add-on returned. */
  attached: Array<{ opts: NativeAttachOptions; handle: NativeHandle }>;
  /** The add-on's figures for one handle. */
  stats(handle: NativeHandle): { echoed: number; refused: number; oversized: number; handed: number };
}

export async function watchedNativeEcho(): Promise<WatchedEcho> {
  const loaded = loadNativeEcho(await nativeEchoFile());
  if (!loaded.ok) throw new Error(loaded.reason);
  const inner = loaded.echo;
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
