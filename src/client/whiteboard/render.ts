// Canvas drawing of a page, exactly as svg.ts exports it (the same geometry helpers: strokePath,
// arrowHead, textLines, lineBaseline), plus what only the screen shows: others' strokes in
// progress, cursors with names, laser trails, the selection. Coordinates are canvas units; the
// caller sets the transform (device pixels per unit).
import type { WbObject, WbPage } from '../../protocol/whiteboard.js';
import { WB_CANVAS } from '../../protocol/whiteboardLimits.js';
import {
  STICKY_PADDING, STICKY_TEXT_COLOR, TEXT_FONT, arrowHead, lineBaseline, objectBounds, strokePath, textLines,
} from '../../whiteboard/svg.js';
import { LIVE_TTL, type LiveCursor, type LiveLaser, type LiveStroke } from './boardState.js';
import { handleOf, resizable } from './tools.js';

/** Images by asset id: loaded (drawable), or not (yet). */
export type ImageSource = (assetId: string) => CanvasImageSource | null;

export function drawPage(ctx: CanvasRenderingContext2D, page: WbPage, images: ImageSource, pageColor: string | null = '#ffffff'): void {
  if (pageColor) {
    ctx.fillStyle = pageColor;
    ctx.fillRect(0, 0, WB_CANVAS.width, WB_CANVAS.height);
  }
  const bg = page.background;
  const bgImage = bg && bg.kind === 'image' ? images(bg.assetId) : null;
  if (bgImage) drawContained(ctx, bgImage, 0, 0, WB_CANVAS.width, WB_CANVAS.height);
  for (const o of page.objects) drawObject(ctx, o, images);
}

export function drawObject(ctx: CanvasRenderingContext2D, o: WbObject, images: ImageSource): void {
  ctx.save();
  ctx.globalAlpha = o.opacity;
  ctx.lineJoin = 'round';
  switch (o.kind) {
    case 'pen':
    case 'highlighter':
      strokeLine(ctx, strokePath(o.points, o.x, o.y), o.color, o.width, o.kind === 'pen' ? 'round' : 'square');
      break;
    case 'line':
      segment(ctx, o.x1, o.y1, o.x2, o.y2, o.color, o.width);
      break;
    case 'arrow': {
      const head = arrowHead(o.x1, o.y1, o.x2, o.y2, o.width);
      if (head.shaftEnd) segment(ctx, o.x1, o.y1, head.shaftEnd[0], head.shaftEnd[1], o.color, o.width);
      const p = head.points;
      ctx.beginPath();
      ctx.moveTo(p[0]!, p[1]!);
      ctx.lineTo(p[2]!, p[3]!);
      ctx.lineTo(p[4]!, p[5]!);
      ctx.closePath();
      ctx.fillStyle = o.color;
      ctx.fill();
      break;
    }
    case 'rect':
    case 'ellipse': {
      ctx.beginPath();
      if (o.kind === 'rect') ctx.rect(o.x, o.y, o.w, o.h);
      else ctx.ellipse(o.x + o.w / 2, o.y + o.h / 2, o.w / 2, o.h / 2, 0, 0, Math.PI * 2);
      if (o.fill) {
        ctx.fillStyle = o.fill;
        ctx.fill();
      }
      ctx.strokeStyle = o.color;
      ctx.lineWidth = o.width;
      ctx.stroke();
      break;
    }
    case 'text':
      text(ctx, o.text, o.x, o.y, o.fontSize, o.color);
      break;
    case 'sticky':
      ctx.beginPath();
      ctx.roundRect(o.x, o.y, o.w, o.h, 4);
      ctx.fillStyle = o.color;
      ctx.fill();
      text(ctx, o.text, o.x + STICKY_PADDING, o.y + STICKY_PADDING, o.fontSize, STICKY_TEXT_COLOR);
      break;
    case 'image': {
      const img = images(o.assetId);
      if (img) ctx.drawImage(img, o.x, o.y, o.w, o.h);
      else {
        // Loading (or gone): a placeholder the size of the image.
        ctx.fillStyle = '#eef0f4';
        ctx.fillRect(o.x, o.y, o.w, o.h);
      }
      break;
    }
  }
  ctx.restore();
}

/** Someone's stroke in progress (absolute points), drawn like the object it will become. */
export function drawLiveStroke(ctx: CanvasRenderingContext2D, s: Pick<LiveStroke, 'kind' | 'color' | 'width' | 'points'>, opacity: number): void {
  if (s.points.length < 2) return;
  ctx.save();
  ctx.globalAlpha = opacity;
  ctx.lineJoin = 'round';
  strokeLine(ctx, strokePath(s.points), s.color, s.width, s.kind === 'pen' ? 'round' : 'square');
  ctx.restore();
}

