// The board's PDF, rendered on a worker thread. A board of many pages with images takes the
// renderer seconds (deflating, decoding PNGs); on the server's event loop that would freeze
// every classroom for as long. The main thread reads what the PDF needs (the board state and
// the bytes of the images it uses) and the worker only computes; one worker, requests in turn.
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import type { BoardState } from '../protocol/whiteboard.js';
import type { AssetStore } from './assets.js';
import { boardToPdf, type PdfImage } from './pdf.js';

interface ImageData { mime: PdfImage['mime']; bytes: Uint8Array; width: number; height: number }
interface Job { id: number; state: BoardState; title: string; images: Array<[string, ImageData]> }
type Reply = { id: number; ok: true; pdf: Uint8Array } | { id: number; ok: false; error: string };

/** A render that takes longer than this is abandoned and its worker replaced, in ms. */
const RENDER_TIMEOUT_MS = 60_000;

/** Asset ids the board shows: page backgrounds and image objects. */
export function referencedAssets(state: BoardState): Set<string> {
  const ids = new Set<string>();
  for (const page of state.pages) {
    if (page.background) ids.add(page.background.assetId);
    for (const o of page.objects) if (o.kind === 'image') ids.add(o.assetId);
  }
  return ids;
}

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, { resolve: (b: Buffer) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();

function failAll(error: Error): void {
  for (const [id, p] of pending) {
    clearTimeout(p.timer);
    p.reject(error);
    pending.delete(id);
  }
}

function thread(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL(import.meta.url));
  w.unref(); // an idle renderer never keeps the process alive
  w.on('message', (m: Reply) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.ok) p.resolve(Buffer.from(m.pdf.buffer, m.pdf.byteOffset, m.pdf.byteLength));
    else p.reject(new Error(m.error));
  });
  const gone = (e: Error) => {
    if (worker === w) worker = null;
    failAll(e);
  };
  w.on('error', gone);
  w.on('exit', (code) => gone(new Error(`PDF renderer exited (${code})`)));
  worker = w;
  return w;
}

/** The room's board as a PDF, rendered off the event loop. */
export function renderBoardPdf(state: BoardState, title: string, roomId: string, assets: AssetStore): Promise<Buffer> {
  const images: Array<[string, ImageData]> = [];
  for (const assetId of referencedAssets(state)) {
    const a = assets.get(roomId, assetId);
    if (a) images.push([assetId, { mime: a.mime, bytes: assets.read(a), width: a.width, height: a.height }]);
  }
  const id = nextId++;
  const w = thread();
  return new Promise<Buffer>((resolve, reject) => {
    const timer = setTimeout(() => {
      pending.delete(id);
      reject(new Error('PDF rendering took too long'));
      // The renderer may be stuck on this board: start afresh for the next one.
      void w.terminate();
    }, RENDER_TIMEOUT_MS);
    pending.set(id, { resolve, reject, timer });
    w.postMessage({ id, state, title, images } satisfies Job);
  });
}

/** Stops the renderer (server shutdown). */
export async function closePdfThread(): Promise<void> {
  const w = worker;
  worker = null;
  failAll(new Error('server stopping'));
  await w?.terminate();
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  port.on('message', (job: Job) => {
    try {
      const images = new Map(job.images);
      const pdf = boardToPdf(job.state, {
        title: job.title,
        image: (assetId) => {
          const img = images.get(assetId);
          return img ? { ...img, bytes: Buffer.from(img.bytes.buffer, img.bytes.byteOffset, img.bytes.byteLength) } : undefined;
        },
      });
      // A copy of its own (a small Buffer may share Node's pool, which must not be transferred).
      const out = new Uint8Array(pdf);
      port.postMessage({ id: job.id, ok: true, pdf: out } satisfies Reply, [out.buffer as ArrayBuffer]);
    } catch (e) {
      port.postMessage({ id: job.id, ok: false, error: e instanceof Error ? e.message : String(e) } satisfies Reply);
    }
  });
}
