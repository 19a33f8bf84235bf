/**
 * Vitest globalSetup: for the run, adds the tests' fixed ports (test/ports.ts) to the kernel's reserved ports,
 * so no socket bound to port 0 is given one of them; where that file cannot be written (not root), prints one
 * line saying so and how to reserve them.
 *
 * Several runs may overlap (two vitest processes, two projects of one): each leaves a holder file in a
 * folder per network namespace (the setting is per namespace), the ports added are recorded there, and only
 * the last run out takes away what runs added, from the value it then finds, and removes the folder. Ports
 * reserved before any run started are never taken away. A run killed outright leaves its ports reserved
 * until the next run ends.
 *   node test/reserve-ports.ts   prints the list to reserve
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addRanges, missingRanges, removeRanges } from './port-ranges.ts';
import { portsToReserve } from './ports.ts';

const SYSCTL = '/proc/sys/net/ipv4/ip_local_reserved_ports';
const ADDED = 'added';

export default function setup(): () => void {
  const wanted = portsToReserve();
  let current: string;
  try {
    current = readFileSync(SYSCTL, 'utf8').trim();
  } catch {
    // Not Linux: no ephemeral-port reservation to make.
    return () => {};
  }
  const dir = `/tmp/svc-reserved-ports-${statSync('/proc/self/ns/net').ino}`;
  const holder = join(dir, `${process.pid}-${randomUUID()}`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(holder, '');
  } catch {
    // A user who cannot write root's folder cannot change the reservation either: it holds nothing.
  }
  const add = missingRanges(current, wanted);
  if (add) {
    try {
      writeFileSync(SYSCTL, `${addRanges(current, add)}\n`);
    } catch {
      rmSync(holder, { force: true });
      console.log(
        `Test ports not reserved (${SYSCTL} is not writable): tests may collide with ephemeral ports (EADDRINUSE at random); to reserve them: sudo sysctl -w net.ipv4.ip_local_reserved_ports=${addRanges(current, wanted)}`,
      );
      return () => {};
    }
    // Again: the last run out may have removed the folder since.
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, ADDED), addRanges(readOr(join(dir, ADDED)), add));
  }
  return () => {
    rmSync(holder, { force: true });
    try {
      if (readdirSync(dir).some((name) => name !== ADDED && holderIsLive(join(dir, name)))) return;
      const added = readOr(join(dir, ADDED));
      if (added) writeFileSync(SYSCTL, `${removeRanges(readFileSync(SYSCTL, 'utf8').trim(), added)}\n`);
      rmSync(join(dir, ADDED), { force: true });
      rmdirSync(dir);
    } catch {
      // Not root (or no folder): the ports stay reserved until a run that may change the setting ends.
    }
  };
}

/** A holder file whose process still runs; one left by a run that was killed is removed. */
function holderIsLive(path: string): boolean {
  const pid = Number(path.split('/').at(-1)?.split('-')[0]);
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EPERM') return true;
    rmSync(path, { force: true });
    return false;
  }
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

if (import.meta.main) console.log(portsToReserve());
