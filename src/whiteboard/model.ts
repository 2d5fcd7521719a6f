// The whiteboard's operation model: a plain-JSON board and one reducer, shared by the server
// (which validates, sequences and logs every op) and the browser (which applies the same ops in
// the same order). Pure and deterministic: no clock, no randomness, no node:*, and the input
// state is never mutated (unchanged pages and objects are shared with the result).
//
// Undo history is part of the state, so replaying the room log, or a snapshot plus the ops
// after it, gives the same board and the same undo stacks everywhere.
import type {
  BoardState, WbActorHistory, WbEditOp, WbHistoryEntry, WbObject, WbOp, WbOpOf, WbPage,
} from '../protocol/whiteboard.js';
import { WbLimits, type WbObjectKind } from '../protocol/whiteboardLimits.js';
import { WbError, WbErrorCode, checkBackground, checkEditOp, checkObject, checkPatch, fail } from './validate.js';

export type { BoardState, WbActorHistory, WbEditOp, WbHistoryEntry, WbObject, WbOp, WbPage };
export { WbError, WbErrorCode };

/** Every user's undo and redo stacks, least recently active first (BoardState.history). */
export type UndoStacks = BoardState['history'];

/** What applying an op gives: the new state, and the ops that would reverse its edit. */
export interface Applied {
  readonly state: BoardState;
  readonly inverse: WbEditOp[];
}

/** The id of a new board's first page. */
export const FIRST_PAGE_ID = 'p1';

export function emptyBoard(): BoardState {
  return { pages: [{ id: FIRST_PAGE_ID, title: 'Page 1', background: null, objects: [] }], history: [] };
}

/**
 * Applies one durable op sent by `actor` (a user id). Edits are recorded on the actor's undo
 * stack (clearing their redo stack); undo and redo move the actor's own entries between
 * stacks. Throws WbError, leaving the state untouched, when the op does not apply.
 */
export function applyOp(state: BoardState, op: WbOp, actor: number): Applied {
  if (!Number.isSafeInteger(actor)) fail(WbErrorCode.BAD_OP, 'The actor must be a user id.');
  if (typeof op !== 'object' || op === null) fail(WbErrorCode.BAD_OP, 'An operation must be a JSON object.');
  if (op.type === 'undo' || op.type === 'redo') {
    if (Object.keys(op).length !== 1) fail(WbErrorCode.BAD_OP, `A ${op.type} operation has no other fields.`);
    return op.type === 'undo' ? undo(state, actor) : redo(state, actor);
  }
  const { pages, inverse, op: applied } = edit(state.pages, op);
  const mine = historyOf(state, actor);
  const history = touch(state.history, {
    actor,
    undo: [...mine.undo, { op: applied, ops: inverse }].slice(-WbLimits.undoDepth),
    redo: [],
  });
  return { state: { pages, history }, inverse };
}

/**
 * Applies edits in order, all or nothing, without touching undo history (for previews and
 * rollbacks on a client). The inverse undoes all of them, last first.
 */
export function applyEdits(state: BoardState, ops: readonly WbEditOp[]): Applied {
  const r = editAll(state.pages, ops);
  return { state: { pages: r.pages, history: state.history }, inverse: r.inverse };
}

/** The actor's undo and redo stacks (empty if they have none). */
export function historyOf(state: BoardState, actor: number): WbActorHistory {
  return state.history.find((h) => h.actor === actor) ?? { actor, undo: [], redo: [] };
}

export const canUndo = (state: BoardState, actor: number): boolean => historyOf(state, actor).undo.length > 0;
export const canRedo = (state: BoardState, actor: number): boolean => historyOf(state, actor).redo.length > 0;

export function findPage(state: BoardState, pageId: string): WbPage | undefined {
  return state.pages.find((p) => p.id === pageId);
}

// ---------------------------------------------------------------- undo and redo

/**
 * Undoes the actor's most recent edit that can still be undone. An entry that no longer
 * applies (someone else deleted the object or page meanwhile, or a limit would be passed) is
 * dropped and the next older one is tried; WB_NOTHING_TO_UNDO when none is left.
 */
export function undo(state: BoardState, actor: number): Applied {
  return move(state, actor, 'undo');
}

/** Redoes the actor's most recently undone edit, with the same skipping rule as undo. */
export function redo(state: BoardState, actor: number): Applied {
  return move(state, actor, 'redo');
}

