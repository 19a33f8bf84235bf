/**
 * Store screenshots at the size both stores take (1280x800), framed from the README's screenshots in
 * docs/screenshots (refresh those first with `npm run screenshots`), with a caption in the listing's language.
 *   node scripts/store-screenshots.ts   writes docs/store/screenshots/*.png
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';

const root = join(import.meta.dirname, '..');
const W = 1280;
const H = 800;

const png = (name: string) => readFileSync(join(root, 'docs/screenshots', name));
const dataUri = (buf: Buffer) => `data:image/png;base64,${buf.toString('base64')}`;
/** PNG IHDR: width and height. */
const sizeOf = (buf: Buffer) => ({ w: buf.readUInt32BE(16), h: buf.readUInt32BE(20) });
const xmlText = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;');

/** A shot placed on the right, scaled to fit the height below the top margin, and a caption on the left. */
function framed(shot: string, caption: string[], crop?: { height: number }): string {
  const buf = png(shot);
  const { w, h } = sizeOf(buf);
  const shownH = crop ? Math.min(h, crop.height) : h;
  const scale = Math.min((H - 80) / shownH, (W * 0.55) / w);
  const dw = w * scale;
  const dh = shownH * scale;
  const x = W - dw - 60;
  const y = (H - dh) / 2;
  const lines = caption
    .map(
      (line, i) =>
        `<text x="60" y="${300 + i * 52}" font-family="DejaVu Sans" font-size="${i === 0 ? 44 : 30}" font-weight="${i === 0 ? 'bold' : 'normal'}" fill="#111827">${xmlText(line)}</text>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
<rect width="${W}" height="${H}" fill="#eef2ff"/>
<svg x="${x}" y="${y}" width="${dw}" height="${dh}" viewBox="0 0 ${w} ${shownH}" preserveAspectRatio="xMidYMin slice">
<image href="${dataUri(buf)}" width="${w}" height="${h}"/></svg>
<rect x="${x}" y="${y}" width="${dw}" height="${dh}" fill="none" stroke="#c7d2fe" stroke-width="2"/>
${lines}</svg>`;
}

const shots: Array<[string, string]> = [
  [
    'en-1-popup.png',
    framed('popup-light.png', ['Ready for Secure Voice?', 'One verdict, the reason', 'and the next step.']),
  ],
  [
    'en-2-report.png',
    framed(
      'report-light.png',
      ['The full report', 'TLS, encrypted audio, every', 'firewall port of your provider.'],
      { height: 1100 },
    ),
  ],
  ['en-3-dark.png', framed('popup-dark.png', ['Light and dark', 'Follows your system theme.'])],
  [
    'de-1-popup.png',
    framed('popup-de.png', [
      'Bereit für Secure Voice?',
      'Ein Ergebnis, der Grund',
      'und der nächste Schritt.',
    ]),
  ],
];
const out = join(root, 'docs/store/screenshots');
mkdirSync(out, { recursive: true });
for (const [name, svg] of shots) {
  const image = new Resvg(svg, {
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  }).render();
  writeFileSync(join(out, name), image.asPng());
  console.log(`docs/store/screenshots/${name}  ${image.width}x${image.height}`);
}
