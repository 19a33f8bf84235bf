/** WAV files for the browsers' fake microphones: a steady tone, or digital silence (16-bit PCM, mono). */
import { writeFile } from 'node:fs/promises';

const RATE = 48_000;

/** Writes `seconds` of a `hz` sine at `amplitude` (full scale 1; 0 writes silence) to `path`. */
export async function writeToneWav(path: string, amplitude: number, seconds = 2, hz = 440): Promise<void> {
  const n = Math.round(RATE * seconds);
  const out = Buffer.alloc(44 + n * 2);
  out.write('RIFF', 0);
  out.writeUInt32LE(36 + n * 2, 4);
  out.write('WAVEfmt ', 8);
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(RATE, 24);
  out.writeUInt32LE(RATE * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36);
  out.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++)
    out.writeInt16LE(Math.round(32767 * amplitude * Math.sin((2 * Math.PI * hz * i) / RATE)), 44 + i * 2);
  await writeFile(path, out);
}