function move(state: BoardState, actor: number, from: 'undo' | 'redo'): Applied {
  const mine = historyOf(state, actor);
  const source = [...mine[from]];
  while (source.length > 0) {
    const entry = source.pop()!;
    let r: { pages: readonly WbPage[]; inverse: WbEditOp[] };
    try {
      r = editAll(state.pages, entry.ops);
    } catch (e) {
      if (e instanceof WbError) continue; // made impossible by others: forget it
      throw e;
    }
    // The inverse of what was just applied is exactly what moves the entry back.
    const moved: WbHistoryEntry = { op: entry.op, ops: r.inverse };
    const target = [...mine[from === 'undo' ? 'redo' : 'undo'], moved].slice(-WbLimits.undoDepth);
    const history = touch(state.history, from === 'undo'
      ? { actor, undo: source, redo: target }
      : { actor, undo: target, redo: source });
    return { state: { pages: r.pages, history }, inverse: r.inverse };
  }
  return from === 'undo'
    ? fail(WbErrorCode.NOTHING_TO_UNDO, 'There is nothing of yours left to undo.')
    : fail(WbErrorCode.NOTHING_TO_REDO, 'There is nothing of yours left to redo.');
}

/** Puts the actor's stacks last (most recently active) and forgets the least active actors. */
function touch(history: readonly WbActorHistory[], mine: WbActorHistory): readonly WbActorHistory[] {
  const others = history.filter((h) => h.actor !== mine.actor);
  const next = mine.undo.length + mine.redo.length > 0 ? [...others, mine] : others;
  return next.length > WbLimits.undoActors ? next.slice(next.length - WbLimits.undoActors) : next;
}

// ---------------------------------------------------------------- edits

interface Edited {
  pages: readonly WbPage[];
  inverse: WbEditOp[];
  /** The op in canonical form, as recorded in history. */
  op: WbEditOp;
}

function editAll(pages: readonly WbPage[], ops: readonly WbEditOp[]): { pages: readonly WbPage[]; inverse: WbEditOp[] } {
  const inverses: WbEditOp[][] = [];
  for (let i = 0; i < ops.length;) {
    // A run of obj.add on one page (an undone clear or delete: up to 5000 of them) is applied
    // in one pass instead of copying the object list once per object.
    let j = i + 1;
    while (j < ops.length && isAddTo(ops[j], ops[i])) j++;
    const r = j - i > 1 ? addMany(pages, ops.slice(i, j)) : edit(pages, ops[i]!);
    pages = r.pages;
    inverses.push(r.inverse);
    i = j;
  }
  return { pages, inverse: mergeDeletes(inverses.reverse().flat()) };
}

function isAddTo(op: WbEditOp | undefined, first: WbEditOp | undefined): boolean {
  return op?.type === 'obj.add' && first?.type === 'obj.add' && op.pageId === first.pageId;
}

function addMany(pages: readonly WbPage[], ops: readonly WbEditOp[]): { pages: readonly WbPage[]; inverse: WbEditOp[] } {
  const { page, at } = pageAt(pages, (ops[0] as { pageId: string }).pageId);
  const objects = [...page.objects];
  const ids = new Set(objects.map((o) => o.id));
  const inverse: WbEditOp[] = [];
  for (const raw of ops) {
    const op = checkEditOp(raw) as WbOpOf<'obj.add'>;
    addCheck(ids.has(op.object.id), objects.length, op.object.id);
    objects.splice(clamp(op.index ?? objects.length, objects.length), 0, op.object);
    ids.add(op.object.id);
    inverse.push({ type: 'obj.delete', pageId: page.id, ids: [op.object.id] });
  }
  return { pages: setPage(pages, at, { ...page, objects }), inverse: inverse.reverse() };
}

function addCheck(duplicate: boolean, count: number, id: string): void {
  if (duplicate) fail(WbErrorCode.DUPLICATE_ID, `There already is an object "${id}" on this page.`);
  if (count >= WbLimits.objectsPerPage) fail(WbErrorCode.LIMIT, `A page may hold at most ${WbLimits.objectsPerPage} objects.`);
}

/** Joins neighbouring obj.delete ops on one page (same effect, all or nothing either way). */
function mergeDeletes(ops: WbEditOp[]): WbEditOp[] {
  const out: WbEditOp[] = [];
  for (const op of ops) {
    const last = out.at(-1);
    if (op.type === 'obj.delete' && last?.type === 'obj.delete' && last.pageId === op.pageId
        && last.ids.length + op.ids.length <= WbLimits.deleteIds) {
      out[out.length - 1] = { ...last, ids: [...last.ids, ...op.ids] };
    } else {
      out.push(op);
    }
  }
  return out;
}

const clamp = (i: number, max: number): number => Math.min(Math.max(i, 0), max);
const withItem = <T>(list: readonly T[], i: number, item: T): T[] => [...list.slice(0, i), item, ...list.slice(i)];

function pageAt(pages: readonly WbPage[], pageId: string): { page: WbPage; at: number } {
  const at = pages.findIndex((p) => p.id === pageId);
  if (at < 0) fail(WbErrorCode.UNKNOWN_PAGE, `There is no page "${pageId}".`);
  return { page: pages[at]!, at };
}

