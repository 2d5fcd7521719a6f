// From pointer input to board objects and ops: the tools, the palette, stroke smoothing and
// splitting, shapes from a drag, hit testing, moving and resizing. Pure (ids take their
// randomness from the caller's Math.random); the component only wires events to these.
import type { WbObject, WbObjectPatch, WbPage } from '../../protocol/whiteboard.js';
import { WbLimits } from '../../protocol/whiteboardLimits.js';
import { objectBounds } from '../../whiteboard/svg.js';

export const TOOLS = ['select', 'pen', 'highlighter', 'line', 'arrow', 'rect', 'ellipse', 'text', 'sticky', 'image', 'eraser', 'laser'] as const;
export type Tool = (typeof TOOLS)[number];

export const TOOL_LABEL: Record<Tool, string> = {
  select: 'Select', pen: 'Pen', highlighter: 'Highlighter', line: 'Line', arrow: 'Arrow', rect: 'Rectangle',
  ellipse: 'Ellipse', text: 'Text', sticky: 'Sticky note', image: 'Image', eraser: 'Eraser', laser: 'Laser',
};

/** The palette (lower case, as the board requires); the CSS has a .swatch-N class for each. */
export const COLORS = ['#1f2937', '#e11d48', '#f97316', '#eab308', '#16a34a', '#0ea5e9', '#2563eb', '#9333ea'] as const;
export const WIDTHS = [2, 4, 8, 16] as const;
/** Notes take a light tint of the chosen colour, so their dark text stays readable. */
export const STICKY_TINTS: Record<string, string> = {
  '#1f2937': '#e5e7eb', '#e11d48': '#fecdd3', '#f97316': '#fed7aa', '#eab308': '#fde68a',
  '#16a34a': '#bbf7d0', '#0ea5e9': '#bae6fd', '#2563eb': '#bfdbfe', '#9333ea': '#e9d5ff',
};
export const HIGHLIGHTER = { widthFactor: 4, opacity: 0.4 } as const;
export const TEXT_SIZE = { perWidth: 6, min: 20 } as const;

export interface Style {
  color: string;
  width: number;
}

export interface Pt {
  x: number;
  y: number;
}

/** A fresh object or stroke id (≤ 40 characters of the allowed alphabet). */
export function newId(random: () => number = Math.random): string {
  return `o${Date.now().toString(36)}${Math.floor(random() * 36 ** 6).toString(36)}`;
}

/** Whole canvas units: small frames, and screen and export agree. */
const r = (n: number): number => Math.round(Math.max(-WbLimits.coord, Math.min(WbLimits.coord, n)));

// ---------------------------------------------------------------- strokes

/**
 * Smooths a stroke as it is drawn: each input point pulls the pen halfway towards it, and
 * points closer than `minStep` to the last one are dropped. Points are absolute and whole.
 */
export class StrokeBuilder {
  readonly points: number[] = [];
  #sx = 0;
  #sy = 0;
  #last: Pt | null = null;

  constructor(readonly minStep = 2) {}

  /** Adds an input point; returns the points it added (0 or 1 pair). */
  add(x: number, y: number): number[] {
    if (this.#last === null) {
      this.#sx = x;
      this.#sy = y;
      return this.#emit(x, y);
    }
    this.#sx += (x - this.#sx) * 0.5;
    this.#sy += (y - this.#sy) * 0.5;
    return this.#emit(this.#sx, this.#sy);
  }

