// The whiteboard's part of the wire contract: objects, durable operations (one room-log event
// each) and ephemeral updates (relayed, never stored), as zod schemas that also give the
// TypeScript types. The board state itself is a plain JSON value (BoardState below) reduced by
// src/whiteboard/model.ts. No node:* imports; runtime limits live in whiteboardLimits.ts.
import { z } from 'zod';
import {
  WB_ASSET_ID_PATTERN, WB_COLOR_PATTERN, WB_ID_PATTERN, WbLimits,
} from './whiteboardLimits.js';

export * from './whiteboardLimits.js';

const C = WbLimits.coord;

/** Client-generated, so a client can refer to its own object before the server answers. */
export const WbId = z.string().regex(WB_ID_PATTERN, `ids are 1-${WbLimits.idLength} letters, digits, _ or -`);
export const WbAssetId = z.string().regex(WB_ASSET_ID_PATTERN, `asset ids are 1-${WbLimits.assetIdLength} letters, digits, _ or -`);
/** zod 4 numbers are finite: NaN and ±Infinity are refused before the bounds are checked. */
const Coord = z.number().min(-C).max(C);
const Size = z.number().min(0).max(C);
const Color = z.string().regex(WB_COLOR_PATTERN, 'colours are #rrggbb in lower case');
const Fill = Color.nullable();
const Width = z.number().min(WbLimits.minWidth).max(WbLimits.maxWidth);
const Opacity = z.number().min(0).max(1);
const Text = z.string().max(WbLimits.textLength);
const FontSize = z.number().min(WbLimits.minFontSize).max(WbLimits.maxFontSize);
const Title = z.string().min(1).max(WbLimits.pageTitleLength);

/** A flat [x0, y0, x1, y1, ...] list of at least `min` and at most `max` pairs. */
const pointList = (min: number, max: number) =>
  z.array(Coord).min(min * 2).max(max * 2).refine((a) => a.length % 2 === 0, 'points come in x, y pairs');

// ---------------------------------------------------------------- objects
// Every field is required (fill may be null), so an update's inverse is exact and two boards
// with the same content are the same JSON.

const stroke = <K extends 'pen' | 'highlighter'>(kind: K) => z.strictObject({
  id: WbId, kind: z.literal(kind),
  /** The stroke's origin; points are relative to it, so moving a stroke patches x and y only. */
  x: Coord, y: Coord,
  /** Already smoothed by the client; rendered with quadratic curves through midpoints. */
  points: pointList(1, WbLimits.strokePoints),
  color: Color, width: Width, opacity: Opacity,
});
const segment = <K extends 'line' | 'arrow'>(kind: K) => z.strictObject({
  id: WbId, kind: z.literal(kind),
  x1: Coord, y1: Coord, x2: Coord, y2: Coord,
  color: Color, width: Width, opacity: Opacity,
});
const shape = <K extends 'rect' | 'ellipse'>(kind: K) => z.strictObject({
  id: WbId, kind: z.literal(kind),
  x: Coord, y: Coord, w: Size, h: Size,
  color: Color, width: Width, fill: Fill, opacity: Opacity,
});

export const WbObject = z.discriminatedUnion('kind', [
  stroke('pen'),
  /** Drawn like a pen; clients create it wide and translucent (opacity about 0.4). */
  stroke('highlighter'),
  segment('line'),
  /** The head is at (x2, y2). */
  segment('arrow'),
  shape('rect'),
  shape('ellipse'),
  /** (x, y) is the top-left corner; lines are separated by \n; line height 1.25 × fontSize. */
  z.strictObject({ id: WbId, kind: z.literal('text'), x: Coord, y: Coord, text: Text, color: Color, fontSize: FontSize, opacity: Opacity }),
  /** A note: color is the note's colour; its text is drawn dark on it. */
  z.strictObject({ id: WbId, kind: z.literal('sticky'), x: Coord, y: Coord, w: Size, h: Size, text: Text, color: Color, fontSize: FontSize, opacity: Opacity }),
  z.strictObject({ id: WbId, kind: z.literal('image'), x: Coord, y: Coord, w: Size, h: Size, assetId: WbAssetId, opacity: Opacity }),
]);
export type WbObject = z.infer<typeof WbObject>;
export type WbObjectOf<K extends WbObject['kind']> = Extract<WbObject, { kind: K }>;

/**
 * obj.update's patch: geometry, style and text. id, kind and assetId never change; which fields
 * fit which kind is checked by the model (WB_BAD_OP), since the patch alone does not say.
 */
export const WbObjectPatch = z.strictObject({
  x: Coord.optional(), y: Coord.optional(),
  x1: Coord.optional(), y1: Coord.optional(), x2: Coord.optional(), y2: Coord.optional(),
  w: Size.optional(), h: Size.optional(),
  points: pointList(1, WbLimits.strokePoints).optional(),
  color: Color.optional(), width: Width.optional(), fill: Fill.optional(), opacity: Opacity.optional(),
  text: Text.optional(), fontSize: FontSize.optional(),
}).refine((p) => Object.keys(p).length > 0, 'a patch changes at least one field');
export type WbObjectPatch = z.infer<typeof WbObjectPatch>;

