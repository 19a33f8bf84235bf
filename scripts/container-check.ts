/**
 * `npm run container:check`: builds the relay's container image from Debian packages (no registry), runs it
 * with podman as an operator would (host network, user 10001, only CAP_NET_BIND_SERVICE, the provider's
 * real ports from deploy/relay.json, on 127.0.0.1 here), waits for its HEALTHCHECK, then runs the command
 * line's quick check against it in headless Chromium and requires READY. Removes the container, the image,
 * the build context and the test certificate afterwards. Needs root, podman, buildah, runc and a free
 * 127.0.0.1:443. Exit codes: 0 ready, 1 the check or an assertion failed, 2 the environment cannot run it.
 *   node scripts/container-check.ts [--keep]   (--keep leaves the container running and the image built)
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTlsIdentity } from '../src/relay/tls-cert.ts';

const root = join(import.meta.dirname, '..');
const keep = process.argv.includes('--keep');
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
const image = `localhost/secure-voice-check-relay:${version}-check`;
const name = `svc-relay-check-${process.pid}`;
const context = join(root, '.container-context');

/**
 * How podman runs the image on a VM like this project's (Firecracker, cgroups v1 and v2 mixed, root without
 * CAP_SYS_RESOURCE):
 * - `--runtime runc`: crun 1.8 refuses hybrid cgroups ("drop all controllers from cgroupv2").
 * - explicit `--ulimit`s: without them rootful podman asks for RLIMIT_NOFILE 1048576 and RLIMIT_NPROC above
 *   the current hard limits, which only CAP_SYS_RESOURCE may raise ("setrlimit RLIMIT_NPROC: Operation not
 *   permitted"). The relay needs many descriptors (connections, media and probe sockets) and few threads.
 * - `--cap-drop all --cap-add NET_BIND_SERVICE`: 443 and the provider's ports below 1024, nothing else.
 */
function runOptions(tlsDir: string): string[] {
  const hardNofile = /^Max open files\s+\S+\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1];
  const nofile = Math.min(Number(hardNofile ?? 1024), 65_536);
  return [
    ...['--runtime', 'runc', '--network', 'host', '--cap-drop', 'all', '--cap-add', 'NET_BIND_SERVICE'],
    ...['--ulimit', `nofile=${nofile}:${nofile}`, '--ulimit', 'nproc=4096:4096'],
    // Loopback only: this is a test; an operator sets the address browsers reach instead.
    ...['-e', 'SVC_RELAY_HOST=127.0.0.1', '-e', 'SVC_RELAY_MEDIA_ADDRESS=127.0.0.1'],
    ...['-v', `${tlsDir}:/etc/secure-voice-check/tls:ro`],
  ];
}

class Stop extends Error {
  readonly code: 1 | 2;
  constructor(message: string, code: 1 | 2) {
    super(message);
    this.code = code;
  }
}

function run(cmd: string, args: string[], timeoutS: number, opts: { quiet?: boolean } = {}): string {
  const r = spawnSync(cmd, args, {
    cwd: root,
    encoding: 'utf8',
    timeout: timeoutS * 1000,
    maxBuffer: 64 << 20,
    stdio: ['ignore', 'pipe', opts.quiet ? 'pipe' : 'inherit'],
  });
  if (r.error) throw new Stop(`${cmd} ${args[0]}: ${r.error.message}`, 1);
  if (r.status !== 0) {
    throw new Stop(
      `${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}\n${r.stdout}${r.stderr ?? ''}`,
      1,
    );
  }
  return r.stdout;
}

