/**
 * The extension's toolbar and store icons: PNGs at 16, 32, 48 and 128 px rendered from icons/icon.svg with
 * resvg (the stores and Chrome's manifest do not take SVG). The 128 px icon keeps the 16 px transparent margin
 * the Chrome Web Store asks for; the small ones fill their square, so the toolbar shows as much as it can.
 * Rendering is deterministic (no fonts, no timestamps in the PNG), so the committed PNGs are checked
 * against a fresh render by a unit test.
 *   node scripts/icons.ts   rewrites icons/icon-<size>.png
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { ICON_SIZES } from './icon-sizes.ts';

const root = join(import.meta.dirname, '..');
export const ICON_SVG = join(root, 'icons/icon.svg');

/** The SVG with a viewBox that adds `margin` (a share of the side) of transparent space around the art. */
function withMargin(svg: string, margin: number): string {
  const m = /viewBox="0 0 (\d+) (\d+)"/.exec(svg);
  if (!m) throw new Error('icons/icon.svg: the root element needs viewBox="0 0 W H"');
  const side = Number(m[1]);
  const pad = (side * margin) / (1 - 2 * margin);
  const box = side + 2 * pad;
  return svg.replace(m[0], `viewBox="${-pad} ${-pad} ${box} ${box}"`);
}

export function renderIcon(svg: string, size: number): Buffer {
  const source = size === 128 ? withMargin(svg, 16 / 128) : svg;
  const png = new Resvg(source, { fitTo: { mode: 'width', value: size }, font: { loadSystemFonts: false } })
    .render()
    .asPng();
  return Buffer.from(png);
}

export const iconPath = (size: number) => join(root, `icons/icon-${size}.png`);

if (import.meta.main) {
  const svg = readFileSync(ICON_SVG, 'utf8');
  for (const size of ICON_SIZES) writeFileSync(iconPath(size), renderIcon(svg, size));
  console.log(`icons/icon-{${ICON_SIZES.join(',')}}.png rendered from icons/icon.svg`);
}
