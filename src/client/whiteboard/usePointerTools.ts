// Pointer input on the board's canvas: one gesture at a time (a stroke, a shape, an erase, a
// laser trail, a move or a resize) becomes ops through tools.ts when the pointer lifts. The
// gesture lives in a ref, not in state: pointer moves come at up to 120 Hz and must only
// repaint the canvas, never re-render the component. Every pointer position goes through the
// inverse of my view (view.ts) first, so what I draw lands on the same board coordinates for
// everyone, whatever their own zoom. The view's own gestures are here too: the wheel, a
// middle-button drag, a drag with Space held and, on a touch screen, two fingers (pinch to zoom
// around them, drag to pan). One finger draws like a mouse; a second finger landing turns what
// the first had started into the two-finger gesture, and that start is abandoned, not committed.
import { useEffect, useRef } from 'preact/hooks';
import type { RefObject } from 'preact';
import type { WbEditOp, WbEphemeral, WbObject, WbPage } from '../../protocol/whiteboard.js';
import { WbLimits } from '../../protocol/whiteboardLimits.js';
import { drawDoomed, drawLaser, drawLiveStroke, drawObject, type ImageSource } from './render.js';
import type { Editor } from './TextEditor.js';
import {
  StrokeBuilder, handleOf, movePatch, newId, objectAt, patched, resizable, resizePatch, shapeFromDrag, strokeObjects,
  strokeWidth, type Pt, type ShapeTool, type Style, type Tool,
} from './tools.js';
import { panBy, pinchView, pixelsPerUnit, toBoard, wheelPixels, wheelZoomFactor, zoomAt, type View } from './view.js';

/** A gesture in progress. */
export type Drag =
  | { kind: 'stroke'; id: string; tool: 'pen' | 'highlighter'; pageId: string; style: Style; builder: StrokeBuilder; unsent: number[] }
  | { kind: 'shape'; tool: ShapeTool; id: string; a: Pt; b: Pt }
  | { kind: 'move'; obj: WbObject; from: Pt; to: Pt }
  | { kind: 'resize'; obj: WbObject; to: Pt }
  | { kind: 'erase'; ids: Set<string> }
  | { kind: 'laser'; pageId: string; trail: number[] }
  /** Moving the view; (x, y) is the last pointer position, in client pixels. */
  | { kind: 'pan'; x: number; y: number }
  /**
   * Two fingers moving the view: their pointer ids, the view when they started and where they
   * were then (CSS pixels from the canvas's corner). `over` once either lifts: the fingers still
   * down do nothing until they are all lifted (or another lands: a new pinch).
   */
  | { kind: 'pinch'; ids: [number, number]; start: View; from: [Pt, Pt]; over: boolean };

/** Live updates go out at most this often (ms): the server's tick. */
const LIVE_EVERY = 33;
const CURSOR_EVERY = 100;

export interface PointerToolsOptions {
  canvasRef: RefObject<HTMLCanvasElement>;
  drag: RefObject<Drag>;
  /** Asks for a repaint. */
  schedule(): void;
  view: View;
  /** Changes my view (as a function of the latest one: several wheel events may come per frame). */
  onView(change: (v: View) => View): void;
  /** Space is held: a drag pans instead of drawing. */
  panKey: RefObject<boolean>;
  canDraw: boolean;
  /** The text editor is open: the canvas ignores presses until it closes. */
  editing: boolean;
  tool: Tool;
  style: Style;
  page: WbPage;
  selected: WbObject | null;
  onSelect(id: string | null): void;
  onEdit(editor: Editor): void;
  onPickImage(at: Pt): void;
  sendOp(op: WbEditOp): void;
  sendLive(update: WbEphemeral): void;
}

export interface PointerHandlers {
  onPointerDown(e: PointerEvent): void;
  onPointerMove(e: PointerEvent): void;
  onPointerUp(e: PointerEvent): void;
  /** The browser took the pointer away: the gesture is abandoned, nothing is committed. */
  onPointerCancel(e: PointerEvent): void;
  onDblClick(e: MouseEvent): void;
}

