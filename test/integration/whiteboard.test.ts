// The whiteboard through the real server: authority, convergence, durability, live strokes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CLI, startServer, type TestServer } from '../helpers/server.js';
import { pdf, png } from '../helpers/files.js';

const run = promisify(execFile);
import { TestClient } from '../helpers/client.js';
import { waitFor } from '../helpers/waitFor.js';
import { applyOp } from '../../src/whiteboard/model.js';
import { pageToSvg } from '../../src/whiteboard/svg.js';
import type { BoardState, WbObject } from '../../src/protocol/whiteboard.js';
import type { JoinResult } from '../../src/protocol/messages.js';

const pen = (id: string, dx = 0): WbObject => ({ id, kind: 'pen', x: dx, y: 0, points: [0, 0, 10, 12, 25, 30], color: '#1f2937', width: 4, opacity: 1 });
const rect = (id: string): WbObject => ({ id, kind: 'rect', x: 100, y: 100, w: 200, h: 120, color: '#2563eb', width: 3, fill: null, opacity: 1 });
const code = (r: { ok: boolean; code?: string }) => (r.ok ? 'ok' : r.code);

/** What a client holds: the join's board plus every later wb.op it received, through the same model. */
function boardOf(c: TestClient, join: JoinResult): BoardState {
  let state = join.board;
  for (const e of c.events()) if (e.kind === 'wb.op' && e.seq > join.head) state = applyOp(state, e.data.op, e.data.actor).state;
  return state;
}

