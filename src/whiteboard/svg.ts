// One page as a standalone SVG document. Deterministic: the same board gives the same string
// byte for byte (numbers rounded to 0.01, fixed attribute order, no ids or dates), so two
// clients' exports can be compared. Pure and browser-safe; the client's canvas renderer uses
// the same geometry helpers (strokePath, arrowHead, textLines) so screen and export agree.
import type { BoardState, WbObject, WbPage } from '../protocol/whiteboard.js';
import { WB_CANVAS } from '../protocol/whiteboardLimits.js';
import { WbError, WbErrorCode } from './validate.js';

export interface SvgOptions {
  /**
   * The URL of an uploaded asset (for a PDF background, of its rendered page), or undefined to
   * leave the image out. Without this option images and backgrounds are left out.
   */
  assetUrl?: (assetId: string, pdfPage?: number) => string | undefined;
  /**
   * 'content' (default): the bounds of what is on the page, padded; an empty page gives the
   * 1600×900 canvas. 'canvas': the canvas, grown to include content outside it.
   */
  fit?: 'content' | 'canvas';
  /** Around the content, in canvas units. Default 16. */
  padding?: number;
  /** The page colour; null for transparent. Default '#ffffff'. */
  pageColor?: string | null;
}

export const TEXT_FONT = 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif';
export const TEXT_LINE_HEIGHT = 1.25;
/** Sticky notes: inner padding and the colour of their text. */
export const STICKY_PADDING = 12;
export const STICKY_TEXT_COLOR = '#1f2937';

