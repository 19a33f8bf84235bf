/**
 * The relay's container image, built from Debian packages and run with podman as an operator would, passes
 * the command line's check: scripts/container-check.ts does every step (build context, buildah, podman run
 * as user 10001 with only CAP_NET_BIND_SERVICE, the image's HEALTHCHECK, the native echo loaded, `npm run
 * check` in headless Chromium against https://127.0.0.1:443, a draining stop) and removes what it made.
 * About 2 minutes here.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from './harness/relay-process.ts';

describe('container image', () => {
  it('builds without a registry, runs as user 10001 and passes the check: READY', () => {
    const r = spawnSync(process.execPath, ['scripts/container-check.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 420_000,
    });
    const output = `${r.stdout}\n${r.stderr}`;
    expect(r.status, output).toBe(0);
    expect(output).toMatch(/^ {2}Secure Voice Check: READY$/m);
    expect(output).toMatch(/process: 10001\s+NET_BIND_SERVICE/);
    // The build here has g++ (scripts/system-packages.ts), so the image carries the native echo and runs it.
    expect(output).toMatch(/^ {2}echo path: native$/m);
    // The image's entry point gives node one GC helper, and the echo thread got its short slice as user 10001
    // under podman's default seccomp profile (the kernel here is 6.12 or later).
    expect(output).toMatch(/^ {2}V8 GC helpers: 1$/m);
    expect(output).toMatch(/^ {2}echo thread: other, nice 0, slice 100 µs$/m);
  }, 450_000);
});