export function usePointerTools(o: PointerToolsOptions): PointerHandlers {
  const { canvasRef, drag, schedule, view, canDraw, tool, style, page, selected, sendLive } = o;
  const liveTimer = useRef<ReturnType<typeof setInterval> | null>(null);
  const lastLive = useRef(0);
  /** Fingers on the canvas, by pointer id: client positions. */
  const touches = useRef(new Map<number, Pt>());

  // Stroke progress goes out in batches, at most every LIVE_EVERY ms, each within the
  // protocol's batch size.
  const flushStroke = (done: boolean) => {
    const d = drag.current;
    if (d?.kind !== 'stroke') return;
    const max = WbLimits.progressPoints * 2;
    do {
      const points = d.unsent.splice(0, max);
      if (points.length === 0 && !done) return;
      sendLive({
        type: 'stroke.progress', pageId: d.pageId, strokeId: d.id, kind: d.tool, color: d.style.color,
        width: strokeWidth(d.tool, d.style.width), points, ...(done && d.unsent.length === 0 ? { done: true } : {}),
      });
    } while (d.unsent.length > 0);
  };

  /**
   * Drops the gesture in progress without committing anything: a stroke's live progress ends
   * ("done" with no object following, which the others' boards let fade), a shape, move, resize
   * or erase is simply forgotten, and a pan stops where it is.
   */
  const abandon = () => {
    const d = drag.current;
    if (!d) return;
    if (liveTimer.current) clearInterval(liveTimer.current);
    liveTimer.current = null;
    if (d.kind === 'stroke') {
      // Only if the others have seen some of it.
      const sent = d.builder.points.length > d.unsent.length;
      d.unsent.length = 0;
      if (sent) flushStroke(true);
    }
    drag.current = null;
    const c = canvasRef.current;
    if (c && d.kind === 'pan') {
      if (o.panKey.current) c.dataset.pan = 'ready';
      else delete c.dataset.pan;
    }
    schedule();
  };

  /** Two fingers are down (the first two on the canvas): whatever the first one began becomes a pinch. */
  const startPinch = () => {
    const c = canvasRef.current!;
    const [a, b] = [...touches.current.entries()];
    abandon();
    const at = (p: Pt) => screenAt(c, p.x, p.y);
    drag.current = { kind: 'pinch', ids: [a![0], b![0]], start: view, from: [at(a![1]), at(b![1])], over: false };
    c.dataset.pan = 'active';
  };

  const toCanvas = (e: PointerEvent | MouseEvent): Pt => {
    const at = screenOf(canvasRef.current!, e);
    return toBoard(view, at.width, at.x, at.y);
  };
  /** Hit slack: about 6 screen pixels, in canvas units. */
  const slack = () => 6 / pixelsPerUnit(view, canvasRef.current?.clientWidth ?? 0);

  // Wheel: Ctrl/Cmd (or a trackpad pinch, which arrives as Ctrl+wheel) zooms around the pointer,
  // otherwise it pans. Registered by hand because it must not be passive: the page would scroll,
  // or the browser zoom, as well.
  const onView = useRef(o.onView);
  onView.current = o.onView;
  useEffect(() => {
    const c = canvasRef.current;
    if (!c) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const at = screenOf(c, e);
      const { dx, dy } = wheelPixels(e.deltaX, e.deltaY, e.deltaMode, c.clientHeight);
      if (e.ctrlKey || e.metaKey) onView.current((v) => zoomAt(v, at.width, v.zoom * wheelZoomFactor(dy), at.x, at.y));
      // A mouse wheel with Shift scrolls sideways, as it does a page.
      else if (e.shiftKey && dx === 0) onView.current((v) => panBy(v, at.width, -dy, 0));
      else onView.current((v) => panBy(v, at.width, -dx, -dy));
    };
    c.addEventListener('wheel', onWheel, { passive: false });
    return () => c.removeEventListener('wheel', onWheel);
  }, []);

  const onPointerDown = (e: PointerEvent) => {
    const c = canvasRef.current!;
    if (e.pointerType === 'touch') {
      // The first finger of a new touch: any finger still listed, and a pinch of theirs, was lost on the way.
      if (e.isPrimary) {
        touches.current.clear();
        if (drag.current?.kind === 'pinch') drag.current = null;
      }
      touches.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
      const d = drag.current;
      if (touches.current.size >= 2) {
        // A third finger joins nothing; a second one (or a new one after a pinch) pinches.
        if (d?.kind === 'pinch' && !d.over) return;
        e.preventDefault();
        c.setPointerCapture?.(e.pointerId);
        startPinch();
        return;
      }
      if (d?.kind === 'pinch') return;
    }
    // Panning is for everyone, drawing or not.
    if (e.button === 1 || (e.button === 0 && o.panKey.current)) {
      e.preventDefault();
      c.setPointerCapture?.(e.pointerId);
      drag.current = { kind: 'pan', x: e.clientX, y: e.clientY };
      c.dataset.pan = 'active';
      return;
    }
    if (!canDraw || e.button !== 0 || o.editing) return;
    const p = toCanvas(e);
    c.setPointerCapture?.(e.pointerId);
    switch (tool) {
      case 'pen':
      case 'highlighter': {
        const builder = new StrokeBuilder();
        drag.current = { kind: 'stroke', id: newId(), tool, pageId: page.id, style, builder, unsent: builder.add(p.x, p.y) };
        liveTimer.current = setInterval(() => flushStroke(false), LIVE_EVERY);
        break;
      }
      case 'line':
      case 'arrow':
      case 'rect':
      case 'ellipse':
        drag.current = { kind: 'shape', tool, id: newId(), a: p, b: p };
        break;
      case 'eraser': {
        const hit = objectAt(page, p.x, p.y, slack());
        drag.current = { kind: 'erase', ids: new Set(hit ? [hit.id] : []) };
        break;
      }
      case 'laser':
        drag.current = { kind: 'laser', pageId: page.id, trail: [Math.round(p.x), Math.round(p.y)] };
        break;
      case 'select': {
        const s = slack();
        if (selected && resizable(selected)) {
          const h = handleOf(selected);
          if (Math.abs(p.x - h.x) <= 2 * s && Math.abs(p.y - h.y) <= 2 * s) {
            drag.current = { kind: 'resize', obj: selected, to: p };
            break;
          }
        }
        const hit = objectAt(page, p.x, p.y, s);
        o.onSelect(hit?.id ?? null);
        if (hit) drag.current = { kind: 'move', obj: hit, from: p, to: p };
        break;
      }
      case 'text':
      case 'sticky':
        o.onEdit({ mode: 'new', kind: tool, at: p, text: '' });
        return;
      case 'image':
        o.onPickImage(p);
        return;
    }
    schedule();
  };

  const onPointerMove = (e: PointerEvent) => {
    const d = drag.current;
    if (e.pointerType === 'touch' && touches.current.has(e.pointerId)) touches.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (d?.kind === 'pinch') {
      if (d.over || !d.ids.includes(e.pointerId)) return;
      const a = touches.current.get(d.ids[0]);
      const b = touches.current.get(d.ids[1]);
      if (!a || !b) return;
      const c = canvasRef.current!;
      const sa = screenAt(c, a.x, a.y);
      const sb = screenAt(c, b.x, b.y);
      o.onView(() => pinchView(d.start, sa.width, d.from[0], d.from[1], sa, sb));
      return;
    }
    if (d?.kind === 'pan') {
      const dx = e.clientX - d.x;
      const dy = e.clientY - d.y;
      d.x = e.clientX;
      d.y = e.clientY;
      const { width } = screenOf(canvasRef.current!, e);
      o.onView((v) => panBy(v, width, dx, dy));
      return;
    }
    const p = toCanvas(e);
    if (!d) {
      // The cursor, for the others (drawing needs draw, so does telling where one points).
      const now = performance.now();
      if (canDraw && now - lastLive.current >= CURSOR_EVERY && inLimits(p)) {
        lastLive.current = now;
        sendLive({ type: 'cursor', pageId: page.id, x: Math.round(p.x), y: Math.round(p.y) });
      }
      return;
    }
    // The browser may merge several moves into one event: a fast stroke keeps its shape.
    const events = typeof e.getCoalescedEvents === 'function' && e.getCoalescedEvents().length > 0 ? e.getCoalescedEvents() : [e];
    switch (d.kind) {
      case 'stroke':
        for (const ev of events) {
          if (d.builder.points.length >= WbLimits.strokePoints * 2 * 4) break; // absurdly long: stop adding
          const q = toCanvas(ev);
          d.unsent.push(...d.builder.add(q.x, q.y));
        }
        break;
      case 'shape':
        d.b = p;
        break;
      case 'erase': {
        const hit = objectAt(page, p.x, p.y, slack());
        if (hit) d.ids.add(hit.id);
        break;
      }
      case 'laser': {
        d.trail.push(Math.round(p.x), Math.round(p.y));
        if (d.trail.length > WbLimits.laserPoints * 2) d.trail.splice(0, d.trail.length - WbLimits.laserPoints * 2);
        const now = performance.now();
        if (now - lastLive.current >= LIVE_EVERY) {
          lastLive.current = now;
          sendLive({ type: 'laser', pageId: d.pageId, points: [...d.trail] });
        }
        break;
      }
      case 'move':
      case 'resize':
        d.to = p;
        break;
    }
    schedule();
  };

  /** A finger lifted (or was taken away) during a pinch: the pinch is over; once all are up, so is the gesture. */
  const liftFinger = (e: PointerEvent): boolean => {
    if (e.pointerType !== 'touch') return false;
    touches.current.delete(e.pointerId);
    const d = drag.current;
    if (d?.kind !== 'pinch') return false;
    if (d.ids.includes(e.pointerId)) d.over = true;
    if (touches.current.size === 0) {
      drag.current = null;
      const c = canvasRef.current;
      if (c) delete c.dataset.pan;
    }
    return true;
  };

  const onPointerCancel = (e: PointerEvent) => {
    if (liftFinger(e)) return;
    abandon();
  };

  const onPointerUp = (e: PointerEvent) => {
    if (liftFinger(e)) return;
    const d = drag.current;
    if (!d) return;
    const p = toCanvas(e);
    switch (d.kind) {
      case 'pan': {
        drag.current = null;
        const c = canvasRef.current;
        if (c && o.panKey.current) c.dataset.pan = 'ready';
        else if (c) delete c.dataset.pan;
        return;
      }
      case 'stroke': {
        if (liveTimer.current) clearInterval(liveTimer.current);
        liveTimer.current = null;
        d.unsent.push(...d.builder.finish(p.x, p.y));
        flushStroke(true);
        drag.current = null;
        for (const obj of strokeObjects(d.id, d.tool, d.builder.points, d.style)) o.sendOp({ type: 'obj.add', pageId: d.pageId, object: obj });
        break;
      }
      case 'shape': {
        drag.current = null;
        const obj = shapeFromDrag(d.tool, d.id, d.a, p, style);
        if (obj) o.sendOp({ type: 'obj.add', pageId: page.id, object: obj });
        break;
      }
      case 'erase': {
        drag.current = null;
        const ids = [...d.ids].filter((id) => page.objects.some((x) => x.id === id)).slice(0, WbLimits.deleteIds);
        if (ids.length > 0) o.sendOp({ type: 'obj.delete', pageId: page.id, ids });
        if (selected && ids.includes(selected.id)) o.onSelect(null);
        break;
      }
      case 'laser':
        drag.current = null;
        break;
      case 'pinch':
        return;
      case 'move': {
        drag.current = null;
        const dx = p.x - d.from.x;
        const dy = p.y - d.from.y;
        if (Math.hypot(dx, dy) >= 1) o.sendOp({ type: 'obj.update', pageId: page.id, id: d.obj.id, patch: movePatch(d.obj, dx, dy) });
        break;
      }
      case 'resize': {
        drag.current = null;
        const patch = resizePatch(d.obj, p);
        if (patch) o.sendOp({ type: 'obj.update', pageId: page.id, id: d.obj.id, patch });
        break;
      }
    }
    schedule();
  };

  const onDblClick = (e: MouseEvent) => {
    if (!canDraw || tool !== 'select') return;
    const p = toCanvas(e);
    const hit = objectAt(page, p.x, p.y, slack());
    if (hit && (hit.kind === 'text' || hit.kind === 'sticky')) o.onEdit({ mode: 'edit', id: hit.id, text: hit.text });
  };

  return { onPointerDown, onPointerMove, onPointerUp, onPointerCancel, onDblClick };
}

