/**
 * The provider's source documents the data is checked against. The project's copy lives in
 * test/fixtures/seeds so the tests run from a bare clone; where the shared folder sits beside the repository
 * (as on the team's machines and in CI), a test checks the copy has not drifted from it.
 */
import { existsSync, readFileSync } from 'node:fs';

const COPY = new URL('../fixtures/seeds/', import.meta.url);
const SHARED = new URL('../../../shared/seeds/', import.meta.url);

export function readSeed(name: string): string {
  return readFileSync(new URL(name, COPY), 'utf8');
}

/** The shared original, when it is beside the repository. */
export function readSharedSeed(name: string): string | null {
  const url = new URL(name, SHARED);
  return existsSync(url) ? readFileSync(url, 'utf8') : null;
}
