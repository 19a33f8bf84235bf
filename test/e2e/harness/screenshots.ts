/**
 * Where end-to-end tests save screenshots: test-results/screenshots (ignored by git), so `npm test` never
 * rewrites tracked files. `npm run screenshots` points this at docs/screenshots to refresh the README's.
 */
import { join, resolve } from 'node:path';
import { ROOT } from './relay-process.ts';

export const SCREENSHOTS = process.env.SVC_SCREENSHOTS_DIR
  ? resolve(ROOT, process.env.SVC_SCREENSHOTS_DIR)
  : join(ROOT, 'test-results/screenshots');