describe('whiteboard', () => {
  let server: TestServer;
  let roomId: string;
  const ids: Record<string, number> = {};
  const logCount = () => server.arrange((s) => (s.db.prepare("SELECT count(*) AS n FROM room_log WHERE kind = 'wb.op'").get() as { n: number }).n);

  before(async () => {
    server = await startServer();
    for (const [u, r] of [['tina', 'teacher'], ['sam', 'student'], ['sara', 'student']] as const) ids[u] = server.addUser(u, r);
    roomId = server.addRoom('Art', { tina: 'teacher', sam: 'student', sara: 'student' });
  });
  after(() => server.cleanup());

  it('two drawers converge, a late joiner gets the same board, and the draw capability is enforced', async () => {
    const tina = await TestClient.connect(server, await server.login('tina'));
    const tj = await tina.join({ roomId });
    const sam = await TestClient.connect(server, await server.login('sam'));
    const sj = await sam.join({ roomId });
    assert.deepEqual(tj.board.pages.map((p) => p.id), ['p1']);

    assert.equal(code(await sam.request('wb.op', { op: { type: 'obj.add', pageId: 'p1', object: pen('sam-1') } })), 'FORBIDDEN');
    await tina.ok('class.grant', { capability: 'draw', allow: true, userId: ids.sam });
    await tina.ok('wb.op', { op: { type: 'obj.add', pageId: 'p1', object: rect('tina-1') } });
    await sam.ok('wb.op', { op: { type: 'obj.add', pageId: 'p1', object: pen('sam-1') } });
    await tina.ok('wb.op', { op: { type: 'page.add', pageId: 'p2', title: 'Homework' } });
    await sam.ok('wb.op', { op: { type: 'obj.update', pageId: 'p1', id: 'sam-1', patch: { x: 40 } } });
    await tina.ok('wb.op', { op: { type: 'obj.add', pageId: 'p2', object: pen('tina-2', 5) } });
    await waitFor(() => (sam.events().filter((e) => e.kind === 'wb.op').length === 5 ? undefined : 'sam has not seen 5 ops'));
    await waitFor(() => (tina.events().filter((e) => e.kind === 'wb.op').length === 5 ? undefined : 'tina has not seen 5 ops'));

    const sara = await TestClient.connect(server, await server.login('sara'));
    const late = await sara.join({ roomId });
    assert.deepEqual(boardOf(tina, tj).pages, late.board.pages);
    assert.deepEqual(boardOf(sam, sj).pages, late.board.pages);
    assert.equal(pageToSvg(boardOf(sam, sj), 'p1'), pageToSvg(late.board, 'p1'));
    assert.deepEqual(late.board.pages.map((p) => [p.id, p.objects.map((o) => o.id)]), [['p1', ['tina-1', 'sam-1']], ['p2', ['tina-2']]]);
    await Promise.all([tina.close(), sam.close(), sara.close()]);
  });

  it('invalid operations get their code and store nothing', async () => {
    const tina = await TestClient.connect(server, await server.login('tina'));
    await tina.join({ roomId });
    const sam = await TestClient.connect(server, await server.login('sam'));
    await sam.join({ roomId });
    const before = logCount();
    const cases: Array<[TestClient, Record<string, unknown>, string]> = [
      [tina, { type: 'obj.add', pageId: 'nope', object: pen('x1') }, 'WB_UNKNOWN_PAGE'],
      [tina, { type: 'obj.add', pageId: 'p1', object: pen('tina-1') }, 'WB_DUPLICATE_ID'],
      [tina, { type: 'obj.update', pageId: 'p1', id: 'ghost', patch: { x: 1 } }, 'WB_UNKNOWN_OBJECT'],
      [tina, { type: 'obj.delete', pageId: 'p1', ids: ['ghost'] }, 'WB_UNKNOWN_OBJECT'],
      [tina, { type: 'obj.add', pageId: 'p1', object: { id: 'img', kind: 'image', x: 0, y: 0, w: 10, h: 10, assetId: 'a1', opacity: 1 } }, 'WB_UNKNOWN_ASSET'],
      [tina, { type: 'obj.add', pageId: 'p1', object: { ...pen('far'), x: 200_000 } }, 'BAD_MESSAGE'],
      [tina, { type: 'obj.add', pageId: 'p1', object: { ...pen('many'), points: Array.from({ length: 10_002 }, (_, i) => i % 100) } }, 'BAD_MESSAGE'],
      [sam, { type: 'page.clear', pageId: 'p1' }, 'FORBIDDEN'],
      [sam, { type: 'page.delete', pageId: 'p2' }, 'FORBIDDEN'],
      [sam, { type: 'undo' }, 'ok'],
      [sam, { type: 'redo' }, 'ok'],
    ];
    let okOps = 0;
    for (const [c, op, expected] of cases) {
      const r = await c.request('wb.op', { op });
      assert.equal(code(r), expected, JSON.stringify(op).slice(0, 80));
      if (r.ok) okOps += 1;
    }
    assert.equal(logCount(), before + okOps, 'refused operations store nothing');
    await tina.ok('wb.op', { op: { type: 'page.delete', pageId: 'p2' } });
    assert.equal(code(await tina.request('wb.op', { op: { type: 'page.delete', pageId: 'p1' } })), 'WB_LAST_PAGE');
    // Undo is per person: Tina's undo brings back her page, not Sam's stroke.
    await tina.ok('wb.op', { op: { type: 'undo' } });
    const sara = await TestClient.connect(server, await server.login('sara'));
    const j = await sara.join({ roomId });
    assert.deepEqual(j.board.pages.map((p) => p.id), ['p1', 'p2']);
    await Promise.all([tina.close(), sam.close(), sara.close()]);
  });

  it('a teacher clears a page and undoes it', async () => {
    const tina = await TestClient.connect(server, await server.login('tina'));
    const before = (await tina.join({ roomId })).board.pages[0]!.objects.length;
    assert.ok(before > 0);
    await tina.ok('wb.op', { op: { type: 'page.clear', pageId: 'p1' } });
    await tina.ok('room.leave');
    assert.equal((await tina.join({ roomId })).board.pages[0]!.objects.length, 0);
    await tina.ok('wb.op', { op: { type: 'undo' } });
    await tina.ok('room.leave');
    assert.equal((await tina.join({ roomId })).board.pages[0]!.objects.length, before);
    await tina.close();
  });

  it('a reconnecting client catches up on the ops it missed, and the board survives a restart', async () => {
    const tina = await TestClient.connect(server, await server.login('tina'));
    await tina.join({ roomId });
    const sara = await TestClient.connect(server, await server.login('sara'));
    const first = await sara.join({ roomId });
    const lastSeq = first.head;
    sara.ws.terminate();
    await sara.waitForClose();
    for (let i = 0; i < 5; i++) await tina.ok('wb.op', { op: { type: 'obj.add', pageId: 'p2', object: pen(`while-away-${i}`, i * 10) } });
    const back = await TestClient.connect(server, await server.login('sara'));
    const resumed = await back.join({ roomId, since: lastSeq });
    assert.equal(resumed.resume, 'events');
    await waitFor(() => (back.frames.some((f) => f.type === 'room.replay' && f.done) ? undefined : 'replay not done'));
    // The replayed ops are at or below head: already in the board it was given.
    const replayedOps = back.events().filter((e) => e.kind === 'wb.op');
    assert.equal(replayedOps.length, 5);
    assert.ok(replayedOps.every((e) => e.seq <= resumed.head));
    assert.deepEqual(boardOf(back, resumed).pages, resumed.board.pages);
    const svgBefore = pageToSvg(resumed.board, 'p2');
    await Promise.all([tina.close(), back.close()]);

    await server.restart();
    const after = await TestClient.connect(server, await server.login('sara'));
    const j = await after.join({ roomId });
    assert.equal(pageToSvg(j.board, 'p2'), svgBefore);
    assert.deepEqual(j.board, resumed.board);
    // The shutdown wrote a snapshot, so loading did not need the whole log.
    const snap = server.arrange((s) => s.db.prepare('SELECT seq FROM board_snapshots WHERE room_id = ?').get(roomId) as { seq: number } | undefined);
    assert.ok(snap && snap.seq > 0, 'a snapshot exists');
    await after.close();
  });

  it('follow me: the teacher pins students to a page, late joiners follow too, and release', async () => {
    const tina = await TestClient.connect(server, await server.login('tina'));
    await tina.join({ roomId });
    const sam = await TestClient.connect(server, await server.login('sam'));
    await sam.join({ roomId });
    assert.equal(code(await sam.request('class.follow', { pageId: 'p1' })), 'FORBIDDEN');
    assert.equal(code(await tina.request('class.follow', { pageId: 'nope' })), 'WB_UNKNOWN_PAGE');
    await tina.ok('class.follow', { pageId: 'p2' });
    await sam.waitForEvent((e) => e.kind === 'class.follow' && e.data.pageId === 'p2', 'follow');
    const sara = await TestClient.connect(server, await server.login('sara'));
    assert.deepEqual((await sara.join({ roomId })).class.follow, { pageId: 'p2', by: ids.tina });
    await tina.ok('class.follow', {});
    assert.equal(code(await tina.request('class.follow', {})), 'NOT_FOUND');
    await sara.ok('room.leave');
    assert.equal((await sara.join({ roomId })).class.follow, null);
    await Promise.all([tina.close(), sam.close(), sara.close()]);
  });

  it('strokes in progress are relayed live, coalesced, and never stored', async () => {
    const tina = await TestClient.connect(server, await server.login('tina'));
    await tina.join({ roomId });
    const sam = await TestClient.connect(server, await server.login('sam'));
    await sam.join({ roomId });
    const stored = logCount();
    for (let i = 0; i < 10; i++) {
      await tina.ok('wb.live', { update: { type: 'stroke.progress', pageId: 'p1', strokeId: 'live-1', kind: 'pen', color: '#dc2626', width: 6, points: [i, i, i + 1, i + 2] } });
    }
    await waitFor(() => {
      const got = sam.frames.flatMap((f) => (f.type === 'wb.updates' ? f.updates : []));
      return got.length === 10 ? undefined : `sam has ${got.length} live updates`;
    });
    const frames = sam.frames.filter((f) => f.type === 'wb.updates');
    assert.ok(frames.length <= 10);
    const first = frames[0]!.type === 'wb.updates' ? frames[0]!.updates[0]! : null;
    assert.equal(first?.userId, ids.tina);
    assert.equal(logCount(), stored, 'nothing stored');
    assert.equal(code(await tina.request('wb.live', { update: { type: 'cursor', pageId: 'ghost', x: 1, y: 1 } })), 'WB_UNKNOWN_PAGE');
    await tina.ok('class.grant', { capability: 'draw', allow: false, userId: ids.sam });
    assert.equal(code(await sam.request('wb.live', { update: { type: 'cursor', pageId: 'p1', x: 1, y: 1 } })), 'FORBIDDEN');
    await Promise.all([tina.close(), sam.close()]);
  });
});


