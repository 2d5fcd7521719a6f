// Each person's view of the board: which part of it the canvas shows, and how large. The board
// has no edges (content may lie anywhere within ±WbLimits.coord), while the canvas element keeps
// the 16:9 shape of WB_CANVAS; the view is that element's window onto the board, an SVG viewBox
// in all but name. It is local: never sent, so zooming in on a detail moves nobody else's view.
//
// Pure (no DOM): screen positions are CSS pixels from the canvas element's top-left corner and
// `width` is the element's CSS width, so the same math serves pointer input, painting and tests.
import { WB_CANVAS, WbLimits } from '../../protocol/whiteboardLimits.js';
import type { Pt } from './tools.js';

/**
 * `zoom` 1 shows the whole WB_CANVAS, filling the element; (x, y) is the board point at the
 * element's top-left corner.
 */
export interface View {
  readonly x: number;
  readonly y: number;
  readonly zoom: number;
}

/** The whole canvas, as the board was shown before it could be zoomed. */
export const FIT: View = { x: 0, y: 0, zoom: 1 };

export const ZOOM = { min: 0.25, max: 4 } as const;

/** Where the zoom buttons and keys stop: round percentages, each about 1.5× the last. */
export const ZOOM_STEPS: readonly number[] = [0.25, 0.33, 0.5, 0.67, 1, 1.5, 2, 3, 4];

/** The board rectangle the element shows: its viewBox. */
export function visibleRect(v: View): { x: number; y: number; w: number; h: number } {
  return { x: v.x, y: v.y, w: WB_CANVAS.width / v.zoom, h: WB_CANVAS.height / v.zoom };
}

/** Screen pixels per board unit for an element `width` CSS pixels wide. */
export const pixelsPerUnit = (v: View, width: number): number => (Math.max(1, width) / WB_CANVAS.width) * v.zoom;

/** The board point under a screen position: the inverse of the view transform. */
export function toBoard(v: View, width: number, sx: number, sy: number): Pt {
  const s = pixelsPerUnit(v, width);
  return { x: v.x + sx / s, y: v.y + sy / s };
}

/** Where a board point is on screen. */
export function toScreen(v: View, width: number, bx: number, by: number): Pt {
  const s = pixelsPerUnit(v, width);
  return { x: (bx - v.x) * s, y: (by - v.y) * s };
}

/** The board point in the middle of the view (where the zoom buttons zoom, where images go). */
export function viewCenter(v: View): Pt {
  const r = visibleRect(v);
  return { x: r.x + r.w / 2, y: r.y + r.h / 2 };
}

/**
 * Keeps the zoom within ZOOM and the view's centre within the coordinate limits: beyond them
 * there can be nothing to see, and a pointer there could not be sent as a cursor.
 */
export function clampView(v: View): View {
  const zoom = Math.min(ZOOM.max, Math.max(ZOOM.min, Number.isFinite(v.zoom) ? v.zoom : 1));
  const hw = WB_CANVAS.width / zoom / 2;
  const hh = WB_CANVAS.height / zoom / 2;
  const c = WbLimits.coord;
  const x = Math.min(c - hw, Math.max(-c - hw, Number.isFinite(v.x) ? v.x : 0));
  const y = Math.min(c - hh, Math.max(-c - hh, Number.isFinite(v.y) ? v.y : 0));
  return x === v.x && y === v.y && zoom === v.zoom ? v : { x, y, zoom };
}

/** Zooms to `zoom` (clamped) keeping the board point under the screen position (sx, sy) where it is. */
export function zoomAt(v: View, width: number, zoom: number, sx: number, sy: number): View {
  const anchor = toBoard(v, width, sx, sy);
  const z = clampView({ ...v, zoom }).zoom;
  const s = pixelsPerUnit({ ...v, zoom: z }, width);
  return clampView({ x: anchor.x - sx / s, y: anchor.y - sy / s, zoom: z });
}

/** The next zoom step above (`dir` 1) or below (-1) the current zoom, which may lie between steps. */
export function nextZoom(zoom: number, dir: 1 | -1): number {
  const eps = 1e-6;
  if (dir > 0) return ZOOM_STEPS.find((z) => z > zoom + eps) ?? ZOOM.max;
  return [...ZOOM_STEPS].reverse().find((z) => z < zoom - eps) ?? ZOOM.min;
}

/** One zoom step in or out around the middle of the view (the buttons, the + and - keys). */
export function zoomStep(v: View, width: number, dir: 1 | -1): View {
  return zoomAt(v, width, nextZoom(v.zoom, dir), width / 2, (width * WB_CANVAS.height) / WB_CANVAS.width / 2);
}

/** Moves the board (dx, dy) screen pixels, as a hand dragging it would: the view goes the other way. */
export function panBy(v: View, width: number, dx: number, dy: number): View {
  const s = pixelsPerUnit(v, width);
  return clampView({ x: v.x - dx / s, y: v.y - dy / s, zoom: v.zoom });
}

/**
 * Two fingers on a touch screen: they were at `a0` and `b0` (screen positions) when the view was
 * `start`, and are at `a` and `b` now. The zoom follows the distance between them (clamped), and
 * the board point that was under their midpoint stays under their midpoint: spreading them zooms
 * in around the fingers, moving both pans, and both at once do both. Computed from the start of
 * the gesture, not step by step, so a long pinch does not drift.
 */
export function pinchView(start: View, width: number, a0: Pt, b0: Pt, a: Pt, b: Pt): View {
  const d0 = Math.hypot(b0.x - a0.x, b0.y - a0.y);
  const d = Math.hypot(b.x - a.x, b.y - a.y);
  // Fingers on the same spot have no distance to compare: pan only.
  const factor = d0 > 0 && d > 0 ? d / d0 : 1;
  const anchor = toBoard(start, width, (a0.x + b0.x) / 2, (a0.y + b0.y) / 2);
  const zoom = clampView({ ...start, zoom: start.zoom * factor }).zoom;
  const s = pixelsPerUnit({ ...start, zoom }, width);
  return clampView({ x: anchor.x - (a.x + b.x) / 2 / s, y: anchor.y - (a.y + b.y) / 2 / s, zoom });
}

/** A wheel event's deltas in pixels, whatever unit it came in (WheelEvent.deltaMode). */
export function wheelPixels(deltaX: number, deltaY: number, deltaMode: number, pageHeight: number): { dx: number; dy: number } {
  const unit = deltaMode === 1 ? 16 : deltaMode === 2 ? pageHeight : 1;
  return { dx: deltaX * unit, dy: deltaY * unit };
}

/**
 * The zoom factor for a Ctrl/Cmd+wheel (and a trackpad pinch, which browsers send as one).
 * Chromium reports a pinch that scales by f as deltaY = -100·ln f, so exp(-deltaY / 100) follows
 * the fingers exactly; a mouse notch (deltaY about 100) is capped at a step of about 1.28×.
 */
export function wheelZoomFactor(deltaY: number): number {
  return Math.exp(-Math.max(-25, Math.min(25, deltaY)) / 100);
}

/** "150%". */
export const zoomLabel = (zoom: number): string => `${Math.round(zoom * 100)}%`;

/** Whether two views show the same thing (to a hundredth of a unit). */
export const sameView = (a: View, b: View): boolean =>
  Math.abs(a.x - b.x) < 0.01 && Math.abs(a.y - b.y) < 0.01 && Math.abs(a.zoom - b.zoom) < 1e-6;
