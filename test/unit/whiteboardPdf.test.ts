// The PDF export: a valid file (header, xref offsets, stream lengths, trailer, page count),
// deterministic, and a picture poppler renders with every object where the SVG puts it:
// colours, group opacity, images right side up with their alpha, missing images as grey boxes.
// Also the PNG decoder against every colour type, bit depth, filter and Adam7, and libpng's own
// output (pdftoppm's renders). Needs pdftoppm and pdfinfo (poppler-utils; scripts/system-deps.mjs).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import type { BoardState, WbObject, WbPage } from '../../src/protocol/whiteboard.js';
import { boardToPdf, winAnsi, type PdfImage, type PdfOptions } from '../../src/whiteboard/pdf.js';
import { decodePng, type DecodedImage } from '../../src/whiteboard/png.js';
import { strokePath } from '../../src/whiteboard/svg.js';

const PDFTOPPM = '/usr/bin/pdftoppm';
const PDFINFO = '/usr/bin/pdfinfo';

const tmp = mkdtempSync(join(tmpdir(), 'wb-pdf-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

// ---------------------------------------------------------------- a PNG encoder for fixtures

const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]] as const;
const SAMPLES: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * A real PNG (CRCs by zlib.crc32): samples come from `at(x, y)`, rows are filtered with every
 * filter type in turn (row i uses type i mod 5), optionally Adam7-interlaced.
 */
function encodePng(w: number, h: number, colorType: number, depth: number, at: (x: number, y: number) => number[],
  extra: { interlace?: boolean; plte?: number[]; trns?: Buffer } = {}): Buffer {
  const samples = SAMPLES[colorType]!;
  const bits = samples * depth;
  const bpp = Math.max(1, bits >> 3);
  const raw: number[] = [];
  let rowIndex = 0;
  for (const [x0, y0, dx, dy] of extra.interlace ? ADAM7 : [[0, 0, 1, 1] as const]) {
    const [pw, ph] = [Math.ceil((w - x0) / dx), Math.ceil((h - y0) / dy)];
    if (pw <= 0 || ph <= 0) continue;
    const rowBytes = Math.ceil((pw * bits) / 8);
    let prev = new Uint8Array(rowBytes);
    for (let j = 0; j < ph; j++) {
      const row = new Uint8Array(rowBytes);
      for (let i = 0; i < pw; i++) {
        at(x0 + i * dx, y0 + j * dy).forEach((v, c) => {
          const k = i * samples + c;
          if (depth === 16) { row[2 * k] = v >> 8; row[2 * k + 1] = v & 0xff; }
          else if (depth === 8) row[k] = v;
          else row[(k * depth) >> 3]! |= v << (8 - depth - ((k * depth) & 7));
        });
      }
      const type = rowIndex++ % 5;
      raw.push(type);
      for (let i = 0; i < rowBytes; i++) {
        const [a, b, c] = [i >= bpp ? row[i - bpp]! : 0, prev[i]!, i >= bpp ? prev[i - bpp]! : 0];
        const p = a + b - c;
        const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
        raw.push((row[i]! - [0, a, b, (a + b) >> 1, paeth][type]!) & 0xff);
      }
      prev = row;
    }
  }
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4);
  ihdr[8] = depth; ihdr[9] = colorType; ihdr[12] = extra.interlace ? 1 : 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    ...(extra.plte ? [chunk('PLTE', Buffer.from(extra.plte))] : []),
    ...(extra.trns ? [chunk('tRNS', extra.trns)] : []),
    chunk('IDAT', zlib.deflateSync(Buffer.from(raw))), chunk('IEND', Buffer.alloc(0)),
  ]);
}

const pixelOf = (img: DecodedImage, x: number, y: number): number[] =>
  Array.from(img.pixels.subarray((y * img.width + x) * img.channels, (y * img.width + x + 1) * img.channels));

// ---------------------------------------------------------------- the board

const C = { black: '#000000', red: '#ff0000', blue: '#0000ff', green: '#00ff00' } as const;

