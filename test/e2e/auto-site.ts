/**
 * The auto-enhance fixture site (issue 4): eleven low-resolution photos shown at twice their size
 * (seven on screen, one of them laid out as its file stores it, two lazy-loaded below the fold,
 * two inserted by script after load), and the images auto-enhance must leave alone: four already
 * sharp, an SVG, an animated GIF, a 16 px icon.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH } from './fixtures';

const set14 = (name: string) => join(BENCH, `Set14/LR_bicubic/X4/${name}x4.png`);

/** Ids of the images that must end up enhanced, in page order. */
export const LOW_RES = {
  onScreen: ['baboon', 'coastguard', 'comic', 'face', 'flowers', 'foreman', 'as-stored-large'],
  lazyBelowFold: ['man', 'monarch'],
  insertedByScript: ['pepper', 'zebra'],
};
export const ALL_LOW_RES = [...LOW_RES.onScreen, ...LOW_RES.lazyBelowFold, ...LOW_RES.insertedByScript];

/** Ids of the images that must never be touched. */
export const LEAVE_ALONE = ['sharp-bridge', 'sharp-lenna', 'sharp-barbara', 'as-stored-sharp', 'vector', 'animated', 'icon'];

/** Natural sizes of the Set14 x4 LR files used, for the "twice the size" styles. */
const SIZES: Record<string, [number, number]> = {
  baboon: [125, 120],
  coastguard: [88, 72],
  comic: [62, 90],
  face: [69, 69],
  flowers: [125, 90],
  foreman: [88, 72],
  man: [128, 128],
  monarch: [192, 128],
  pepper: [128, 128],
  zebra: [146, 97],
};

/**
 * A JPEG stored sideways (86x57, EXIF orientation 6) that the page lays out as stored
 * (`image-orientation: none`): shown at twice that, and at its own size, which is sharp however
 * its upright size (57x86) would compare.
 */
const asStored = (id: string, width: number) => `<img id="${id}" src="img/sideways.jpg?${id}" style="width: ${width}px; image-orientation: none" alt="${id}">`;

/** Laid out by their width alone, their height from their pixels: a swap that changed the picture's shape would move the page. */
const WIDTH_ONLY = new Set(['comic', 'flowers']);
const doubled = (id: string) => `width: ${SIZES[id][0] * 2}px` + (WIDTH_ONLY.has(id) ? '' : `; height: ${SIZES[id][1] * 2}px`);
const lowRes = (id: string, extra = '') =>
  id === 'as-stored-large' ? asStored(id, 172) : `<img id="${id}" src="img/${id}.png" style="${doubled(id)}"${extra} alt="${id}">`;

/** A 16x16 PNG icon: a flat square, which never needs enhancing whatever its display size. */
function writeIcon(out: string): void {
  // 16x16 RGBA, one colour, stored uncompressed in zlib (deflate "stored" block).
  const raw = Buffer.alloc(16 * (1 + 16 * 4));
  for (let y = 0; y < 16; y++) {
    for (let x = 0; x < 16; x++) raw.set([200, 60, 40, 255], y * 65 + 1 + x * 4);
  }
  const zlibStored = Buffer.concat([Buffer.from([0x78, 0x01, 0x01, raw.length & 0xff, raw.length >> 8, ~raw.length & 0xff, (~raw.length >> 8) & 0xff]), raw, adler32(raw)]);
  writeFileSync(out, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', Buffer.from([0, 0, 0, 16, 0, 0, 0, 16, 8, 6, 0, 0, 0])), chunk('IDAT', zlibStored), chunk('IEND', Buffer.alloc(0))]));
}

function adler32(data: Buffer): Buffer {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  const out = Buffer.alloc(4);
  out.writeUInt32BE(((b << 16) | a) >>> 0);
  return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length);
  head.write(type, 4, 'ascii');
  let crc = 0xffffffff;
  for (const byte of Buffer.concat([head.subarray(4), data])) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  const tail = Buffer.alloc(4);
  tail.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
  return Buffer.concat([head, data, tail]);
}

export function buildAutoSite(dir: string): void {
  mkdirSync(join(dir, 'img'), { recursive: true });
  for (const id of ALL_LOW_RES.filter((id) => id in SIZES)) copyFileSync(set14(id), join(dir, `img/${id}.png`));
  copyFileSync(join(import.meta.dirname, 'files/exif-orientation-6.jpg'), join(dir, 'img/sideways.jpg'));
  copyFileSync(set14('bridge'), join(dir, 'img/bridge.png'));
  copyFileSync(set14('lenna'), join(dir, 'img/lenna.png'));
  copyFileSync(set14('barbara'), join(dir, 'img/barbara.png'));
  copyFileSync(join(import.meta.dirname, 'files/animated.gif'), join(dir, 'img/animated.gif'));
  writeIcon(join(dir, 'img/icon.png'));
  writeFileSync(join(dir, 'img/vector.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect x="4" y="4" width="32" height="32" fill="teal"/></svg>');

  const inserted = LOW_RES.insertedByScript.map((id) => lowRes(id));
  writeFileSync(
    join(dir, 'index.html'),
    `<!doctype html>
<html><head><meta charset="utf-8"><title>Enhance auto-enhance fixtures</title>
<style>body { margin: 8px; font: 14px sans-serif; } img { margin: 4px; vertical-align: top; background: #eee; } #spacer { height: 3200px; }</style></head>
<body>
<h1>A page of thumbnails</h1>
<div id="top">
${LOW_RES.onScreen.map((id) => lowRes(id)).join('\n')}
<img id="sharp-bridge" src="img/bridge.png" style="width: 128px; height: 128px" alt="shown at natural size">
<img id="sharp-lenna" src="img/lenna.png" style="width: 96px; height: 96px" alt="shown smaller">
<img id="sharp-barbara" src="img/barbara.png" width="180" height="144" alt="natural size">
${asStored('as-stored-sharp', 86)}
<img id="vector" src="img/vector.svg" style="width: 200px; height: 200px" alt="svg">
<img id="animated" src="img/animated.gif" style="width: 192px; height: 192px" alt="animated gif">
<img id="icon" src="img/icon.png" style="width: 32px; height: 32px" alt="16px icon">
</div>
<div id="spacer"></div>
<div id="below">
${LOW_RES.lazyBelowFold.map((id) => lowRes(id, ' loading="lazy"')).join('\n')}
</div>
<script>
  // Inserted after load, the way feeds and infinite scroll add images.
  addEventListener('load', () => setTimeout(() => {
    document.getElementById('top').insertAdjacentHTML('beforeend', ${JSON.stringify(inserted[0])});
    document.getElementById('below').insertAdjacentHTML('beforeend', ${JSON.stringify(inserted[1])});
  }, 300));
</script>
</body></html>
`,
  );
}