  /** The pen lifted at (x, y): end exactly there. */
  finish(x: number, y: number): number[] {
    if (this.#last && Math.round(x) === this.#last.x && Math.round(y) === this.#last.y) return [];
    const p = [r(x), r(y)];
    this.points.push(...p);
    this.#last = { x: p[0]!, y: p[1]! };
    return p;
  }

  #emit(x: number, y: number): number[] {
    const p = { x: r(x), y: r(y) };
    if (this.#last && Math.hypot(p.x - this.#last.x, p.y - this.#last.y) < this.minStep) return [];
    this.#last = p;
    this.points.push(p.x, p.y);
    return [p.x, p.y];
  }
}

/** Pairs per stored stroke part: a part stays well below the 64 KiB frame limit. */
export const STROKE_PART = 2000;

/**
 * The objects for a finished stroke (absolute points): one per STROKE_PART pairs, each part
 * starting where the previous ended; the first part has `id`, the others `id-2`, `id-3`….
 */
export function strokeObjects(id: string, kind: 'pen' | 'highlighter', points: readonly number[], style: Style): WbObject[] {
  const out: WbObject[] = [];
  const pairs = points.length / 2;
  const width = kind === 'highlighter' ? Math.min(WbLimits.maxWidth, style.width * HIGHLIGHTER.widthFactor) : style.width;
  const opacity = kind === 'highlighter' ? HIGHLIGHTER.opacity : 1;
  let start = 0;
  do {
    const slice = points.slice(start * 2, (start + STROKE_PART) * 2);
    const x = slice[0]!;
    const y = slice[1]!;
    const rel = slice.map((v, i) => v - (i % 2 === 0 ? x : y));
    out.push({ id: out.length === 0 ? id : `${id}-${out.length + 1}`, kind, x, y, points: rel, color: style.color, width, opacity });
    // The next part starts at this one's last point, so the stroke stays continuous.
    start += STROKE_PART - 1;
  } while (start + 1 < pairs);
  return out;
}

/** The width a live stroke is drawn with (the same as its stored object's). */
export const strokeWidth = (kind: 'pen' | 'highlighter', width: number): number =>
  kind === 'highlighter' ? Math.min(WbLimits.maxWidth, width * HIGHLIGHTER.widthFactor) : width;

// ---------------------------------------------------------------- shapes

export type ShapeTool = 'line' | 'arrow' | 'rect' | 'ellipse';
export const isShapeTool = (t: Tool): t is ShapeTool => t === 'line' || t === 'arrow' || t === 'rect' || t === 'ellipse';

/** The object a drag from `a` to `b` makes, or null when the drag is too short to mean one. */
export function shapeFromDrag(tool: ShapeTool, id: string, a: Pt, b: Pt, style: Style): WbObject | null {
  if (Math.hypot(b.x - a.x, b.y - a.y) < 4) return null;
  const { color, width } = style;
  if (tool === 'line' || tool === 'arrow') {
    return { id, kind: tool, x1: r(a.x), y1: r(a.y), x2: r(b.x), y2: r(b.y), color, width, opacity: 1 };
  }
  const x = r(Math.min(a.x, b.x));
  const y = r(Math.min(a.y, b.y));
  return { id, kind: tool, x, y, w: r(Math.max(a.x, b.x)) - x, h: r(Math.max(a.y, b.y)) - y, color, width, fill: null, opacity: 1 };
}

export function textObject(id: string, kind: 'text' | 'sticky', at: Pt, text: string, style: Style): WbObject {
  const fontSize = Math.max(TEXT_SIZE.min, style.width * TEXT_SIZE.perWidth);
  if (kind === 'text') return { id, kind, x: r(at.x), y: r(at.y), text, color: style.color, fontSize, opacity: 1 };
  return { id, kind, x: r(at.x), y: r(at.y), w: 240, h: 180, text, color: STICKY_TINTS[style.color] ?? '#fde68a', fontSize: 24, opacity: 1 };
}

/** An image `w`×`h` pixels, scaled down to at most half the canvas, centred on `at`. */
export function imageObject(id: string, assetId: string, at: Pt, w: number, h: number): WbObject {
  const scale = Math.min(1, 800 / Math.max(1, w), 450 / Math.max(1, h));
  const iw = Math.max(1, r(w * scale));
  const ih = Math.max(1, r(h * scale));
  return { id, kind: 'image', x: r(at.x - iw / 2), y: r(at.y - ih / 2), w: iw, h: ih, assetId, opacity: 1 };
}

// ---------------------------------------------------------------- picking, moving, resizing

/** Distance from p to the segment a-b. */
function segDist(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len = dx * dx + dy * dy;
  const t = len === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** Whether (x, y) touches the object, with `tol` canvas units of slack. */
export function hits(o: WbObject, x: number, y: number, tol: number): boolean {
  const b = objectBounds(o);
  if (x < b.x - tol || x > b.x + b.w + tol || y < b.y - tol || y > b.y + b.h + tol) return false;
  switch (o.kind) {
    case 'pen':
    case 'highlighter': {
      const p = o.points;
      const reach = o.width / 2 + tol;
      if (p.length === 2) return Math.hypot(x - o.x - p[0]!, y - o.y - p[1]!) <= reach;
      for (let i = 2; i + 1 < p.length; i += 2) {
        if (segDist(x, y, o.x + p[i - 2]!, o.y + p[i - 1]!, o.x + p[i]!, o.y + p[i + 1]!) <= reach) return true;
      }
      return false;
    }
    case 'line':
    case 'arrow':
      return segDist(x, y, o.x1, o.y1, o.x2, o.y2) <= o.width / 2 + tol;
    default:
      return true;
  }
}

/** The topmost object at (x, y), or null. */
export function objectAt(page: WbPage, x: number, y: number, tol: number): WbObject | null {
  for (let i = page.objects.length - 1; i >= 0; i--) {
    const o = page.objects[i]!;
    if (hits(o, x, y, tol)) return o;
  }
  return null;
}

/** The patch that moves an object by (dx, dy). */
export function movePatch(o: WbObject, dx: number, dy: number): WbObjectPatch {
  if (o.kind === 'line' || o.kind === 'arrow') return { x1: r(o.x1 + dx), y1: r(o.y1 + dy), x2: r(o.x2 + dx), y2: r(o.y2 + dy) };
  return { x: r(o.x + dx), y: r(o.y + dy) };
}

/** Objects with a resize handle (bottom-right corner, or a segment's end). */
export const resizable = (o: WbObject): boolean => o.kind !== 'pen' && o.kind !== 'highlighter' && o.kind !== 'text';

/** Where the resize handle is. */
export function handleOf(o: WbObject): Pt {
  if (o.kind === 'line' || o.kind === 'arrow') return { x: o.x2, y: o.y2 };
  const b = objectBounds(o);
  return { x: b.x + b.w, y: b.y + b.h };
}

/** The patch that drags the resize handle to `to`. */
export function resizePatch(o: WbObject, to: Pt): WbObjectPatch | null {
  if (o.kind === 'line' || o.kind === 'arrow') return { x2: r(to.x), y2: r(to.y) };
  if (!('w' in o)) return null;
  return { w: Math.max(1, r(to.x - o.x)), h: Math.max(1, r(to.y - o.y)) };
}

/** An object with a patch applied (for the preview while dragging). */
export const patched = (o: WbObject, patch: WbObjectPatch): WbObject => ({ ...o, ...patch }) as WbObject;
