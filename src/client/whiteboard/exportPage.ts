// Downloads of the page on screen: SVG through the same pageToSvg the server's exports use, PNG
// through the canvas renderer at one pixel per canvas unit. (The whole board's PDF is a plain
// link to the server.)
import type { BoardState, WbPage } from '../../protocol/whiteboard.js';
import { WB_CANVAS } from '../../protocol/whiteboardLimits.js';
import { pageToSvg } from '../../whiteboard/svg.js';
import { drawPage, type ImageSource } from './render.js';

/** "Room - Page", without characters a file system might refuse. */
export function exportName(roomTitle: string | undefined, page: WbPage): string {
  const clean = (s: string) => s.replace(/[^\p{L}\p{N} _-]+/gu, '').trim();
  return `${clean(roomTitle ?? 'board') || 'board'} - ${clean(page.title) || page.id}`;
}

/** `assetUrl` is relative to the page; the file must stand alone, so it gets absolute URLs. */
export function exportSvg(board: BoardState, page: WbPage, name: string, assetUrl: (assetId: string) => string): void {
  const svg = pageToSvg(board, page.id, { assetUrl: (id, pdfPage) => (pdfPage === undefined ? new URL(assetUrl(id), location.href).href : undefined) });
  download(new Blob([svg], { type: 'image/svg+xml' }), `${name}.svg`);
}

export function exportPng(page: WbPage, name: string, images: ImageSource): void {
  const c = document.createElement('canvas');
  c.width = WB_CANVAS.width;
  c.height = WB_CANVAS.height;
  const ctx = c.getContext('2d');
  if (!ctx) return;
  drawPage(ctx, page, images);
  c.toBlob((blob) => blob && download(blob, `${name}.png`), 'image/png');
}

function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked later, not at once: the download may still be reading the blob.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
