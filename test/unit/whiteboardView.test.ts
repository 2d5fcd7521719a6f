// The board's pan and zoom without a browser: screen ↔ board mapping (the inverse is exact), zoom
// that keeps the point under the pointer in place, zoom steps and limits, panning, clamping to
// the coordinate limits, wheel deltas (a pinch's factor comes back exactly) and two-finger
// touch gestures (pinch around the fingers, drag to pan).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  FIT, ZOOM, clampView, nextZoom, panBy, pinchView, pixelsPerUnit, toBoard, toScreen, viewCenter, visibleRect, wheelPixels,
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

  it('follows two fingers: their distance sets the zoom, the board point between them stays between them', () => {
    const v: View = { x: 100, y: 50, zoom: 1.2 };
    const pt = (x: number, y: number) => ({ x, y });
    // Fingers still where they landed: nothing moves.
    closeView(pinchView(v, W, pt(100, 100), pt(300, 200), pt(100, 100), pt(300, 200)), v);
    // Spread to twice the distance around the same midpoint: zoom doubles around it, exactly as zoomAt.
    const mid = pt(200, 150);
    const spread = pinchView(v, W, pt(100, 100), pt(300, 200), pt(0, 50), pt(400, 250));
    close(spread.zoom, 2.4, 1e-12, 'zoom');
    closeView(spread, zoomAt(v, W, 2.4, mid.x, mid.y));
    // Pinched to half, the midpoint also moving: the board point that was under the old midpoint
    // is under the new one.
    const under = toBoard(v, W, mid.x, mid.y);
    const pinched = pinchView(v, W, pt(100, 100), pt(300, 200), pt(350, 250), pt(450, 300));
    close(pinched.zoom, 0.6, 1e-12, 'zoom');
    const now = toBoard(pinched, W, 400, 275);
    close(now.x, under.x, 1e-9, 'x');
    close(now.y, under.y, 1e-9, 'y');
    // Both fingers moved together: a pan, the same as panBy by their movement.
    closeView(pinchView(v, W, pt(100, 100), pt(300, 200), pt(160, 70), pt(360, 170)), panBy(v, W, 60, -30));
    // Turning the fingers around each other at the same distance: no zoom change.
    close(pinchView(v, W, pt(100, 100), pt(300, 100), pt(200, 0), pt(200, 200)).zoom, 1.2, 1e-12, 'zoom');
  });

  it('keeps a pinch within the zoom range, still anchored, and survives fingers on one spot', () => {
    const v: View = { x: 0, y: 0, zoom: 1 };
    const pt = (x: number, y: number) => ({ x, y });
    const under = toBoard(v, W, 300, 200);
    // Spread tenfold: stops at 400%, the point between the fingers stays put.
    const big = pinchView(v, W, pt(290, 200), pt(310, 200), pt(200, 200), pt(400, 200));
    assert.equal(big.zoom, ZOOM.max);
    close(toBoard(big, W, 300, 200).x, under.x, 1e-9);
    close(toBoard(big, W, 300, 200).y, under.y, 1e-9);
    // Pinched to nothing: 25%.
    assert.equal(pinchView(v, W, pt(100, 200), pt(500, 200), pt(299, 200), pt(301, 200)).zoom, ZOOM.min);
    // Two fingers reported at the same spot (no distance to compare): a pan, never NaN.
    const same = pinchView(v, W, pt(300, 200), pt(300, 200), pt(320, 210), pt(320, 210));
    closeView(same, panBy(v, W, 20, 10));
    const apart = pinchView(v, W, pt(300, 200), pt(300, 200), pt(250, 200), pt(350, 200));
    assert.ok(Number.isFinite(apart.x) && Number.isFinite(apart.y) && apart.zoom === 1);
    // Far out near the coordinate limits: clamped like any other view.
    const c = WbLimits.coord;
    const edge = pinchView({ x: c - 800, y: 0, zoom: 1 }, W, pt(100, 100), pt(200, 100), pt(0, 100), pt(100, 100));
    assert.equal(viewCenter(edge).x, c);
  });

  it('shows an object beyond the canvas once zoomed out far enough', () => {
    // A note at x = 2000 (the canvas ends at 1600): hidden when fitted, inside at 50%.
    const inside = (v: View, x: number, w: number) => x >= visibleRect(v).x && x + w <= visibleRect(v).x + visibleRect(v).w;
    assert.equal(inside(FIT, 2000, 200), false);
    assert.equal(inside(zoomStep(zoomStep(FIT, W, -1), W, -1), 2000, 200), true);
  });
});
