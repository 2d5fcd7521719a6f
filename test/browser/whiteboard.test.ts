// The whiteboard in real Chromium against the real server: a teacher draws with real mouse
// events, the student sees the stroke while it is drawn and then the same board (the same SVG
// export, page by page), keeps it across a reload and follows the teacher's page; a student
// without draw cannot draw until the teacher grants it. Zoom and pan are each person's own: what
// is drawn through them lands at the board coordinates under the pointer, for everyone.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { pdf } from '../helpers/files.js';
import type { Browser, Page } from 'playwright-core';
import { startServer, type TestServer } from '../helpers/server.js';
import { TestClient } from '../helpers/client.js';
import type { WbObject } from '../../src/protocol/whiteboard.js';
import { waitFor } from '../helpers/waitFor.js';
import { launchChromium, openApp, openRoom, signIn, waitForConnection, type AppPage } from '../helpers/browser.js';

/** A function from canvas units (1600 × 900) to page pixels, inside the canvas's border as the board maps them. */
async function canvasAt(page: Page): Promise<(x: number, y: number) => [number, number]> {
  const box = await canvasBox(page);
  return (x, y) => [box.left + (x / 1600) * box.width, box.top + (y / 900) * box.height];
}

/** A drag with real mouse events through the given canvas points. */
async function drag(page: Page, points: Array<[number, number]>, o: { beforeUp?: () => Promise<void> } = {}): Promise<void> {
  const at = await canvasAt(page);
  await page.mouse.move(...at(...points[0]!));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(...p), { steps: 4 });
  await o.beforeUp?.();
  await page.mouse.up();
}

const attr = async (page: Page, name: string) => page.getByTestId('wb-canvas').getAttribute(name);

async function waitObjects(page: Page, n: number, pageId?: string): Promise<void> {
  await waitFor(async () => {
    const got = await attr(page, 'data-objects');
    const on = await attr(page, 'data-page');
    if (pageId && on !== pageId) return `showing page ${on}, not ${pageId}`;
    if (got === String(n)) return undefined;
    const error = await page.getByTestId('wb-error').textContent({ timeout: 50 }).catch(() => null);
    return `${got} objects, want ${n}${error ? ` (the board says: ${error})` : ''}`;
  });
}

/** The current page exported through the UI, as downloaded. */
async function exportSvg(page: Page): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-svg').click()]);
  assert.match(download.suggestedFilename(), /\.svg$/);
  return readFile((await download.path())!, 'utf8');
}

/** Every page's SVG, selecting each page in the strip in turn. */
async function exportAll(page: Page): Promise<string[]> {
  const out: string[] = [];
  const n = await page.getByTestId('wb-pages').locator('[data-page]').count();
  for (let i = 0; i < n; i++) {
    const tab = page.getByTestId(`wb-page-${i}`);
    await tab.click();
    await page.locator(`[data-testid="wb-canvas"][data-page="${await tab.getAttribute('data-page')}"]`).waitFor();
    out.push(await exportSvg(page));
  }
  return out;
}

/** Pixels of the canvas that are not white (the page's paint). */
function inkedPixels(page: Page): Promise<number> {
  return page.getByTestId('wb-canvas').evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i]! < 200 || d[i + 1]! < 200 || d[i + 2]! < 200) n++;
    return n;
  });
}

/**
 * The canvas's drawing area in CSS pixels of the viewport: its box inside the 1-pixel border,
 * which is where the board is painted and what pointer positions are mapped through.
 */
async function canvasBox(page: Page): Promise<{ left: number; top: number; width: number; height: number }> {
  const canvas = page.getByTestId('wb-canvas');
  await canvas.waitFor();
  return canvas.evaluate((c: HTMLCanvasElement) => {
    const r = c.getBoundingClientRect();
    const s = getComputedStyle(c);
    return {
      left: r.left + c.clientLeft,
      top: r.top + c.clientTop,
      width: r.width - c.clientLeft - parseFloat(s.borderRightWidth),
      height: r.height - c.clientTop - parseFloat(s.borderBottomWidth),
    };
  });
}

