// The model's own checks of objects and operations, without zod: the browser applies the same
// ops, a snapshot read back from disk passes through here, and the reducer must never store
// something the schemas would have refused. Each check returns a canonical copy (known fields
// only, in a fixed order), so equal boards are equal JSON. Pure; no node:*.
import type { WbBackground, WbEditOp, WbObject } from '../protocol/whiteboard.js';
import {
  WB_ASSET_ID_PATTERN, WB_COLOR_PATTERN, WB_FIELD_TYPES, WB_FIXED_FIELDS, WB_ID_PATTERN, WB_OBJECT_FIELDS,
  WB_OBJECT_KINDS, WbLimits, type WbField, type WbObjectKind,
} from '../protocol/whiteboardLimits.js';

export const WbErrorCode = {
  UNKNOWN_PAGE: 'WB_UNKNOWN_PAGE',
  UNKNOWN_OBJECT: 'WB_UNKNOWN_OBJECT',
  DUPLICATE_ID: 'WB_DUPLICATE_ID',
  /** A size, count, length or coordinate beyond WbLimits. */
  LIMIT: 'WB_LIMIT',
  /** The only page cannot be deleted. */
  LAST_PAGE: 'WB_LAST_PAGE',
  /** Malformed: wrong type, unknown field, a field that does not fit the object's kind. */
  BAD_OP: 'WB_BAD_OP',
  NOTHING_TO_UNDO: 'WB_NOTHING_TO_UNDO',
  NOTHING_TO_REDO: 'WB_NOTHING_TO_REDO',
  BAD_SNAPSHOT: 'WB_BAD_SNAPSHOT',
} as const;
export type WbErrorCode = (typeof WbErrorCode)[keyof typeof WbErrorCode];

/** A refused operation: a stable code for programs and a sentence for people. */
export class WbError extends Error {
  override readonly name = 'WbError';
  readonly code: WbErrorCode;
  constructor(code: WbErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export function fail(code: WbErrorCode, message: string): never {
  throw new WbError(code, message);
}
const bad = (message: string): never => fail(WbErrorCode.BAD_OP, message);
const limit = (message: string): never => fail(WbErrorCode.LIMIT, message);

type Rec = Record<string, unknown>;
const isRecord = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const KINDS: ReadonlySet<string> = new Set(WB_OBJECT_KINDS);

/** Refuses keys outside `allowed`, the strictObject rule of the schemas. */
function onlyKeys(raw: Rec, allowed: readonly string[], what: string): void {
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) bad(`${what} has no field "${key}".`);
  }
}

export function checkId(v: unknown, what: string): string {
  if (typeof v !== 'string' || !WB_ID_PATTERN.test(v)) {
    bad(`The ${what} must be 1-${WbLimits.idLength} letters, digits, _ or -.`);
  }
  return v as string;
}

function finite(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) bad(`${name} must be a finite number.`);
  return v as number;
}

function inRange(v: unknown, name: string, min: number, max: number): number {
  const n = finite(v, name);
  if (n < min || n > max) limit(`${name} must be between ${min} and ${max}.`);
  return n;
}

function points(v: unknown, name: string, maxPairs: number): number[] {
  if (!Array.isArray(v)) return bad(`${name} must be a list of numbers.`);
  if (v.length === 0 || v.length % 2 !== 0) bad(`${name} must hold x, y pairs.`);
  if (v.length > maxPairs * 2) limit(`${name} may hold at most ${maxPairs} points.`);
  return v.map((n) => inRange(n, name, -WbLimits.coord, WbLimits.coord));
}

function color(v: unknown, name: string): string {
  if (typeof v !== 'string' || !WB_COLOR_PATTERN.test(v)) bad(`${name} must be a colour like #1e90ff.`);
  return v as string;
}

function assetId(v: unknown): string {
  if (typeof v !== 'string' || !WB_ASSET_ID_PATTERN.test(v)) bad(`The asset id must be 1-${WbLimits.assetIdLength} letters, digits, _ or -.`);
  return v as string;
}

/** Checks one field's value by its type in WB_FIELD_TYPES; returns the value to store. */
export function checkField(field: WbField, v: unknown): unknown {
  const C = WbLimits.coord;
  switch (WB_FIELD_TYPES[field]) {
    case 'coord': return inRange(v, field, -C, C);
    case 'size': return inRange(v, field, 0, C);
    case 'points': return points(v, field, WbLimits.strokePoints);
    case 'color': return color(v, field);
    case 'fill': return v === null ? null : color(v, field);
    case 'width': return inRange(v, field, WbLimits.minWidth, WbLimits.maxWidth);
    case 'opacity': return inRange(v, field, 0, 1);
    case 'fontSize': return inRange(v, field, WbLimits.minFontSize, WbLimits.maxFontSize);
    case 'assetId': return assetId(v);
    case 'text':
      if (typeof v !== 'string') bad(`${field} must be a string.`);
      if ((v as string).length > WbLimits.textLength) limit(`Text may be at most ${WbLimits.textLength} characters.`);
      return v;
  }
}

export function checkObject(raw: unknown): WbObject {
  if (!isRecord(raw)) return bad('An object must be a JSON object.');
  const kind = raw.kind;
  if (typeof kind !== 'string' || !KINDS.has(kind)) return bad(`Unknown object kind ${JSON.stringify(kind) ?? 'undefined'}.`);
  const fields: readonly WbField[] = WB_OBJECT_FIELDS[kind as WbObjectKind];
  onlyKeys(raw, ['id', 'kind', ...fields], `A ${kind} object`);
  const out: Rec = { id: checkId(raw.id, 'object id'), kind };
  for (const f of fields) out[f] = checkField(f, raw[f]);
  return out as WbObject;
}

