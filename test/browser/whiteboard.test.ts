// The whiteboard in real Chromium against the real server: a teacher draws with real mouse
// events, the student sees the stroke while it is drawn and then the same board (the same SVG
// export, page by page), keeps it across a reload and follows the teacher's page; a student
// without draw cannot draw until the teacher grants it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { pdf } from '../helpers/files.js';
import type { Browser, Page } from 'playwright-core';
import { startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/waitFor.js';
import { launchChromium, openApp, openRoom, signIn, waitForConnection, type AppPage } from '../helpers/browser.js';

/** The canvas's box, and a function from canvas units (1600 × 900) to page pixels. */
async function canvasAt(page: Page): Promise<(x: number, y: number) => [number, number]> {
  const box = await page.getByTestId('wb-canvas').boundingBox();
  assert.ok(box, 'the canvas is on screen');
  return (x, y) => [box.x + (x / 1600) * box.width, box.y + (y / 900) * box.height];
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
});