const page1Objects: WbObject[] = [
  { id: 'rect', kind: 'rect', x: 80, y: 80, w: 320, h: 200, color: C.black, width: 8, fill: C.red, opacity: 1 },
  // Translucent, filled and outlined: as one group, the stroke's inner half shows no blue.
  { id: 'glass', kind: 'rect', x: 480, y: 80, w: 320, h: 240, color: C.green, width: 64, fill: C.blue, opacity: 0.5 },
  { id: 'ell', kind: 'ellipse', x: 880, y: 80, w: 300, h: 200, color: '#006600', width: 4, fill: '#00aa00', opacity: 1 },
  { id: 'pen', kind: 'pen', x: 80, y: 400, points: [0, 0, 100, 10, 200, -10, 300, 0], color: C.black, width: 16, opacity: 1 },
  { id: 'hl', kind: 'highlighter', x: 1300, y: 80, points: [0, 0, 0, 150, 0, 300], color: '#ffff00', width: 40, opacity: 0.4 },
  { id: 'dot', kind: 'pen', x: 1450, y: 150, points: [0, 0], color: C.black, width: 40, opacity: 1 },
  { id: 'line', kind: 'line', x1: 80, y1: 500, x2: 700, y2: 500, color: '#000080', width: 12, opacity: 1 },
  { id: 'arrow', kind: 'arrow', x1: 80, y1: 600, x2: 700, y2: 600, color: '#800000', width: 12, opacity: 1 },
  { id: 'text', kind: 'text', x: 800, y: 420, text: 'Hello (WinAnsi): Grüße → 日本\nline 2', color: C.black, fontSize: 48, opacity: 1 },
  { id: 'note', kind: 'sticky', x: 1100, y: 600, w: 300, h: 200, text: 'Note\nline 2', color: '#fde68a', fontSize: 32, opacity: 1 },
];

/** 16 × 9 RGBA: left half red, right half blue, the top right quarter transparent. */
const backgroundPng = encodePng(16, 9, 6, 8, (x, y) => (x < 8 ? [255, 0, 0, 255] : [0, 0, 255, y < 4 ? 0 : 255]));

function board(jpeg?: Buffer): { state: BoardState; opts: PdfOptions } {
  const page2: WbPage = {
    id: 'p2', title: 'Bilder – Seite 2', background: { kind: 'image', assetId: 'bg' },
    objects: [
      { id: 'gone', kind: 'image', x: 1000, y: 100, w: 400, h: 200, assetId: 'missing', opacity: 1 },
      ...(jpeg ? [{ id: 'jpg', kind: 'image', x: 100, y: 500, w: 480, h: 270, assetId: 'jpg', opacity: 1 } as const] : []),
    ],
  };
  const images: Record<string, PdfImage> = {
    bg: { mime: 'image/png', bytes: backgroundPng, width: 16, height: 9 },
    ...(jpeg ? { jpg: { mime: 'image/jpeg', bytes: jpeg, width: 400, height: 225 } as const } : {}),
  };
  return {
    state: { pages: [{ id: 'p1', title: 'Page 1', background: null, objects: page1Objects }, page2], history: [] },
    opts: { title: 'Lesson 3', image: (id) => images[id] },
  };
}