/**
 * Where the pointer is, in CSS pixels from the top-left corner of the canvas's drawing area, and
 * that area's width: inside the element's 1-pixel border, where the picture is (the backing store
 * is stretched over the content box, not the border box).
 */
function screenOf(c: HTMLCanvasElement, e: MouseEvent): Pt & { width: number } {
  return screenAt(c, e.clientX, e.clientY);
}

/**
 * A client position, as screenOf. The width is the bounding box's less both borders, not
 * clientWidth, which is rounded to whole pixels while the element's CSS width need not be.
 */
function screenAt(c: HTMLCanvasElement, clientX: number, clientY: number): Pt & { width: number } {
  const r = c.getBoundingClientRect();
  const right = parseFloat(getComputedStyle(c).borderRightWidth) || 0;
  return { x: clientX - r.left - c.clientLeft, y: clientY - r.top - c.clientTop, width: r.width - c.clientLeft - right };
}

/** A cursor may only be sent within the coordinate limits (a view near the edge shows beyond them). */
const inLimits = (p: Pt) => Math.abs(p.x) <= WbLimits.coord && Math.abs(p.y) <= WbLimits.coord;

/** The page as the gesture in progress changes it: the object being moved or resized. */
export function draggedPage(page: WbPage, d: Drag | null): WbPage {
  if (!d) return page;
  if (d.kind === 'move') {
    const patch = movePatch(d.obj, d.to.x - d.from.x, d.to.y - d.from.y);
    return { ...page, objects: page.objects.map((o) => (o.id === d.obj.id ? patched(o, patch) : o)) };
  }
  if (d.kind === 'resize') {
    const patch = resizePatch(d.obj, d.to);
    return patch ? { ...page, objects: page.objects.map((o) => (o.id === d.obj.id ? patched(o, patch) : o)) } : page;
  }
  return page;
}

/**
 * What the gesture adds on top of the page: my stroke or shape so far, the objects the eraser
 * will remove, my laser trail. `scale` is device pixels per canvas unit, zoom included.
 */
export function drawGesture(ctx: CanvasRenderingContext2D, d: Drag | null, page: WbPage, style: Style, images: ImageSource, scale: number, now: number): void {
  if (d?.kind === 'stroke') drawLiveStroke(ctx, { kind: d.tool, color: d.style.color, width: strokeWidth(d.tool, d.style.width), points: d.builder.points }, d.tool === 'highlighter' ? 0.4 : 1);
  if (d?.kind === 'shape') {
    const o = shapeFromDrag(d.tool, d.id, d.a, d.b, style);
    if (o) drawObject(ctx, o, images);
  }
  if (d?.kind === 'erase') for (const o of page.objects) if (d.ids.has(o.id)) drawDoomed(ctx, o, scale);
  if (d?.kind === 'laser') drawLaser(ctx, { points: d.trail, at: now }, now, scale);
}