function setPage(pages: readonly WbPage[], at: number, page: WbPage): WbPage[] {
  return pages.map((p, i) => (i === at ? page : p));
}

function edit(pages: readonly WbPage[], raw: WbEditOp): Edited {
  const op = checkEditOp(raw);
  switch (op.type) {
    case 'page.add': {
      if (pages.some((p) => p.id === op.pageId)) fail(WbErrorCode.DUPLICATE_ID, `There already is a page "${op.pageId}".`);
      if (pages.length >= WbLimits.pagesPerBoard) fail(WbErrorCode.LIMIT, `A board may have at most ${WbLimits.pagesPerBoard} pages.`);
      const at = clamp(op.index ?? pages.length, pages.length);
      const page: WbPage = { id: op.pageId, title: op.title, background: null, objects: [] };
      return { pages: withItem(pages, at, page), inverse: [{ type: 'page.delete', pageId: op.pageId }], op };
    }
    case 'page.delete': {
      const { page, at } = pageAt(pages, op.pageId);
      if (pages.length === 1) fail(WbErrorCode.LAST_PAGE, 'The only page cannot be deleted; clear it instead.');
      const inverse: WbEditOp[] = [{ type: 'page.add', pageId: page.id, title: page.title, index: at }];
      if (page.background) inverse.push({ type: 'page.background', pageId: page.id, background: page.background });
      for (const object of page.objects) inverse.push({ type: 'obj.add', pageId: page.id, object });
      return { pages: pages.filter((_, i) => i !== at), inverse, op };
    }
    case 'page.move': {
      const { page, at } = pageAt(pages, op.pageId);
      const rest = pages.filter((_, i) => i !== at);
      const to = clamp(op.index, rest.length);
      return { pages: withItem(rest, to, page), inverse: [{ type: 'page.move', pageId: page.id, index: at }], op };
    }
    case 'page.rename': {
      const { page, at } = pageAt(pages, op.pageId);
      return {
        pages: setPage(pages, at, { ...page, title: op.title }),
        inverse: [{ type: 'page.rename', pageId: page.id, title: page.title }],
        op,
      };
    }
    case 'page.background': {
      const { page, at } = pageAt(pages, op.pageId);
      return {
        pages: setPage(pages, at, { ...page, background: op.background }),
        inverse: [{ type: 'page.background', pageId: page.id, background: page.background }],
        op,
      };
    }
    case 'obj.add': {
      const { page, at } = pageAt(pages, op.pageId);
      const object = op.object;
      addCheck(page.objects.some((o) => o.id === object.id), page.objects.length, object.id);
      const z = clamp(op.index ?? page.objects.length, page.objects.length);
      return {
        pages: setPage(pages, at, { ...page, objects: withItem(page.objects, z, object) }),
        inverse: [{ type: 'obj.delete', pageId: page.id, ids: [object.id] }],
        op,
      };
    }
    case 'obj.update': {
      const { page, at } = pageAt(pages, op.pageId);
      const z = page.objects.findIndex((o) => o.id === op.id);
      if (z < 0) fail(WbErrorCode.UNKNOWN_OBJECT, `There is no object "${op.id}" on this page.`);
      const old = page.objects[z]!;
      const patch = checkPatch(op.patch, old.kind as WbObjectKind);
      const before: Record<string, unknown> = {};
      for (const key of Object.keys(patch)) before[key] = (old as Record<string, unknown>)[key];
      const updated = { ...old, ...patch } as WbObject;
      return {
        pages: setPage(pages, at, { ...page, objects: page.objects.map((o, i) => (i === z ? updated : o)) }),
        inverse: [{ type: 'obj.update', pageId: page.id, id: op.id, patch: before }],
        op: { ...op, patch },
      };
    }
    case 'obj.delete': {
      const { page, at } = pageAt(pages, op.pageId);
      const ids = new Set(op.ids);
      const found = page.objects.filter((o) => ids.has(o.id)).length;
      if (found !== ids.size) {
        const missing = op.ids.find((id) => !page.objects.some((o) => o.id === id));
        fail(WbErrorCode.UNKNOWN_OBJECT, `There is no object "${missing ?? ''}" on this page.`);
      }
      // Restored bottom first at their old z-positions, which puts each exactly back.
      const inverse: WbEditOp[] = [];
      page.objects.forEach((object, index) => {
        if (ids.has(object.id)) inverse.push({ type: 'obj.add', pageId: page.id, object, index });
      });
      return { pages: setPage(pages, at, { ...page, objects: page.objects.filter((o) => !ids.has(o.id)) }), inverse, op };
    }
    case 'page.clear': {
      const { page, at } = pageAt(pages, op.pageId);
      // With indexes, so objects others drew after the clear stay on top when it is undone.
      const inverse: WbEditOp[] = page.objects.map((object, index) => ({ type: 'obj.add', pageId: page.id, object, index }));
      return { pages: setPage(pages, at, { ...page, objects: [] }), inverse, op };
    }
  }
}

