// Draws the extension's icon (docs/images/icon.png, 128×128 RGBA) without any image library:
// a rounded dark-teal square, three "event" lines and a magnifier over them. Run once; the PNG is
// committed (the .vsix and the Marketplace read it). Usage: node scripts/generate-icon.mjs
import { deflateSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';

const SIZE = 128;
const SS = 4; // supersampling per axis, for smooth edges

function inRoundedRect(x, y, x0, y0, x1, y1, r) {
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r && x >= x0 && x <= x1 && y >= y0 && y <= y1;
}
function distToSegment(px, py, ax, ay, bx, by) {
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

// Layers, painted in order; each returns true when the sample point is inside.
const layers = [
  { color: [0x12, 0x3b, 0x4a], hit: (x, y) => inRoundedRect(x, y, 4, 4, 124, 124, 22) },
  { color: [0x5f, 0x8f, 0x9c], hit: (x, y) => inRoundedRect(x, y, 22, 30, 96, 40, 5) },
  { color: [0x5f, 0x8f, 0x9c], hit: (x, y) => inRoundedRect(x, y, 22, 52, 76, 62, 5) },
  { color: [0x5f, 0x8f, 0x9c], hit: (x, y) => inRoundedRect(x, y, 22, 74, 62, 84, 5) },
  // the matched line, highlighted
  { color: [0xf0, 0xb4, 0x29], hit: (x, y) => inRoundedRect(x, y, 22, 52, 76, 62, 5) && Math.hypot(x - 76, y - 72) > 26 },
  // magnifier: ring and handle
  { color: [0xff, 0xff, 0xff], hit: (x, y) => { const d = Math.hypot(x - 76, y - 72); return d >= 16 && d <= 24; } },
  { color: [0xff, 0xff, 0xff], hit: (x, y) => distToSegment(x, y, 93, 89, 110, 106) <= 6 },
];

const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let py = 0; py < SIZE; py++) {
  raw[py * (SIZE * 4 + 1)] = 0; // filter: none
  for (let px = 0; px < SIZE; px++) {
    let r = 0, g = 0, b = 0, a = 0;
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const x = px + (sx + 0.5) / SS, y = py + (sy + 0.5) / SS;
        let c = null;
        for (const l of layers) if (l.hit(x, y)) c = l.color;
        if (c) { r += c[0]; g += c[1]; b += c[2]; a += 255; }
      }
    }
    const n = SS * SS, o = py * (SIZE * 4 + 1) + 1 + px * 4;
    const cov = a / 255;
    raw[o] = cov ? Math.round(r / cov) : 0;
    raw[o + 1] = cov ? Math.round(g / cov) : 0;
    raw[o + 2] = cov ? Math.round(b / cov) : 0;
    raw[o + 3] = Math.round(a / n);
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0);
ihdr.writeUInt32BE(SIZE, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('../docs/images/icon.png', import.meta.url), png);
console.log(`docs/images/icon.png: ${png.length} bytes`);
