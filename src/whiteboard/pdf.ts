// A board as a standalone PDF 1.4 document: one PDF page per board page, in board order, drawn
// with vector operators from the same geometry as the SVG export (svg.ts), so the two show the
// same picture. Node-only (Buffer, node:zlib): the server renders exports; keep it out of the
// browser bundle (nothing under src/client may import it).
//
// What is exact and what is approximated:
// - Strokes are svg.ts's quadratic curves through the midpoints, each converted to the cubic
//   Bézier that is the same curve; lines, arrows (svg.ts's arrowHead), rectangles, sticky-note
//   corners and stroke widths, caps and joins are as in the SVG. Ellipses (and the notes'
//   rounded corners) are four cubic arcs, within 0.03 % of the true curve.
// - Opacity is ExtGState /CA and /ca. Where SVG composites an element as a group (a filled and
//   outlined shape, an arrow, text, a note with its text), the PDF draws a transparency-group
//   form XObject, so overlapping parts do not darken each other — as in the SVG.
// - Text uses the standard Helvetica font with WinAnsi encoding, where the SVG names system-ui:
//   baselines and sizes are the same, glyph shapes and widths differ a little. Characters WinAnsi
//   lacks are drawn as '?' (after NFC normalisation, so a decomposed "é" survives); control
//   characters are dropped, a tab is a space.
// - Images: JPEG is embedded as is (/DCTDecode); PNG is decoded (png.ts) and embedded as
//   /FlateDecode with its alpha as an /SMask. A PDF-page background is drawn from whatever raster
//   the caller's image(assetId, page) returns. An image the caller cannot supply, or cannot be
//   decoded, is a light grey box (the SVG leaves it out).
// Deterministic: no dates or random ids; the same board, images and Node version give the same
// bytes (streams are deflated with Node's bundled zlib).
import { deflateSync } from 'node:zlib';
import type { BoardState, WbObject, WbPage } from '../protocol/whiteboard.js';
import { WB_CANVAS } from '../protocol/whiteboardLimits.js';
import { decodePng } from './png.js';
import { STICKY_PADDING, STICKY_TEXT_COLOR, arrowHead, lineBaseline, textLines, viewBox } from './svg.js';

export interface PdfImage {
  readonly mime: 'image/png' | 'image/jpeg';
  readonly bytes: Buffer;
  /** Pixel size as stored with the upload; the file's own header wins where they differ. */
  readonly width: number;
  readonly height: number;
}

export interface PdfOptions {
  /** The document title (Info dictionary; viewers show it in the title bar). */
  title?: string;
  /**
   * An uploaded image's bytes, or undefined when it is not available (a grey box is drawn). For
   * a PDF-page background, pdfPage is the page number and a raster of that page is expected.
   */
  image?: (assetId: string, pdfPage?: number) => PdfImage | undefined;
  /**
   * 'canvas' (default): every page is the 1600 × 900 canvas (960 × 540 pt), grown to include
   * content outside it. 'content': the bounds of the content, padded, as pageToSvg's default.
   */
  fit?: 'canvas' | 'content';
  /** Around the content for fit 'content', in canvas units. Default 16. */
  padding?: number;
  /** Deflate the page content streams. Default true (false is for reading them in tests). */
  compress?: boolean;
}

/** PDF points per canvas unit: the 1600 × 900 canvas becomes 960 × 540 pt (13.33 × 7.5 in). */
export const PDF_POINTS_PER_UNIT = 0.6;
/** Largest page side in points (Acrobat's limit, 200 in); larger pages are scaled down to it. */
const MAX_PAGE_SIDE = 14_400;
/** Drawn where an image cannot be shown. */
export const MISSING_IMAGE_COLOR = '#e5e7eb';
/** Cubic Bézier arcs: control-point distance for a quarter ellipse of radius 1. */
const KAPPA = 0.5522847498307936;

interface Box { x: number; y: number; w: number; h: number }

