// Generates every icon from assets/source/icon.svg. The outputs are committed,
// so a build needs no design tool; run `npm run icons` after editing the source.
//   assets/icon/icon.png (1024), icon.icns, icon.ico, png/NxN.png (Linux)
//   assets/tray/tray-<state>Template.png and @2x (macOS, black + alpha)
//   assets/tray/tray-<state>.png and .ico (Windows), and tray-<state>-light.png / -dark.png (Linux panels)
//   assets/discord-large.png and discord-small.png (the default Discord images, linked per release tag:
//   src/settings/images.ts)
import { Resvg } from '@resvg/resvg-js';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = readFileSync(join(root, 'assets/source/icon.svg'), 'utf8');
const glyph = /<g id="glyph"[\s\S]*?<\/g>/.exec(source)?.[0];
if (!glyph) throw new Error('assets/source/icon.svg has no <g id="glyph">');

export const STATES = ['normal', 'warning', 'critical', 'stale'];
const BADGE = { warning: '#f2a900', critical: '#e5484d' };

function render(svg, size) {
  return new Resvg(svg, { fitTo: { mode: 'width', value: size }, background: 'rgba(0,0,0,0)' }).render().asPng();
}

/** The tray drawing for a state: the glyph alone, cropped to its extent, in `colour`, with a badge or dimmed. */
function traySvg(state, colour, badgeColour) {
  const g = glyph.replace('stroke="#ffffff"', `stroke="${colour}"`);
  // Template images carry no colour, so there warning is a ring and critical a solid dot.
  const ring = badgeColour !== undefined && state === 'warning';
  const badge =
    state === 'warning' || state === 'critical'
      ? ring
        ? `<circle cx="760" cy="760" r="96" fill="none" stroke="${badgeColour}" stroke-width="56"/>`
        : `<circle cx="760" cy="760" r="118" fill="${badgeColour ?? BADGE[state]}" stroke="none"/>`
      : '';
  const opacity = state === 'stale' ? ' opacity="0.45"' : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="150 150 724 724"><g${opacity}>${g}</g>${badge}</svg>`;
}

function ico(pngs) {
  const header = Buffer.alloc(6 + 16 * pngs.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(pngs.length, 4);
  let offset = header.length;
  pngs.forEach(({ size, data }, i) => {
    const e = 6 + 16 * i;
    header.writeUInt8(size >= 256 ? 0 : size, e);
    header.writeUInt8(size >= 256 ? 0 : size, e + 1);
    header.writeUInt16LE(1, e + 4);
    header.writeUInt16LE(32, e + 6);
    header.writeUInt32LE(data.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += data.length;
  });
  return Buffer.concat([header, ...pngs.map((p) => p.data)]);
}

function icns(entries) {
  const chunks = entries.map(({ type, data }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([head, data]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + chunks.reduce((n, c) => n + c.length, 0), 4);
  return Buffer.concat([head, ...chunks]);
}

function out(path, data) {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, data);
}

// App icon.
const app = (size) => render(source, size);
out('assets/icon/icon.png', app(1024));
for (const size of [16, 32, 48, 64, 128, 256, 512]) out(`assets/icon/png/${size}x${size}.png`, app(size));
out('assets/icon/icon.ico', ico([16, 24, 32, 48, 64, 128, 256].map((size) => ({ size, data: app(size) }))));
out(
  'assets/icon/icon.icns',
  icns([
    { type: 'icp4', data: app(16) },
    { type: 'icp5', data: app(32) },
    { type: 'icp6', data: app(64) },
    { type: 'ic07', data: app(128) },
    { type: 'ic08', data: app(256) },
    { type: 'ic09', data: app(512) },
    { type: 'ic10', data: app(1024) },
    { type: 'ic11', data: app(32) },
    { type: 'ic12', data: app(64) },
    { type: 'ic13', data: app(256) },
    { type: 'ic14', data: app(512) },
  ]),
);

// Tray icons.
for (const state of STATES) {
  // macOS template images: black and alpha only; the system tints them.
  const template = traySvg(state, '#000000', '#000000');
  out(`assets/tray/tray-${state}Template.png`, render(template, 16));
  out(`assets/tray/tray-${state}Template@2x.png`, render(template, 32));
  // Windows and Linux: a colour that reads on light and dark taskbars.
  const colour = traySvg(state, '#6d86ff');
  out(`assets/tray/tray-${state}.png`, render(colour, 32));
  out(`assets/tray/tray-${state}.ico`, ico([16, 24, 32, 48].map((size) => ({ size, data: render(colour, size) }))));
  // Linux panels: one colour cannot read on both (Codex's own icon vanished on dark panels),
  // so a near-black glyph for light panels and a near-white one for dark panels; main picks by theme.
  out(`assets/tray/tray-${state}-light.png`, render(traySvg(state, '#1c1f24'), 32));
  out(`assets/tray/tray-${state}-dark.png`, render(traySvg(state, '#f2f4f8'), 32));
}
// Discord: the large image is the app icon (Discord asks for 1024 × 1024 and shows it in a rounded square);
// the small one is drawn in a circle at the large one's corner, so the gauge alone on the icon's blue, full bleed.
out('assets/discord-large.png', app(1024));
out(
  'assets/discord-small.png',
  render(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1024 1024"><circle cx="512" cy="512" r="512" fill="#3b4fd0"/>${glyph}</svg>`,
    256,
  ),
);
console.log('icons written to assets/icon, assets/tray and assets/discord-*.png');