export function pageToSvg(state: BoardState, pageId: string, opts: SvgOptions = {}): string {
  const page = state.pages.find((p) => p.id === pageId);
  if (!page) throw new WbError(WbErrorCode.UNKNOWN_PAGE, `There is no page "${pageId}".`);
  const box = viewBox(page, opts.fit ?? 'content', opts.padding ?? 16);
  const size = `${num(box.w)} ${num(box.h)}`;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${num(box.x)} ${num(box.y)} ${size}" width="${num(box.w)}" height="${num(box.h)}">`,
    `<title>${escapeXml(page.title)}</title>`,
  ];
  const pageColor = opts.pageColor === undefined ? '#ffffff' : opts.pageColor;
  if (pageColor !== null) out.push(`<rect x="${num(box.x)}" y="${num(box.y)}" width="${num(box.w)}" height="${num(box.h)}" fill="${escapeXml(pageColor)}"/>`);
  const bg = page.background;
  const bgUrl = bg && opts.assetUrl?.(bg.assetId, bg.kind === 'pdf' ? bg.page : undefined);
  if (bgUrl) {
    out.push(`<image href="${escapeXml(bgUrl)}" x="0" y="0" width="${WB_CANVAS.width}" height="${WB_CANVAS.height}" preserveAspectRatio="xMidYMid meet"/>`);
  }
  for (const o of page.objects) {
    const svg = objectToSvg(o, opts);
    if (svg) out.push(svg);
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function objectToSvg(o: WbObject, opts: SvgOptions): string | null {
  const op = o.opacity < 1 ? ` opacity="${num(o.opacity)}"` : '';
  switch (o.kind) {
    case 'pen':
    case 'highlighter': {
      const cap = o.kind === 'pen' ? 'round' : 'square';
      return `<path d="${strokePath(o.points, o.x, o.y)}" fill="none" stroke="${escapeXml(o.color)}" stroke-width="${num(o.width)}" stroke-linecap="${cap}" stroke-linejoin="round"${op}/>`;
    }
    case 'line':
      return `<line x1="${num(o.x1)}" y1="${num(o.y1)}" x2="${num(o.x2)}" y2="${num(o.y2)}" stroke="${escapeXml(o.color)}" stroke-width="${num(o.width)}" stroke-linecap="round"${op}/>`;
    case 'arrow': {
      const head = arrowHead(o.x1, o.y1, o.x2, o.y2, o.width);
      const shaft = head.shaftEnd
        ? `<line x1="${num(o.x1)}" y1="${num(o.y1)}" x2="${num(head.shaftEnd[0])}" y2="${num(head.shaftEnd[1])}" stroke="${escapeXml(o.color)}" stroke-width="${num(o.width)}" stroke-linecap="round"/>`
        : '';
      const tip = head.points.map((n) => num(n));
      return `<g${op}>${shaft}<polygon points="${tip[0]},${tip[1]} ${tip[2]},${tip[3]} ${tip[4]},${tip[5]}" fill="${escapeXml(o.color)}"/></g>`;
    }
    case 'rect':
      return `<rect x="${num(o.x)}" y="${num(o.y)}" width="${num(o.w)}" height="${num(o.h)}" fill="${escapeXml(o.fill ?? 'none')}" stroke="${escapeXml(o.color)}" stroke-width="${num(o.width)}" stroke-linejoin="round"${op}/>`;
    case 'ellipse':
      return `<ellipse cx="${num(o.x + o.w / 2)}" cy="${num(o.y + o.h / 2)}" rx="${num(o.w / 2)}" ry="${num(o.h / 2)}" fill="${escapeXml(o.fill ?? 'none')}" stroke="${escapeXml(o.color)}" stroke-width="${num(o.width)}"${op}/>`;
    case 'text':
      return textToSvg(o.text, o.x, o.y, o.fontSize, o.color, op);
    case 'sticky':
      return `<g${op}><rect x="${num(o.x)}" y="${num(o.y)}" width="${num(o.w)}" height="${num(o.h)}" rx="4" fill="${escapeXml(o.color)}"/>`
        + `${textToSvg(o.text, o.x + STICKY_PADDING, o.y + STICKY_PADDING, o.fontSize, STICKY_TEXT_COLOR, '')}</g>`;
    case 'image': {
      const url = opts.assetUrl?.(o.assetId);
      if (!url) return null;
      return `<image href="${escapeXml(url)}" x="${num(o.x)}" y="${num(o.y)}" width="${num(o.w)}" height="${num(o.h)}" preserveAspectRatio="none"${op}/>`;
    }
  }
}

function textToSvg(text: string, x: number, y: number, fontSize: number, color: string, op: string): string {
  const lines = textLines(text)
    .map((line, i) => `<tspan x="${num(x)}" y="${num(y + lineBaseline(i, fontSize))}">${escapeXml(line)}</tspan>`)
    .join('');
  return `<text font-family="${TEXT_FONT}" font-size="${num(fontSize)}" fill="${escapeXml(color)}" xml:space="preserve"${op}>${lines}</text>`;
}

// ---------------------------------------------------------------- geometry shared with the canvas

/** Lines of a text object or note: split on \n (CR LF counts as one break). */
export const textLines = (text: string): string[] => text.split(/\r?\n/);

/** The baseline of line i below the text's top edge. */
export const lineBaseline = (i: number, fontSize: number): number => fontSize * (1 + TEXT_LINE_HEIGHT * i);

/**
 * An SVG path (also usable as `new Path2D(d)`) through a stroke's points, offset by (dx, dy):
 * quadratic curves through the midpoints, so the stroke is smooth and passes through its ends.
 */
export function strokePath(points: readonly number[], dx = 0, dy = 0): string {
  const n = Math.floor(points.length / 2);
  if (n === 0) return '';
  const X = (i: number): number => points[2 * i]! + dx;
  const Y = (i: number): number => points[2 * i + 1]! + dy;
  const parts = [`M${num(X(0))} ${num(Y(0))}`];
  if (n === 1) parts.push(`L${num(X(0))} ${num(Y(0))}`); // a dot: a round cap on zero length
  for (let i = 1; i < n - 1; i++) {
    parts.push(`Q${num(X(i))} ${num(Y(i))} ${num((X(i) + X(i + 1)) / 2)} ${num((Y(i) + Y(i + 1)) / 2)}`);
  }
  if (n > 1) parts.push(`L${num(X(n - 1))} ${num(Y(n - 1))}`);
  return parts.join('');
}

/** The length (and width) of an arrow's head for a stroke width. */
export const arrowHeadLength = (width: number): number => Math.max(16, width * 4);

/** An arrow's head triangle [tipX, tipY, leftX, leftY, rightX, rightY] and where the shaft ends. */
export function arrowHead(x1: number, y1: number, x2: number, y2: number, width: number): { points: number[]; shaftEnd: [number, number] | null } {
  const length = arrowHeadLength(width);
  const dx = x2 - x1;
  const dy = y2 - y1;
  // sqrt, not hypot: only correctly rounded operations, so every engine gives the same digits.
  const d = Math.sqrt(dx * dx + dy * dy);
  const [ux, uy] = d > 0 ? [dx / d, dy / d] : [1, 0];
  const bx = x2 - ux * length;
  const by = y2 - uy * length;
  const half = length / 2;
  return {
    points: [x2, y2, bx - uy * half, by + ux * half, bx + uy * half, by - ux * half],
    shaftEnd: d > length ? [bx, by] : null,
  };
}

interface Box { x: number; y: number; w: number; h: number }

/** The area an object covers, strokes included (text approximated: 0.6 em per character). */
export function objectBounds(o: WbObject): Box {
  const half = 'width' in o ? o.width / 2 : 0;
  switch (o.kind) {
    case 'pen':
    case 'highlighter': {
      let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
      for (let i = 0; i + 1 < o.points.length; i += 2) {
        x0 = Math.min(x0, o.points[i]!); x1 = Math.max(x1, o.points[i]!);
        y0 = Math.min(y0, o.points[i + 1]!); y1 = Math.max(y1, o.points[i + 1]!);
      }
      return grow({ x: o.x + x0, y: o.y + y0, w: x1 - x0, h: y1 - y0 }, half);
    }
    case 'line':
    case 'arrow': {
      const pad = o.kind === 'arrow' ? Math.max(half, arrowHeadLength(o.width) / 2) : half;
      return grow({ x: Math.min(o.x1, o.x2), y: Math.min(o.y1, o.y2), w: Math.abs(o.x2 - o.x1), h: Math.abs(o.y2 - o.y1) }, pad);
    }
    case 'rect':
    case 'ellipse':
      return grow({ x: o.x, y: o.y, w: o.w, h: o.h }, half);
    case 'text': {
      const lines = textLines(o.text);
      const longest = Math.max(...lines.map((l) => l.length));
      return { x: o.x, y: o.y, w: longest * o.fontSize * 0.6, h: lineBaseline(lines.length - 1, o.fontSize) + o.fontSize * 0.3 };
    }
    case 'sticky':
    case 'image':
      return { x: o.x, y: o.y, w: o.w, h: o.h };
  }
}

const grow = (b: Box, by: number): Box => ({ x: b.x - by, y: b.y - by, w: b.w + 2 * by, h: b.h + 2 * by });

/** The area a page export shows: content bounds padded, with the canvas for 'canvas' or a background. */
export function viewBox(page: WbPage, fit: 'content' | 'canvas', padding: number): Box {
  const canvas: Box = { x: 0, y: 0, w: WB_CANVAS.width, h: WB_CANVAS.height };
  const boxes = page.objects.map(objectBounds);
  if (page.background || fit === 'canvas') boxes.push(canvas);
  if (boxes.length === 0) return canvas;
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const b of boxes) {
    const pad = b === canvas ? 0 : padding;
    x0 = Math.min(x0, b.x - pad); y0 = Math.min(y0, b.y - pad);
    x1 = Math.max(x1, b.x + b.w + pad); y1 = Math.max(y1, b.y + b.h + pad);
  }
  // Whole units, and never empty (a lone dot still gets an area).
  x0 = Math.floor(x0); y0 = Math.floor(y0);
  return { x: x0, y: y0, w: Math.max(1, Math.ceil(x1) - x0), h: Math.max(1, Math.ceil(y1) - y0) };
}

// ---------------------------------------------------------------- formatting

/** At most two decimals, no exponent for the board's range, and never "-0". */
export function num(n: number): string {
  const r = Math.round(n * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

/**
 * Text and attribute values: the five XML specials become entities, and characters XML 1.0
 * cannot carry (control characters, lone surrogates, U+FFFE/U+FFFF) are dropped.
 */
export function escapeXml(s: string): string {
  // Surrogate pairs are kept whole; no lookbehind, which Safari before 16.4 cannot parse.
  return s
    .replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uD800-\uDFFF\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, (m) => (m.length === 2 ? m : ''))
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