/** Renders a PDF with pdftoppm; poppler must not complain about anything. */
function render(pdf: Buffer, name: string, args: string[]): string[] {
  const file = join(tmp, `${name}.pdf`);
  writeFileSync(file, pdf);
  const out = spawnSync(PDFTOPPM, [...args, file, join(tmp, name)], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  assert.equal(out.stderr, '', 'poppler reports no syntax errors');
  return readdirSync(tmp).filter((f) => f.startsWith(`${name}-`)).sort().map((f) => join(tmp, f));
}

/** The colour at canvas point (x, y) of a page rendered from the 1600 × 900 canvas. */
const at = (img: DecodedImage, x: number, y: number): number[] => {
  const k = img.width / 1600;
  return pixelOf(img, Math.floor(x * k), Math.floor(y * k));
};

function assertColor(actual: number[], expected: number[], what: string, tolerance = 16): void {
  assert.ok(actual.every((v, i) => Math.abs(v - expected[i]!) <= tolerance), `${what}: got rgb(${actual}), expected about rgb(${expected})`);
}

/** Checks the file structure and returns its text (latin1) for further checks. */
function checkStructure(pdf: Buffer, pages: number): string {
  const text = pdf.toString('latin1');
  assert.ok(text.startsWith('%PDF-1.4\n'), 'header');
  const tail = /startxref\n(\d+)\n%%EOF\n$/.exec(text);
  assert.ok(tail, 'startxref and %%EOF at the end');
  const xrefAt = Number(tail[1]);
  const head = /^xref\n0 (\d+)\n/.exec(text.slice(xrefAt));
  assert.ok(head, 'startxref points at the xref table');
  const size = Number(head[1]);
  const entries = xrefAt + head[0].length;
  assert.equal(text.slice(entries, entries + 20), '0000000000 65535 f \n');
  for (let n = 1; n < size; n++) {
    const entry = text.slice(entries + 20 * n, entries + 20 * (n + 1));
    assert.match(entry, /^\d{10} 00000 n \n$/, `xref entry ${n}`);
    const offset = Number(entry.slice(0, 10));
    assert.ok(text.startsWith(`${n} 0 obj\n`, offset), `object ${n} is where the xref says`);
    const end = text.indexOf('endobj', offset);
    const stream = /stream\n/.exec(text.slice(offset, end));
    if (stream) {
      const length = Number(/\/Length (\d+)/.exec(text.slice(offset, end))![1]);
      const data = offset + stream.index + stream[0].length;
      assert.equal(text.slice(data + length, data + length + 10), '\nendstream', `object ${n}: /Length is right`);
    }
  }
  const trailer = text.slice(entries + 20 * size);
  assert.match(trailer, new RegExp(`^trailer\\n<< /Size ${size} /Root (\\d+) 0 R`));
  const root = Number(/\/Root (\d+) 0 R/.exec(trailer)![1]);
  assert.match(text.slice(Number(text.slice(entries + 20 * root, entries + 20 * root + 10))), /^\d+ 0 obj\n<< \/Type \/Catalog /);
  assert.equal(text.match(/\/Type \/Page /g)?.length, pages, 'page objects');
  assert.match(text, new RegExp(`/Type /Pages /Kids \\[[^\\]]*\\] /Count ${pages} `));
  return text;
}

// ---------------------------------------------------------------- tests

describe('boardToPdf', () => {
  it('writes a valid, deterministic PDF with one page per board page', () => {
    const { state, opts } = board();
    const pdf = boardToPdf(state, opts);
    const text = checkStructure(pdf, 2);
    assert.ok(boardToPdf(state, opts).equals(pdf), 'the same board gives the same bytes');
    assert.match(text, /\/MediaBox \[0 0 960 540\]/);
    assert.match(text, /\/Title \(Lesson 3\)/);
    assert.match(text, /\/Title \(Page 1\)/, 'outline entry per page');
    assert.match(text, /\/Title <FEFF0042006900/, 'non-ASCII titles as UTF-16');
    assert.doesNotMatch(text, /CreationDate|ModDate/);
    writeFileSync(join(tmp, 'info.pdf'), pdf);
    const info = execFileSync(PDFINFO, [join(tmp, 'info.pdf')], { encoding: 'utf8' });
    assert.match(info, /^Pages:\s+2$/m);
    assert.match(info, /^Page size:\s+960 x 540 pts$/m);
  });

  it('writes text as Helvetica/WinAnsi, with ? for what WinAnsi lacks', () => {
    const { state, opts } = board();
    const text = boardToPdf(state, { ...opts, compress: false }).toString('latin1');
    assert.match(text, /\/BaseFont \/Helvetica \/Encoding \/WinAnsiEncoding/);
    assert.ok(text.includes('(Hello \\(WinAnsi\\): Gr\\374\\337e ? ??) Tj'), 'escaped, ü ß in WinAnsi, → 日本 as ?');
    assert.equal(winAnsi('a\tb\u0007 €—“x”'), 'a b \x80\x97\x93x\x94');
    assert.equal(winAnsi('e\u0301 😀'), '\xe9 ?', 'NFC first; one ? per code point');
  });

  it('renders every object where the SVG draws it (pdftoppm)', () => {
    const { state, opts } = board();
    const files = render(boardToPdf(state, opts), 'board', ['-png', '-r', '30']);
    assert.equal(files.length, 2, 'one image per page');
    const [p1, p2] = files.map((f) => decodePng(readFileSync(f)));
    assert.deepEqual([p1!.width, p1!.height], [400, 225]);

    assertColor(at(p1!, 240, 180), [255, 0, 0], 'rect fill');
    assertColor(at(p1!, 82, 180), [0, 0, 0], 'rect outline', 60);
    assertColor(at(p1!, 640, 200), [128, 128, 255], 'translucent fill');
    assertColor(at(p1!, 496, 200), [128, 255, 128], 'translucent outline over its own fill, as a group');
    assertColor(at(p1!, 1030, 180), [0, 170, 0], 'ellipse');
    assertColor(at(p1!, 890, 90), [255, 255, 255], 'outside the ellipse');
    assertColor(at(p1!, 230, 401), [0, 0, 0], 'pen stroke', 60);
    assertColor(at(p1!, 1300, 230), [255, 255, 153], 'highlighter at 0.4');
    assertColor(at(p1!, 1450, 150), [0, 0, 0], 'a one-point stroke is a dot');
    assertColor(at(p1!, 400, 500), [0, 0, 128], 'line', 40);
    assertColor(at(p1!, 400, 600), [128, 0, 0], 'arrow shaft', 40);
    assertColor(at(p1!, 664, 614), [128, 0, 0], 'arrow head', 40);
    assertColor(at(p1!, 664, 640), [255, 255, 255], 'below the head');
    assertColor(at(p1!, 1380, 780), [253, 230, 138], 'sticky note');
    const dark = (x0: number, y0: number, x1: number, y1: number): number => {
      let n = 0;
      for (let y = y0; y < y1; y += 4) for (let x = x0; x < x1; x += 4) if (at(p1!, x, y).every((v) => v < 128)) n++;
      return n;
    };
    assert.ok(dark(800, 420, 1500, 540) > 20, 'text drawn');
    assert.ok(dark(1112, 612, 1300, 700) > 5, 'note text drawn');
    assert.equal(dark(800, 300, 1200, 410), 0, 'nothing above the text');

    assertColor(at(p2!, 400, 450), [255, 0, 0], 'background, left half (right side up)');
    assertColor(at(p2!, 1200, 700), [0, 0, 255], 'background, bottom right');
    assertColor(at(p2!, 1500, 100), [255, 255, 255], 'transparent part of the background (SMask)');
    assertColor(at(p2!, 1200, 200), [229, 231, 235], 'a missing image is a light grey box');
  });

  it('embeds a JPEG as is', () => {
    // A real JPEG without a fixture file: poppler's render of page 1.
    const jpeg = readFileSync(render(boardToPdf(board().state), 'jpeg', ['-jpeg', '-r', '30', '-f', '1', '-l', '1'])[0]!);
    const { state, opts } = board(jpeg);
    const pdf = boardToPdf(state, opts);
    checkStructure(pdf, 2);
    assert.ok(pdf.includes(jpeg), 'the JPEG bytes unchanged');
    assert.match(pdf.toString('latin1'), /\/Filter \/DCTDecode/);
    const p2 = decodePng(readFileSync(render(pdf, 'withjpeg', ['-png', '-r', '30', '-f', '2'])[0]!));
    // The JPEG is page 1 at 480 × 270: its red rect's centre (240, 180) lands at 100 + 72, 500 + 54.
    assertColor(at(p2, 172, 554), [255, 0, 0], 'JPEG image', 40);
  });

  it("draws strokePath's quadratic curves as the same cubic curves", () => {
    const points = [0, 0, 10.5, 5.25, 20, -3, 33.33, 8, 41, 41, 60, 2.5];
    const pen: WbObject = { id: 's', kind: 'pen', x: 310, y: 120.5, points, color: '#e11d48', width: 4, opacity: 1 };
    const state: BoardState = { pages: [{ id: 'p1', title: 'T', background: null, objects: [pen] }], history: [] };
    const ops = /1 j (.*) S/.exec(boardToPdf(state, { compress: false }).toString('latin1'))![1]!;
    // SVG: M p0 (Q q e)* L pn; PDF: p0 m (c1 c2 e c)* pn l, with c1 = p + 2/3 (q - p), c2 = e + 2/3 (q - e).
    const svg = strokePath(points, pen.x, pen.y).match(/[MQL][^MQL]*/g)!.map((c) => [c[0], ...c.slice(1).split(' ').map(Number)] as const);
    const pdf = ops.trim().split(/ (?=[^ ]+ [^ ]+ [ml]\b|(?:[^ ]+ ){6}c\b)/).map((c) => c.split(' '));
    assert.equal(pdf.length, svg.length);
    const close = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) <= 0.011, `${what}: ${a} vs ${b}`);
    let [px, py] = [0, 0];
    svg.forEach(([cmd, ...v], i) => {
      const p = pdf[i]!.slice(0, -1).map(Number);
      const op = pdf[i]!.at(-1);
      if (cmd === 'M' || cmd === 'L') {
        assert.equal(op, cmd === 'M' ? 'm' : 'l');
        close(p[0]!, v[0]!, 'x'); close(p[1]!, v[1]!, 'y');
      } else {
        const [qx, qy, ex, ey] = v as number[];
        assert.equal(op, 'c');
        close(p[0]!, px + (2 / 3) * (qx! - px), 'c1x'); close(p[1]!, py + (2 / 3) * (qy! - py), 'c1y');
        close(p[2]!, ex! + (2 / 3) * (qx! - ex!), 'c2x'); close(p[3]!, ey! + (2 / 3) * (qy! - ey!), 'c2y');
        close(p[4]!, ex!, 'ex'); close(p[5]!, ey!, 'ey');
      }
      [px, py] = [v.at(-2) as number, v.at(-1) as number];
    });
  });

  it("fit 'content' uses the SVG's view box", () => {
    const state: BoardState = { pages: [{ id: 'p1', title: 'T', background: null, objects: [page1Objects[0]!] }], history: [] };
    const text = checkStructure(boardToPdf(state, { fit: 'content' }), 1);
    // Rect 80..400 × 80..280, half its outline (4) and 16 of padding: 60..420 × 60..300 → 360 × 240 units.
    assert.match(text, /\/MediaBox \[0 0 216 144\]/);
    const empty = checkStructure(boardToPdf({ pages: [{ ...state.pages[0]!, objects: [] }], history: [] }, { fit: 'content' }), 1);
    assert.match(empty, /\/MediaBox \[0 0 960 540\]/);
  });
});

