// The browser's board logic without a browser: the join's board plus later wb.op events (the
// head rule), a fresh join replacing the board, my unconfirmed edits drawn on top until their
// events arrive, followed pages, others' live updates, and the tools' geometry.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { initialRoomState, roomReducer, type RoomAction, type RoomState } from '../../src/client/roomState.js';
import {
  applyUpdates, emptyLive, livePending, previewBoard, pruneLive, visiblePage, LIVE_TTL, type PendingOp,
} from '../../src/client/whiteboard/boardState.js';
import { StrokeBuilder, STROKE_PART, objectAt, shapeFromDrag, strokeObjects } from '../../src/client/whiteboard/tools.js';
import { initialClassState } from '../../src/protocol/classState.js';
import type { JoinResult, RoomEvent } from '../../src/protocol/messages.js';
import type { WbEditOp, WbObject, WbOp } from '../../src/protocol/whiteboard.js';
import { applyOp, emptyBoard, type BoardState } from '../../src/whiteboard/model.js';
import { pageToSvg } from '../../src/whiteboard/svg.js';

const sam = { userId: 2, displayName: 'Sam', role: 'student' as const };
const pen = (id: string, x = 10): WbObject => ({ id, kind: 'pen', x, y: 10, points: [0, 0, 5, 5], color: '#1f2937', width: 4, opacity: 1 });
const add = (id: string, pageId = 'p1'): WbEditOp => ({ type: 'obj.add', pageId, object: pen(id) });
const wb = (seq: number, op: WbOp, actor = 1): RoomEvent => ({ seq, at: seq, kind: 'wb.op', data: { actor, op } });

function join(head: number, board: BoardState, resume: JoinResult['resume'] = 'fresh'): RoomAction {
  return {
    type: 'joined',
    result: {
      status: 'joined', room: { id: 'r1', title: 'Maths', capacity: 30, status: 'open' }, self: sam,
      participants: [{ ...sam, state: 'joined' }], head, resume, class: initialClassState(), board,
      ...(resume === 'fresh' ? { recent: { messages: [], hasMore: false } } : {}),
    },
  };
}
const run = (actions: RoomAction[], from: RoomState = initialRoomState) => actions.reduce(roomReducer, from);
const ids = (b: BoardState, pageId = 'p1') => b.pages.find((p) => p.id === pageId)!.objects.map((o) => o.id);
/** The board after these ops, applied by the model directly (what the server holds). */
const replay = (ops: Array<[WbOp, number]>) => ops.reduce((b, [op, actor]) => applyOp(b, op, actor).state, emptyBoard());

describe('the board in the room state', () => {
  it('applies wb.op events after the join, skipping those the snapshot already has', () => {
    const atJoin = replay([[add('a'), 1], [add('b'), 1]]);
    // Joined at head 5 with a and b; the replay resends seq 4-5 (already in) and brings 6-7.
    let s = run([join(5, atJoin, 'events')], { ...initialRoomState, lastSeq: 3 });
    s = run([{ type: 'events', events: [wb(4, add('a')), wb(5, add('b')), wb(6, add('c')), wb(7, { type: 'undo' })] }, { type: 'replayDone' }], s);
    assert.deepEqual(ids(s.board), ['a', 'b']);
    const server = replay([[add('a'), 1], [add('b'), 1], [add('c'), 1], [{ type: 'undo' }, 1]]);
    assert.deepEqual(s.board, server, 'same board and same undo stacks as the server');
    // A duplicate of an applied event changes nothing.
    assert.equal(run([{ type: 'events', events: [wb(6, add('c'))] }], s).board, s.board);
  });

  it('a fresh join replaces the board with the join\'s', () => {
    let s = run([join(2, replay([[add('a'), 1]]))]);
    s = run([{ type: 'events', events: [wb(3, add('b'))] }], s);
    assert.deepEqual(ids(s.board), ['a', 'b']);
    const later = replay([[add('x'), 1]]);
    s = run([join(40, later, 'fresh')], s);
    assert.deepEqual(ids(s.board), ['x']);
    s = run([{ type: 'events', events: [wb(41, add('y'))] }], s);
    assert.deepEqual(ids(s.board), ['x', 'y']);
  });

  it('an event that does not apply leaves the board as it was', () => {
    const s = run([join(1, emptyBoard())]);
    const after = run([{ type: 'events', events: [wb(2, { type: 'obj.delete', pageId: 'p1', ids: ['nope'] })] }], s);
    assert.deepEqual(after.board, s.board);
    assert.equal(after.lastSeq, 2);
  });
});

