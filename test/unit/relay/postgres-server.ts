/**
 * A throwaway PostgreSQL server for tests: initdb into a temporary folder, start it on a Unix socket in that
 * folder only (no TCP), hand out fresh databases, stop it and delete everything. PostgreSQL refuses to run
 * as root, so as root the server runs as the `postgres` user (Debian's package creates it) or `nobody`.
 * Missing binaries are an error, not a skip: CI installs Debian's `postgresql` (.ci/run).
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePorts } from '../../helpers/in-process-relay.ts';

export const INSTALL_HINT = 'PostgreSQL not found: install postgresql (apt-get install postgresql)';

/** Debian keeps the server binaries per major version under /usr/lib/postgresql; the newest wins. */
export function findPostgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')) && existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

/** uid and gid of a user from /etc/passwd, or null. */
function userIds(name: string): { uid: number; gid: number } | null {
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid !== undefined && gid !== undefined)
      return { uid: Number(uid), gid: Number(gid) };
  }
  return null;
}

function run(
  cmd: string,
  args: string[],
  opts: { ids: { uid: number; gid: number } | null; home: string },
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      {
        ...(opts.ids ?? {}),
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: opts.home, LANG: 'C', LC_ALL: 'C' },
        timeout: 60_000,
      },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

export interface TestPostgres {
  /** A new empty database; its URL reaches the server over the Unix socket. */
  createDatabase(): Promise<string>;
  /** A client for ad hoc SQL (the caller ends it). */
  client(url: string): Promise<pg.Client>;
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<TestPostgres> {
  const bin = findPostgresBin();
  if (!bin) throw new Error(INSTALL_HINT);
  const asRoot = process.getuid?.() === 0;
  const ids = asRoot ? (userIds('postgres') ?? userIds('nobody')) : null;
  if (asRoot && !ids)
    throw new Error('running as root, and neither a postgres nor a nobody user exists to run PostgreSQL');
  const dir = await mkdtemp(join(tmpdir(), 'svc-pg-'));
  const data = join(dir, 'data');
  if (ids) await chown(dir, ids.uid, ids.gid);
  await chmod(dir, 0o700);
  const [port] = await freePorts('tcp', 1);
  const opts = { ids, home: dir };
  await run(
    join(bin, 'initdb'),
    ['-D', data, '-U', 'svc', '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync'],
    opts,
  );
  // Unix socket in our own folder only (listen_addresses empty): nothing else on the machine can connect.
  // Durability is off: the data is thrown away with the folder.
  const serverOptions = `-k ${dir} -p ${port} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  await run(
    join(bin, 'pg_ctl'),
    ['-D', data, '-l', join(dir, 'server.log'), '-o', serverOptions, '-w', '-t', '60', 'start'],
    opts,
  );
  const urlFor = (db: string) =>
    `postgresql://svc@localhost/${db}?host=${encodeURIComponent(dir)}&port=${port}`;
  let n = 0;
  const client = async (url: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    return c;
  };
  return {
    async createDatabase() {
      const name = `svc_test_${++n}`;
      const admin = await client(urlFor('postgres'));
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return urlFor(name);
    },
    client,
    async stop() {
      try {
        await run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop'], opts);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