export const WbBackground = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('image'), assetId: WbAssetId }),
  /** One page (from 1) of an uploaded PDF. */
  z.strictObject({ kind: z.literal('pdf'), assetId: WbAssetId, page: z.number().int().min(1).max(100_000) }),
]);
export type WbBackground = z.infer<typeof WbBackground>;

// ---------------------------------------------------------------- durable operations
// Each accepted operation becomes one room-log event {actor, op}; replaying the events through
// applyOp rebuilds the board exactly. Indexes past the end mean "at the end".

const PageIndex = z.number().int().min(0).max(WbLimits.pagesPerBoard);
const ObjectIndex = z.number().int().min(0).max(WbLimits.objectsPerPage);

const editOps = [
  z.strictObject({ type: z.literal('page.add'), pageId: WbId, title: Title, index: PageIndex.optional() }),
  z.strictObject({ type: z.literal('page.delete'), pageId: WbId }),
  z.strictObject({ type: z.literal('page.move'), pageId: WbId, index: PageIndex }),
  z.strictObject({ type: z.literal('page.rename'), pageId: WbId, title: Title }),
  z.strictObject({ type: z.literal('page.background'), pageId: WbId, background: WbBackground.nullable() }),
  /** index: z-position (0 = bottom); omitted = on top. */
  z.strictObject({ type: z.literal('obj.add'), pageId: WbId, object: WbObject, index: ObjectIndex.optional() }),
  z.strictObject({ type: z.literal('obj.update'), pageId: WbId, id: WbId, patch: WbObjectPatch }),
  z.strictObject({
    type: z.literal('obj.delete'), pageId: WbId,
    ids: z.array(WbId).min(1).max(WbLimits.deleteIds).refine((ids) => new Set(ids).size === ids.length, 'ids must not repeat'),
  }),
  /** Removes every object of the page (the server allows it to teachers). */
  z.strictObject({ type: z.literal('page.clear'), pageId: WbId }),
] as const;

/** An operation that edits the board (and can be undone). */
export const WbEditOp = z.discriminatedUnion('type', [...editOps]);
export type WbEditOp = z.infer<typeof WbEditOp>;

/** Any durable operation: an edit, or undo/redo of the sender's own most recent edit. */
export const WbOp = z.discriminatedUnion('type', [
  ...editOps,
  z.strictObject({ type: z.literal('undo') }),
  z.strictObject({ type: z.literal('redo') }),
]);
export type WbOp = z.infer<typeof WbOp>;
export type WbOpType = WbOp['type'];
export type WbOpOf<T extends WbOpType> = Extract<WbOp, { type: T }>;

// ---------------------------------------------------------------- ephemeral updates
// Relayed to the room (coalesced per tick by the server), never stored, never replayed.

export const WbEphemeral = z.discriminatedUnion('type', [
  /** A stroke being drawn: the new points since the last batch, in absolute coordinates. */
  z.strictObject({
    type: z.literal('stroke.progress'), pageId: WbId, strokeId: WbId,
    kind: z.enum(['pen', 'highlighter']), color: Color, width: Width,
    points: pointList(0, WbLimits.progressPoints),
    /** The pen lifted: the stroke arrives next as obj.add (or was abandoned). */
    done: z.boolean().optional(),
  }),
  z.strictObject({ type: z.literal('cursor'), pageId: WbId, x: Coord, y: Coord }),
  /** The whole visible trail, newest last. */
  z.strictObject({ type: z.literal('laser'), pageId: WbId, points: pointList(1, WbLimits.laserPoints) }),
]);
export type WbEphemeral = z.infer<typeof WbEphemeral>;

// ---------------------------------------------------------------- the board state
// Plain JSON: what a snapshot stores and a joining client receives.

export interface WbPage {
  readonly id: string;
  readonly title: string;
  readonly background: WbBackground | null;
  /** In z-order, bottom first. */
  readonly objects: readonly WbObject[];
}

/**
 * One step of a user's history: the edit as the user made it (for labels such as "Undo delete")
 * and the ops that move it to the other stack: on the undo stack, the inverse computed when the
 * edit was applied; on the redo stack, the inverse of that inverse computed when it was undone.
 */
export interface WbHistoryEntry {
  readonly op: WbEditOp;
  readonly ops: readonly WbEditOp[];
}

export interface WbActorHistory {
  readonly actor: number;
  /** Most recent last, at most WbLimits.undoDepth. */
  readonly undo: readonly WbHistoryEntry[];
  /** Most recently undone last; emptied by the user's next edit. */
  readonly redo: readonly WbHistoryEntry[];
}

export interface BoardState {
  /** In display order; never empty. */
  readonly pages: readonly WbPage[];
  /** Undo/redo per user, least recently active first (part of the state so replay is exact). */
  readonly history: readonly WbActorHistory[];
}