describe('my edits in flight', () => {
  it('draws unconfirmed edits on top, and converges once their events are in', () => {
    const server = replay([[add('a'), 2]]);
    const pending: PendingOp[] = [{ key: 1, op: add('mine'), seq: null }, { key: 2, op: add('other-page', 'nope'), seq: null }];
    // The refused one (unknown page) is skipped; mine shows.
    assert.deepEqual(ids(previewBoard(server, pending, 1)), ['a', 'mine']);
    // Accepted as seq 2 but the event has not arrived: still shown, once.
    const accepted: PendingOp[] = [{ key: 1, op: add('mine'), seq: 2 }];
    assert.deepEqual(ids(previewBoard(server, accepted, 1)), ['a', 'mine']);
    // The event arrived (the board has it, applied seq 2): the pending op is dropped, not doubled.
    const withIt = applyOp(server, add('mine'), 2).state;
    assert.equal(previewBoard(withIt, accepted, 2), withIt);
    assert.deepEqual(livePending(accepted, 2), []);
    // Arrived before the reply (seq unknown yet): the duplicate id is skipped.
    assert.deepEqual(ids(previewBoard(withIt, [{ key: 1, op: add('mine'), seq: null }], 2)), ['a', 'mine']);
  });

  it('someone else\'s later edit wins over my stale preview', () => {
    const server = replay([[add('a'), 1], [{ type: 'obj.delete', pageId: 'p1', ids: ['a'] }, 1]]);
    const move: WbEditOp = { type: 'obj.update', pageId: 'p1', id: 'a', patch: { x: 99 } };
    assert.deepEqual(ids(previewBoard(server, [{ key: 1, op: move, seq: null }], 2)), []);
  });
});

describe('which page shows', () => {
  const board = replay([[{ type: 'page.add', pageId: 'p2', title: 'Two' }, 1]]);
  it('a student follows the teacher\'s page; staff and the unfollowed choose', () => {
    assert.equal(visiblePage(board, 'p1', { pageId: 'p2' }, false).id, 'p2');
    assert.equal(visiblePage(board, 'p1', { pageId: 'p2' }, true).id, 'p1');
    assert.equal(visiblePage(board, 'p2', null, false).id, 'p2');
    // A deleted choice or a followed page that does not exist falls back.
    assert.equal(visiblePage(board, 'gone', null, false).id, 'p1');
    assert.equal(visiblePage(board, 'p2', { pageId: 'gone' }, false).id, 'p2');
  });
});

describe('live updates from others', () => {
  const progress = (userId: number, points: number[], done?: boolean) => ({
    type: 'stroke.progress' as const, pageId: 'p1', strokeId: 's1', kind: 'pen' as const, color: '#e11d48', width: 4, points, userId, ...(done ? { done } : {}),
  });

  it('accumulates a stroke\'s batches, skips my own, and tracks the pen as a cursor', () => {
    let live = applyUpdates(emptyLive(), [progress(3, [1, 1, 2, 2]), progress(2, [9, 9])], 2, 0);
    live = applyUpdates(live, [progress(3, [3, 3])], 2, 10);
    assert.deepEqual([...live.strokes.keys()], ['3:s1']);
    assert.deepEqual(live.strokes.get('3:s1')!.points, [1, 1, 2, 2, 3, 3]);
    assert.deepEqual({ ...live.cursors.get(3)! }, { userId: 3, pageId: 'p1', x: 3, y: 3, at: 10 });
    assert.equal(applyUpdates(live, [progress(2, [5, 5])], 2, 20), live, 'only my own: unchanged');
  });

  it('drops a stroke when its object arrives, or a while after the pen lifts', () => {
    const live = applyUpdates(emptyLive(), [progress(3, [1, 1], true), { type: 'laser', pageId: 'p1', points: [1, 1], userId: 4 }], null, 0);
    const withObject = replay([[{ type: 'obj.add', pageId: 'p1', object: pen('s1') }, 3]]);
    assert.equal(pruneLive(live, withObject, 1).strokes.size, 0);
    assert.equal(pruneLive(live, emptyBoard(), 1).strokes.size, 1);
    assert.equal(pruneLive(live, emptyBoard(), LIVE_TTL.doneStroke).strokes.size, 0);
    assert.equal(pruneLive(live, emptyBoard(), LIVE_TTL.laser).lasers.size, 0);
    const still = pruneLive(live, emptyBoard(), 1);
    assert.equal(pruneLive(still, emptyBoard(), 2), still, 'nothing expired: the same object');
  });
});

