// A small PNG decoder for the PDF export (pdf.ts): every standard colour type and bit depth,
// Adam7 interlacing included, down to 8-bit gray or RGB samples plus an optional 8-bit alpha
// plane, which is what a PDF image and its /SMask take. Node-only (node:zlib); it never runs in
// the browser, where the canvas decodes images itself. Ancillary chunks (gamma, colour
// profiles, text) are ignored and CRCs are not checked: the upload already passed sniffImage,
// and a corrupt stream still fails in inflate or in the size checks below.
import { inflateSync } from 'node:zlib';

export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  /** 1: gray, 3: RGB. */
  readonly channels: 1 | 3;
  /** width × height × channels bytes, rows top first. */
  readonly pixels: Buffer;
  /** width × height bytes (255 = opaque), or null when every pixel is opaque. */
  readonly alpha: Buffer | null;
}

export class PngError extends Error {
  override readonly name = 'PngError';
}

/** Largest image we decode, in pixels (the upload limit is 8192 × 8192). */
const MAX_PIXELS = 8192 * 8192;

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Samples per pixel and the bit depths PNG allows, per colour type. */
const COLOR_TYPES: Record<number, { samples: number; depths: readonly number[] }> = {
  0: { samples: 1, depths: [1, 2, 4, 8, 16] }, // gray
  2: { samples: 3, depths: [8, 16] }, // RGB
  3: { samples: 1, depths: [1, 2, 4, 8] }, // palette
  4: { samples: 2, depths: [8, 16] }, // gray + alpha
  6: { samples: 4, depths: [8, 16] }, // RGBA
};

/** Adam7 passes: [x0, y0, dx, dy]. A non-interlaced image is one pass [0, 0, 1, 1]. */
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]] as const;