/** obj.update's patch for an object of `kind`: only that kind's changeable fields. */
export function checkPatch(raw: unknown, kind: WbObjectKind): Rec {
  if (!isRecord(raw)) return bad('A patch must be a JSON object.');
  const fields: readonly string[] = WB_OBJECT_FIELDS[kind];
  const out: Rec = {};
  for (const [key, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    if (key === 'kind') bad("An object's kind cannot change; delete it and add a new one.");
    if (WB_FIXED_FIELDS.includes(key)) bad(`An object's ${key} cannot change.`);
    if (!fields.includes(key)) bad(`A ${kind} object has no field "${key}".`);
    out[key] = checkField(key as WbField, v);
  }
  if (Object.keys(out).length === 0) bad('A patch must change at least one field.');
  return out;
}

export function checkTitle(v: unknown): string {
  if (typeof v !== 'string' || v.length === 0) bad('A page title must be a non-empty string.');
  if ((v as string).length > WbLimits.pageTitleLength) limit(`A page title may be at most ${WbLimits.pageTitleLength} characters.`);
  return v as string;
}

export function checkBackground(v: unknown): WbBackground | null {
  if (v === null) return null;
  if (!isRecord(v)) return bad('A background must be null or an object.');
  if (v.kind === 'image') {
    onlyKeys(v, ['kind', 'assetId'], 'An image background');
    return { kind: 'image', assetId: assetId(v.assetId) };
  }
  if (v.kind === 'pdf') {
    onlyKeys(v, ['kind', 'assetId', 'page'], 'A pdf background');
    if (!Number.isSafeInteger(v.page) || (v.page as number) < 1 || (v.page as number) > 100_000) bad('A pdf page is a whole number from 1.');
    return { kind: 'pdf', assetId: assetId(v.assetId), page: v.page as number };
  }
  return bad('A background is of kind "image" or "pdf".');
}

function index(v: unknown, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isSafeInteger(v) || (v as number) < 0 || (v as number) > max) bad(`An index must be a whole number from 0 to ${max}.`);
  return v as number;
}

/** Field lists of each edit op, for the strictness check. */
const OP_FIELDS: { [T in WbEditOp['type']]: readonly string[] } = {
  'page.add': ['type', 'pageId', 'title', 'index'],
  'page.delete': ['type', 'pageId'],
  'page.move': ['type', 'pageId', 'index'],
  'page.rename': ['type', 'pageId', 'title'],
  'page.background': ['type', 'pageId', 'background'],
  'obj.add': ['type', 'pageId', 'object', 'index'],
  'obj.update': ['type', 'pageId', 'id', 'patch'],
  'obj.delete': ['type', 'pageId', 'ids'],
  'page.clear': ['type', 'pageId'],
};

/**
 * Checks an edit op's shape and values (not whether its page or objects exist) and returns a
 * canonical copy. obj.update's patch is checked against the object's kind by the reducer.
 */
export function checkEditOp(raw: unknown): WbEditOp {
  if (!isRecord(raw)) return bad('An operation must be a JSON object.');
  const type = raw.type;
  if (typeof type !== 'string' || !Object.hasOwn(OP_FIELDS, type)) return bad(`Unknown operation ${JSON.stringify(type) ?? 'undefined'}.`);
  const t = type as WbEditOp['type'];
  onlyKeys(raw, OP_FIELDS[t], `A ${t} operation`);
  const pageId = checkId(raw.pageId, 'page id');
  switch (t) {
    case 'page.add': {
      const i = index(raw.index, WbLimits.pagesPerBoard);
      return { type: t, pageId, title: checkTitle(raw.title), ...(i === undefined ? {} : { index: i }) };
    }
    case 'page.delete':
    case 'page.clear':
      return { type: t, pageId };
    case 'page.move': {
      const i = index(raw.index, WbLimits.pagesPerBoard);
      if (i === undefined) return bad('page.move needs an index.');
      return { type: t, pageId, index: i };
    }
    case 'page.rename':
      return { type: t, pageId, title: checkTitle(raw.title) };
    case 'page.background':
      if (!('background' in raw)) bad('page.background needs a background (null removes it).');
      return { type: t, pageId, background: checkBackground(raw.background) };
    case 'obj.add': {
      const i = index(raw.index, WbLimits.objectsPerPage);
      return { type: t, pageId, object: checkObject(raw.object), ...(i === undefined ? {} : { index: i }) };
    }
    case 'obj.update':
      if (!isRecord(raw.patch)) bad('A patch must be a JSON object.');
      return { type: t, pageId, id: checkId(raw.id, 'object id'), patch: { ...(raw.patch as Rec) } };
    case 'obj.delete': {
      const ids = raw.ids;
      if (!Array.isArray(ids) || ids.length === 0) return bad('obj.delete needs a non-empty list of ids.');
      if (ids.length > WbLimits.deleteIds) limit(`One obj.delete may name at most ${WbLimits.deleteIds} objects.`);
      const checked = ids.map((id) => checkId(id, 'object id'));
      if (new Set(checked).size !== checked.length) bad('obj.delete names an object twice.');
      return { type: t, pageId, ids: checked };
    }
  }
}
