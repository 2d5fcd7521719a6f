// The whiteboard's pure core: every op and its inverse, every refusal with its code, undo and
// redo per user, compaction equal to replay, deterministic and safe SVG, and the wire schemas.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  WB_FIELD_TYPES, WB_OBJECT_FIELDS, WbEditOp, WbEphemeral, WbLimits, WbObject, WbObjectPatch, WbOp,
  type BoardState, type WbField, type WbObjectKind, type WbObjectOf,
} from '../../src/protocol/whiteboard.js';
import {
  WbError, applyEdits, applyOp, canRedo, canUndo, emptyBoard, historyOf, restore, snapshot,
  type WbErrorCode,
} from '../../src/whiteboard/model.js';
import { escapeXml, pageToSvg, strokePath } from '../../src/whiteboard/svg.js';

// ---------------------------------------------------------------- fixtures

type Obj = WbObject;
type Op = WbOp;

function sampleOf(kind: WbObjectKind, id: string, at: number): Obj {
  const style = { color: '#1e90ff', width: 4, opacity: 1 };
  switch (kind) {
    case 'pen': return { id, kind, x: at, y: at, points: [0, 0, 10, 5, 20, 0, 30, 8], ...style };
    case 'highlighter': return { id, kind, x: at, y: at, points: [0, 0, 50, 0], ...style, width: 24, opacity: 0.4 };
    case 'line': return { id, kind, x1: at, y1: at, x2: at + 100, y2: at + 40, ...style };
    case 'arrow': return { id, kind, x1: at, y1: at, x2: at + 120, y2: at, ...style };
    case 'rect': return { id, kind, x: at, y: at, w: 200, h: 100, ...style, fill: '#ffeeaa' };
    case 'ellipse': return { id, kind, x: at, y: at, w: 80, h: 60, ...style, fill: null };
    case 'text': return { id, kind, x: at, y: at, text: 'Hello\nclass', color: '#222222', fontSize: 24, opacity: 1 };
    case 'sticky': return { id, kind, x: at, y: at, w: 160, h: 160, text: 'Remember', color: '#fde68a', fontSize: 18, opacity: 1 };
    case 'image': return { id, kind, x: at, y: at, w: 320, h: 240, assetId: 'asset_1', opacity: 1 };
  }
}
const sample = <K extends WbObjectKind>(kind: K, id: string, at = 0) => sampleOf(kind, id, at) as WbObjectOf<K>;
const KINDS = Object.keys(WB_OBJECT_FIELDS) as WbObjectKind[];

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

/** Applies ops in order; the input is frozen first, so any mutation would throw. */
function run(ops: Array<Op | [number, Op]>, from: BoardState = emptyBoard()): BoardState {
  return ops.reduce((s, o) => {
    const [actor, op] = Array.isArray(o) ? o : [1, o];
    return applyOp(deepFreeze(s), op, actor).state;
  }, from);
}

function rejects(state: BoardState, op: unknown, code: WbErrorCode, actor = 1): void {
  const before = JSON.stringify(deepFreeze(state));
  assert.throws(() => applyOp(state, op as Op, actor), (e: unknown) => {
    assert.ok(e instanceof WbError, `expected a WbError, got ${String(e)}`);
    assert.equal(e.code, code, `${JSON.stringify(op).slice(0, 120)}: ${e.message}`);
    assert.match(e.message, /\.$/, 'the message is a sentence');
    return true;
  });
  assert.equal(JSON.stringify(state), before);
}

/** A board with two pages, a background and one object of every kind on p1. */
function richBoard(): BoardState {
  return run([
    ...KINDS.map((k, i): Op => ({ type: 'obj.add', pageId: 'p1', object: sample(k, `o${i}`, i * 10) })),
    { type: 'page.add', pageId: 'p2', title: 'Slides' },
    { type: 'page.background', pageId: 'p2', background: { kind: 'pdf', assetId: 'deck', page: 3 } },
    { type: 'obj.add', pageId: 'p2', object: sample('rect', 'r2') },
  ]);
}
const ids = (s: BoardState, pageId = 'p1') => s.pages.find((p) => p.id === pageId)!.objects.map((o) => o.id);

// ---------------------------------------------------------------- ops and inverses