export function decodePng(buf: Buffer): DecodedImage {
  if (buf.length < 8 || !buf.subarray(0, 8).equals(SIGNATURE)) throw new PngError('not a PNG file');
  let ihdr: Buffer | undefined;
  let palette: Buffer | undefined;
  let trns: Buffer | undefined;
  const idat: Buffer[] = [];
  for (let p = 8; ;) {
    if (p + 12 > buf.length) throw new PngError('truncated chunk');
    const length = buf.readUInt32BE(p);
    const type = buf.toString('latin1', p + 4, p + 8);
    if (p + 12 + length > buf.length) throw new PngError(`truncated ${type} chunk`);
    const data = buf.subarray(p + 8, p + 8 + length);
    p += 12 + length;
    if (type === 'IHDR') ihdr = data;
    else if (type === 'PLTE') palette = data;
    else if (type === 'tRNS') trns = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
  }
  if (!ihdr || ihdr.length < 13) throw new PngError('no IHDR chunk');
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const [depth, colorType, compression, filter, interlace] = [ihdr[8]!, ihdr[9]!, ihdr[10]!, ihdr[11]!, ihdr[12]!];
  const ct = COLOR_TYPES[colorType];
  if (!ct || !ct.depths.includes(depth)) throw new PngError(`unsupported colour type ${colorType} at ${depth} bits`);
  if (compression !== 0 || filter !== 0 || interlace > 1) throw new PngError('unknown compression, filter or interlace method');
  if (width < 1 || height < 1 || width * height > MAX_PIXELS) throw new PngError(`bad size ${width} × ${height}`);
  if (colorType === 3 && (!palette || palette.length % 3 !== 0 || palette.length === 0)) throw new PngError('palette image without a valid PLTE');

  const bitsPerPixel = ct.samples * depth;
  const bpp = Math.max(1, bitsPerPixel >> 3); // the filters' "byte to the left" distance
  const passes = interlace === 1 ? ADAM7 : ([[0, 0, 1, 1]] as const);
  const geometry = passes.map(([x0, y0, dx, dy]) => ({
    x0, y0, dx, dy,
    w: Math.ceil((width - x0) / dx), h: Math.ceil((height - y0) / dy),
  })).filter((g) => g.w > 0 && g.h > 0);
  const expected = geometry.reduce((n, g) => n + g.h * (1 + Math.ceil((g.w * bitsPerPixel) / 8)), 0);
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(idat), { maxOutputLength: expected + 1 });
  } catch (e) {
    throw new PngError(`bad image data: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (raw.length < expected) throw new PngError('image data too short');

  const channels = colorType === 0 || colorType === 4 ? 1 : 3;
  const pixels = Buffer.alloc(width * height * channels);
  const alpha = Buffer.alloc(width * height, 255);
  let translucent = false;
  const maxSample = (1 << depth) - 1;
  // tRNS: one transparent gray or RGB value (in the image's own depth), or alpha per palette entry.
  const key = trns && colorType === 0 && trns.length >= 2 ? [trns.readUInt16BE(0)]
    : trns && colorType === 2 && trns.length >= 6 ? [trns.readUInt16BE(0), trns.readUInt16BE(2), trns.readUInt16BE(4)]
      : null;

  const to8 = (v: number): number => (depth === 16 ? v >> 8 : depth === 8 ? v : Math.round((v * 255) / maxSample));
  /** Sample k of an unfiltered row, at the image's own depth. */
  const read = (row: Uint8Array, k: number): number => (depth === 8 ? row[k]!
    : depth === 16 ? (row[2 * k]! << 8) | row[2 * k + 1]!
      : (row[(k * depth) >> 3]! >> (8 - depth - ((k * depth) & 7))) & maxSample);
  const n = ct.samples;
  let offset = 0;
  for (const g of geometry) {
    const rowBytes = Math.ceil((g.w * bitsPerPixel) / 8);
    let prev: Uint8Array = new Uint8Array(rowBytes);
    for (let j = 0; j < g.h; j++) {
      const row = unfilter(raw[offset]!, raw.subarray(offset + 1, offset + 1 + rowBytes), prev, bpp);
      offset += 1 + rowBytes;
      prev = row;
      const y = g.y0 + j * g.dy;
      for (let i = 0, at = y * width + g.x0; i < g.w; i++, at += g.dx) {
        const k = i * n;
        let a = 255;
        if (colorType === 3) {
          const index = read(row, k);
          if (3 * index + 2 >= palette!.length) throw new PngError('palette index out of range');
          pixels[at * 3] = palette![3 * index]!;
          pixels[at * 3 + 1] = palette![3 * index + 1]!;
          pixels[at * 3 + 2] = palette![3 * index + 2]!;
          if (trns && index < trns.length) a = trns[index]!;
        } else if (channels === 1) {
          const v = read(row, k);
          pixels[at] = to8(v);
          if (colorType === 4) a = to8(read(row, k + 1));
          else if (key && v === key[0]) a = 0;
        } else {
          const [r, gr, b] = [read(row, k), read(row, k + 1), read(row, k + 2)];
          pixels[at * 3] = to8(r);
          pixels[at * 3 + 1] = to8(gr);
          pixels[at * 3 + 2] = to8(b);
          if (colorType === 6) a = to8(read(row, k + 3));
          else if (key && r === key[0] && gr === key[1] && b === key[2]) a = 0;
        }
        if (a !== 255) {
          alpha[at] = a;
          translucent = true;
        }
      }
    }
  }
  return { width, height, channels, pixels, alpha: translucent ? alpha : null };
}

/** Undoes one row's filter (PNG spec §9), given the previous unfiltered row of the same pass. */
function unfilter(type: number, src: Uint8Array, prev: Uint8Array, bpp: number): Uint8Array {
  const cur = Uint8Array.from(src);
  const n = cur.length;
  switch (type) {
    case 0:
      break;
    case 1:
      for (let i = bpp; i < n; i++) cur[i] = (cur[i]! + cur[i - bpp]!) & 0xff;
      break;
    case 2:
      for (let i = 0; i < n; i++) cur[i] = (cur[i]! + prev[i]!) & 0xff;
      break;
    case 3:
      for (let i = 0; i < n; i++) cur[i] = (cur[i]! + (((i >= bpp ? cur[i - bpp]! : 0) + prev[i]!) >> 1)) & 0xff;
      break;
    case 4:
      for (let i = 0; i < n; i++) {
        const a = i >= bpp ? cur[i - bpp]! : 0;
        const b = prev[i]!;
        const c = i >= bpp ? prev[i - bpp]! : 0;
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        cur[i] = (cur[i]! + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 0xff;
      }
      break;
    default:
      throw new PngError(`unknown row filter ${type}`);
  }
  return cur;
}
