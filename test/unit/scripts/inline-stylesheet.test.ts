import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { inlineStylesheet } from '../../../scripts/inline-stylesheet.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

describe('the popup stylesheet written into its HTML', () => {
  it('replaces the popup’s link with the stylesheet, before the frame it styles', () => {
    const html = readFileSync(join(root, 'popup/popup.html'), 'utf8');
    const css = readFileSync(join(root, 'src/ui/styles/theme.css'), 'utf8');
    const out = inlineStylesheet(html, '../ui/theme.css', css);
    expect(out).not.toContain('<link rel="stylesheet"');
    expect(out).toContain(css.trimEnd());
    expect(out.indexOf('<style>')).toBeLessThan(out.indexOf('<div id="app">'));
    expect(out.indexOf('</style>')).toBeLessThan(out.indexOf('<div id="app">'));
  });

  it('refuses a page without that link, and a stylesheet that would end the element early', () => {
    expect(() => inlineStylesheet('<p>x</p>', '../ui/theme.css', 'p{}')).toThrow('no <link');
    expect(() =>
      inlineStylesheet('<link rel="stylesheet" href="a.css" />', 'a.css', 'p{content:"</style>"}'),
    ).toThrow('</style');
  });

  it('keeps "$" sequences in the stylesheet as they are', () => {
    expect(inlineStylesheet('<link rel="stylesheet" href="a.css" />', 'a.css', 'p{content:"$&"}')).toBe(
      '<style>\np{content:"$&"}\n</style>',
    );
  });
});