describe('whiteboard ops', () => {
  it('starts with one page "Page 1" with the fixed id p1', () => {
    assert.deepEqual(emptyBoard(), { pages: [{ id: 'p1', title: 'Page 1', background: null, objects: [] }], history: [] });
  });

  const updates: Op[] = KINDS.map((k, i) => {
    const patch: Record<WbObjectKind, WbObjectPatch> = {
      pen: { x: 5, y: 6, points: [1, 1, 2, 2] }, highlighter: { opacity: 0.2, width: 30 },
      line: { x2: -50, color: '#000000' }, arrow: { x1: 3, y1: 4 }, rect: { fill: null, w: 10 },
      ellipse: { fill: '#00ff00', h: 0 }, text: { text: 'Edited', fontSize: 40 }, sticky: { text: '', color: '#a7f3d0' },
      image: { x: -100, y: -100, w: 1, h: 1, opacity: 0.5 },
    };
    return { type: 'obj.update', pageId: 'p1', id: `o${i}`, patch: patch[k] };
  });
  const cases: Array<[string, Op, (s: BoardState) => void]> = [
    ['page.add at the end', { type: 'page.add', pageId: 'p3', title: 'New' }, (s) => assert.deepEqual(s.pages.map((p) => p.id), ['p1', 'p2', 'p3'])],
    ['page.add at an index', { type: 'page.add', pageId: 'p0', title: 'First', index: 0 }, (s) => assert.deepEqual(s.pages.map((p) => p.id), ['p0', 'p1', 'p2'])],
    ['page.add past the end', { type: 'page.add', pageId: 'p9', title: 'x', index: 50 }, (s) => assert.equal(s.pages.at(-1)!.id, 'p9')],
    ['page.delete with objects and background', { type: 'page.delete', pageId: 'p2' }, (s) => assert.deepEqual(s.pages.map((p) => p.id), ['p1'])],
    ['page.delete of the first page', { type: 'page.delete', pageId: 'p1' }, (s) => assert.deepEqual(s.pages.map((p) => p.id), ['p2'])],
    ['page.move', { type: 'page.move', pageId: 'p1', index: 1 }, (s) => assert.deepEqual(s.pages.map((p) => p.id), ['p2', 'p1'])],
    ['page.move past the end', { type: 'page.move', pageId: 'p1', index: 99 }, (s) => assert.deepEqual(s.pages.map((p) => p.id), ['p2', 'p1'])],
    ['page.rename', { type: 'page.rename', pageId: 'p1', title: 'Warm-up' }, (s) => assert.equal(s.pages[0]!.title, 'Warm-up')],
    ['page.background set', { type: 'page.background', pageId: 'p1', background: { kind: 'image', assetId: 'map' } }, (s) => assert.deepEqual(s.pages[0]!.background, { kind: 'image', assetId: 'map' })],
    ['page.background removed', { type: 'page.background', pageId: 'p2', background: null }, (s) => assert.equal(s.pages[1]!.background, null)],
    ['obj.add on top', { type: 'obj.add', pageId: 'p1', object: sample('pen', 'new') }, (s) => assert.equal(ids(s).at(-1), 'new')],
    ['obj.add at a z-index', { type: 'obj.add', pageId: 'p1', object: sample('text', 'new'), index: 2 }, (s) => assert.equal(ids(s)[2], 'new')],
    ...updates.map((op, i): [string, Op, (s: BoardState) => void] => [`obj.update of a ${KINDS[i]!}`, op, (s) => assert.equal(ids(s)[i], `o${i}`)]),
    ['obj.delete of several, out of z-order', { type: 'obj.delete', pageId: 'p1', ids: ['o7', 'o1', 'o4'] }, (s) => assert.deepEqual(ids(s), ['o0', 'o2', 'o3', 'o5', 'o6', 'o8'])],
    ['page.clear', { type: 'page.clear', pageId: 'p1' }, (s) => assert.deepEqual(ids(s), [])],
  ];

  for (const [name, op, check] of cases) {
    it(`${name}: applies, and its inverse, undo and redo are exact`, () => {
      const before = deepFreeze(richBoard());
      const { state: after, inverse } = applyOp(before, op, 7);
      check(after);
      assert.notDeepEqual(after.pages, before.pages);
      // The inverse restores the previous pages exactly, z-order included.
      assert.deepEqual(applyEdits(deepFreeze(after), inverse).state.pages, before.pages);
      // Undo by the same user does the same and keeps the history; redo goes forward again.
      const undone = applyOp(after, { type: 'undo' }, 7).state;
      assert.deepEqual(undone.pages, before.pages);
      assert.ok(canRedo(undone, 7));
      const redone = applyOp(deepFreeze(undone), { type: 'redo' }, 7).state;
      assert.deepEqual(redone.pages, after.pages);
      assert.deepEqual(applyOp(deepFreeze(redone), { type: 'undo' }, 7).state.pages, before.pages);
    });
  }

  it('an update keeps kind and id, and changes only the patched fields', () => {
    const s = run([{ type: 'obj.update', pageId: 'p1', id: 'o4', patch: { x: 1, fill: null } }], richBoard());
    assert.deepEqual(s.pages[0]!.objects[4], { ...sample('rect', 'o4', 40), x: 1, fill: null });
  });

  it('stores canonical objects: an op with an undefined optional is the same as without', () => {
    const a = run([{ type: 'obj.add', pageId: 'p1', object: sample('line', 'l'), index: undefined }]);
    const b = run([{ type: 'obj.add', pageId: 'p1', object: sample('line', 'l') }]);
    assert.equal(snapshot(a), snapshot(b));
  });
});

// ---------------------------------------------------------------- refusals

