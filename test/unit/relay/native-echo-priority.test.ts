/**
 * The native echo's thread as an operator finds it: named "svc-echo" in /proc/<pid>/task/<tid>/comm, and
 * scheduled as --native-echo-priority asks, or as near as the kernel allows, with one log line saying what
 * it got; without the privilege (a non-root service) the relay runs on. What the add-on reports is checked
 * against what the kernel says in /proc.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildNativeEcho } from '../../../scripts/native-echo-build.ts';
import { chooseEcho } from '../../../src/relay/media/native/choose-echo.ts';
import { type WatchedEcho, watchedNativeEcho } from '../../helpers/native-echo.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
let watched: WatchedEcho;
beforeAll(async () => {
  watched = await watchedNativeEcho();
}, 120_000);
// This process's echo thread goes back to ordinary scheduling whatever a test did.
afterEach(() => {
  watched.echo.setPriority('normal');
});

/** A thread's comm, nice and scheduling policy (0 SCHED_OTHER, 1 SCHED_FIFO) and real-time priority. */
function task(tid: number, pid: number | 'self' = 'self') {
  const dir = `/proc/${pid}/task/${tid}`;
  const fields = readFileSync(`${dir}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return {
    comm: readFileSync(`${dir}/comm`, 'utf8').trim(),
    nice: Number(fields[16]),
    rtPriority: Number(fields[37]),
    policy: Number(fields[38]),
  };
}

/** The thread's EEVDF time slice (ns), as the kernel shows it in /proc/<pid>/task/<tid>/sched. */
function sliceNs(tid: number): number {
  const line = readFileSync(`/proc/self/task/${tid}/sched`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('se.slice'));
  return Number(line?.split(':')[1]?.trim());
}

const logged = () => {
  const lines: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
  return { log, entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
};

describe("the native echo's thread", () => {
  it('is named svc-echo, and runs under what --native-echo-priority high got, as the log line and /proc say', () => {
    const normal = watched.echo.setPriority('normal');
    expect(task(normal.tid)).toEqual({ comm: 'svc-echo', nice: normal.nice, rtPriority: 0, policy: 0 });

    const { log, entries } = logged();
    const choice = chooseEcho(
      'native',
      log,
      () => ({ ok: true, echo: watched.echo, file: 'x.node' }),
      true,
      'high',
    );
    expect(choice.echoPath).toBe('native');
    const said = entries().filter((e) => e.event === 'native-echo-priority');
    expect(said).toHaveLength(1);
    const now = task(normal.tid);
    // What the log says is what the kernel has: SCHED_FIFO 1 with the privilege, else a lower nice or nothing.
    if (now.policy === 1) expect(said[0]).toMatchObject({ got: 'SCHED_FIFO 1', tid: normal.tid });
    else expect(said[0]).toMatchObject({ got: `other, nice ${now.nice}`, refused: expect.any(String) });

    // 'normal' gives it back the process's scheduling.
    expect(watched.echo.setPriority('normal')).toMatchObject({
      policy: 'other',
      priority: 0,
      nice: normal.nice,
    });
    expect(task(normal.tid)).toMatchObject({ policy: 0, rtPriority: 0, nice: normal.nice });
  });

  it('short-slice: the same policy and nice with a 0.1 ms time slice, as the log line and /proc say; normal gives the default back', () => {
    const normal = watched.echo.setPriority('normal');
    const { log, entries } = logged();
    chooseEcho('native', log, () => ({ ok: true, echo: watched.echo, file: 'x.node' }), true, 'short-slice');
    expect(entries().filter((e) => e.event === 'native-echo-priority')).toEqual([
      expect.objectContaining({
        level: 30,
        asked: 'short-slice',
        got: `other, nice ${normal.nice}, slice 100 µs`,
      }),
    ]);
    expect(task(normal.tid)).toMatchObject({ policy: 0, rtPriority: 0, nice: normal.nice });
    expect(sliceNs(normal.tid)).toBe(100_000);
    // 'normal': the kernel's own slice again (what every other thread of the relay has).
    const back = watched.echo.setPriority('normal');
    expect(back.sliceUs * 1000).toBe(sliceNs(normal.tid));
    expect(sliceNs(normal.tid)).toBe(sliceNs(process.pid));
    expect(sliceNs(normal.tid)).not.toBe(100_000);
  });

  it('short-slice on a kernel that keeps its own slice (before Linux 6.12) warns instead of claiming it', () => {
    const { log, entries } = logged();
    const olderKernel = {
      ...watched.echo,
      setPriority: () => ({ policy: 'other', priority: 0, nice: 0, tid: 1, sliceUs: 0, fifoDemoted: 0 }),
    };
    chooseEcho('native', log, () => ({ ok: true, echo: olderKernel, file: 'x.node' }), true, 'short-slice');
    expect(entries().filter((e) => e.event === 'native-echo-priority')).toEqual([
      expect.objectContaining({
        level: 40,
        got: 'other, nice 0, slice 0 µs',
        refused: 'slice: the kernel kept its own (per-thread slices need Linux 6.12 or later)',
      }),
    ]);
  });

  it('asks nothing when the echo runs in the main loop, and says so', () => {
    const before = task(watched.echo.setPriority('normal').tid);
    const { log, entries } = logged();
    chooseEcho('native', log, () => ({ ok: true, echo: watched.echo, file: 'x.node' }), false, 'high');
    expect(entries().filter((e) => e.event === 'native-echo-priority')).toEqual([
      expect.objectContaining({ got: 'nothing: --native-echo-thread off' }),
    ]);
    expect(task(watched.echo.setPriority('normal').tid)).toEqual(before);
  });

  it('without CAP_SYS_NICE, as a service user runs it: high warns with what was refused, and auto takes the short slice without a warning', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'svc-echo-priority-'));
    try {
      const built = await buildNativeEcho(root, join(dir, 'udp-echo.node'));
      if (!built.built) throw new Error(built.reason);
      /** A relay's start as far as the echo goes (chooseEcho), in a child, and its thread as /proc shows it. */
      const start = (priority: string) => {
        const script = `
          import { readFileSync } from 'node:fs';
          import { chooseEcho } from ${JSON.stringify(join(root, 'src/relay/media/native/choose-echo.ts'))};
          import { loadNativeEcho } from ${JSON.stringify(join(root, 'src/relay/media/native/native-echo.ts'))};
          const lines = [];
          const log = { info: (e) => lines.push({ level: 'info', ...e }), warn: (e) => lines.push({ level: 'warn', ...e }) };
          const choice = chooseEcho('native', log, () => loadNativeEcho(${JSON.stringify(built.file)}), true, ${JSON.stringify(priority)});
          const tid = lines.find((l) => l.event === 'native-echo-priority').tid;
          const fields = readFileSync('/proc/self/task/' + tid + '/stat', 'utf8').split(') ')[1].split(' ');
          console.log(JSON.stringify({ echoPath: choice.echoPath, lines, nice: Number(fields[16]), policy: Number(fields[38]) }));
        `;
        const node = [process.execPath, '--input-type=module', '-e', script];
        // root (the CI machine): drop CAP_SYS_NICE from the child, as a service user has none.
        const command =
          process.getuid?.() === 0
            ? ['setpriv', '--inh-caps=-sys_nice', '--bounding-set=-sys_nice', ...node]
            : node;
        const run = spawnSync(command[0] as string, command.slice(1), { encoding: 'utf8', timeout: 30_000 });
        expect(run.stderr).toBe('');
        expect(run.status).toBe(0);
        const out = JSON.parse(run.stdout) as {
          echoPath: string;
          lines: Array<Record<string, unknown>>;
          nice: number;
          policy: number;
        };
        expect(out.echoPath).toBe('native');
        return { ...out, said: out.lines.filter((l) => l.event === 'native-echo-priority') };
      };

      const high = start('high');
      expect(high.policy).toBe(0);
      expect(high.said).toEqual([
        expect.objectContaining({
          level: 'warn',
          asked: 'high',
          got: `other, nice ${high.nice}`,
          refused: expect.stringMatching(/^SCHED_FIFO: Operation not permitted; nice -10: Permission denied/),
        }),
      ]);

      const auto = start('auto');
      expect(auto.policy).toBe(0);
      expect(auto.said).toEqual([
        expect.objectContaining({
          level: 'info',
          asked: 'auto',
          got: `other, nice ${auto.nice}, slice 100 µs`,
          realTime: expect.stringMatching(/^not permitted here \(SCHED_FIFO: Operation not permitted/),
        }),
      ]);
      expect(auto.said[0]).not.toHaveProperty('refused');

      // Not run here: auto under RLIMIT_RTPRIO 1 without CAP_SYS_NICE (the systemd unit's LimitRTPRIO=1), since
      // raising that limit needs CAP_SYS_RESOURCE, which this machine's root does not have (prlimit: EPERM).
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