describe('decodePng', () => {
  const W = 13;
  const H = 11;
  const g = (x: number, y: number): number => (x * 7 + y * 13) % 256;

  it('decodes RGB(A) at 8 and 16 bits, every filter, plain and Adam7', () => {
    for (const interlace of [false, true]) {
      const rgba = decodePng(encodePng(W, H, 6, 8, (x, y) => [g(x, y), x * 10, y * 20, x === 0 ? 0 : 255], { interlace }));
      assert.deepEqual([rgba.width, rgba.height, rgba.channels], [W, H, 3]);
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
        assert.deepEqual(pixelOf(rgba, x, y), [g(x, y), x * 10, y * 20], `rgba ${x},${y} interlace ${interlace}`);
        assert.equal(rgba.alpha![y * W + x], x === 0 ? 0 : 255);
      }
      const rgb16 = decodePng(encodePng(W, H, 2, 16, (x, y) => [g(x, y) * 257, 0x1234, 0xffff], { interlace }));
      assert.equal(rgb16.alpha, null);
      assert.deepEqual(pixelOf(rgb16, 5, 7), [g(5, 7), 0x12, 0xff]);
    }
  });

  it('decodes gray at 1, 2, 4, 8, 16 bits, gray + alpha, and tRNS keys', () => {
    for (const depth of [1, 2, 4, 8, 16]) {
      const max = 2 ** depth - 1;
      const img = decodePng(encodePng(W, H, 0, depth, (x, y) => [(x + y) % (max + 1)], { trns: Buffer.from([0, 1]) }));
      assert.equal(img.channels, 1);
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
        const v = (x + y) % (max + 1);
        assert.deepEqual(pixelOf(img, x, y), [depth === 16 ? v >> 8 : Math.round((v * 255) / max)], `gray${depth} ${x},${y}`);
        assert.equal(img.alpha![y * W + x], v === 1 ? 0 : 255, `gray${depth} key`);
      }
    }
    const ga = decodePng(encodePng(W, H, 4, 8, (x, y) => [g(x, y), 128], { interlace: true }));
    assert.deepEqual([pixelOf(ga, 3, 4), ga.alpha![4 * W + 3]], [[g(3, 4)], 128]);
    const rgbKey = decodePng(encodePng(2, 1, 2, 8, (x) => [x, x, x], { trns: Buffer.from([0, 1, 0, 1, 0, 1]) }));
    assert.deepEqual([...rgbKey.alpha!], [255, 0]);
  });

  it('decodes palettes at 1, 2, 4, 8 bits with alpha from tRNS', () => {
    const plte = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120];
    for (const depth of [1, 2, 4, 8]) {
      const colors = Math.min(4, 2 ** depth);
      const img = decodePng(encodePng(W, H, 3, depth, (x, y) => [(x * y) % colors], { plte: plte.slice(0, colors * 3), trns: Buffer.from([0]) }));
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
        const i = (x * y) % colors;
        assert.deepEqual(pixelOf(img, x, y), plte.slice(i * 3, i * 3 + 3), `palette${depth} ${x},${y}`);
        assert.equal(img.alpha![y * W + x], i === 0 ? 0 : 255);
      }
    }
  });

  it('refuses what it cannot decode', () => {
    assert.throws(() => decodePng(Buffer.from('not a png')), { name: 'PngError' });
    assert.throws(() => decodePng(backgroundPng.subarray(0, 40)), { name: 'PngError' });
    // Drawn as a missing image, not a crash.
    const state: BoardState = { pages: [{ id: 'p1', title: 'T', background: { kind: 'image', assetId: 'x' }, objects: [] }], history: [] };
    const pdf = boardToPdf(state, { image: () => ({ mime: 'image/png', bytes: Buffer.from('garbage'), width: 1, height: 1 }), compress: false });
    assert.match(pdf.toString('latin1'), /0\.898 0\.9059 0\.9216 rg 0 0 1600 900 re f/);
  });
});
