/**
 * New report ids and short codes from a random source (crypto.randomBytes in the relay, a fixed sequence in
 * tests). The code is uniform over the alphabet: bytes that would bias it are drawn again.
 */
import { CODE_ALPHABET, CODE_LENGTH, REPORT_ID_BYTES } from '../../protocol/share.ts';

export type RandomBytes = (n: number) => Uint8Array;

/** The largest multiple of the alphabet's size below 256: bytes at or above it are redrawn. */
const UNBIASED_LIMIT = 256 - (256 % CODE_ALPHABET.length);

export function newCode(random: RandomBytes): string {
  let code = '';
  while (code.length < CODE_LENGTH) {
    for (const b of random(CODE_LENGTH * 2)) {
      if (b >= UNBIASED_LIMIT) continue;
      code += CODE_ALPHABET[b % CODE_ALPHABET.length];
      if (code.length === CODE_LENGTH) break;
    }
  }
  return code;
}

/** 128 random bits as base64url (22 characters): the report's storage key. */
export function newReportId(random: RandomBytes): string {
  return Buffer.from(random(REPORT_ID_BYTES)).toString('base64url');
}
