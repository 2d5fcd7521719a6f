// The board's pan and zoom without a browser: screen ↔ board mapping (the inverse is exact), zoom
// that keeps the point under the pointer in place, zoom steps and limits, panning, clamping to
// the coordinate limits, and wheel deltas (a pinch's factor comes back exactly).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  FIT, ZOOM, clampView, nextZoom, panBy, pixelsPerUnit, toBoard, toScreen, viewCenter, visibleRect, wheelPixels,
  wheelZoomFactor, zoomAt, zoomLabel, zoomStep, type View,
} from '../../src/client/whiteboard/view.js';
import { WbLimits } from '../../src/protocol/whiteboardLimits.js';

/** An 800 × 450 CSS-pixel canvas: half a board unit per pixel at zoom 1. */
const W = 800;
const close = (a: number, b: number, tol = 1e-9, what = '') => assert.ok(Math.abs(a - b) <= tol, `${what} ${a} ≠ ${b}`);
const closeView = (a: View, b: View) => {
  close(a.x, b.x, 1e-9, 'x');
  close(a.y, b.y, 1e-9, 'y');
  close(a.zoom, b.zoom, 1e-12, 'zoom');
};

describe('the board view', () => {
  it('fitted, the element shows exactly the 1600 × 900 canvas', () => {
    assert.deepEqual(visibleRect(FIT), { x: 0, y: 0, w: 1600, h: 900 });
    assert.equal(pixelsPerUnit(FIT, W), 0.5);
    assert.deepEqual(toBoard(FIT, W, 0, 0), { x: 0, y: 0 });
    assert.deepEqual(toBoard(FIT, W, 400, 225), { x: 800, y: 450 });
    assert.deepEqual(toBoard(FIT, W, 800, 450), { x: 1600, y: 900 });
    assert.deepEqual(viewCenter(FIT), { x: 800, y: 450 });
  });

  it('maps the screen to the board and back, exactly, at any zoom and pan', () => {
    for (const v of [FIT, { x: -300, y: 120.5, zoom: 2.5 }, { x: 1800, y: -40, zoom: 0.25 }, { x: 7, y: 9, zoom: 4 }]) {
      for (const [sx, sy] of [[0, 0], [123, 77], [800, 450], [-10, 500]] as const) {
        const b = toBoard(v, W, sx, sy);
        const s = toScreen(v, W, b.x, b.y);
        close(s.x, sx, 1e-9);
        close(s.y, sy, 1e-9);
      }
      // The viewBox is what the element shows: its corners are the element's corners.
      const r = visibleRect(v);
      assert.deepEqual(toBoard(v, W, 0, 0), { x: r.x, y: r.y });
      const far = toBoard(v, W, W, (W * 9) / 16);
      close(far.x, r.x + r.w, 1e-9);
      close(far.y, r.y + r.h, 1e-9);
    }
  });

  it('zooms around a point: the board point under it stays under it', () => {
    const v: View = { x: 100, y: 50, zoom: 1.2 };
    const under = toBoard(v, W, 600, 100);
    const z = zoomAt(v, W, 3, 600, 100);
    assert.equal(z.zoom, 3);
    const after = toBoard(z, W, 600, 100);
    close(after.x, under.x, 1e-9);
    close(after.y, under.y, 1e-9);
    // Out of range: clamped, and still anchored.
    const out = zoomAt(v, W, 0.01, 600, 100);
    assert.equal(out.zoom, ZOOM.min);
    close(toBoard(out, W, 600, 100).x, under.x, 1e-9);
    assert.equal(zoomAt(v, W, 99, 0, 0).zoom, ZOOM.max);
  });

  it('steps zoom through round percentages around the middle of the view, within 25%–400%', () => {
    // One step in from the whole page: 150%, centred on the page's middle.
    closeView(zoomStep(FIT, W, 1), { x: 800 - 800 / 1.5, y: 450 - 450 / 1.5, zoom: 1.5 });
    closeView(zoomStep(FIT, W, -1), { x: 800 - 800 / 0.67, y: 450 - 450 / 0.67, zoom: 0.67 });
    // From between two steps, to the next one either way; at the limits, stay.
    assert.equal(nextZoom(1.2, 1), 1.5);
    assert.equal(nextZoom(1.2, -1), 1);
    assert.equal(nextZoom(4, 1), 4);
    assert.equal(nextZoom(0.25, -1), 0.25);
    let v = FIT;
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) seen.push(zoomLabel((v = zoomStep(v, W, 1)).zoom));
    assert.deepEqual(seen, ['150%', '200%', '300%', '400%', '400%', '400%']);
    seen.length = 0;
    for (let i = 0; i < 10; i++) seen.push(zoomLabel((v = zoomStep(v, W, -1)).zoom));
    assert.deepEqual(seen, ['300%', '200%', '150%', '100%', '67%', '50%', '33%', '25%', '25%', '25%']);
    // The middle stays the middle all the way.
    const c = viewCenter(v);
    close(c.x, 800, 1e-9);
    close(c.y, 450, 1e-9);
  });

  it('pans like a hand on the board: a drag right shows what is to the left', () => {
    const v: View = { x: 200, y: 100, zoom: 2 };
    // 1 board unit = 1 pixel at zoom 2 on an 800-pixel canvas.
    closeView(panBy(v, W, 100, -50), { x: 100, y: 150, zoom: 2 });
    closeView(panBy(FIT, W, -300, 0), { x: 600, y: 0, zoom: 1 });
  });

  it('keeps the view within the coordinate limits and the zoom within its range', () => {
    const c = WbLimits.coord;
    const far = clampView({ x: 10 * c, y: -10 * c, zoom: 1 });
    assert.equal(viewCenter(far).x, c);
    assert.equal(viewCenter(far).y, -c);
    assert.equal(clampView({ x: 0, y: 0, zoom: 100 }).zoom, ZOOM.max);
    assert.equal(clampView({ x: 0, y: 0, zoom: 0 }).zoom, ZOOM.min);
    assert.deepEqual(clampView({ x: Number.NaN, y: Infinity, zoom: Number.NaN }).zoom, 1);
    assert.equal(clampView(FIT), FIT, 'an unchanged view is the same object (no needless render)');
    // Panning far keeps going no further than the limit.
    let v = FIT;
    for (let i = 0; i < 1000; i++) v = panBy(v, W, -10_000, 0);
    assert.equal(viewCenter(v).x, c);
  });

  it('turns wheel deltas into pixels and zoom factors', () => {
    assert.deepEqual(wheelPixels(3, -2, 0, 450), { dx: 3, dy: -2 });
    assert.deepEqual(wheelPixels(0, 3, 1, 450), { dx: 0, dy: 48 });
    assert.deepEqual(wheelPixels(0, -1, 2, 450), { dx: 0, dy: -450 });
    // A trackpad pinch by f arrives as ctrl+wheel with deltaY = -100·ln f: the factor is f again.
    for (const f of [1.05, 0.9, 1.2]) close(wheelZoomFactor(-100 * Math.log(f)), f, 1e-12);
    // A mouse notch is one bounded step, and in and out cancel.
    close(wheelZoomFactor(100), Math.exp(-0.25), 1e-12);
    close(wheelZoomFactor(-100) * wheelZoomFactor(100), 1, 1e-12);
    assert.ok(wheelZoomFactor(100) < 1 && wheelZoomFactor(-100) > 1, 'wheel down zooms out');
  });

  it('shows an object beyond the canvas once zoomed out far enough', () => {
    // A note at x = 2000 (the canvas ends at 1600): hidden when fitted, inside at 50%.
    const inside = (v: View, x: number, w: number) => x >= visibleRect(v).x && x + w <= visibleRect(v).x + visibleRect(v).w;
    assert.equal(inside(FIT, 2000, 200), false);
    assert.equal(inside(zoomStep(zoomStep(FIT, W, -1), W, -1), 2000, 200), true);
  });
});
