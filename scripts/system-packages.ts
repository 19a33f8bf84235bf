/**
 * The Debian packages the tests need, in one list: `npm test` (scripts/test.ts) and `.ci/run` use it, and
 * whoever adds a test that needs a system tool adds its package here. As root on Debian the missing ones
 * are installed (as `npm start` does for Chromium); otherwise the run stops at once with one line naming
 * them and the command that installs them.
 *   node scripts/system-packages.ts [--skip-e2e]   installs or names what is missing
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

export interface SystemPackage {
  /** The Debian package name. */
  name: string;
  /** What needs it, for the message. */
  why: string;
  /** Unit tests need it too; otherwise only the end-to-end tests. */
  unit?: true;
  /** Only a benchmark needs it (it says so when it is missing): the tests never install it. */
  bench?: true;
  present(): boolean;
}

const onPath = (tool: string) =>
  ['/usr/sbin', '/usr/bin', '/sbin', '/bin', ...(process.env.PATH ?? '').split(':')].some(
    (dir) => dir && existsSync(`${dir}/${tool}`),
  );

export const SYSTEM_PACKAGES: SystemPackage[] = [
  {
    name: 'postgresql',
    why: 'the relay report store is tested against a real PostgreSQL the tests start',
    unit: true,
    present: () =>
      existsSync('/usr/lib/postgresql') &&
      readdirSync('/usr/lib/postgresql').some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`)),
  },
  {
    name: 'chromium',
    why: 'end-to-end tests run the built extension in Debian Chromium',
    present: () => existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'),
  },
  {
    name: 'iptables',
    why: 'network namespace tests drop and reject ports (iptables, and ip6tables for the IPv6 lab)',
    present: () => onPath('iptables') && onPath('ip6tables'),
  },
  {
    name: 'libnss3-tools',
    why: '`npm run check -- --ca-cert` makes Chromium trust the CA through a private NSS database (certutil); the lab tests use it',
    present: () => onPath('certutil'),
  },
  { name: 'iproute2', why: 'network namespace tests (ip netns)', present: () => onPath('ip') },
  {
    name: 'firefox-esr',
    why: 'end-to-end tests run the built add-on in Debian Firefox ESR',
    present: () => existsSync(process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr'),
  },
  {
    name: 'firefox-esr-l10n-de',
    why: 'the German add-on UI is tested in Firefox ESR, which needs its German language pack',
    present: () =>
      existsSync('/usr/lib/firefox-esr/browser/extensions/langpack-de@firefox-esr.mozilla.org.xpi'),
  },
  {
    name: 'podman',
    why: "the relay's container image is run and checked with podman (test/e2e/container.e2e.ts)",
    present: () => onPath('podman'),
  },
  {
    name: 'buildah',
    why: "the relay's container image is built with buildah",
    present: () => onPath('buildah'),
  },
  {
    name: 'runc',
    why: "podman runs the relay's image with runc (crun refuses this VM's mixed cgroups)",
    present: () => onPath('runc'),
  },
  {
    name: 'tcpdump',
    why: 'bench:relay-cpu reads the delay the relay adds to each echo from a loopback capture (without it: not measured)',
    bench: true,
    present: () => onPath('tcpdump'),
  },
  {
    name: 'g++',
    why: "the relay's native echo add-on (dist/native/udp-echo.node) is compiled by the build and by its unit tests; bench:relay-cpu's native callers (scripts/bench/native/pump.cc) are built at run time, and a unit test builds them",
    unit: true,
    present: () => onPath('g++'),
  },
  {
    name: 'systemd',
    why: "the relay's systemd unit is checked with systemd-analyze verify (installing it starts nothing)",
    unit: true,
    present: () => onPath('systemd-analyze'),
  },
];

export function missingPackages(opts: { e2e: boolean }): SystemPackage[] {
  return SYSTEM_PACKAGES.filter((p) => !p.bench && (opts.e2e || p.unit) && !p.present());
}

/** Installs what is missing as root on Debian; otherwise exits 2 with one line. */
export function ensureSystemPackages(opts: { e2e: boolean }): void {
  const missing = missingPackages(opts);
  if (missing.length === 0) return;
  const names = missing.map((p) => p.name).join(' ');
  const canInstall = process.getuid?.() === 0 && spawnSync('apt-get', ['--version']).status === 0;
  if (!canInstall) {
    console.error(
      `Missing Debian packages for the tests: ${names}. Install them with: sudo apt-get install -y ${names}` +
        (opts.e2e ? ' (or run node scripts/test.ts --skip-e2e for the unit tests only)' : ''),
    );
    process.exit(2);
  }
  console.log(`Installing Debian packages: ${names}`);
  for (const p of missing) console.log(`  ${p.name}: ${p.why}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', ...missing.map((p) => p.name)], { stdio: 'inherit', env });
  const still = missingPackages(opts);
  if (still.length > 0) {
    console.error(`apt-get finished but these are still missing: ${still.map((p) => p.name).join(' ')}`);
    process.exit(2);
  }
}

if (import.meta.main) ensureSystemPackages({ e2e: !process.argv.includes('--skip-e2e') });