/** A pointer with its owner's name; `scale` is device pixels per canvas unit (labels keep their size). */
export function drawCursor(ctx: CanvasRenderingContext2D, c: LiveCursor, name: string, color: string, scale: number): void {
  const u = 1 / scale;
  ctx.save();
  ctx.fillStyle = color;
  ctx.beginPath();
  ctx.moveTo(c.x, c.y);
  ctx.lineTo(c.x + 4 * u, c.y + 14 * u);
  ctx.lineTo(c.x + 10 * u, c.y + 9 * u);
  ctx.closePath();
  ctx.fill();
  ctx.font = `${12 * u}px ${TEXT_FONT}`;
  const w = ctx.measureText(name).width;
  ctx.fillRect(c.x + 10 * u, c.y + 12 * u, w + 8 * u, 16 * u);
  ctx.fillStyle = '#ffffff';
  ctx.fillText(name, c.x + 14 * u, c.y + 24 * u);
  ctx.restore();
}

/** A laser trail, fading from its newest point back and out over LIVE_TTL.laser. */
export function drawLaser(ctx: CanvasRenderingContext2D, l: Pick<LiveLaser, 'points' | 'at'>, now: number, scale: number): void {
  const fade = 1 - (now - l.at) / LIVE_TTL.laser;
  if (fade <= 0 || l.points.length < 2) return;
  const u = 1 / scale;
  ctx.save();
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.strokeStyle = '#ef4444';
  const n = l.points.length / 2;
  for (let i = 1; i < n; i++) {
    ctx.globalAlpha = fade * (i / n);
    ctx.lineWidth = (2 + 4 * (i / n)) * u;
    ctx.beginPath();
    ctx.moveTo(l.points[2 * i - 2]!, l.points[2 * i - 1]!);
    ctx.lineTo(l.points[2 * i]!, l.points[2 * i + 1]!);
    ctx.stroke();
  }
  ctx.globalAlpha = fade;
  ctx.fillStyle = '#ef4444';
  ctx.beginPath();
  ctx.arc(l.points[2 * n - 2]!, l.points[2 * n - 1]!, 5 * u, 0, Math.PI * 2);
  ctx.fill();
  ctx.restore();
}

/** A dashed box around the selected object, and its resize handle. */
export function drawSelection(ctx: CanvasRenderingContext2D, o: WbObject, scale: number): void {
  const u = 1 / scale;
  const b = objectBounds(o);
  ctx.save();
  ctx.strokeStyle = '#2f5bd3';
  ctx.lineWidth = 1.5 * u;
  ctx.setLineDash([6 * u, 4 * u]);
  ctx.strokeRect(b.x - 4 * u, b.y - 4 * u, b.w + 8 * u, b.h + 8 * u);
  if (resizable(o)) {
    const h = handleOf(o);
    ctx.setLineDash([]);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(h.x - 6 * u, h.y - 6 * u, 12 * u, 12 * u);
    ctx.strokeRect(h.x - 6 * u, h.y - 6 * u, 12 * u, 12 * u);
  }
  ctx.restore();
}

/** The eraser's or a drag's outline for the object about to go. */
export function drawDoomed(ctx: CanvasRenderingContext2D, o: WbObject, scale: number): void {
  const b = objectBounds(o);
  ctx.save();
  ctx.fillStyle = 'rgba(225, 29, 72, 0.12)';
  ctx.strokeStyle = '#e11d48';
  ctx.lineWidth = 1 / scale;
  ctx.fillRect(b.x, b.y, b.w, b.h);
  ctx.strokeRect(b.x, b.y, b.w, b.h);
  ctx.restore();
}

function strokeLine(ctx: CanvasRenderingContext2D, d: string, color: string, width: number, cap: CanvasLineCap): void {
  if (!d) return;
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.lineCap = cap;
  ctx.stroke(new Path2D(d));
}

function segment(ctx: CanvasRenderingContext2D, x1: number, y1: number, x2: number, y2: number, color: string, width: number): void {
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.lineTo(x2, y2);
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.lineCap = 'round';
  ctx.stroke();
}

function text(ctx: CanvasRenderingContext2D, s: string, x: number, y: number, fontSize: number, color: string): void {
  ctx.font = `${fontSize}px ${TEXT_FONT}`;
  ctx.fillStyle = color;
  ctx.textBaseline = 'alphabetic';
  textLines(s).forEach((line, i) => ctx.fillText(line, x, y + lineBaseline(i, fontSize)));
}

/** An image fitted inside a box, centred (SVG's preserveAspectRatio="xMidYMid meet"). */
function drawContained(ctx: CanvasRenderingContext2D, img: CanvasImageSource, x: number, y: number, w: number, h: number): void {
  const iw = (img as { width: number }).width || w;
  const ih = (img as { height: number }).height || h;
  const s = Math.min(w / iw, h / ih);
  ctx.drawImage(img, x + (w - iw * s) / 2, y + (h - ih * s) / 2, iw * s, ih * s);
}

/** A stable colour per user for cursors. */
export function userColor(userId: number): string {
  const hues = ['#2563eb', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#db2777', '#4f46e5', '#65a30d'];
  return hues[Math.abs(userId) % hues.length]!;
}
