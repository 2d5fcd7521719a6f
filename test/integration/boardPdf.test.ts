// The whole-board PDF is rendered off the event loop: a teacher exporting a heavy board does
// not freeze the classroom. Proven by a student's pings, answered all through the export.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../helpers/server.js';
import { TestClient } from '../helpers/client.js';
import { BoardStore } from '../../src/whiteboard/LiveBoard.js';
import type { BoardState } from '../../src/protocol/whiteboard.js';

/** Pages of long pen strokes: seconds of deflating and path writing for the renderer. */
function heavyBoard(pages: number, strokes: number, points: number): BoardState {
  return {
    history: [],
    pages: Array.from({ length: pages }, (_, p) => ({
      id: `p${p + 1}`, title: `Page ${p + 1}`, background: null,
      objects: Array.from({ length: strokes }, (_, i) => ({
        id: `s${p}x${i}`, kind: 'pen' as const, x: 10 + (i % 800), y: 20 + p, color: '#223344', width: 3, opacity: 1,
        points: Array.from({ length: points * 2 }, (_, k) => ((k * 7919 + i * 31) % 880) + 1),
      })),
    })),
  };
}

describe('board PDF export', () => {
  let server: TestServer;
  let roomId: string;
  before(async () => {
    server = await startServer();
    server.addUser('tina', 'teacher');
    server.addUser('sam', 'student');
    roomId = server.addRoom('Heavy', { tina: 'teacher', sam: 'student' });
    server.arrange((s) => new BoardStore(s.db).save(roomId, heavyBoard(4, 200, 200), 0));
  });
  after(() => server.cleanup());

  it('keeps answering the classroom while a heavy board renders', async () => {
    const sam = await TestClient.connect(server, await server.login('sam'));
    try {
      await sam.join({ roomId });
      const token = await server.login('tina');
      const answered: number[] = [];
      let exporting = true;
      // A student's client keeps pinging every 10 ms for as long as the export runs.
      const pinger = (async () => {
        while (exporting) {
          answered.push((await sam.ok('ping')).now);
          await new Promise((r) => setTimeout(r, 10));
        }
      })();
      const started = Date.now();
      const res = await server.api('GET', `/api/rooms/${roomId}/board.pdf`, undefined, { authorization: `Bearer ${token}` });
      const took = Date.now() - started;
      exporting = false;
      await pinger;
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-type'], 'application/pdf');
      // Rendered on the event loop, the pings would stall for the whole export and be answered
      // in one burst at its end: the longest pause between answers would be about `took`.
      const gaps = answered.slice(1).map((t, i) => t - answered[i]!);
      const longest = Math.max(...gaps);
      assert.ok(answered.length >= 5, `only ${answered.length} pings answered in ${took} ms`);
      assert.ok(longest < took / 2, `pings stalled for ${longest} ms of a ${took} ms export`);
    } finally {
      await sam.close();
    }
  });
});