describe('whiteboard images', () => {
  let server: TestServer;
  let roomId: string;
  let otherRoom: string;
  const ids: Record<string, number> = {};
  const assetRows = () => server.arrange((s) => (s.db.prepare('SELECT count(*) AS n FROM assets').get() as { n: number }).n);
  const upload = (token: string, room: string, body: Buffer, type = 'image/png') =>
    server.api('POST', `/api/rooms/${room}/assets`, body, { authorization: `Bearer ${token}`, 'content-type': type });

  before(async () => {
    server = await startServer({ config: { whiteboard: { maxUploadBytes: 200_000 } } });
    for (const [u, r] of [['tina', 'teacher'], ['sam', 'student'], ['olga', 'student']] as const) ids[u] = server.addUser(u, r);
    roomId = server.addRoom('Art', { tina: 'teacher', sam: 'student' });
    otherRoom = server.addRoom('Other', { olga: 'student', tina: 'teacher' });
  });
  after(() => server.cleanup());

  it('checks uploads by content, size and permission, stores nothing refused, and serves them to participants', async () => {
    const tina = await server.login('tina');
    const sam = await server.login('sam');
    const olga = await server.login('olga');
    const fake = Buffer.from('<script>alert(1)</script> not really a png');
    const refused: Array<[string, Buffer, string, number]> = [
      [tina, fake, 'image/png', 415],
      [tina, Buffer.alloc(0), 'image/png', 415],
      [tina, Buffer.alloc(300_000, 1), 'image/png', 413],
      [sam, png(4, 4), 'image/png', 403],
      [olga, png(4, 4), 'image/png', 403],
    ];
    for (const [token, body, type, status] of refused) assert.equal((await upload(token, roomId, body, type)).status, status);
    assert.equal((await server.api('POST', `/api/rooms/${roomId}/assets`, png(2, 2), { 'content-type': 'image/png' })).status, 401);
    assert.equal(assetRows(), 0, 'nothing stored');

    // The declared Content-Type does not matter: the content decides.
    const ok = await upload(tina, roomId, png(40, 30), 'application/octet-stream');
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual([ok.body.mime, ok.body.width, ok.body.height], ['image/png', 40, 30]);
    const got = await server.api('GET', `/api/rooms/${roomId}/assets/${ok.body.assetId}`, undefined, { authorization: `Bearer ${sam}` });
    assert.equal(got.status, 200);
    assert.equal(got.headers['content-type'], 'image/png');
    assert.equal((await server.api('GET', `/api/rooms/${roomId}/assets/${ok.body.assetId}`, undefined, { authorization: `Bearer ${olga}` })).status, 403);
    assert.equal((await server.api('GET', `/api/rooms/${otherRoom}/assets/${ok.body.assetId}`, undefined, { authorization: `Bearer ${olga}` })).status, 404);

    const c = await TestClient.connect(server, tina);
    await c.join({ roomId });
    const image = { id: 'img-1', kind: 'image', x: 10, y: 10, w: 400, h: 300, assetId: ok.body.assetId, opacity: 1 };
    await c.ok('wb.op', { op: { type: 'obj.add', pageId: 'p1', object: image } });
    assert.equal(code(await c.request('wb.op', { op: { type: 'obj.add', pageId: 'p1', object: { ...image, id: 'img-2', assetId: 'not-uploaded' } } })), 'WB_UNKNOWN_ASSET');
    await c.ok('wb.op', { op: { type: 'page.background', pageId: 'p1', background: { kind: 'image', assetId: ok.body.assetId } } });
    // An image uploaded to another room cannot be used here.
    const elsewhere = await upload(tina, otherRoom, png(2, 2));
    assert.equal(code(await c.request('wb.op', { op: { type: 'obj.add', pageId: 'p1', object: { ...image, id: 'img-3', assetId: elsewhere.body.assetId } } })), 'WB_UNKNOWN_ASSET');
    await c.ok('room.leave');
    const board = (await c.join({ roomId })).board;
    await c.close();

    // The export (read from the database while the server runs) holds the same board, with
    // each page as an SVG whose images are inlined.
    const { stdout } = await run(process.execPath, [CLI, '--data-dir', server.dataDir, 'room', 'export', roomId], { maxBuffer: 64 * 1024 * 1024 });
    const x = JSON.parse(stdout) as { board: { pages: Array<{ id: string; objects: unknown[]; svg: string }> } };
    assert.deepEqual(x.board.pages.map((p) => p.objects), board.pages.map((p) => p.objects));
    assert.match(x.board.pages[0]!.svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(x.board.pages[0]!.svg, /data:image\/png;base64,iVBOR/);
  });
});


describe('PDF slides', () => {
  let server: TestServer;
  let roomId: string;
  before(async () => {
    server = await startServer();
    server.addUser('tina', 'teacher');
    roomId = server.addRoom('Slides', { tina: 'teacher' });
  });
  after(() => server.cleanup());

  it('an uploaded PDF becomes one image per page, usable as page backgrounds; a broken PDF stores nothing', async () => {
    const token = await server.login('tina');
    const post = (body: Buffer) => server.api('POST', `/api/rooms/${roomId}/assets`, body, { authorization: `Bearer ${token}`, 'content-type': 'application/pdf' });
    const broken = await post(Buffer.from('%PDF-1.4 this is not really a pdf'));
    assert.equal(broken.status, 415);
    assert.equal(server.arrange((s) => (s.db.prepare('SELECT count(*) AS n FROM assets').get() as { n: number }).n), 0);
    const r = await post(pdf(2));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.pages.length, 2);
    assert.deepEqual([r.body.pages[0].mime, r.body.pages[0].width], ['image/png', 1600]);
    const c = await TestClient.connect(server, token);
    await c.join({ roomId });
    await c.ok('wb.op', { op: { type: 'page.background', pageId: 'p1', background: { kind: 'image', assetId: r.body.pages[0].assetId } } });
    await c.ok('wb.op', { op: { type: 'page.add', pageId: 'p2', title: 'Slide 2' } });
    await c.ok('wb.op', { op: { type: 'page.background', pageId: 'p2', background: { kind: 'image', assetId: r.body.pages[1].assetId } } });
    await c.close();

    // The whole board as a PDF, from the browser's endpoint and from the CLI: one page per board page.
    const got = await server.api('GET', `/api/rooms/${roomId}/board.pdf`, undefined, { authorization: `Bearer ${token}` });
    assert.equal(got.status, 200);
    assert.equal(got.headers['content-type'], 'application/pdf');
    assert.equal((await server.api('GET', `/api/rooms/${roomId}/board.pdf`)).status, 401);
    const file = `${server.dataDir}/../board.pdf`;
    await run(process.execPath, [CLI, '--data-dir', server.dataDir, 'room', 'export', roomId, '--output', `${server.dataDir}/../export.json`, '--board-pdf', file]);
    const info = (await run('pdfinfo', [file])).stdout;
    assert.match(info, /Pages:\s+2/);
    assert.match(info, /Title:\s+Slides/);
  });
});