/** A view as the test works it out: (x, y) the board point at the top-left corner, zoom 1 = the 1600 × 900 canvas fits. */
interface ViewBox { x: number; y: number; zoom: number }

/** The board's own view ("x y w h") must agree with the one the test worked out. */
async function assertView(page: Page, v: ViewBox, what: string): Promise<void> {
  const got = (await attr(page, 'data-view'))!.split(' ').map(Number);
  const want = [v.x, v.y, 1600 / v.zoom, 900 / v.zoom];
  assert.ok(got.every((n, i) => Math.abs(n - want[i]!) < 0.05), `${what}: the board shows ${got.join(' ')}, expected ${want.map((n) => n.toFixed(2)).join(' ')}`);
}

/** The canvas pixel (r, g, b) showing board point (bx, by) under view `v`. */
function pixelAt(page: Page, v: ViewBox, bx: number, by: number): Promise<number[]> {
  return page.getByTestId('wb-canvas').evaluate((c: HTMLCanvasElement, a: { v: ViewBox; bx: number; by: number }) => {
    const perUnit = (c.width / 1600) * a.v.zoom;
    const d = c.getContext('2d')!.getImageData(Math.floor((a.bx - a.v.x) * perUnit), Math.floor((a.by - a.v.y) * perUnit), 1, 1).data;
    return [d[0]!, d[1]!, d[2]!];
  }, { v, bx, by });
}