describe('tools', () => {
  it('smooths strokes into whole units and ends where the pen lifted', () => {
    const b = new StrokeBuilder();
    b.add(0, 0);
    b.add(10.4, 0);
    b.add(10.6, 0.2); // closer than minStep to the smoothed point: dropped or kept, never fractional
    b.finish(20.3, 0);
    assert.ok(b.points.every(Number.isInteger));
    assert.deepEqual(b.points.slice(0, 2), [0, 0]);
    assert.deepEqual(b.points.slice(-2), [20, 0]);
  });

  it('splits a long stroke into continuous parts, each a valid object', () => {
    const pts = Array.from({ length: STROKE_PART * 2 + 10 }, (_, i) => [i, i % 7]).flat();
    const parts = strokeObjects('s9', 'pen', pts, { color: '#e11d48', width: 4 });
    assert.deepEqual(parts.map((o) => o.id), ['s9', 's9-2', 's9-3']);
    let board = emptyBoard();
    for (const o of parts) board = applyOp(board, { type: 'obj.add', pageId: 'p1', object: o }, 1).state;
    // Continuous: each part starts at the previous part's last point.
    const abs = parts.map((o) => (o.kind === 'pen' ? o.points.map((v, i) => v + (i % 2 ? o.y : o.x)) : []));
    for (let i = 1; i < abs.length; i++) assert.deepEqual(abs[i]!.slice(0, 2), abs[i - 1]!.slice(-2));
    assert.equal(abs.reduce((n, a) => n + a.length / 2, 0), pts.length / 2 + parts.length - 1);
    const single = strokeObjects('s1', 'highlighter', [5, 5], { color: '#e11d48', width: 4 });
    assert.deepEqual(single, [{ id: 's1', kind: 'highlighter', x: 5, y: 5, points: [0, 0], color: '#e11d48', width: 16, opacity: 0.4 }]);
  });

  it('shapes from a drag, normalised; a click is no shape', () => {
    assert.deepEqual(shapeFromDrag('rect', 'r', { x: 100, y: 80 }, { x: 40.4, y: 20 }, { color: '#2563eb', width: 2 }),
      { id: 'r', kind: 'rect', x: 40, y: 20, w: 60, h: 60, color: '#2563eb', width: 2, fill: null, opacity: 1 });
    assert.equal(shapeFromDrag('line', 'l', { x: 1, y: 1 }, { x: 2, y: 2 }, { color: '#2563eb', width: 2 }), null);
  });

  it('picks the topmost object under the pointer, and strokes only near their line', () => {
    const board = replay([
      [{ type: 'obj.add', pageId: 'p1', object: { id: 'r', kind: 'rect', x: 0, y: 0, w: 100, h: 100, color: '#1f2937', width: 2, fill: null, opacity: 1 } }, 1],
      [{ type: 'obj.add', pageId: 'p1', object: { id: 'd', kind: 'pen', x: 0, y: 0, points: [0, 0, 100, 100], color: '#1f2937', width: 4, opacity: 1 } }, 1],
    ]);
    const page = board.pages[0]!;
    assert.equal(objectAt(page, 50, 50, 2)?.id, 'd');
    assert.equal(objectAt(page, 80, 20, 2)?.id, 'r');
    assert.equal(objectAt(page, 300, 300, 2), null);
    assert.match(pageToSvg(board, 'p1'), /<path d="M0 0L100 100"/);
  });
});
