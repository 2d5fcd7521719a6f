// Paints the board's canvas: the page (with the gesture in progress applied), the selection and
// everyone else's live updates. Painting happens in an animation frame, at most once per frame
// however many renders, pointer moves and live frames ask for it; it reads the latest render's
// values from a ref so that a frame scheduled by a pointer move sees the current page. My view
// (view.ts) is the canvas transform: everything is drawn in board units, like an SVG under a
// viewBox, so others' strokes, cursors and lasers land where they are on the board.
import { useCallback, useEffect, useRef } from 'preact/hooks';
import type { RefObject } from 'preact';
import type { BoardState, WbObject, WbPage } from '../../protocol/whiteboard.js';
import { WB_CANVAS } from '../../protocol/whiteboardLimits.js';
import type { RoomSession } from '../roomSession.js';
import { applyUpdates, emptyLive, hasLive, pruneLive, type LiveState } from './boardState.js';
import { drawCursor, drawLaser, drawLiveStroke, drawPage, drawSelection, userColor } from './render.js';
import type { Style } from './tools.js';
import { drawGesture, draggedPage, type Drag } from './usePointerTools.js';
import { FIT, sameView, type View } from './view.js';

/** Around the page when the view shows more than the page. */
const OFF_PAGE = '#e9ecf1';
const PAGE_EDGE = '#c4cbd6';

/** What a paint needs from the latest render. */
export interface PaintInput {
  page: WbPage;
  board: BoardState;
  selected: WbObject | null;
  style: Style;
  view: View;
  names: Readonly<Record<number, string>>;
}

export interface Painter {
  /** Asks for a repaint in the next animation frame. */
  schedule(): void;
  /** A loaded image for an asset, or null while it loads (a repaint follows the load). */
  imageOf(assetId: string): HTMLImageElement | null;
}

export function useBoardPainter(
  canvasRef: RefObject<HTMLCanvasElement>,
  drag: RefObject<Drag>,
  input: PaintInput,
  o: { visible: boolean; session: RoomSession; me: number; assetUrl: (assetId: string) => string },
): Painter {
  const { session, me } = o;
  const live = useRef<LiveState>(emptyLive());
  const frame = useRef(0);
  const images = useRef(new Map<string, HTMLImageElement>());
  const latest = useRef(input);
  latest.current = input;
  const assetUrl = useRef(o.assetUrl);
  assetUrl.current = o.assetUrl;

  const imageOf = useCallback((assetId: string): HTMLImageElement | null => {
    let img = images.current.get(assetId);
    if (!img) {
      img = new Image();
      img.onload = () => schedule();
      img.src = assetUrl.current(assetId);
      images.current.set(assetId, img);
    }
    return img.complete && img.naturalWidth > 0 ? img : null;
  }, []);

  const paint = useCallback(() => {
    frame.current = 0;
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || canvas.width === 0) return;
    const { page: pg, board: b, selected: sel, style, view, names } = latest.current;
    const now = performance.now();
    live.current = pruneLive(live.current, b, now);
    // Device pixels per board unit: the backing store's pixels per unit at zoom 1, times the zoom.
    const scale = (canvas.width / WB_CANVAS.width) * view.zoom;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = OFF_PAGE;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.setTransform(scale, 0, 0, scale, -view.x * scale, -view.y * scale);
    const d = drag.current;
    const shown = draggedPage(pg, d);
    drawPage(ctx, shown, imageOf);
    if (!sameView(view, FIT)) {
      ctx.strokeStyle = PAGE_EDGE;
      ctx.lineWidth = 1 / scale;
      ctx.strokeRect(0, 0, WB_CANVAS.width, WB_CANVAS.height);
    }
    drawGesture(ctx, d, pg, style, imageOf, scale, now);
    const moved = sel && (d?.kind === 'move' || d?.kind === 'resize') ? shown.objects.find((x) => x.id === sel.id) : sel;
    if (moved) drawSelection(ctx, moved, scale);
    let strokes = 0;
    for (const s of live.current.strokes.values()) {
      if (s.pageId !== pg.id) continue;
      drawLiveStroke(ctx, s, s.kind === 'highlighter' ? 0.4 : 1);
      strokes++;
    }
    for (const l of live.current.lasers.values()) if (l.pageId === pg.id) drawLaser(ctx, l, now, scale);
    for (const c of live.current.cursors.values()) {
      if (c.pageId === pg.id) drawCursor(ctx, c, names[c.userId] ?? `User ${c.userId}`, userColor(c.userId), scale);
    }
    canvas.dataset.liveStrokes = String(strokes);
    // Lasers fade and live things expire: keep animating while any remain.
    if (hasLive(live.current) || d?.kind === 'laser') schedule();
  }, []);

  const schedule = useCallback(() => {
    if (!frame.current) frame.current = requestAnimationFrame(paint);
  }, []);
  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  // Repaint after every render (board, page, selection changed).
  useEffect(() => schedule());

  // The canvas's backing store follows its CSS size and the device pixel ratio, so lines stay
  // sharp on any screen.
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const fit = () => {
      const w = Math.round(canvas.clientWidth * (window.devicePixelRatio || 1));
      const h = Math.round((w * WB_CANVAS.height) / WB_CANVAS.width);
      if (w > 0 && (canvas.width !== w || canvas.height !== h)) {
        canvas.width = w;
        canvas.height = h;
        paint();
      }
    };
    fit();
    const ro = new ResizeObserver(fit);
    ro.observe(canvas);
    return () => ro.disconnect();
  }, [o.visible]);

  // Others' live updates.
  useEffect(() => session.onBoardUpdates((updates) => {
    live.current = applyUpdates(live.current, updates, me, performance.now());
    schedule();
  }), [session, me]);

  return { schedule, imageOf };
}
