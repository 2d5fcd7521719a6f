// The board as this client shows it: the server's board (room.join's snapshot plus every later
// wb.op event, through the same model the server runs), with this client's own edits that are
// sent but not yet back drawn on top, and everyone else's live updates (strokes in progress,
// cursors, laser trails). Pure: no DOM, no clock (callers pass `now`); unit-tested in
// test/unit/boardView.test.ts.
import type { WbEphemeral } from '../../protocol/whiteboard.js';
import { applyEdits, applyOp, type BoardState, type WbEditOp, type WbOp, type WbPage } from '../../whiteboard/model.js';

// ---------------------------------------------------------------- the server's board

/**
 * Applies one logged op, unless the join's snapshot (taken at `snapshotSeq`) already has it.
 * The server applied it with the same model, so it applies here too; should it not (a bug),
 * the board is kept rather than lost.
 */
export function applyBoardEvent(board: BoardState, e: { seq: number; data: { actor: number; op: WbOp } }, snapshotSeq: number): BoardState {
  if (e.seq <= snapshotSeq) return board;
  try {
    return applyOp(board, e.data.op, e.data.actor).state;
  } catch (err) {
    console.error(`wb.op at seq ${e.seq} did not apply`, err);
    return board;
  }
}

// ---------------------------------------------------------------- my edits in flight

/** An edit this client sent: `seq` is set once the server accepted it. */
export interface PendingOp {
  readonly key: number;
  readonly op: WbEditOp;
  readonly seq: number | null;
}

/** The pending ops still worth drawing: not refused, and not yet applied (seq above `appliedSeq`). */
export function livePending(pending: readonly PendingOp[], appliedSeq: number): PendingOp[] {
  return pending.filter((p) => p.seq === null || p.seq > appliedSeq);
}

/**
 * The server's board with my unconfirmed edits applied on top, each on its own: one that no
 * longer applies (its event arrived meanwhile, or someone deleted the object) is skipped, so
 * the view always converges to the server's board once every reply is in.
 */
export function previewBoard(board: BoardState, pending: readonly PendingOp[], appliedSeq: number): BoardState {
  let out = board;
  for (const p of livePending(pending, appliedSeq)) {
    try {
      out = applyEdits(out, [p.op]).state;
    } catch {
      /* superseded or refused: the server's board wins */
    }
  }
  return out;
}

/**
 * The page to show: the followed page for a student while a teacher leads (and it exists),
 * else the page chosen here, else the first one.
 */
export function visiblePage(board: BoardState, chosen: string | null, follow: { pageId: string } | null, leader: boolean): WbPage {
  const find = (id: string | null | undefined) => (id ? board.pages.find((p) => p.id === id) : undefined);
  return (!leader && find(follow?.pageId)) || find(chosen) || board.pages[0]!;
}

// ---------------------------------------------------------------- others' live updates

export interface LiveStroke {
  readonly userId: number;
  readonly strokeId: string;
  readonly pageId: string;
  readonly kind: 'pen' | 'highlighter';
  readonly color: string;
  readonly width: number;
  /** Absolute coordinates, as received. */
  readonly points: readonly number[];
  readonly done: boolean;
  /** When the last batch arrived (ms). */
  readonly at: number;
}

export interface LiveCursor { readonly userId: number; readonly pageId: string; readonly x: number; readonly y: number; readonly at: number }
export interface LiveLaser { readonly userId: number; readonly pageId: string; readonly points: readonly number[]; readonly at: number }

export interface LiveState {
  /** By `${userId}:${strokeId}`. */
  readonly strokes: ReadonlyMap<string, LiveStroke>;
  readonly cursors: ReadonlyMap<number, LiveCursor>;
  readonly lasers: ReadonlyMap<number, LiveLaser>;
}

export const emptyLive = (): LiveState => ({ strokes: new Map(), cursors: new Map(), lasers: new Map() });

/** How long things stay without news (ms). */
export const LIVE_TTL = {
  /** A stroke whose pen lifted, waiting for its obj.add. */
  doneStroke: 1500,
  /** A stroke whose drawer went quiet (lost connection). */
  idleStroke: 10_000,
  cursor: 5000,
  /** A laser trail fades out over this time. */
  laser: 1200,
} as const;

/** Caps a live stroke's points (a runaway sender cannot grow our memory without bound). */
const MAX_LIVE_NUMBERS = 20_000;

/** Applies one wb.updates frame; my own updates (echoed to everyone) are skipped. */
export function applyUpdates(live: LiveState, updates: ReadonlyArray<WbEphemeral & { userId: number }>, selfId: number | null, now: number): LiveState {
  let strokes: Map<string, LiveStroke> | null = null;
  let cursors: Map<number, LiveCursor> | null = null;
  let lasers: Map<number, LiveLaser> | null = null;
  for (const u of updates) {
    if (u.userId === selfId) continue;
    switch (u.type) {
      case 'stroke.progress': {
        strokes ??= new Map(live.strokes);
        const key = `${u.userId}:${u.strokeId}`;
        const old = strokes.get(key);
        const points = old ? [...old.points, ...u.points].slice(0, MAX_LIVE_NUMBERS) : u.points.slice(0, MAX_LIVE_NUMBERS);
        strokes.set(key, {
          userId: u.userId, strokeId: u.strokeId, pageId: u.pageId, kind: u.kind, color: u.color, width: u.width,
          points, done: u.done === true, at: now,
        });
        // A drawing pen is where the cursor is.
        const n = points.length;
        if (n >= 2) {
          cursors ??= new Map(live.cursors);
          cursors.set(u.userId, { userId: u.userId, pageId: u.pageId, x: points[n - 2]!, y: points[n - 1]!, at: now });
        }
        break;
      }
      case 'cursor':
        cursors ??= new Map(live.cursors);
        cursors.set(u.userId, { userId: u.userId, pageId: u.pageId, x: u.x, y: u.y, at: now });
        break;
      case 'laser':
        lasers ??= new Map(live.lasers);
        lasers.set(u.userId, { userId: u.userId, pageId: u.pageId, points: u.points, at: now });
        break;
    }
  }
  if (!strokes && !cursors && !lasers) return live;
  return { strokes: strokes ?? live.strokes, cursors: cursors ?? live.cursors, lasers: lasers ?? live.lasers };
}

/**
 * Drops what is over: strokes that arrived as objects (the same id, or a split stroke's first
 * part), strokes whose pen lifted a while ago or went quiet, old cursors and faded lasers.
 */
export function pruneLive(live: LiveState, board: BoardState, now: number): LiveState {
  const stored = (s: LiveStroke) => board.pages.find((p) => p.id === s.pageId)?.objects.some((o) => o.id === s.strokeId) ?? false;
  const strokes = keep(live.strokes, (s) => !stored(s) && now - s.at < (s.done ? LIVE_TTL.doneStroke : LIVE_TTL.idleStroke));
  const cursors = keep(live.cursors, (c) => now - c.at < LIVE_TTL.cursor);
  const lasers = keep(live.lasers, (l) => now - l.at < LIVE_TTL.laser);
  if (strokes === live.strokes && cursors === live.cursors && lasers === live.lasers) return live;
  return { strokes, cursors, lasers };
}

/** Whether anything live remains (the renderer keeps animating while so). */
export const hasLive = (live: LiveState): boolean => live.strokes.size + live.cursors.size + live.lasers.size > 0;

function keep<K, V>(m: ReadonlyMap<K, V>, ok: (v: V) => boolean): ReadonlyMap<K, V> {
  for (const v of m.values()) {
    if (!ok(v)) return new Map([...m].filter(([, x]) => ok(x)));
  }
  return m;
}