describe('whiteboard refusals', () => {
  const b = richBoard();
  const add = (object: unknown, pageId = 'p1'): unknown => ({ type: 'obj.add', pageId, object });
  const pen = sample('pen', 'np');
  const cases: Array<[string, unknown, WbErrorCode]> = [
    ['unknown page for obj.add', add(sample('pen', 'x'), 'nope'), 'WB_UNKNOWN_PAGE'],
    ['unknown page for page.rename', { type: 'page.rename', pageId: 'nope', title: 'x' }, 'WB_UNKNOWN_PAGE'],
    ['unknown page for page.delete', { type: 'page.delete', pageId: 'nope' }, 'WB_UNKNOWN_PAGE'],
    ['unknown page for page.clear', { type: 'page.clear', pageId: 'nope' }, 'WB_UNKNOWN_PAGE'],
    ['unknown object for update', { type: 'obj.update', pageId: 'p1', id: 'ghost', patch: { x: 1 } }, 'WB_UNKNOWN_OBJECT'],
    ['object of another page', { type: 'obj.update', pageId: 'p2', id: 'o1', patch: { x: 1 } }, 'WB_UNKNOWN_OBJECT'],
    ['unknown object among deletes', { type: 'obj.delete', pageId: 'p1', ids: ['o1', 'ghost'] }, 'WB_UNKNOWN_OBJECT'],
    ['duplicate object id', add(sample('rect', 'o3')), 'WB_DUPLICATE_ID'],
    ['duplicate page id', { type: 'page.add', pageId: 'p2', title: 'again' }, 'WB_DUPLICATE_ID'],
    ['coordinate out of bounds', add({ ...pen, x: 100_001 }), 'WB_LIMIT'],
    ['point out of bounds', add({ ...pen, points: [0, 0, -1e9, 0] }), 'WB_LIMIT'],
    ['huge number', add({ ...sample('rect', 'h'), w: 1e308 }), 'WB_LIMIT'],
    ['NaN (only from a program; JSON has none)', add({ ...pen, y: Number.NaN }), 'WB_BAD_OP'],
    ['Infinity', add({ ...pen, points: [0, Infinity] }), 'WB_BAD_OP'],
    ['a number as a string', add({ ...pen, x: '5' }), 'WB_BAD_OP'],
    ['too many points', add({ ...pen, points: new Array((WbLimits.strokePoints + 1) * 2).fill(1) }), 'WB_LIMIT'],
    ['odd point count', add({ ...pen, points: [1, 2, 3] }), 'WB_BAD_OP'],
    ['no points', add({ ...pen, points: [] }), 'WB_BAD_OP'],
    ['text too long', add({ ...sample('text', 't'), text: 'x'.repeat(WbLimits.textLength + 1) }), 'WB_LIMIT'],
    ['sticky text too long', add({ ...sample('sticky', 't'), text: 'x'.repeat(WbLimits.textLength + 1) }), 'WB_LIMIT'],
    ['width 0', add({ ...pen, width: 0 }), 'WB_LIMIT'],
    ['width 65', add({ ...pen, width: 65 }), 'WB_LIMIT'],
    ['opacity above 1', add({ ...pen, opacity: 1.5 }), 'WB_LIMIT'],
    ['negative size', add({ ...sample('rect', 'r'), h: -1 }), 'WB_LIMIT'],
    ['bad colour', add({ ...pen, color: 'red' }), 'WB_BAD_OP'],
    ['upper-case colour', add({ ...pen, color: '#FFFFFF' }), 'WB_BAD_OP'],
    ['unknown kind', add({ ...pen, kind: 'blob' }), 'WB_BAD_OP'],
    ['field of another kind', add({ ...pen, fill: null }), 'WB_BAD_OP'],
    ['missing field', add({ id: 'm', kind: 'line', x1: 0, y1: 0, x2: 1, color: '#000000', width: 1, opacity: 1 }), 'WB_BAD_OP'],
    ['bad id', add({ ...pen, id: 'has space' }), 'WB_BAD_OP'],
    ['id too long', add({ ...pen, id: 'x'.repeat(41) }), 'WB_BAD_OP'],
    ['bad asset id', add({ ...sample('image', 'i'), assetId: '../etc/passwd' }), 'WB_BAD_OP'],
    ['changing kind', { type: 'obj.update', pageId: 'p1', id: 'o4', patch: { kind: 'ellipse' } }, 'WB_BAD_OP'],
    ['changing id', { type: 'obj.update', pageId: 'p1', id: 'o4', patch: { id: 'z' } }, 'WB_BAD_OP'],
    ['changing an image asset', { type: 'obj.update', pageId: 'p1', id: 'o8', patch: { assetId: 'other' } }, 'WB_BAD_OP'],
    ['patching a field the kind has not', { type: 'obj.update', pageId: 'p1', id: 'o4', patch: { points: [0, 0] } }, 'WB_BAD_OP'],
    ['empty patch', { type: 'obj.update', pageId: 'p1', id: 'o4', patch: {} }, 'WB_BAD_OP'],
    ['patch out of bounds', { type: 'obj.update', pageId: 'p1', id: 'o4', patch: { x: -100_001 } }, 'WB_LIMIT'],
    ['delete naming an id twice', { type: 'obj.delete', pageId: 'p1', ids: ['o1', 'o1'] }, 'WB_BAD_OP'],
    ['delete of too many ids', { type: 'obj.delete', pageId: 'p1', ids: Array.from({ length: 501 }, (_, i) => `d${i}`) }, 'WB_LIMIT'],
    ['empty delete', { type: 'obj.delete', pageId: 'p1', ids: [] }, 'WB_BAD_OP'],
    ['title too long', { type: 'page.rename', pageId: 'p1', title: 'x'.repeat(81) }, 'WB_LIMIT'],
    ['empty title', { type: 'page.add', pageId: 'p3', title: '' }, 'WB_BAD_OP'],
    ['negative index', { type: 'page.move', pageId: 'p1', index: -1 }, 'WB_BAD_OP'],
    ['fractional index', { type: 'obj.add', pageId: 'p1', object: sample('pen', 'f'), index: 0.5 }, 'WB_BAD_OP'],
    ['pdf page 0', { type: 'page.background', pageId: 'p1', background: { kind: 'pdf', assetId: 'd', page: 0 } }, 'WB_BAD_OP'],
    ['extra op field', { type: 'page.clear', pageId: 'p1', all: true }, 'WB_BAD_OP'],
    ['extra object field', add({ ...pen, rotation: 0 }), 'WB_BAD_OP'],
    ['unknown op', { type: 'obj.explode', pageId: 'p1' }, 'WB_BAD_OP'],
    ['not an object', 'page.clear', 'WB_BAD_OP'],
    ['undo with extra fields', { type: 'undo', steps: 2 }, 'WB_BAD_OP'],
  ];
  for (const [name, op, code] of cases) {
    it(`${name}: ${code}, state unchanged`, () => rejects(b, op, code));
  }

  it('the only page cannot be deleted', () => {
    rejects(emptyBoard(), { type: 'page.delete', pageId: 'p1' }, 'WB_LAST_PAGE');
    const s = run([{ type: 'page.delete', pageId: 'p1' }], richBoard());
    rejects(s, { type: 'page.delete', pageId: 'p2' }, 'WB_LAST_PAGE');
  });

  it('too many objects on a page', () => {
    const full = applyEdits(emptyBoard(), Array.from({ length: WbLimits.objectsPerPage }, (_, i): WbEditOp => (
      { type: 'obj.add', pageId: 'p1', object: sample('line', `l${i}`) }))).state;
    assert.equal(full.pages[0]!.objects.length, WbLimits.objectsPerPage);
    rejects(full, { type: 'obj.add', pageId: 'p1', object: sample('line', 'one-more') }, 'WB_LIMIT');
  });

  it('too many pages', () => {
    const full = applyEdits(emptyBoard(), Array.from({ length: WbLimits.pagesPerBoard - 1 }, (_, i): WbEditOp => (
      { type: 'page.add', pageId: `q${i}`, title: `Page ${i + 2}` }))).state;
    assert.equal(full.pages.length, WbLimits.pagesPerBoard);
    rejects(full, { type: 'page.add', pageId: 'one-more', title: 'x' }, 'WB_LIMIT');
  });

  it('applyEdits is all or nothing', () => {
    const s = deepFreeze(richBoard());
    assert.throws(() => applyEdits(s, [
      { type: 'obj.delete', pageId: 'p1', ids: ['o1'] },
      { type: 'obj.delete', pageId: 'p1', ids: ['o1'] },
    ]), { code: 'WB_UNKNOWN_OBJECT' });
    assert.deepEqual(s, richBoard());
  });

  it('the actor must be a user id', () => rejects(emptyBoard(), { type: 'page.clear', pageId: 'p1' }, 'WB_BAD_OP', 1.5));
});