export function boardToPdf(state: BoardState, opts: PdfOptions = {}): Buffer {
  const doc = new PdfDocument(opts);
  return doc.write(state);
}

// ---------------------------------------------------------------- document

class PdfDocument {
  readonly #opts: PdfOptions;
  /** Object bodies by number - 1; filled in as they are written. */
  readonly #objects: (Buffer | undefined)[] = [];
  readonly #gstates = new Map<string, string>(); // opacity → resource name
  readonly #xobjects: [string, number][] = []; // resource name → object number
  readonly #images = new Map<string, string | null>(); // asset key → resource name (null: missing)
  readonly #imageSizes = new Map<string, { width: number; height: number }>(); // name → pixels
  readonly #resources: number;
  readonly #font: number;

  constructor(opts: PdfOptions) {
    this.#opts = opts;
    this.#resources = this.#alloc();
    this.#font = this.#alloc();
  }

  write(state: BoardState): Buffer {
    const catalog = this.#alloc();
    const pagesRef = this.#alloc();
    const outlines = this.#alloc();
    const info = this.#alloc();
    const pageRefs = state.pages.map((page) => this.#page(page, pagesRef));
    this.#set(pagesRef, `<< /Type /Pages /Kids [${pageRefs.map(ref).join(' ')}] /Count ${pageRefs.length} >>`);
    this.#set(this.#font, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
    const gs = [...this.#gstates].map(([a, name]) => `/${name} << /Type /ExtGState /CA ${a} /ca ${a} >>`).join(' ');
    const xo = this.#xobjects.map(([name, n]) => `/${name} ${ref(n)}`).join(' ');
    this.#set(this.#resources, `<< /ProcSet [/PDF /Text /ImageB /ImageC] /Font << /F1 ${ref(this.#font)} >> /ExtGState << ${gs} >> /XObject << ${xo} >> >>`);

    // The outline: one entry per page, with the page's title.
    const items = state.pages.map(() => this.#alloc());
    items.forEach((n, i) => {
      const link = [i > 0 && `/Prev ${ref(items[i - 1]!)}`, i + 1 < items.length && `/Next ${ref(items[i + 1]!)}`].filter(Boolean).join(' ');
      this.#set(n, `<< /Title ${pdfString(state.pages[i]!.title)} /Parent ${ref(outlines)} ${link} /Dest [${ref(pageRefs[i]!)} /Fit] >>`);
    });
    this.#set(outlines, `<< /Type /Outlines /First ${ref(items[0]!)} /Last ${ref(items.at(-1)!)} /Count ${items.length} >>`);
    const title = this.#opts.title === undefined ? '' : `/Title ${pdfString(this.#opts.title)} `;
    this.#set(info, `<< ${title}/Producer (classroom whiteboard) >>`);
    const prefs = this.#opts.title === undefined ? '' : ' /ViewerPreferences << /DisplayDocTitle true >>';
    this.#set(catalog, `<< /Type /Catalog /Pages ${ref(pagesRef)} /Outlines ${ref(outlines)} /PageMode /UseOutlines${prefs} >>`);
    return this.#serialize(catalog, info);
  }

  #page(page: WbPage, parent: number): number {
    const box = viewBox(page, this.#opts.fit ?? 'canvas', this.#opts.padding ?? 16);
    const s = Math.min(PDF_POINTS_PER_UNIT, MAX_PAGE_SIDE / Math.max(box.w, box.h));
    const [pw, ph] = [box.w * s, box.h * s];
    // Flip y so that everything below is drawn in canvas units, y down, as in the SVG.
    const ops = [`${f(s, 6)} 0 0 ${f(-s, 6)} ${f(-box.x * s, 4)} ${f((box.y + box.h) * s, 4)} cm`];
    const bg = page.background;
    if (bg) {
      const name = this.#image(bg.assetId, bg.kind === 'pdf' ? bg.page : undefined);
      ops.push(name ? `q ${this.#fitted(name)} Q` : `q ${fill(MISSING_IMAGE_COLOR)} 0 0 ${WB_CANVAS.width} ${WB_CANVAS.height} re f Q`);
    }
    for (const o of page.objects) {
      const alpha = num(o.opacity);
      if (alpha === '0') continue;
      const drawn = this.#object(o);
      if (!drawn) continue;
      if (alpha === '1') ops.push(`q ${drawn} Q`);
      else if (!needsGroup(o)) ops.push(`q /${this.#gstate(alpha)} gs ${drawn} Q`);
      else ops.push(`q /${this.#gstate(alpha)} gs /${this.#group(drawn, box)} Do Q`);
    }
    const content = this.#alloc();
    this.#stream(content, '', Buffer.from(ops.join('\n') + '\n', 'latin1'), this.#opts.compress ?? true);
    const n = this.#alloc();
    this.#set(n, `<< /Type /Page /Parent ${ref(parent)} /MediaBox [0 0 ${f(pw, 2)} ${f(ph, 2)}] `
      + `/Group << /S /Transparency /CS /DeviceRGB >> /Resources ${ref(this.#resources)} /Contents ${ref(content)} >>`);
    return n;
  }

  /** One object's drawing at full opacity, or null when it shows nothing. */
  #object(o: WbObject): string | null {
    switch (o.kind) {
      case 'pen':
      case 'highlighter':
        return strokeOps(o.points, o.x, o.y, o.color, o.width, o.kind === 'pen' ? 'round' : 'square');
      case 'line':
        return `${stroke(o.color)} ${num(o.width)} w 1 J ${num(o.x1)} ${num(o.y1)} m ${num(o.x2)} ${num(o.y2)} l S`;
      case 'arrow': {
        const head = arrowHead(o.x1, o.y1, o.x2, o.y2, o.width);
        const p = head.points.map(num);
        const shaft = head.shaftEnd
          ? `${stroke(o.color)} ${num(o.width)} w 1 J ${num(o.x1)} ${num(o.y1)} m ${num(head.shaftEnd[0])} ${num(head.shaftEnd[1])} l S `
          : '';
        return `${shaft}${fill(o.color)} ${p[0]} ${p[1]} m ${p[2]} ${p[3]} l ${p[4]} ${p[5]} l h f`;
      }
      case 'rect':
      case 'ellipse': {
        if (o.w <= 0 || o.h <= 0) return null; // SVG does not render a zero-sized rect or ellipse
        const path = o.kind === 'rect'
          ? `1 j ${num(o.x)} ${num(o.y)} ${num(o.w)} ${num(o.h)} re`
          : ellipsePath(o.x + o.w / 2, o.y + o.h / 2, o.w / 2, o.h / 2);
        return `${o.fill ? `${fill(o.fill)} ` : ''}${stroke(o.color)} ${num(o.width)} w ${path} ${o.fill ? 'B' : 'S'}`;
      }
      case 'text':
        return textOps(o.text, o.x, o.y, o.fontSize, o.color);
      case 'sticky': {
        const note = o.w > 0 && o.h > 0 ? `${fill(o.color)} ${roundRectPath(o.x, o.y, o.w, o.h, 4)} f` : '';
        const text = textOps(o.text, o.x + STICKY_PADDING, o.y + STICKY_PADDING, o.fontSize, STICKY_TEXT_COLOR);
        return [note, text].filter(Boolean).join(' ') || null;
      }
      case 'image': {
        if (o.w <= 0 || o.h <= 0) return null;
        const name = this.#image(o.assetId);
        return name
          ? `${num(o.w)} 0 0 ${num(-o.h)} ${num(o.x)} ${num(o.y + o.h)} cm /${name} Do`
          : `${fill(MISSING_IMAGE_COLOR)} ${num(o.x)} ${num(o.y)} ${num(o.w)} ${num(o.h)} re f`;
      }
    }
  }

  /** Draws a background image into the canvas, scaled to fit and centred (SVG's xMidYMid meet). */
  #fitted(name: string): string {
    const { width, height } = this.#imageSizes.get(name)!;
    const k = Math.min(WB_CANVAS.width / width, WB_CANVAS.height / height);
    const [w, h] = [width * k, height * k];
    const [x, y] = [(WB_CANVAS.width - w) / 2, (WB_CANVAS.height - h) / 2];
    return `${num(w)} 0 0 ${num(-h)} ${num(x)} ${num(y + h)} cm /${name} Do`;
  }