function step(title: string): () => void {
  const started = Date.now();
  process.stdout.write(`▶ ${title}\n`);
  return () => console.log(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function freeOn443(): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(443, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * Which echo the relay in the container runs, from its one start line (media/native/choose-echo.ts):
 * `echo-path` when the native add-on loaded, `native-echo-not-loaded` with why otherwise.
 */
function echoPathOf(logs: string): { path: string; reason?: string } {
  for (const line of logs.split('\n')) {
    let entry: { event?: string; echoPath?: string; reason?: string };
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (entry.event === 'echo-path') return { path: entry.echoPath ?? '?' };
    if (entry.event === 'native-echo-not-loaded') {
      return { path: entry.echoPath ?? '?', reason: `native echo not loaded: ${entry.reason}` };
    }
  }
  return { path: 'not native (no echo-path line)' };
}

/**
 * How the relay in the container schedules its echo and collects garbage, from its start lines: the echo
 * thread's `native-echo-priority` (what the kernel granted, or refused under the container's seccomp
 * profile) and `v8-gc-helpers` (the image's entry point gives node --v8-pool-size=1).
 */
function schedulingOf(logs: string): { echoThread: string; gcHelpers: string } {
  const out = {
    echoThread: 'not said (no native-echo-priority line)',
    gcHelpers: 'not said (no v8-gc-helpers line)',
  };
  for (const line of logs.split('\n')) {
    let entry: { event?: string; got?: string; refused?: string; helpers?: number | string };
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (entry.event === 'native-echo-priority')
      out.echoThread = `${entry.got ?? '?'}${entry.refused ? ` (refused: ${entry.refused})` : ''}`;
    if (entry.event === 'v8-gc-helpers') out.gcHelpers = String(entry.helpers);
  }
  return out;
}

async function preflight(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Stop('needs root (rootful podman, and the relay on port 443)', 2);
  const missing = ['podman', 'buildah', 'runc', 'apt-get', 'dpkg-deb'].filter(
    (tool) => spawnSync(tool, ['--version'], { stdio: 'ignore' }).status !== 0,
  );
  if (missing.length > 0) {
    throw new Stop(`missing ${missing.join(', ')}: apt-get install -y podman buildah runc`, 2);
  }
  if (!(await freeOn443()))
    throw new Stop('127.0.0.1:443 is in use: the relay in the image listens there', 2);
}

async function main(): Promise<void> {
  await preflight();
  const tlsDir = mkdtempSync(join(tmpdir(), 'svc-container-tls-'));
  try {
    // A certificate for 127.0.0.1, as the relay makes its own; readable by the image's user 10001.
    const generated = mkdtempSync(join(tmpdir(), 'svc-container-cert-'));
    await loadTlsIdentity({ certFile: null, keyFile: null, dataDir: generated });
    copyFileSync(join(generated, 'relay-cert.pem'), join(tlsDir, 'tls.crt'));
    copyFileSync(join(generated, 'relay-key.pem'), join(tlsDir, 'tls.key'));
    rmSync(generated, { recursive: true, force: true });
    chmodSync(tlsDir, 0o755);
    chmodSync(join(tlsDir, 'tls.key'), 0o644);

    let done = step('build context: Debian packages, Node, the relay (deploy/container/build-context.sh)');
    run('bash', ['deploy/container/build-context.sh'], 600, { quiet: true });
    done();

    // buildah's default storage driver may differ from podman's (overlay against vfs here): the image must
    // land where podman looks for it.
    const driver = run('podman', ['info', '--format', '{{.Store.GraphDriverName}}'], 60, {
      quiet: true,
    }).trim();
    done = step(`image ${image} (buildah bud, ${driver} storage)`);
    run('buildah', ['--storage-driver', driver, 'bud', '--format', 'docker', '-t', image, context], 600, {
      quiet: true,
    });
    done();

    done = step('podman run, then the image HEALTHCHECK (GET /readyz)');
    run('podman', ['run', '-d', '--name', name, ...runOptions(tlsDir), image], 120, { quiet: true });
    // podman schedules healthchecks with systemd timers; without systemd, run the image's one by hand.
    let healthy = false;
    for (let i = 0; i < 30 && !healthy; i++) {
      healthy =
        spawnSync('podman', ['healthcheck', 'run', name], { stdio: 'ignore', timeout: 15_000 }).status === 0;
      if (!healthy) await new Promise((r) => setTimeout(r, 1000));
    }
    if (!healthy) {
      throw new Stop(
        `the container never became healthy:\n${run('podman', ['logs', name], 30, { quiet: true })}`,
        1,
      );
    }
    done();

    // The image carries dist/native when the build host had g++; the relay must load it there (libstdc++ from
    // the image's root file system, OpenSSL from its Node), else it would quietly echo on the lean path.
    const logs = run('podman', ['logs', name], 30, { quiet: true });
    const echo = echoPathOf(logs);
    console.log(`  echo path: ${echo.path}${echo.reason ? ` (${echo.reason})` : ''}`);
    const scheduling = schedulingOf(logs);
    console.log(`  echo thread: ${scheduling.echoThread}`);
    console.log(`  V8 GC helpers: ${scheduling.gcHelpers}`);
    if (existsSync(join(context, 'app/dist/native/udp-echo.node')) && echo.path !== 'native') {
      throw new Stop(`the image carries the native echo but its relay runs ${echo.path}`, 1);
    }

    const top = run('podman', ['top', name, 'huser', 'capeff'], 30, { quiet: true }).trim().split('\n');
    console.log(`  process: ${top.slice(1).join('; ')}`);
    if (!top.slice(1).every((line) => /^10001\s+NET_BIND_SERVICE$/.test(line.trim()))) {
      throw new Stop(`expected user 10001 with only NET_BIND_SERVICE, got: ${top.join(' | ')}`, 1);
    }

    done = step('npm run check -- --relay https://127.0.0.1:443 (headless Chromium)');
    run(process.execPath, ['scripts/build.ts', '--quiet'], 300);
    const check = spawnSync(
      process.execPath,
      ['src/cli/check.ts', '--relay', 'https://127.0.0.1:443', '--ca-cert', join(tlsDir, 'tls.crt')],
      { cwd: root, encoding: 'utf8', timeout: 180_000, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    console.log(check.stdout.replace(/^/gm, '  '));
    done();
    if (check.status !== 0 || !/^Secure Voice Check: READY$/m.test(check.stdout)) {
      throw new Stop(
        `the check against the container was not READY (exit ${check.status ?? check.signal})`,
        1,
      );
    }

    done = step('podman stop (SIGTERM: the relay drains and exits)');
    run('podman', ['stop', '-t', '30', name], 60, { quiet: true });
    const exit = run('podman', ['inspect', '--format', '{{.State.ExitCode}}', name], 30, {
      quiet: true,
    }).trim();
    done();
    if (exit !== '0') throw new Stop(`the relay exited ${exit} on SIGTERM`, 1);
    console.log('\nREADY: the container image built, ran as user 10001 and passed the check.');
  } finally {
    if (!keep) {
      spawnSync('podman', ['rm', '-f', name], { stdio: 'ignore', timeout: 60_000 });
      spawnSync('podman', ['rmi', '-f', image], { stdio: 'ignore', timeout: 60_000 });
      rmSync(context, { recursive: true, force: true });
      rmSync(tlsDir, { recursive: true, force: true });
    }
  }
}

try {
  await main();
} catch (err) {
  if (!(err instanceof Stop)) throw err;
  console.error(`\ncontainer check: ${err.message}`);
  process.exit(err.code);
}