// ---------------------------------------------------------------- undo and redo per user

describe('whiteboard undo and redo', () => {
  const A = 1;
  const B = 2;
  const addBy = (actor: number, id: string): [number, Op] => [actor, { type: 'obj.add', pageId: 'p1', object: sample('pen', id) }];
  const U = (actor: number): [number, Op] => [actor, { type: 'undo' }];
  const R = (actor: number): [number, Op] => [actor, { type: 'redo' }];

  it("A's undo undoes A's own latest op, never B's", () => {
    const s = run([addBy(A, 'a1'), addBy(B, 'b1'), addBy(A, 'a2'), addBy(B, 'b2'), U(A)]);
    assert.deepEqual(ids(s), ['a1', 'b1', 'b2']);
    const s2 = run([U(A)], s);
    assert.deepEqual(ids(s2), ['b1', 'b2']);
    rejects(s2, { type: 'undo' }, 'WB_NOTHING_TO_UNDO', A);
    assert.deepEqual(ids(run([U(B)], s2)), ['b1']);
  });

  it('nobody can undo on a fresh board, or redo without an undo', () => {
    rejects(emptyBoard(), { type: 'undo' }, 'WB_NOTHING_TO_UNDO');
    rejects(run([addBy(A, 'a1')]), { type: 'redo' }, 'WB_NOTHING_TO_REDO', A);
    rejects(run([addBy(A, 'a1'), U(A)]), { type: 'redo' }, 'WB_NOTHING_TO_REDO', B);
  });

  it('redo restores what was undone, in order', () => {
    const s = run([addBy(A, 'a1'), addBy(A, 'a2'), U(A), U(A), R(A)]);
    assert.deepEqual(ids(s), ['a1']);
    assert.deepEqual(ids(run([R(A)], s)), ['a1', 'a2']);
  });

  it("a new op clears the actor's redo stack, not other people's", () => {
    const s = run([addBy(A, 'a1'), addBy(B, 'b1'), U(A), U(B), addBy(A, 'a3')]);
    assert.equal(canRedo(s, A), false);
    assert.equal(canRedo(s, B), true);
    rejects(s, { type: 'redo' }, 'WB_NOTHING_TO_REDO', A);
    // b1 comes back where it was when B undid it: at the bottom.
    assert.deepEqual(ids(run([R(B)], s)), ['b1', 'a3']);
  });

  it('undo skips entries made impossible by others', () => {
    // A adds a1 and a2; B deletes a2; A's undo cannot remove a2 any more, so it removes a1.
    const s = run([addBy(A, 'a1'), addBy(A, 'a2'), [B, { type: 'obj.delete', pageId: 'p1', ids: ['a2'] }], U(A)]);
    assert.deepEqual(ids(s), []);
    assert.equal(canUndo(s, A), false);
    // B deleted the only object A could undo the move of: nothing to undo, nothing changes.
    const t = run([addBy(B, 'b1'), [A, { type: 'obj.update', pageId: 'p1', id: 'b1', patch: { x: 50 } }], [B, { type: 'obj.delete', pageId: 'p1', ids: ['b1'] }]]);
    rejects(t, { type: 'undo' }, 'WB_NOTHING_TO_UNDO', A);
  });

  it('undo after another user changed the page keeps their work', () => {
    // A clears; B draws; A undoes the clear: A's objects come back beneath B's new one.
    const s = run([addBy(A, 'a1'), addBy(B, 'b1'), [A, { type: 'page.clear', pageId: 'p1' }], addBy(B, 'b2'), U(A)]);
    assert.deepEqual(ids(s), ['a1', 'b1', 'b2']);
    // Redo clears only what the undo brought back.
    assert.deepEqual(ids(run([R(A)], s)), ['b2']);
  });

  it("a teacher's page.clear is undoable by that teacher, even of a full page", () => {
    const teacher = 9;
    const full = applyEdits(emptyBoard(), Array.from({ length: WbLimits.objectsPerPage }, (_, i): WbEditOp => (
      { type: 'obj.add', pageId: 'p1', object: sample('pen', `s${i}`, i % 500) }))).state;
    const cleared = applyOp(full, { type: 'page.clear', pageId: 'p1' }, teacher).state;
    assert.equal(cleared.pages[0]!.objects.length, 0);
    const back = applyOp(cleared, { type: 'undo' }, teacher);
    assert.deepEqual(back.state.pages, full.pages);
    // The redo entry is compact: the deletes are merged into ops of at most 500 ids.
    const redoOps = historyOf(back.state, teacher).redo[0]!.ops;
    assert.equal(redoOps.length, WbLimits.objectsPerPage / WbLimits.deleteIds);
    assert.deepEqual(applyOp(back.state, { type: 'redo' }, teacher).state.pages, cleared.pages);
  });

  it("undo of a page deletion brings back the page, its background and objects, where it was", () => {
    const s = run([[A, { type: 'page.delete', pageId: 'p2' }], U(A)], richBoard());
    assert.deepEqual(s.pages, richBoard().pages);
  });

  it('keeps at most undoDepth entries per user', () => {
    const ops = Array.from({ length: WbLimits.undoDepth + 5 }, (_, i) => addBy(A, `a${i}`));
    let s = run(ops);
    assert.equal(historyOf(s, A).undo.length, WbLimits.undoDepth);
    for (let i = 0; i < WbLimits.undoDepth; i++) s = run([U(A)], s);
    assert.deepEqual(ids(s), ['a0', 'a1', 'a2', 'a3', 'a4']);
    rejects(s, { type: 'undo' }, 'WB_NOTHING_TO_UNDO', A);
  });

  it('forgets the least recently active users first', () => {
    const ops = Array.from({ length: WbLimits.undoActors + 1 }, (_, i) => addBy(100 + i, `u${i}`));
    const s = run(ops);
    assert.equal(s.history.length, WbLimits.undoActors);
    assert.equal(canUndo(s, 100), false);
    assert.equal(canUndo(s, 101), true);
  });
});