  /** The image XObject's resource name for an asset, embedding it on first use; null if missing. */
  #image(assetId: string, pdfPage?: number): string | null {
    const key = pdfPage === undefined ? assetId : `${assetId}#${pdfPage}`;
    const known = this.#images.get(key);
    if (known !== undefined) return known;
    const img = this.#opts.image?.(assetId, pdfPage);
    let name: string | null = null;
    const embedded = img && (img.mime === 'image/jpeg' ? this.#jpeg(img.bytes) : this.#png(img.bytes));
    if (embedded) {
      name = `Im${this.#imageSizes.size + 1}`;
      this.#imageSizes.set(name, embedded.size);
      this.#xobjects.push([name, embedded.n]);
    }
    this.#images.set(key, name);
    return name;
  }

  #jpeg(bytes: Buffer): { n: number; size: { width: number; height: number } } | null {
    const info = jpegInfo(bytes);
    if (!info) return null;
    const space = info.components === 1 ? '/DeviceGray' : info.components === 4 ? '/DeviceCMYK' : '/DeviceRGB';
    // Adobe's CMYK JPEGs store inverted values (as Photoshop writes them).
    const decode = info.components === 4 && info.adobe ? ' /Decode [1 0 1 0 1 0 1 0]' : '';
    const n = this.#alloc();
    this.#stream(n, `/Type /XObject /Subtype /Image /Width ${info.width} /Height ${info.height} /ColorSpace ${space} /BitsPerComponent 8${decode} /Filter /DCTDecode `, bytes, false);
    return { n, size: info };
  }

  #png(bytes: Buffer): { n: number; size: { width: number; height: number } } | null {
    let img;
    try {
      img = decodePng(bytes);
    } catch {
      return null; // drawn as a missing image
    }
    const dims = `/Width ${img.width} /Height ${img.height} /BitsPerComponent 8`;
    let smask = '';
    if (img.alpha) {
      const m = this.#alloc();
      this.#stream(m, `/Type /XObject /Subtype /Image ${dims} /ColorSpace /DeviceGray `, img.alpha, true);
      smask = `/SMask ${ref(m)} `;
    }
    const n = this.#alloc();
    const space = img.channels === 1 ? '/DeviceGray' : '/DeviceRGB';
    this.#stream(n, `/Type /XObject /Subtype /Image ${dims} /ColorSpace ${space} ${smask}`, img.pixels, true);
    return { n, size: img };
  }

  #gstate(alpha: string): string {
    let name = this.#gstates.get(alpha);
    if (!name) this.#gstates.set(alpha, (name = `GS${this.#gstates.size + 1}`));
    return name;
  }

  /** A transparency group (form XObject) holding ops, so opacity applies to them as one. */
  #group(ops: string, box: Box): string {
    const n = this.#alloc();
    const bbox = `[${num(box.x)} ${num(box.y)} ${num(box.x + box.w)} ${num(box.y + box.h)}]`;
    this.#stream(n, `/Type /XObject /Subtype /Form /BBox ${bbox} /Group << /S /Transparency >> /Resources ${ref(this.#resources)} `,
      Buffer.from(ops, 'latin1'), this.#opts.compress ?? true);
    const name = `Fm${n}`;
    this.#xobjects.push([name, n]);
    return name;
  }

  // ------------------------------------------------------------ file structure

  #alloc(): number {
    this.#objects.push(undefined);
    return this.#objects.length;
  }

  #set(n: number, body: string | Buffer): void {
    this.#objects[n - 1] = typeof body === 'string' ? Buffer.from(body, 'latin1') : body;
  }

  /** A stream object; dict holds the entries besides /Filter and /Length (ending in a space). */
  #stream(n: number, dict: string, data: Buffer, compress: boolean): void {
    const body = compress ? deflateSync(data) : data;
    const filter = compress ? '/Filter /FlateDecode ' : '';
    this.#set(n, Buffer.concat([
      Buffer.from(`<< ${dict}${filter}/Length ${body.length} >>\nstream\n`, 'latin1'),
      body,
      Buffer.from('\nendstream', 'latin1'),
    ]));
  }

  #serialize(root: number, info: number): Buffer {
    // The second line's bytes above 127 tell transfer tools that the file is binary.
    const chunks: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
    let length = chunks[0]!.length;
    const offsets: number[] = [];
    this.#objects.forEach((body, i) => {
      if (!body) throw new Error(`PDF object ${i + 1} was allocated but never written`);
      offsets.push(length);
      const obj = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), body, Buffer.from('\nendobj\n', 'latin1')]);
      chunks.push(obj);
      length += obj.length;
    });
    // Each cross-reference entry is exactly 20 bytes, its end of line being space + LF.
    const xref = [`xref\n0 ${offsets.length + 1}\n`, '0000000000 65535 f \n',
      ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`),
      `trailer\n<< /Size ${offsets.length + 1} /Root ${ref(root)} /Info ${ref(info)} >>\nstartxref\n${length}\n%%EOF\n`];
    chunks.push(Buffer.from(xref.join(''), 'latin1'));
    return Buffer.concat(chunks);
  }
}

// ---------------------------------------------------------------- drawing

/** Whether SVG composites the object's paints as one group (which PDF needs a form for). */
function needsGroup(o: WbObject): boolean {
  switch (o.kind) {
    case 'arrow': return arrowHead(o.x1, o.y1, o.x2, o.y2, o.width).shaftEnd !== null;
    case 'rect': case 'ellipse': return o.fill !== null;
    case 'text': case 'sticky': return true; // glyphs may overlap; a note's text lies on it
    default: return false;
  }
}

/**
 * svg.ts's strokePath: a move to the first point, a quadratic curve from each point's
 * neighbourhood to the midpoint of it and the next, a line to the last point. A quadratic
 * P0 Q P2 is exactly the cubic P0 (P0 + 2/3 (Q - P0)) (P2 + 2/3 (Q - P2)) P2.
 */
function strokeOps(points: readonly number[], dx: number, dy: number, color: string, width: number, cap: 'round' | 'square'): string | null {
  const n = Math.floor(points.length / 2);
  if (n === 0) return null;
  const X = (i: number): number => points[2 * i]! + dx;
  const Y = (i: number): number => points[2 * i + 1]! + dy;
  if (n === 1) {
    // A dot. PDF paints a zero-length subpath only with round caps (and viewers differ), so the
    // cap is drawn as the shape it is: a disc, or a square for a highlighter.
    const r = width / 2;
    return cap === 'round'
      ? `${fill(color)} ${ellipsePath(X(0), Y(0), r, r)} f`
      : `${fill(color)} ${num(X(0) - r)} ${num(Y(0) - r)} ${num(width)} ${num(width)} re f`;
  }
  const ops = [`${stroke(color)} ${num(width)} w ${cap === 'round' ? 1 : 2} J 1 j ${num(X(0))} ${num(Y(0))} m`];
  let [cx, cy] = [X(0), Y(0)];
  for (let i = 1; i < n - 1; i++) {
    const [qx, qy] = [X(i), Y(i)];
    const [ex, ey] = [(X(i) + X(i + 1)) / 2, (Y(i) + Y(i + 1)) / 2];
    ops.push(`${num(cx + (2 / 3) * (qx - cx))} ${num(cy + (2 / 3) * (qy - cy))} ${num(ex + (2 / 3) * (qx - ex))} ${num(ey + (2 / 3) * (qy - ey))} ${num(ex)} ${num(ey)} c`);
    [cx, cy] = [ex, ey];
  }
  ops.push(`${num(X(n - 1))} ${num(Y(n - 1))} l S`);
  return ops.join(' ');
}

/** An ellipse as four cubic arcs, starting at the right and going clockwise on screen. */
function ellipsePath(cx: number, cy: number, rx: number, ry: number): string {
  const [kx, ky] = [rx * KAPPA, ry * KAPPA];
  const c = (...v: number[]): string => `${v.map(num).join(' ')} c`;
  return [`${num(cx + rx)} ${num(cy)} m`,
    c(cx + rx, cy + ky, cx + kx, cy + ry, cx, cy + ry),
    c(cx - kx, cy + ry, cx - rx, cy + ky, cx - rx, cy),
    c(cx - rx, cy - ky, cx - kx, cy - ry, cx, cy - ry),
    c(cx + kx, cy - ry, cx + rx, cy - ky, cx + rx, cy), 'h'].join(' ');
}

/** SVG's <rect rx>: the radius clamped to half of each side. */
function roundRectPath(x: number, y: number, w: number, h: number, radius: number): string {
  const [rx, ry] = [Math.min(radius, w / 2), Math.min(radius, h / 2)];
  const [kx, ky] = [rx * (1 - KAPPA), ry * (1 - KAPPA)];
  const [r, b] = [x + w, y + h];
  const c = (...v: number[]): string => `${v.map(num).join(' ')} c`;
  const l = (px: number, py: number): string => `${num(px)} ${num(py)} l`;
  return [`${num(x + rx)} ${num(y)} m`, l(r - rx, y), c(r - kx, y, r, y + ky, r, y + ry),
    l(r, b - ry), c(r, b - ky, r - kx, b, r - rx, b),
    l(x + rx, b), c(x + kx, b, x, b - ky, x, b - ry),
    l(x, y + ry), c(x, y + ky, x + kx, y, x + rx, y), 'h'].join(' ');
}

/** Lines at svg.ts's baselines; the text matrix flips y back so glyphs stand upright. */
function textOps(text: string, x: number, y: number, fontSize: number, color: string): string | null {
  const shown = textLines(text)
    .map((line, i) => ({ s: winAnsi(line), i }))
    .filter(({ s }) => s.length > 0)
    .map(({ s, i }) => `1 0 0 -1 ${num(x)} ${num(y + lineBaseline(i, fontSize))} Tm ${literal(s)} Tj`);
  if (shown.length === 0) return null;
  return `${fill(color)} BT /F1 ${num(fontSize)} Tf ${shown.join(' ')} ET`;
}

// ---------------------------------------------------------------- text encoding

/** WinAnsiEncoding's bytes 0x80-0x9F (the rest of 0x20-0xFF is Latin-1). */
const WIN_ANSI_HIGH: Record<number, number> = {
  0x20ac: 0x80, 0x201a: 0x82, 0x0192: 0x83, 0x201e: 0x84, 0x2026: 0x85, 0x2020: 0x86, 0x2021: 0x87,
  0x02c6: 0x88, 0x2030: 0x89, 0x0160: 0x8a, 0x2039: 0x8b, 0x0152: 0x8c, 0x017d: 0x8e, 0x2018: 0x91,
  0x2019: 0x92, 0x201c: 0x93, 0x201d: 0x94, 0x2022: 0x95, 0x2013: 0x96, 0x2014: 0x97, 0x02dc: 0x98,
  0x2122: 0x99, 0x0161: 0x9a, 0x203a: 0x9b, 0x0153: 0x9c, 0x017e: 0x9e, 0x0178: 0x9f,
};

/**
 * Text as WinAnsi bytes (one char per byte, as a latin1 string): characters the encoding lacks
 * become '?', control characters are dropped and a tab becomes a space.
 */
export function winAnsi(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    const c = ch.codePointAt(0)!;
    if (c === 0x09) out += ' ';
    else if ((c >= 0x20 && c < 0x7f) || (c >= 0xa0 && c <= 0xff)) out += ch;
    else if (c < 0x20 || (c >= 0x7f && c < 0xa0)) continue;
    else out += String.fromCharCode(WIN_ANSI_HIGH[c] ?? 0x3f);
  }
  return out;
}

/** A PDF literal string of bytes 0-255; anything outside printable ASCII is an octal escape. */
function literal(bytes: string): string {
  let out = '(';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes.charCodeAt(i);
    if (c === 0x28 || c === 0x29 || c === 0x5c) out += '\\' + bytes[i];
    else if (c < 0x20 || c > 0x7e) out += '\\' + c.toString(8).padStart(3, '0');
    else out += bytes[i];
  }
  return out + ')';
}

/** A text string (titles, outline): ASCII as a literal, anything else as UTF-16BE with a BOM. */
function pdfString(s: string): string {
  if (/^[\x20-\x7e]*$/.test(s)) return literal(s);
  return `<FEFF${Buffer.from(s, 'utf16le').swap16().toString('hex').toUpperCase()}>`;
}

// ---------------------------------------------------------------- images

/** Size, components and whether an Adobe APP14 marker is present, from a JPEG's markers. */
function jpegInfo(buf: Buffer): { width: number; height: number; components: number; adobe: boolean } | null {
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) return null;
  let adobe = false;
  for (let i = 2; i + 4 <= buf.length;) {
    if (buf[i] !== 0xff) return null;
    const marker = buf[i + 1]!;
    if (marker === 0xff) { i += 1; continue; } // fill byte
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { i += 2; continue; }
    const len = buf.readUInt16BE(i + 2);
    if (len < 2) return null;
    if (marker === 0xee && buf.toString('latin1', i + 4, i + 9) === 'Adobe') adobe = true;
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof && i + 10 <= buf.length) {
      const info = { height: buf.readUInt16BE(i + 5), width: buf.readUInt16BE(i + 7), components: buf[i + 9]!, adobe };
      return info.width > 0 && info.height > 0 && [1, 3, 4].includes(info.components) ? info : null;
    }
    i += 2 + len;
  }
  return null;
}

// ---------------------------------------------------------------- page box and numbers


/**
 * A number with at most `digits` decimals, never "-0". A multiple of 10^-digits (digits ≤ 6)
 * prints without an exponent, which PDF does not have.
 */
function f(n: number, digits: number): string {
  const k = 10 ** digits;
  const r = Math.round(n * k) / k;
  return r === 0 ? '0' : String(r);
}

/**
 * Canvas coordinates: rounded to 0.01 as in the SVG (the same Math.round). Formatted by hand
 * from integers, which is several times faster than String(double) for the millions of numbers
 * of a page full of long strokes.
 */
function num(n: number): string {
  const r = Math.round(n * 100);
  if (r === 0) return '0';
  const a = r < 0 ? -r : r;
  const whole = Math.floor(a / 100);
  const cents = a - whole * 100;
  const s = cents === 0 ? `${whole}` : cents % 10 === 0 ? `${whole}.${cents / 10}` : `${whole}.${cents < 10 ? '0' : ''}${cents}`;
  return r < 0 ? `-${s}` : s;
}

const ref = (n: number): string => `${n} 0 R`;

const rgb = (hex: string): string => [1, 3, 5].map((i) => f(parseInt(hex.slice(i, i + 2), 16) / 255, 4)).join(' ');
const fill = (hex: string): string => `${rgb(hex)} rg`;
const stroke = (hex: string): string => `${rgb(hex)} RG`;
