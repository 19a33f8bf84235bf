/** `npm run docs:relay-config`: rewrites the README's relay table from src/relay/config/keys.ts. */
import { readFileSync, writeFileSync } from 'node:fs';
import { withReadmeTable } from '../src/relay/config/docs.ts';

const path = new URL('../README.md', import.meta.url);
const before = readFileSync(path, 'utf8');
const after = withReadmeTable(before);
if (after === before) {
  console.log('README.md relay table is current');
} else {
  writeFileSync(path, after);
  console.log('README.md relay table rewritten');
}
