// The durable room log: resume after a drop with no gap and no duplicate, and a restart that
// keeps everything.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../helpers/server.js';
import { TestClient } from '../helpers/client.js';
import { waitFor } from '../helpers/waitFor.js';

describe('resume and durability', () => {
  let server: TestServer;
  let roomId: string;

  before(async () => {
    server = await startServer({ config: { ws: { rateLimitPerSecond: 5000, rateLimitBurst: 5000 } } });
    server.addUser('tina', 'teacher');
    server.addUser('sam', 'student');
    roomId = server.addRoom('History', { tina: 'teacher', sam: 'student' });
  });
  after(() => server.cleanup());

  it('a client that drops mid-stream resumes 1,000 messages with no gap and no duplicate', async () => {
    const tinaToken = await server.login('tina');
    const samToken = await server.login('sam');
    const tina = await TestClient.connect(server, tinaToken);
    await tina.join({ roomId });
    let sam = await TestClient.connect(server, samToken);
    await sam.join({ roomId });

    const total = 1000;
    const sent: string[] = [];
    const sending = (async () => {
      for (let i = 0; i < total; i++) {
        const text = `msg ${i}`;
        // Acknowledged means stored: every acked message must reach Sam.
        await tina.ok('chat.send', { text });
        sent.push(text);
      }
    })();

    // Cut Sam's connection somewhere in the middle, without a close handshake.
    await waitFor(() => (sam.chatTexts().length >= 300 ? undefined : `sam has ${sam.chatTexts().length}`), 20_000);
    const seenBefore = sam.events();
    const lastSeq = Math.max(...seenBefore.map((e) => e.seq));
    sam.ws.terminate();
    await sam.waitForClose();
    await waitFor(() => (sent.length >= 600 ? undefined : `only ${sent.length} sent`), 20_000);

    sam = await TestClient.connect(server, samToken);
    const rejoin = await sam.join({ roomId, since: lastSeq });
    assert.equal(rejoin.resume, 'events');
    await sending;
    await waitFor(() => {
      const n = seenBefore.filter((e) => e.kind === 'chat.message').length + sam.chatTexts().length;
      return n >= total ? undefined : `sam has ${n} of ${total}`;
    }, 30_000);

    const all = [...seenBefore, ...sam.events()];
    const seqs = all.map((e) => e.seq);
    assert.equal(new Set(seqs).size, seqs.length, 'no event arrives twice');
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'events arrive in seq order');
    const texts = all.flatMap((e) => (e.kind === 'chat.message' ? [e.data.text] : []));
    assert.deepEqual(texts, sent, 'every acknowledged message, once, in order');
    // No gap: every seq between the first and last seen is there (this room has no DMs).
    const first = seqs[0]!, last = seqs.at(-1)!;
    assert.equal(seqs.length, last - first + 1);
    await Promise.all([tina.close(), sam.close()]);
  });

  it('a client too far behind gets a fresh state instead of an endless replay', async () => {
    const sam = await TestClient.connect(server, await server.login('sam'));
    const r = await sam.join({ roomId, since: 1 });
    // Replay limit is 5000 by default; 1000+ messages is within it, so a resume is offered.
    assert.equal(r.resume, 'events');
    await sam.ok('room.leave');
    const future = await sam.join({ roomId, since: r.head + 1000 });
    assert.equal(future.resume, 'fresh');
    assert.equal(future.recent!.messages.length, 50);
    assert.equal(future.recent!.hasMore, true);
    await sam.close();
  });

  it('chat and the log survive a restart, and the server exits by itself on SIGTERM', async () => {
    const tina = await TestClient.connect(server, await server.login('tina'));
    const join = await tina.join({ roomId });
    const ack = await tina.ok('chat.send', { text: 'before the restart' });
    const code = await server.stop();
    assert.equal(code, 0, `server exit code; output:\n${server.output.slice(-2000)}`);
    await tina.waitForClose();
    assert.ok(tina.frames.some((f) => f.type === 'bye' && f.code === 1001), 'told the server is going away');

    await server.start();
    const sam = await TestClient.connect(server, await server.login('sam'));
    const r = await sam.join({ roomId, since: join.head });
    assert.equal(r.resume, 'events');
    await waitFor(() => (sam.chatTexts().includes('before the restart') ? undefined : 'message missing after restart'));
    const hist = await sam.ok('chat.history', { limit: 1, before: ack.messageId + 1 });
    assert.equal(hist.messages[0]!.text, 'before the restart');
    // Tina's attendance was closed at the restart, not left open.
    const left = sam.events().find((e) => e.kind === 'participant.left' && e.data.reason === 'restart');
    assert.ok(left, 'the restart closed open attendance');
    await sam.close();
  });
});
