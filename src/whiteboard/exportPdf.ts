// The whole board of a room as one PDF, for the browser's "Export PDF" and the CLI.
import type { BoardStore } from './LiveBoard.js';
import { boardToPdf } from './pdf.js';
import type { AssetStore } from './assets.js';
import type { BoardState } from '../protocol/whiteboard.js';

export function roomBoardPdf(boards: BoardStore, assets: AssetStore, roomId: string, title: string, state?: BoardState): Buffer {
  const board = state ?? boards.load(roomId).state;
  return boardToPdf(board, {
    title,
    image: (assetId) => {
      const a = assets.get(roomId, assetId);
      return a && { mime: a.mime, bytes: assets.read(a), width: a.width, height: a.height };
    },
  });
}
