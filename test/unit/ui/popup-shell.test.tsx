// @vitest-environment happy-dom
/**
 * popup.html carries the popup's frame (its name and status region) so the browser paints it before the
 * script has run; the script then renders into that frame rather than beside it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../../popup/app.tsx';
import type { ExtensionActions } from '../../../src/ui/actions.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const html = readFileSync(join(root, 'popup/popup.html'), 'utf8');
const open = '<div id="app">';
const shell = html.slice(html.indexOf(open) + open.length, html.indexOf('</div>', html.indexOf(open)));

afterEach(cleanup);

describe('the popup frame in popup.html', () => {
  it('names the extension as every language does (the frame is not translated)', () => {
    expect(shell).toContain('<main class="popup">');
    const name = /<h1>([^<]*)<\/h1>/.exec(shell)?.[1];
    expect(name).toBeTruthy();
    for (const lang of readdirSync(join(root, '_locales'))) {
      const messages = JSON.parse(readFileSync(join(root, '_locales', lang, 'messages.json'), 'utf8'));
      expect(messages.extName.message, lang).toBe(name);
    }
  });

  it('is taken over by the script’s first render: one heading, one status region, no second frame', async () => {
    const container = document.createElement('div');
    container.innerHTML = shell;
    document.body.append(container);
    const actions: ExtensionActions = {
      getState: () => new Promise(() => undefined),
      runCheck: async () => undefined,
      subscribe: () => () => undefined,
      openPage: async () => undefined,
      getConfirmations: async () => ({}),
    };
    render(<App actions={actions} autoRun={false} />, { container });
    await screen.findByText('Loading…');
    expect(container.querySelectorAll('main')).toHaveLength(1);
    expect(container.querySelectorAll('h1')).toHaveLength(1);
    expect(container.querySelectorAll('[role="status"]')).toHaveLength(1);
    expect(container.querySelector('button')).not.toBeNull();
  });
});