// ---------------------------------------------------------------- compaction

const SNAPSHOT_VERSION = 1;

/** The board as a JSON string, for storage next to the room log's seq it was taken at. */
export function snapshot(state: BoardState): string {
  return JSON.stringify({ v: SNAPSHOT_VERSION, pages: state.pages, history: state.history });
}

/** Reads a snapshot back, checking everything as if it had arrived op by op. */
export function restore(json: string): BoardState {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return fail(WbErrorCode.BAD_SNAPSHOT, 'The whiteboard snapshot is not valid JSON.');
  }
  const v = (raw as { v?: unknown } | null)?.v;
  if (v !== SNAPSHOT_VERSION) fail(WbErrorCode.BAD_SNAPSHOT, `Unknown whiteboard snapshot version ${String(v)}.`);
  const { v: _v, ...board } = raw as Record<string, unknown>;
  return checkBoard(board);
}

/** Checks an untrusted board value (a snapshot, a join result) and returns a canonical copy. */
export function checkBoard(raw: unknown): BoardState {
  try {
    return rebuild(raw);
  } catch (e) {
    if (e instanceof WbError && e.code !== WbErrorCode.BAD_SNAPSHOT) fail(WbErrorCode.BAD_SNAPSHOT, `Invalid whiteboard state: ${e.message}`);
    throw e;
  }
}

function rebuild(raw: unknown): BoardState {
  const bad = (message: string): never => fail(WbErrorCode.BAD_SNAPSHOT, `Invalid whiteboard state: ${message}`);
  const fields = (v: unknown, allowed: readonly string[], what: string): Record<string, unknown> => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad(`${what} is not an object.`);
    const extra = Object.keys(v).find((k) => !allowed.includes(k));
    if (extra !== undefined) bad(`${what} has an unknown field "${extra}".`);
    return v as Record<string, unknown>;
  };
  const board = fields(raw, ['pages', 'history'], 'the board');
  if (!Array.isArray(board.pages) || board.pages.length === 0 || board.pages.length > WbLimits.pagesPerBoard) {
    return bad(`pages must be a list of 1-${WbLimits.pagesPerBoard} pages.`);
  }
  const pageIds = new Set<string>();
  const pages = board.pages.map((p: unknown): WbPage => {
    const { id, title, background, objects } = fields(p, ['id', 'title', 'background', 'objects'], 'a page');
    // The same checks as page.add, page.background and obj.add.
    const pageOp = checkEditOp({ type: 'page.add', pageId: id, title }) as WbOpOf<'page.add'>;
    if (pageIds.has(pageOp.pageId)) bad(`page "${pageOp.pageId}" appears twice.`);
    pageIds.add(pageOp.pageId);
    if (!Array.isArray(objects) || objects.length > WbLimits.objectsPerPage) return bad(`a page holds a list of at most ${WbLimits.objectsPerPage} objects.`);
    const ids = new Set<string>();
    const checked = objects.map((o: unknown) => {
      const object = checkObject(o);
      if (ids.has(object.id)) bad(`object "${object.id}" appears twice on page "${pageOp.pageId}".`);
      ids.add(object.id);
      return object;
    });
    return { id: pageOp.pageId, title: pageOp.title, background: checkBackground(background), objects: checked };
  });
  if (!Array.isArray(board.history) || board.history.length > WbLimits.undoActors) return bad('history must be a list.');
  const entries = (list: unknown): WbHistoryEntry[] => {
    if (!Array.isArray(list) || list.length > WbLimits.undoDepth) return bad('an undo or redo stack is not a list, or too long.');
    return list.map((e: unknown) => {
      const { op, ops } = fields(e, ['op', 'ops'], 'a history entry');
      if (!Array.isArray(ops)) return bad('a history entry has no ops.');
      return { op: checkEditOp(op), ops: ops.map((o: unknown) => checkEditOp(o)) };
    });
  };
  const actors = new Set<number>();
  const history = board.history.map((h: unknown): WbActorHistory => {
    const { actor, undo: u, redo: r } = fields(h, ['actor', 'undo', 'redo'], 'a history');
    if (typeof actor !== 'number' || !Number.isSafeInteger(actor) || actors.has(actor)) return bad('a history has a missing or repeated actor.');
    actors.add(actor);
    return { actor, undo: entries(u), redo: entries(r) };
  });
  return { pages, history };
}