describe('whiteboard in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  const apps: AppPage[] = [];
  let samId: number;

  before(async () => {
    server = await startServer();
    server.addUser('tina', 'teacher');
    samId = server.addUser('sam', 'student');
    browser = await launchChromium();
  });

  after(async () => {
    for (const a of apps) await a.context.close().catch(() => {});
    await browser?.close();
    await server?.cleanup();
  });

  it('the student sees the teacher draw, gets the same board after a reload, and draws once allowed', async () => {
    const roomId = server.addRoom('Geometry', { tina: 'teacher', sam: 'student' });
    const teacher = await openApp(browser, server.url);
    const student = await openApp(browser, server.url);
    apps.push(teacher, student);
    const t = teacher.page;
    const s = student.page;
    await signIn(t, 'tina');
    await openRoom(t, roomId);
    await signIn(s, 'sam');
    await openRoom(s, roomId);
    await t.getByTestId('tab-board').click();
    await s.getByTestId('tab-board').click();

    // ---- A pen stroke: the student sees it in progress before the pen lifts.
    await drag(t, [[200, 200], [300, 260], [420, 240], [520, 330]], {
      beforeUp: () => waitFor(async () => ((await attr(s, 'data-live-strokes')) === '1' ? undefined : 'no live stroke at the student yet')),
    });
    await waitObjects(s, 1);
    await waitFor(async () => ((await attr(s, 'data-live-strokes')) === '0' ? undefined : 'the live stroke is still drawn next to the object'));

    // ---- A rectangle.
    await t.getByTestId('tool-rect').click();
    await t.getByTestId('color-6').click();
    await drag(t, [[700, 150], [1100, 450]]);
    await waitObjects(s, 2);
    assert.ok((await inkedPixels(s)) > 500, 'the student\'s canvas shows the drawing');

    // ---- A second page with an arrow, a text and a note.
    await t.getByTestId('wb-add-page').click();
    const page2 = await t.getByTestId('wb-page-1').getAttribute('data-page');
    assert.ok(page2);
    await waitObjects(t, 0, page2);
    await t.getByTestId('tool-arrow').click();
    await t.getByTestId('color-1').click();
    await drag(t, [[200, 700], [600, 500]]);
    await t.getByTestId('tool-text').click();
    const at = await canvasAt(t);
    await t.mouse.click(...at(700, 300));
    await t.getByTestId('wb-text-input').fill('Pythagoras:\na² + b² = c²');
    await t.getByTestId('wb-text-done').click();
    await t.getByTestId('tool-sticky').click();
    await t.getByTestId('color-3').click();
    await t.mouse.click(...at(1200, 120));
    await t.getByTestId('wb-text-input').fill('Homework p. 42');
    await t.getByTestId('wb-text-input').press('Control+Enter');
    await waitObjects(t, 3, page2);
    await t.getByTestId('wb-canvas').screenshot({ path: '/tmp/whiteboard.png' });

    // ---- Both boards export the same SVG, page by page.
    await s.getByTestId('wb-page-1').waitFor();
    const mine = await exportAll(t);
    const theirs = await exportAll(s);
    assert.equal(mine.length, 2);
    assert.deepEqual(theirs, mine);
    assert.match(mine[0]!, /<path d="M200 200/);
    assert.match(mine[0]!, /<rect x="700" y="150" width="400" height="300" fill="none" stroke="#2563eb"/);
    assert.match(mine[1]!, /<tspan [^>]*>Homework p\. 42<\/tspan>/);

    // ---- After a reload the student has the same board.
    await s.reload();
    await waitForConnection(s, 'live');
    await s.getByTestId('tab-board').click();
    await waitObjects(s, 2);
    assert.deepEqual(await exportAll(s), mine);

    // ---- Follow me: the student's board shows the teacher's page until released.
    await t.getByTestId('wb-page-1').click();
    await s.getByTestId('wb-page-0').click();
    await t.getByTestId('wb-follow').click();
    await waitObjects(s, 3, page2);
    await s.getByTestId('wb-following').waitFor();
    assert.equal(await s.getByTestId('wb-page-0').isDisabled(), true);
    await t.getByTestId('wb-follow').click();
    await s.getByTestId('wb-following').waitFor({ state: 'detached' });
    await s.getByTestId('wb-page-0').click();
    await waitObjects(s, 2);

    // ---- Without draw the student cannot draw: tools disabled, nothing sent.
    assert.equal(await s.getByTestId('tool-pen').isDisabled(), true);
    await drag(s, [[100, 600], [400, 700]]);
    assert.equal(await s.getByTestId('whiteboard').getAttribute('data-sent'), '0');
    await s.getByTestId('board-ask-draw').click();
    await t.getByTestId(`request-${samId}-draw`).getByTestId('approve').click();
    await waitFor(async () => ((await s.getByTestId('tool-pen').isDisabled()) ? 'pen still disabled' : undefined));
    await s.getByTestId('tool-pen').click();
    await drag(s, [[100, 600], [250, 650], [400, 700]]);
    await t.getByTestId('wb-page-0').click();
    await waitObjects(t, 3);
    assert.equal(await s.getByTestId('whiteboard').getAttribute('data-sent'), '1');
    assert.deepEqual(await exportAll(s), await exportAll(t));

    // ---- An image, uploaded through the image tool's file input.
    await t.getByTestId('wb-page-0').click();
    const png = await t.evaluate(() => {
      const c = document.createElement('canvas');
      c.width = 64;
      c.height = 48;
      const ctx = c.getContext('2d')!;
      ctx.fillStyle = '#16a34a';
      ctx.fillRect(0, 0, 64, 48);
      return c.toDataURL('image/png').split(',')[1]!;
    });
    await t.getByTestId('wb-file').setInputFiles({ name: 'square.png', mimeType: 'image/png', buffer: Buffer.from(png, 'base64') });
    await waitObjects(t, 4);
    await s.getByTestId('wb-page-0').click();
    await waitObjects(s, 4);
    const withImage = await exportSvg(t);
    assert.match(withImage, new RegExp(`<image href="[^"]*/api/rooms/${roomId}/assets/[A-Za-z0-9_-]+" x="768" y="426" width="64" height="48"`));
    assert.equal(await exportSvg(s), withImage);
    await t.screenshot({ path: '/tmp/whiteboard-teacher.png' });
    await s.screenshot({ path: '/tmp/whiteboard-student.png' });

    // Slides: a two-page PDF becomes two new pages with those slides as backgrounds, for everyone.
    const before = await s.getByTestId('wb-pages').locator('[data-page]').count();
    await t.getByTestId('wb-slides').locator('input').setInputFiles({ name: 'lesson.pdf', mimeType: 'application/pdf', buffer: pdf(2) });
    await s.getByTestId(`wb-page-${before + 1}`).waitFor();
    assert.deepEqual(await s.getByTestId('wb-pages').locator('[data-page]').allTextContents(), [
      ...(await t.getByTestId('wb-pages').locator('[data-page]').allTextContents()).slice(0, before), 'Slide 1', 'Slide 2',
    ]);
    // The whole board downloads as a PDF with one page per board page.
    const [download] = await Promise.all([t.waitForEvent('download'), t.getByTestId('export-pdf').click()]);
    const pdfBytes = await readFile((await download.path())!);
    assert.equal(pdfBytes.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.equal((pdfBytes.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length, before + 2);

    assert.deepEqual([...teacher.problems, ...student.problems], []);
  });

  /**
   * Tina on the board of a new room in the browser, and a second teacher (`observer`) on a plain
   * connection who sees what the board sends; `base` is CSS pixels per board unit at zoom 1.
   */
  const boardWatched = async (observerName: string, title: string, o: { touch?: boolean } = {}) => {
    server.addUser(observerName, 'teacher');
    const roomId = server.addRoom(title, { tina: 'teacher', [observerName]: 'teacher' });
    const observer = await TestClient.connect(server, await server.login(observerName));
    await observer.join({ roomId });
    const app = await openApp(browser, server.url, o);
    apps.push(app);
    const page = app.page;
    await signIn(page, 'tina');
    await openRoom(page, roomId);
    await page.getByTestId('tab-board').click();
    await waitObjects(page, 0);
    const box = await canvasBox(page);
    return { observer, roomId, page, problems: app.problems, box, base: box.width / 1600, zoomText: () => page.getByTestId('wb-zoom').textContent() };
  };

  it('zoom and pan are mine alone: drawing through them lands under the pointer, and content beyond the canvas can be reached', async () => {
    const { observer: tom, roomId, page: t, problems, box, base, zoomText } = await boardWatched('tom', 'Far out');

    // ---- Zoom in with the button: 150%, around the middle of the canvas (800, 450).
    let v: ViewBox = { x: 0, y: 0, zoom: 1 };
    assert.equal(await zoomText(), '100%');
    await t.getByTestId('wb-zoom-in').click();
    v = { x: 800 - 800 / 1.5, y: 450 - 450 / 1.5, zoom: 1.5 };
    assert.equal(await zoomText(), '150%');
    await assertView(t, v, 'zoomed in');

    // ---- Pan with a middle-button drag, then with Space held and a plain drag: a hand moving
    // the board, so the view moves the other way, by the pixels dragged over pixels per unit.
    // Whole viewport pixels (what the mouse really reports), and where they are on the canvas.
    const at = (sx: number, sy: number): [number, number] => [Math.round(box.left + sx), Math.round(box.top + sy)];
    await t.mouse.move(...at(400, 250));
    await t.mouse.down({ button: 'middle' });
    await t.mouse.move(...at(280, 170), { steps: 5 });
    await t.mouse.up({ button: 'middle' });
    v = { ...v, x: v.x + 120 / (base * v.zoom), y: v.y + 80 / (base * v.zoom) };
    await assertView(t, v, 'after the middle-button drag');
    await t.keyboard.down('Space');
    await t.mouse.move(...at(300, 300));
    await t.mouse.down();
    await t.mouse.move(...at(340, 330), { steps: 5 });
    await t.mouse.up();
    await t.keyboard.up('Space');
    v = { ...v, x: v.x - 40 / (base * v.zoom), y: v.y - 30 / (base * v.zoom) };
    await assertView(t, v, 'after Space and a drag');
    // ---- Ctrl+wheel (what a trackpad pinch sends) zooms around the pointer: one mouse notch.
    const under = (sx: number, sy: number, w: ViewBox) => {
      const [px, py] = at(sx, sy);
      return { x: w.x + (px - box.left) / (base * w.zoom), y: w.y + (py - box.top) / (base * w.zoom) };
    };
    const anchor = under(500, 150, v);
    await t.mouse.move(...at(500, 150));
    await t.keyboard.down('Control');
    await t.mouse.wheel(0, -100);
    await t.keyboard.up('Control');
    const zoom = 1.5 * Math.exp(0.25);
    v = { x: anchor.x - (at(500, 150)[0] - box.left) / (base * zoom), y: anchor.y - (at(500, 150)[1] - box.top) / (base * zoom), zoom };
    await waitFor(async () => ((await zoomText()) === `${Math.round(zoom * 100)}%` ? undefined : `zoom shows ${await zoomText()}`));
    await assertView(t, v, 'after ctrl+wheel');
    assert.equal(await t.getByTestId('whiteboard').getAttribute('data-sent'), '0', 'moving my view sends nothing');

    // ---- My cursor, as the others get it, is the board point under my pointer. (Cursors go
    // out at most every 100 ms, so a lone move may be skipped: wiggle until one is sent.)
    const hover = under(250, 120, v);
    await waitFor(async () => {
      const c = tom.frames.flatMap((f) => (f.type === 'wb.updates' ? f.updates : [])).filter((u) => u.type === 'cursor').at(-1);
      if (c && c.type === 'cursor' && Math.abs(c.x - hover.x) <= 2 && Math.abs(c.y - hover.y) <= 2) return undefined;
      await t.mouse.move(...at(260, 130));
      await t.mouse.move(...at(250, 120));
      return `tom's last cursor is ${c && c.type === 'cursor' ? `${c.x},${c.y}` : 'none'}, want ${hover.x.toFixed(1)},${hover.y.toFixed(1)}`;
    });

    // ---- A pen stroke drawn zoomed and panned: the server has it at the board coordinates
    // under the pointer where it started and where it ended.
    const from = under(100, 100, v);
    const to = under(300, 220, v);
    await t.mouse.move(...at(100, 100));
    await t.mouse.down();
    await t.mouse.move(...at(180, 180), { steps: 4 });
    await t.mouse.move(...at(300, 220), { steps: 4 });
    await t.mouse.up();
    const added = await tom.waitForEvent((e) => e.kind === 'wb.op' && e.data.op.type === 'obj.add' && e.data.op.object.kind === 'pen', 'the stroke');
    assert.ok(added.kind === 'wb.op' && added.data.op.type === 'obj.add');
    const stroke = added.data.op.object as Extract<WbObject, { kind: 'pen' }>;
    const n = stroke.points.length;
    const near = (a: number, b: number) => Math.abs(a - b) <= 2;
    assert.ok(near(stroke.x + stroke.points[0]!, from.x) && near(stroke.y + stroke.points[1]!, from.y),
      `the stroke starts at ${stroke.x + stroke.points[0]!},${stroke.y + stroke.points[1]!}, under the pointer was ${from.x.toFixed(1)},${from.y.toFixed(1)}`);
    assert.ok(near(stroke.x + stroke.points[n - 2]!, to.x) && near(stroke.y + stroke.points[n - 1]!, to.y),
      `the stroke ends at ${stroke.x + stroke.points[n - 2]!},${stroke.y + stroke.points[n - 1]!}, under the pointer was ${to.x.toFixed(1)},${to.y.toFixed(1)}`);
    await waitObjects(t, 1);

    // ---- Text placement and picking go through the same inverse: a text where I click, and a
    // click on the stroke's first point selects it (Delete removes it).
    await t.getByTestId('tool-text').click();
    const textAt = under(420, 60, v);
    await t.mouse.click(...at(420, 60));
    await t.getByTestId('wb-text-input').fill('Zoomed in');
    await t.getByTestId('wb-text-done').click();
    const placed = await tom.waitForEvent((e) => e.kind === 'wb.op' && e.data.op.type === 'obj.add' && e.data.op.object.kind === 'text', 'the text');
    assert.ok(placed.kind === 'wb.op' && placed.data.op.type === 'obj.add' && placed.data.op.object.kind === 'text');
    const text = placed.data.op.object;
    assert.ok(near(text.x, textAt.x) && near(text.y, textAt.y), `the text is at ${text.x},${text.y}, I clicked ${textAt.x.toFixed(1)},${textAt.y.toFixed(1)}`);
    await t.getByTestId('tool-select').click();
    await t.mouse.click(...at(100, 100));
    await t.keyboard.press('Delete');
    const deleted = await tom.waitForEvent((e) => e.kind === 'wb.op' && e.data.op.type === 'obj.delete', 'the delete');
    assert.ok(deleted.kind === 'wb.op' && deleted.data.op.type === 'obj.delete');
    assert.deepEqual(deleted.data.op.ids, [stroke.id]);
    await waitObjects(t, 1);

    // ---- Content beyond the 1600 × 900 canvas: a green box at x = 2000, from Tom.
    const far: WbObject = { id: 'far-box', kind: 'rect', x: 2000, y: 300, w: 200, h: 150, color: '#16a34a', width: 4, fill: '#16a34a', opacity: 1 };
    await tom.ok('wb.op', { op: { type: 'obj.add', pageId: 'p1', object: far } });
    await waitObjects(t, 2);
    const green = (px: number[]) => px[0]! < 60 && px[1]! > 130 && px[2]! < 110;
    const shows = (w: ViewBox, x: number, y: number) => x >= w.x && y >= w.y && x <= w.x + 1600 / w.zoom && y <= w.y + 900 / w.zoom;
    // Fitted (the 0 key, focus on the board), it is off to the right.
    await t.getByTestId('wb-canvas').focus();
    await t.keyboard.press('0');
    v = { x: 0, y: 0, zoom: 1 };
    await assertView(t, v, 'fitted');
    assert.equal(shows(v, 2100, 375), false);
    // Two steps out with the - key (67%, then 50%, around the middle): the whole box is in view, drawn.
    await t.keyboard.press('-');
    await t.keyboard.press('-');
    v = { x: 800 - 800 / 0.5, y: 450 - 450 / 0.5, zoom: 0.5 };
    assert.equal(await zoomText(), '50%');
    await assertView(t, v, 'zoomed out');
    assert.ok(shows(v, 2000, 300) && shows(v, 2200, 450), 'the box is inside the view');
    await waitFor(async () => (green(await pixelAt(t, v, 2100, 375)) ? undefined : `the box's middle is ${await pixelAt(t, v, 2100, 375)}`));
    // Others' strokes in progress go through my view as well: Tom's live stroke out there, in red.
    await tom.ok('wb.live', { update: { type: 'stroke.progress', pageId: 'p1', strokeId: 'live-far', kind: 'pen', color: '#dc2626', width: 16, points: [2000, 700, 2100, 700, 2200, 700] } });
    await waitFor(async () => ((await attr(t, 'data-live-strokes')) === '1' ? undefined : 'no live stroke'));
    const red = await pixelAt(t, v, 2100, 700);
    assert.ok(red[0]! > 180 && red[1]! < 90 && red[2]! < 90, `Tom's live stroke is drawn where it is on the board (got ${red})`);
    // Back to the whole page, then a plain wheel to the right pans there at 100%.
    await t.getByTestId('wb-fit').click();
    v = { x: 0, y: 0, zoom: 1 };
    await assertView(t, v, 'fit button');
    await t.mouse.move(...at(400, 200));
    await t.mouse.wheel(1800 * base, 0);
    v = { ...v, x: 1800 };
    await assertView(t, v, 'after the wheel');
    assert.ok(shows(v, 2000, 300) && shows(v, 2200, 450), 'the box is inside the view');
    await waitFor(async () => (green(await pixelAt(t, v, 2100, 375)) ? undefined : `the box's middle is ${await pixelAt(t, v, 2100, 375)}`));

    assert.deepEqual(problems, []);
    await tom.close();
  });

  it('on a touch screen one finger draws, two fingers pinch-zoom around them and pan, and a stroke joined by a second finger is dropped', async () => {
    const { observer: ted, roomId, page: t, problems, box, base, zoomText } = await boardWatched('ted', 'Tablets', { touch: true });
    const sent = () => t.getByTestId('whiteboard').getAttribute('data-sent');

    // Real multi-touch through the DevTools protocol: each call lists the fingers down after it,
    // at whole viewport pixels, from canvas positions (CSS pixels inside its border; the canvas
    // is about 620 × 350 here, and a finger beside it would touch something else).
    const cdp = await t.context().newCDPSession(t);
    type Finger = { id: number; at: [number, number] };
    const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', fingers: Finger[]) =>
      cdp.send('Input.dispatchTouchEvent', {
        type,
        touchPoints: fingers.map((f) => ({ id: f.id, x: Math.round(box.left + f.at[0]), y: Math.round(box.top + f.at[1]) })),
      });
    /** Moves the fingers in `steps` even steps from `from` to `to` (same ids, same order). */
    const glide = async (from: Finger[], to: Finger[], steps = 6) => {
      for (let i = 1; i <= steps; i++) {
        await touch('touchMove', from.map((f, k) => ({
          id: f.id,
          at: [f.at[0] + ((to[k]!.at[0] - f.at[0]) * i) / steps, f.at[1] + ((to[k]!.at[1] - f.at[1]) * i) / steps],
        })));
      }
    };
    const px = (p: [number, number]): [number, number] => [Math.round(box.left + p[0]) - box.left, Math.round(box.top + p[1]) - box.top];
    /** The board point under a canvas position, as the fingers really touch it (whole viewport pixels). */
    const under = (p: [number, number], w: ViewBox) => ({ x: w.x + px(p)[0] / (base * w.zoom), y: w.y + px(p)[1] / (base * w.zoom) });

    // ---- (a) One finger draws a pen stroke where it touches.
    let v: ViewBox = { x: 0, y: 0, zoom: 1 };
    const a0: [number, number] = [200, 150];
    const a1: [number, number] = [400, 260];
    await touch('touchStart', [{ id: 1, at: a0 }]);
    await glide([{ id: 1, at: a0 }], [{ id: 1, at: a1 }], 8);
    await touch('touchEnd', []);
    const added = await ted.waitForEvent((e) => e.kind === 'wb.op' && e.data.op.type === 'obj.add' && e.data.op.object.kind === 'pen', 'the stroke');
    assert.ok(added.kind === 'wb.op' && added.data.op.type === 'obj.add');
    const stroke = added.data.op.object as Extract<WbObject, { kind: 'pen' }>;
    const n = stroke.points.length;
    const near = (a: number, b: number) => Math.abs(a - b) <= 2;
    const from = under(a0, v);
    const to = under(a1, v);
    assert.ok(near(stroke.x + stroke.points[0]!, from.x) && near(stroke.y + stroke.points[1]!, from.y),
      `the stroke starts at ${stroke.x + stroke.points[0]!},${stroke.y + stroke.points[1]!}, under the finger was ${from.x.toFixed(1)},${from.y.toFixed(1)}`);
    assert.ok(near(stroke.x + stroke.points[n - 2]!, to.x) && near(stroke.y + stroke.points[n - 1]!, to.y),
      `the stroke ends at ${stroke.x + stroke.points[n - 2]!},${stroke.y + stroke.points[n - 1]!}, under the finger was ${to.x.toFixed(1)},${to.y.toFixed(1)}`);
    await waitObjects(t, 1);
    assert.equal(await sent(), '1');

    // ---- (b) Two fingers pinch in from 200 to 100 pixels apart around (300, 200): zoom halves,
    // and the board point between the fingers stays between them.
    assert.equal(await zoomText(), '100%');
    const pinchFrom: Finger[] = [{ id: 1, at: [200, 200] }, { id: 2, at: [400, 200] }];
    const pinchTo: Finger[] = [{ id: 1, at: [250, 200] }, { id: 2, at: [350, 200] }];
    await touch('touchStart', pinchFrom);
    await glide(pinchFrom, pinchTo);
    await touch('touchEnd', []);
    {
      // Worked out from where the fingers really were (whole pixels).
      const [p0, q0, p1, q1] = [pinchFrom[0]!, pinchFrom[1]!, pinchTo[0]!, pinchTo[1]!].map((f) => px(f.at));
      const anchor = { x: v.x + (p0![0] + q0![0]) / 2 / (base * v.zoom), y: v.y + (p0![1] + q0![1]) / 2 / (base * v.zoom) };
      const zoom = (v.zoom * Math.hypot(q1![0] - p1![0], q1![1] - p1![1])) / Math.hypot(q0![0] - p0![0], q0![1] - p0![1]);
      v = { x: anchor.x - (p1![0] + q1![0]) / 2 / (base * zoom), y: anchor.y - (p1![1] + q1![1]) / 2 / (base * zoom), zoom };
    }
    await waitFor(async () => ((await zoomText()) === '50%' ? undefined : `zoom shows ${await zoomText()}`));
    await assertView(t, v, 'after the pinch');
    assert.equal(await sent(), '1', 'the pinch sent nothing');

    // ---- (c) Two fingers dragged together, 150 left and 60 up: the board follows them, the zoom stays.
    const panFrom: Finger[] = [{ id: 3, at: [200, 250] }, { id: 4, at: [400, 250] }];
    const panTo: Finger[] = [{ id: 3, at: [50, 190] }, { id: 4, at: [250, 190] }];
    await touch('touchStart', panFrom);
    await glide(panFrom, panTo);
    await touch('touchEnd', []);
    v = { ...v, x: v.x + 150 / (base * v.zoom), y: v.y + 60 / (base * v.zoom) };
    await assertView(t, v, 'after the two-finger drag');
    assert.equal(await zoomText(), '50%');
    assert.equal(await sent(), '1', 'the pan sent nothing');

    // ---- (d) A finger starts a stroke (the others see it drawn), then a second finger lands:
    // that was the start of a gesture. No stroke is added, and the others' live stroke ends.
    const progress = () => ted.frames.flatMap((f) => (f.type === 'wb.updates' ? f.updates : [])).flatMap((u) => (u.type === 'stroke.progress' ? [u] : []));
    const seen = progress().length;
    const d0: [number, number] = [100, 280];
    await touch('touchStart', [{ id: 5, at: d0 }]);
    await glide([{ id: 5, at: d0 }], [{ id: 5, at: [180, 300] }], 6);
    await waitFor(async () => (progress().length > seen ? undefined : 'ted has not seen the stroke in progress'));
    const live = progress()[seen]!.strokeId;
    await touch('touchStart', [{ id: 5, at: [180, 300] }, { id: 6, at: [450, 300] }]);
    await glide([{ id: 5, at: [180, 300] }, { id: 6, at: [450, 300] }], [{ id: 5, at: [170, 300] }, { id: 6, at: [460, 300] }], 3);
    await touch('touchEnd', []);
    await waitFor(async () => (progress().some((u) => u.strokeId === live && u.done) ? undefined : 'the live stroke was not ended'));
    await t.waitForTimeout(300);
    assert.equal(await sent(), '1', 'no stroke was sent');
    await waitObjects(t, 1);
    assert.equal(ted.events().filter((e) => e.kind === 'wb.op' && e.data.op.type === 'obj.add').length, 1);
    // The server's board, as a joiner gets it.
    await ted.ok('room.leave');
    const board = (await ted.join({ roomId })).board;
    assert.deepEqual(board.pages.flatMap((p) => p.objects.map((o) => o.id)), [stroke.id], 'the server\'s board has the first stroke only');

    assert.deepEqual(problems, []);
    await ted.close();
  });
});
