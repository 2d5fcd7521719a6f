// Whiteboard limits and field tables, kept free of zod so the browser bundle (and the pure
// model in src/whiteboard/) can import runtime values without the schema library. The zod
// schemas in whiteboard.ts and the model's own checks both read these numbers; a unit test
// checks that the schemas and WB_OBJECT_FIELDS agree field for field.

/** Limits that are part of the contract (clients may check them before sending). */
export const WbLimits = {
  /** Every coordinate, offset and size is a finite number within ±coord (sizes: 0..coord). */
  coord: 100_000,
  /** Object, page and stroke ids: 1..idLength characters of [A-Za-z0-9_-]. */
  idLength: 40,
  /** Upload ids referenced by images and backgrounds. */
  assetIdLength: 80,
  /** Stroke width, in canvas units. */
  minWidth: 1,
  maxWidth: 64,
  /** Font size of text and sticky notes, in canvas units. */
  minFontSize: 6,
  maxFontSize: 256,
  /** Points of one stored pen or highlighter stroke, in (x, y) pairs. */
  strokePoints: 5000,
  /** New points in one stroke.progress batch, in pairs. */
  progressPoints: 200,
  /** Points of one laser trail, in pairs. */
  laserPoints: 50,
  /** Characters of a text object or sticky note. */
  textLength: 2000,
  pageTitleLength: 80,
  objectsPerPage: 5000,
  pagesPerBoard: 100,
  /** Ids in one obj.delete. */
  deleteIds: 500,
  /** Undo entries kept per user; the oldest falls off. */
  undoDepth: 100,
  /** Users whose undo history is kept; the least recently active one is forgotten first. */
  undoActors: 200,
} as const;

/** The default canvas (a 16:9 slide) in canvas units; backgrounds are fitted into it. */
export const WB_CANVAS = { width: 1600, height: 900 } as const;

export const WB_ID_PATTERN = new RegExp(`^[A-Za-z0-9_-]{1,${WbLimits.idLength}}$`);
export const WB_ASSET_ID_PATTERN = new RegExp(`^[A-Za-z0-9_-]{1,${WbLimits.assetIdLength}}$`);
/** Lower-case only, so the same colour is always the same string (exports compare equal). */
export const WB_COLOR_PATTERN = /^#[0-9a-f]{6}$/;

export const WB_OBJECT_KINDS = ['pen', 'highlighter', 'line', 'arrow', 'rect', 'ellipse', 'text', 'sticky', 'image'] as const;
export type WbObjectKind = (typeof WB_OBJECT_KINDS)[number];

/** How each object field is checked. */
export type WbFieldType = 'coord' | 'size' | 'points' | 'color' | 'fill' | 'width' | 'opacity' | 'text' | 'fontSize' | 'assetId';

export const WB_FIELD_TYPES = {
  x: 'coord', y: 'coord', x1: 'coord', y1: 'coord', x2: 'coord', y2: 'coord',
  w: 'size', h: 'size',
  points: 'points',
  color: 'color', fill: 'fill', width: 'width', opacity: 'opacity',
  text: 'text', fontSize: 'fontSize',
  assetId: 'assetId',
} as const satisfies Record<string, WbFieldType>;
export type WbField = keyof typeof WB_FIELD_TYPES;

/**
 * The fields of each object kind besides id and kind, all required. obj.update may change any
 * of them except assetId (an image is replaced by deleting and adding).
 */
export const WB_OBJECT_FIELDS = {
  pen: ['x', 'y', 'points', 'color', 'width', 'opacity'],
  highlighter: ['x', 'y', 'points', 'color', 'width', 'opacity'],
  line: ['x1', 'y1', 'x2', 'y2', 'color', 'width', 'opacity'],
  arrow: ['x1', 'y1', 'x2', 'y2', 'color', 'width', 'opacity'],
  rect: ['x', 'y', 'w', 'h', 'color', 'width', 'fill', 'opacity'],
  ellipse: ['x', 'y', 'w', 'h', 'color', 'width', 'fill', 'opacity'],
  text: ['x', 'y', 'text', 'color', 'fontSize', 'opacity'],
  sticky: ['x', 'y', 'w', 'h', 'text', 'color', 'fontSize', 'opacity'],
  image: ['x', 'y', 'w', 'h', 'assetId', 'opacity'],
} as const satisfies Record<WbObjectKind, readonly WbField[]>;

/** Fields obj.update may not change, whatever the kind. */
export const WB_FIXED_FIELDS: readonly string[] = ['id', 'kind', 'assetId'];
