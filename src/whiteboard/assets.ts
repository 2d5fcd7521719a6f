// Uploaded images for the whiteboard. The type is decided by the file's content, never by
// its name or the Content-Type the client claims; files live in the data directory under a
// random id, and only participants of the room can read them back.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Db } from '../store/db.js';
import { UserError } from '../errors.js';

export interface Asset {
  id: string;
  roomId: string;
  kind: 'image';
  mime: 'image/png' | 'image/jpeg';
  bytes: number;
  width: number;
  height: number;
}

/** Largest side of an image we accept, in pixels: bounds what a browser has to decode. */
const MAX_SIDE = 8192;
/** Slides per PDF: a lesson, not a book. */
export const MAX_PDF_PAGES = 60;
/** Time poppler may spend on one PDF, in ms: a hostile file cannot hold a worker. */
const PDF_TIMEOUT_MS = 30_000;
const run = promisify(execFile);

export const isPdf = (buf: Buffer): boolean => buf.length > 5 && buf.toString('latin1', 0, 5) === '%PDF-';

/** Reads the type and pixel size from the bytes themselves; null when it is neither PNG nor JPEG. */
export function sniffImage(buf: Buffer): { mime: Asset['mime']; width: number; height: number } | null {
  if (buf.length >= 24 && buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) && buf.toString('latin1', 12, 16) === 'IHDR') {
    return { mime: 'image/png', width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
  }
  if (buf.length >= 4 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) {
    // Walk the markers to the first start-of-frame, which holds the size.
    let i = 2;
    while (i + 9 < buf.length) {
      if (buf[i] !== 0xff) return null;
      const marker = buf[i + 1]!;
      if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) { i += 2; continue; }
      const len = buf.readUInt16BE(i + 2);
      const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
      if (isSof) return { mime: 'image/jpeg', height: buf.readUInt16BE(i + 5), width: buf.readUInt16BE(i + 7) };
      if (len < 2) return null;
      i += 2 + len;
    }
  }
  return null;
}

export class AssetStore {
  readonly #s;
  readonly #dir: string;

  constructor(db: Db, dataDir: string) {
    this.#dir = join(dataDir, 'assets');
    this.#s = {
      insert: db.prepare<[string, string, string, string, number, number, number, string, number | null, number]>(
        'INSERT INTO assets (id, room_id, kind, mime, bytes, width, height, sha256, uploaded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      get: db.prepare<[string, string]>('SELECT * FROM assets WHERE id = ? AND room_id = ?'),
      // A room's own uploads and those of its breakout groups (deleted with it by the cascade).
      ofRoomTree: db.prepare<[string, string], { id: string }>(
        'SELECT id FROM assets WHERE room_id = ? OR room_id IN (SELECT id FROM rooms WHERE parent_id = ?)'),
    };
  }

  /**
   * Deletes a room with `remove` and then its uploaded files: the rows go with the room (ON
   * DELETE CASCADE), the files would stay on disk forever. Files are removed only after the
   * rows are gone, so a failure in between leaves unused files, never a board without images.
   */
  removeRoom(roomId: string, remove: () => void): number {
    const ids = this.#s.ofRoomTree.all(roomId, roomId).map((r) => r.id);
    remove();
    for (const id of ids) rmSync(join(this.#dir, id), { force: true });
    return ids.length;
  }

  /** Stores an upload after checking it; a refused file leaves nothing behind. */
  save(roomId: string, body: Buffer, uploadedBy: number): Asset {
    if (body.length === 0) throw new UserError('BAD_UPLOAD', 'The file is empty.');
    const info = sniffImage(body);
    if (!info) throw new UserError('BAD_UPLOAD', 'Only PNG and JPEG images can be uploaded (the file\'s content is neither).');
    if (info.width < 1 || info.height < 1 || info.width > MAX_SIDE || info.height > MAX_SIDE) {
      throw new UserError('BAD_UPLOAD', `Images may be at most ${MAX_SIDE} × ${MAX_SIDE} pixels.`);
    }
    const id = randomBytes(12).toString('base64url');
    mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
    const file = join(this.#dir, id);
    writeFileSync(`${file}.tmp`, body, { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
    const sha = createHash('sha256').update(body).digest('hex');
    this.#s.insert.run(id, roomId, 'image', info.mime, body.length, info.width, info.height, sha, uploadedBy, Date.now());
    return { id, roomId, kind: 'image', bytes: body.length, ...info };
  }

  /**
   * A PDF becomes one PNG per page (slides), rendered by poppler's pdftoppm at the board's
   * width; each page is then an ordinary image. The PDF itself is not kept.
   */
  async savePdf(roomId: string, body: Buffer, uploadedBy: number): Promise<Asset[]> {
    const work = mkdtempSync(join(tmpdir(), 'classroom-pdf-'));
    try {
      writeFileSync(join(work, 'in.pdf'), body);
      try {
        await run('pdftoppm', ['-png', '-scale-to', '1600', '-l', String(MAX_PDF_PAGES + 1), join(work, 'in.pdf'), join(work, 'page')], { timeout: PDF_TIMEOUT_MS });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
          throw new UserError('PDF_UNAVAILABLE', 'PDF slides need poppler-utils on the server (apt-get install poppler-utils); upload images instead.');
        }
        throw new UserError('BAD_UPLOAD', 'This PDF could not be read.');
      }
      const pages = readdirSync(work).filter((f) => f.startsWith('page') && f.endsWith('.png')).sort();
      if (pages.length === 0) throw new UserError('BAD_UPLOAD', 'This PDF has no pages.');
      if (pages.length > MAX_PDF_PAGES) throw new UserError('BAD_UPLOAD', `A PDF may have at most ${MAX_PDF_PAGES} pages.`);
      // Checked like any upload; all pages are rendered before any is stored.
      const files = pages.map((f) => readFileSync(join(work, f)));
      return files.map((f) => this.save(roomId, f, uploadedBy));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }

  get(roomId: string, id: string): Asset | undefined {
    const r = this.#s.get.get(id, roomId) as { id: string; room_id: string; kind: 'image'; mime: Asset['mime']; bytes: number; width: number; height: number } | undefined;
    return r && { id: r.id, roomId: r.room_id, kind: r.kind, mime: r.mime, bytes: r.bytes, width: r.width, height: r.height };
  }

  read(asset: Asset): Buffer {
    return readFileSync(join(this.#dir, asset.id));
  }
}
