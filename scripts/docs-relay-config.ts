/**
 * `npm run docs:relay-config`: rewrites what is generated from the relay's settings table and the port
 * tables: the README's relay table, deploy/relay.json (the provider's real ports) and its Kubernetes ConfigMap.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { withReadmeTable } from '../src/relay/config/docs.ts';
import {
  CONFIGMAP_PATH,
  PROVIDER_CONFIG_PATH,
  providerConfigMapText,
  providerConfigText,
} from './provider-config.ts';

const root = new URL('../', import.meta.url);

function rewrite(path: string, next: (before: string) => string): void {
  const url = new URL(path, root);
  let before = '';
  try {
    before = readFileSync(url, 'utf8');
  } catch {
    // A new file.
  }
  const after = next(before);
  if (after === before) {
    console.log(`${path} is current`);
  } else {
    writeFileSync(url, after);
    console.log(`${path} rewritten`);
  }
}

rewrite('README.md', withReadmeTable);
rewrite(PROVIDER_CONFIG_PATH, providerConfigText);
rewrite(CONFIGMAP_PATH, providerConfigMapText);