// ---------------------------------------------------------------- compaction

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random valid ops (plus undo and redo) by three users; every op is checked against its inverse. */
function randomHistory(seed: number, count: number): { events: Array<[number, Op]>; final: BoardState } {
  const rnd = mulberry32(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  const coord = () => Math.round((rnd() * 4000 - 1000) * 100) / 100;
  const colors = ['#000000', '#e11d48', '#2563eb', '#16a34a', '#fde68a'];
  let n = 0;
  const valueFor = (f: WbField): unknown => {
    switch (WB_FIELD_TYPES[f]) {
      case 'coord': return coord();
      case 'size': return int(400);
      case 'points': return Array.from({ length: 2 * (1 + int(20)) }, () => Math.round(rnd() * 300));
      case 'color': return pick(colors);
      case 'fill': return rnd() < 0.3 ? null : pick(colors);
      case 'width': return 1 + int(64);
      case 'opacity': return pick([0.25, 0.5, 1]);
      case 'text': return pick(['', 'a<b & c', '<script>alert(1)</script>', 'line 1\nline 2', '"quoted" \'single\'']);
      case 'fontSize': return 6 + int(100);
      case 'assetId': return pick(['img1', 'img2']);
    }
  };
  const newObject = (): Obj => {
    const kind = pick(KINDS);
    const o: Record<string, unknown> = { id: `r${n++}`, kind };
    for (const f of WB_OBJECT_FIELDS[kind]) o[f] = valueFor(f);
    return o as Obj;
  };
  const events: Array<[number, Op]> = [];
  let s = emptyBoard();
  while (events.length < count) {
    const actor = 1 + int(3);
    const page = pick(s.pages);
    const objs = page.objects;
    const r = rnd();
    let op: Op | null = null;
    if (r < 0.35) op = { type: 'obj.add', pageId: page.id, object: newObject(), ...(rnd() < 0.2 ? { index: int(objs.length + 2) } : {}) };
    else if (r < 0.5 && objs.length > 0) {
      const o = pick(objs);
      const field = pick(WB_OBJECT_FIELDS[o.kind].filter((f) => f !== 'assetId'));
      op = { type: 'obj.update', pageId: page.id, id: o.id, patch: { [field]: valueFor(field) } };
    } else if (r < 0.58 && objs.length > 0) {
      op = { type: 'obj.delete', pageId: page.id, ids: [...new Set(Array.from({ length: 1 + int(3) }, () => pick(objs).id))] };
    } else if (r < 0.64 && s.pages.length < 12) op = { type: 'page.add', pageId: `pg${n++}`, title: `Page ${n}`, ...(rnd() < 0.5 ? { index: int(s.pages.length + 1) } : {}) };
    else if (r < 0.67 && s.pages.length > 1) op = { type: 'page.delete', pageId: page.id };
    else if (r < 0.71) op = { type: 'page.move', pageId: page.id, index: int(s.pages.length) };
    else if (r < 0.74) op = { type: 'page.rename', pageId: page.id, title: `Renamed ${n++}` };
    else if (r < 0.77) op = { type: 'page.background', pageId: page.id, background: rnd() < 0.5 ? null : { kind: 'pdf', assetId: 'deck', page: 1 + int(9) } };
    else if (r < 0.79) op = { type: 'page.clear', pageId: page.id };
    else if (r < 0.91) op = { type: 'undo' };
    else op = { type: 'redo' };
    if (!op) continue;
    let applied;
    try {
      applied = applyOp(deepFreeze(s), op, actor);
    } catch (e) {
      if (e instanceof WbError && (e.code === 'WB_NOTHING_TO_UNDO' || e.code === 'WB_NOTHING_TO_REDO')) continue;
      throw e;
    }
    if (op.type !== 'undo' && op.type !== 'redo') {
      assert.deepEqual(applyEdits(applied.state, applied.inverse).state.pages, s.pages, `inverse of ${JSON.stringify(op).slice(0, 200)}`);
    }
    events.push([actor, op]);
    s = applied.state;
  }
  return { events, final: s };
}

describe('whiteboard compaction', () => {
  it('a snapshot plus the later ops gives the same board as the full replay', () => {
    const { events, final } = randomHistory(20240607, 1000);
    const full = run(events);
    assert.deepEqual(full, final, 'replay is deterministic');
    const half = run(events.slice(0, 500));
    const restored = restore(snapshot(half));
    assert.deepEqual(restored, half);
    const compacted = run(events.slice(500), restored);
    assert.deepEqual(compacted, full);
    assert.equal(snapshot(compacted), snapshot(full), 'byte for byte');
    // The history is exercised, not empty.
    assert.ok(full.history.length > 0 && full.pages.some((p) => p.objects.length > 0));
    for (const p of full.pages) assert.equal(pageToSvg(compacted, p.id), pageToSvg(full, p.id));
  });

  it('other seeds agree too', () => {
    for (const seed of [1, 2, 3]) {
      const { events, final } = randomHistory(seed, 300);
      const cut = 100 + seed * 37;
      assert.deepEqual(run(events.slice(cut), restore(snapshot(run(events.slice(0, cut))))), final);
    }
  });

  it('refuses a snapshot that is not a board', () => {
    const good = JSON.parse(snapshot(richBoard())) as { v: number; pages: Array<{ objects: unknown[] }> };
    const bad = (v: unknown) => assert.throws(() => restore(JSON.stringify(v)), { code: 'WB_BAD_SNAPSHOT' });
    assert.throws(() => restore('{'), { code: 'WB_BAD_SNAPSHOT' });
    bad({ ...good, v: 2 });
    bad({ ...good, pages: [] });
    bad({ ...good, extra: 1 });
    bad({ ...good, pages: [good.pages[0], good.pages[0]] });
    bad({ ...good, pages: [{ ...good.pages[0], objects: [{ ...(good.pages[0]!.objects[0] as object), x: 1e9 }] }] });
    bad({ ...good, history: [{ actor: 'me', undo: [], redo: [] }] });
  });
});

// ---------------------------------------------------------------- SVG

describe('whiteboard SVG', () => {
  it('is deterministic and standalone', () => {
    const svg = pageToSvg(richBoard(), 'p1', { assetUrl: (id) => `/assets/${id}` });
    assert.equal(svg, pageToSvg(restore(snapshot(richBoard())), 'p1', { assetUrl: (id) => `/assets/${id}` }));
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="-?\d+ -?\d+ \d+ \d+"/);
    assert.ok(svg.endsWith('</svg>\n'));
    for (const tag of ['<path', '<line', '<polygon', '<rect', '<ellipse', '<text', '<image href="/assets/asset_1"']) assert.ok(svg.includes(tag), tag);
  });

  it('an empty page is the default 1600x900 canvas; content sets the view box', () => {
    assert.match(pageToSvg(emptyBoard(), 'p1'), /viewBox="0 0 1600 900"/);
    const s = run([{ type: 'obj.add', pageId: 'p1', object: { ...sample('rect', 'r'), x: 5000, y: -200, w: 100, h: 50, width: 2 } }]);
    assert.match(pageToSvg(s, 'p1'), /viewBox="4983 -217 134 84"/);
    assert.match(pageToSvg(s, 'p1', { fit: 'canvas' }), /viewBox="0 -217 5117 1117"/);
  });

  it('escapes text and drops what XML cannot carry', () => {
    const s = run([
      { type: 'obj.add', pageId: 'p1', object: { ...sample('text', 't'), text: '<script>alert("x")</script> & \u0007' } },
      { type: 'obj.add', pageId: 'p1', object: { ...sample('sticky', 'n'), text: "</text><script>'" } },
      { type: 'page.rename', pageId: 'p1', title: '<b>Title</b>' },
    ]);
    const svg = pageToSvg(s, 'p1');
    assert.ok(!svg.includes('<script'), svg);
    assert.ok(!svg.includes('<b>'));
    assert.ok(svg.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; <'), svg);
    assert.ok(svg.includes('&lt;/text&gt;&lt;script&gt;&#39;'));
    assert.equal(escapeXml('a\uD800b\uD83D\uDE00\uDE00c\u0000'), 'ab\uD83D\uDE00c');
  });

  it('leaves images and backgrounds out without an asset URL, and escapes the URL', () => {
    const plain = pageToSvg(richBoard(), 'p2');
    assert.ok(!plain.includes('<image'));
    const withUrl = pageToSvg(richBoard(), 'p2', { assetUrl: (id, page) => `/a/${id}?page=${String(page)}&x="1"` });
    assert.ok(withUrl.includes('<image href="/a/deck?page=3&amp;x=&quot;1&quot;" x="0" y="0" width="1600" height="900"'));
  });

  it('smooths strokes through midpoints and ends on the last point', () => {
    assert.equal(strokePath([0, 0, 10, 10, 20, 0], 1, 1), 'M1 1Q11 11 16 6L21 1');
    assert.equal(strokePath([5, 5]), 'M5 5L5 5');
    assert.equal(strokePath([0.004, -0.004, 1 / 3, 2 / 3]), 'M0 0L0.33 0.67');
  });

  it('refuses an unknown page', () => {
    assert.throws(() => pageToSvg(emptyBoard(), 'nope'), { code: 'WB_UNKNOWN_PAGE' });
  });
});

// ---------------------------------------------------------------- wire schemas

describe('whiteboard schemas', () => {
  it('have exactly the fields of WB_OBJECT_FIELDS for every kind', () => {
    for (const option of WbObject.options) {
      const kind = option.shape.kind.value;
      assert.deepEqual(Object.keys(option.shape).sort(), ['id', 'kind', ...WB_OBJECT_FIELDS[kind]].sort(), kind);
    }
  });

  it('accept every valid op, and the model accepts what they accept', () => {
    const valid: Op[] = [
      ...KINDS.map((k, i): Op => ({ type: 'obj.add', pageId: 'p1', object: sample(k, `v${i}`) })),
      { type: 'obj.add', pageId: 'p1', object: sample('pen', 'z'), index: 0 },
      { type: 'obj.update', pageId: 'p1', id: 'o4', patch: { x: -100_000, fill: null } },
      { type: 'obj.delete', pageId: 'p1', ids: ['o1', 'o2'] },
      { type: 'page.add', pageId: 'A-b_9', title: 'x'.repeat(80), index: 1 },
      { type: 'page.delete', pageId: 'p2' },
      { type: 'page.move', pageId: 'p2', index: 0 },
      { type: 'page.rename', pageId: 'p1', title: 'Intro' },
      { type: 'page.background', pageId: 'p1', background: { kind: 'image', assetId: 'img' } },
      { type: 'page.background', pageId: 'p1', background: null },
      { type: 'page.clear', pageId: 'p1' },
      { type: 'undo' },
      { type: 'redo' },
    ];
    for (const op of valid) {
      const parsed = WbOp.safeParse(JSON.parse(JSON.stringify(op)));
      assert.ok(parsed.success, `${JSON.stringify(op).slice(0, 100)}: ${parsed.error?.message ?? ''}`);
      assert.deepEqual(parsed.data, op);
      if (op.type !== 'undo' && op.type !== 'redo') applyOp(richBoard(), parsed.data, 1);
    }
    assert.ok(WbEditOp.safeParse({ type: 'page.clear', pageId: 'p1' }).success);
    assert.ok(!WbEditOp.safeParse({ type: 'undo' }).success, 'undo is not an edit');
  });

  it('reject malformed ops', () => {
    const pen = sample('pen', 'x');
    const add = (object: unknown) => ({ type: 'obj.add', pageId: 'p1', object });
    const invalid: Array<[string, unknown]> = [
      ['huge coordinate', add({ ...pen, x: 1e12 })],
      ['max double', add({ ...pen, points: [0, Number.MAX_VALUE] })],
      ['NaN', add({ ...pen, x: Number.NaN })],
      ['Infinity', add({ ...pen, y: Infinity })],
      ['wrong kind', add({ ...pen, kind: 'squiggle' })],
      ['extra field on an object', add({ ...pen, extra: 1 })],
      ['extra field on an op', { type: 'page.clear', pageId: 'p1', force: true }],
      ['extra field on undo', { type: 'undo', all: true }],
      ['kind in a patch', { type: 'obj.update', pageId: 'p1', id: 'x', patch: { kind: 'rect' } }],
      ['assetId in a patch', { type: 'obj.update', pageId: 'p1', id: 'x', patch: { assetId: 'b' } }],
      ['empty patch', { type: 'obj.update', pageId: 'p1', id: 'x', patch: {} }],
      ['odd points', add({ ...pen, points: [1, 2, 3] })],
      ['too many points', add({ ...pen, points: new Array(10_002).fill(0) })],
      ['text too long', add({ ...sample('text', 't'), text: 'x'.repeat(2001) })],
      ['title too long', { type: 'page.add', pageId: 'p', title: 'x'.repeat(81) }],
      ['bad colour', add({ ...pen, color: '#12345' })],
      ['width too big', add({ ...pen, width: 100 })],
      ['bad id', add({ ...pen, id: 'ä' })],
      ['id too long', { type: 'page.delete', pageId: 'x'.repeat(41) }],
      ['too many ids', { type: 'obj.delete', pageId: 'p1', ids: Array.from({ length: 501 }, (_, i) => `i${i}`) }],
      ['repeated ids', { type: 'obj.delete', pageId: 'p1', ids: ['a', 'a'] }],
      ['fractional pdf page', { type: 'page.background', pageId: 'p1', background: { kind: 'pdf', assetId: 'a', page: 1.5 } }],
      ['unknown background', { type: 'page.background', pageId: 'p1', background: { kind: 'video', assetId: 'a' } }],
      ['missing background', { type: 'page.background', pageId: 'p1' }],
      ['unknown type', { type: 'obj.rotate', pageId: 'p1' }],
    ];
    for (const [name, op] of invalid) assert.ok(!WbOp.safeParse(op).success, name);
  });

  it('define the ephemeral updates with their own limits', () => {
    const ok: unknown[] = [
      { type: 'stroke.progress', pageId: 'p1', strokeId: 's1', kind: 'pen', color: '#000000', width: 3, points: [1, 2, 3, 4] },
      { type: 'stroke.progress', pageId: 'p1', strokeId: 's1', kind: 'highlighter', color: '#fde68a', width: 20, points: [], done: true },
      { type: 'cursor', pageId: 'p1', x: 10, y: -10 },
      { type: 'laser', pageId: 'p1', points: new Array(100).fill(5) },
    ];
    for (const e of ok) assert.ok(WbEphemeral.safeParse(e).success, JSON.stringify(e).slice(0, 80));
    const bad: unknown[] = [
      { type: 'stroke.progress', pageId: 'p1', strokeId: 's1', kind: 'pen', color: '#000000', width: 3, points: new Array(402).fill(0) },
      { type: 'stroke.progress', pageId: 'p1', strokeId: 's1', kind: 'rect', color: '#000000', width: 3, points: [] },
      { type: 'cursor', pageId: 'p1', x: 100_001, y: 0 },
      { type: 'laser', pageId: 'p1', points: new Array(102).fill(5) },
      { type: 'cursor', pageId: 'p1', x: 0, y: 0, name: 'me' },
    ];
    for (const e of bad) assert.ok(!WbEphemeral.safeParse(e).success, JSON.stringify(e).slice(0, 80));
  });

  it('accept every example in docs/whiteboard.md', () => {
    const doc = readFileSync(new URL('../../docs/whiteboard.md', import.meta.url), 'utf8');
    const blocks = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!) as Record<string, unknown>);
    assert.ok(blocks.length >= 10);
    for (const b of blocks) {
      if ('pages' in b) {
        assert.deepEqual(b, emptyBoard());
        continue;
      }
      const ok = WbOp.safeParse(b).success || WbEphemeral.safeParse(b).success;
      assert.ok(ok, JSON.stringify(b));
    }
  });
});
