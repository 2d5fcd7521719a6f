// Rooms and chat with a real server process and real ws clients.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../helpers/server.js';
import { TestClient } from '../helpers/client.js';
import { waitFor } from '../helpers/waitFor.js';

describe('rooms and chat', () => {
  let server: TestServer;
  let roomId: string;
  const clients: TestClient[] = [];
  const connect = async (user: string) => {
    const c = await TestClient.connect(server, await server.login(user));
    clients.push(c);
    return c;
  };

  before(async () => {
    server = await startServer({ config: { rooms: { reconnectGraceSeconds: 1 } } });
    server.addUser('tina', 'teacher');
    server.addUser('sam', 'student');
    server.addUser('sara', 'student');
    server.addUser('olga', 'student');
    roomId = server.addRoom('Biology 101', { tina: 'teacher', sam: 'student', sara: 'student' });
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.cleanup();
  });

  it('three users join, see each other and exchange chat in one order', async () => {
    const tina = await connect('tina');
    const sam = await connect('sam');
    const sara = await connect('sara');
    const j1 = await tina.join({ roomId });
    assert.equal(j1.room.title, 'Biology 101');
    assert.equal(j1.self.role, 'teacher');
    assert.equal(j1.resume, 'fresh');
    await sam.join({ roomId });
    const j3 = await sara.join({ roomId });
    assert.deepEqual(j3.participants.map((p) => p.displayName).sort(), ['Sam', 'Sara', 'Tina']);
    await tina.waitForEvent((e) => e.kind === 'participant.joined' && e.data.displayName === 'Sara', 'Sara joining');

    const ack = await tina.ok('chat.send', { text: '  Good morning class  ' });
    assert.ok(ack.messageId > 0 && ack.seq > j3.head - 1);
    await sam.ok('chat.send', { text: 'Morning!' });
    await sara.ok('chat.send', { text: 'Hi' });
    for (const c of [tina, sam, sara]) {
      await waitFor(() => (c.chatTexts().length === 3 ? undefined : `has ${c.chatTexts().length} messages`));
      assert.deepEqual(c.chatTexts(), ['Good morning class', 'Morning!', 'Hi']);
    }
    // The sequence numbers everyone saw are the same and increasing.
    const seqs = (c: TestClient) => c.events().filter((e) => e.kind === 'chat.message').map((e) => e.seq);
    assert.deepEqual(seqs(sam), seqs(tina));
    assert.ok(seqs(tina).every((s, i, a) => i === 0 || s > a[i - 1]!));
  });

  it('rejects empty and over-long messages and stores nothing', async () => {
    const sam = clients[1]!;
    const before = sam.chatTexts().length;
    const empty = await sam.request('chat.send', { text: '   ' });
    assert.deepEqual([empty.ok, !empty.ok && empty.code], [false, 'BAD_MESSAGE']);
    const long = await sam.request('chat.send', { text: 'x'.repeat(4001) });
    assert.deepEqual([long.ok, !long.ok && long.code], [false, 'TOO_LONG']);
    const exact = await sam.ok('chat.send', { text: 'y'.repeat(4000) });
    assert.ok(exact.messageId > 0);
    const hist = await sam.ok('chat.history', { limit: 5 });
    assert.equal(hist.messages.at(-1)!.text.length, 4000);
    assert.ok(!hist.messages.some((m) => m.text === '' || m.text.length > 4000));
    await waitFor(() => (sam.chatTexts().length === before + 1 ? undefined : 'own message not echoed'));
  });

  it('direct messages reach only the two people, and students may only write to staff', async () => {
    const [tina, sam, sara] = clients as [TestClient, TestClient, TestClient];
    const samId = server.arrange((s) => s.users.require('sam').id);
    const saraId = server.arrange((s) => s.users.require('sara').id);
    const tinaUserId = server.arrange((s) => s.users.require('tina').id);

    const dm = await sam.ok('chat.send', { text: 'Can I leave early?', to: tinaUserId });
    await tina.waitForEvent((e) => e.kind === 'chat.message' && e.data.messageId === dm.messageId, 'the DM');
    const seen = tina.events().find((e) => e.kind === 'chat.message' && e.data.messageId === dm.messageId)!;
    assert.equal(seen.kind === 'chat.message' && seen.data.to?.userId, tinaUserId);
    // Sara sees the next public message but never the DM.
    const pub = await tina.ok('chat.send', { text: 'after the DM' });
    await sara.waitForEvent((e) => e.kind === 'chat.message' && e.data.messageId === pub.messageId, 'the public message');
    assert.ok(!sara.chatTexts().includes('Can I leave early?'));
    const saraHistory = await sara.ok('chat.history', {});
    assert.ok(!saraHistory.messages.some((m) => m.text === 'Can I leave early?'));

    const studentToStudent = await sam.request('chat.send', { text: 'psst', to: saraId });
    assert.deepEqual([studentToStudent.ok, !studentToStudent.ok && studentToStudent.code], [false, 'FORBIDDEN']);
    const toSelf = await sam.request('chat.send', { text: 'me', to: samId });
    assert.equal(!toSelf.ok && toSelf.code, 'BAD_RECIPIENT');
    const toStranger = await tina.request('chat.send', { text: 'hello?', to: 999999 });
    assert.equal(!toStranger.ok && toStranger.code, 'BAD_RECIPIENT');
    // A teacher may write to a student.
    const reply = await tina.ok('chat.send', { text: 'Yes, at 11', to: samId });
    await sam.waitForEvent((e) => e.kind === 'chat.message' && e.data.messageId === reply.messageId, 'the reply');
  });

  it('teachers delete messages for everyone; students cannot', async () => {
    const [tina, sam, sara] = clients as [TestClient, TestClient, TestClient];
    const bad = await sara.ok('chat.send', { text: 'something rude' });
    const denied = await sam.request('chat.delete', { messageId: bad.messageId });
    assert.equal(!denied.ok && denied.code, 'FORBIDDEN');
    await tina.ok('chat.delete', { messageId: bad.messageId });
    for (const c of [tina, sam, sara]) {
      await c.waitForEvent((e) => e.kind === 'chat.deleted' && e.data.messageId === bad.messageId, 'the deletion');
    }
    const hist = await sam.ok('chat.history', {});
    const m = hist.messages.find((x) => x.messageId === bad.messageId)!;
    assert.equal(m.text, '');
    assert.ok(m.deleted);
    const again = await tina.request('chat.delete', { messageId: bad.messageId });
    assert.equal(!again.ok && again.code, 'NOT_FOUND');
    const unknown = await tina.request('chat.delete', { messageId: 123456789 });
    assert.equal(!unknown.ok && unknown.code, 'NOT_FOUND');
    // The text is gone from storage, not just hidden.
    const stored = server.arrange((s) => s.db.prepare('SELECT payload FROM room_log WHERE id = ?').get(bad.messageId) as { payload: string });
    assert.ok(!stored.payload.includes('rude'));
  });

  it('history pages backwards from any message with no overlap', async () => {
    const tina = clients[0]!;
    for (let i = 0; i < 25; i++) await tina.ok('chat.send', { text: `page-${i}` });
    const seen: number[] = [];
    let before: number | undefined;
    for (;;) {
      const page = await tina.ok('chat.history', before === undefined ? { limit: 10 } : { limit: 10, before });
      seen.unshift(...page.messages.map((m) => m.messageId));
      if (!page.hasMore) break;
      before = page.messages[0]!.messageId;
    }
    assert.equal(new Set(seen).size, seen.length);
    assert.deepEqual(seen, [...seen].sort((a, b) => a - b));
    const texts = (await tina.ok('chat.history', { limit: 100 })).messages.map((m) => m.text);
    assert.deepEqual(texts.slice(-25), Array.from({ length: 25 }, (_, i) => `page-${i}`));
  });

  it('a dropped participant shows as reconnecting, then as left after the grace period', async () => {
    const [tina, , sara] = clients as [TestClient, TestClient, TestClient];
    const saraId = server.arrange((s) => s.users.require('sara').id);
    sara.ws.terminate();
    await waitFor(() => (tina.frames.some((f) => f.type === 'presence' && f.userId === saraId && f.state === 'reconnecting') ? undefined : 'no reconnecting presence'));
    await tina.waitForEvent((e) => e.kind === 'participant.left' && e.data.userId === saraId && e.data.reason === 'timeout', 'Sara leaving after grace');
  });

  it('refuses unenrolled users, unknown rooms, double joins and chat outside a room', async () => {
    const olga = await connect('olga');
    const r1 = await olga.request('room.join', { roomId });
    assert.equal(!r1.ok && r1.code, 'FORBIDDEN');
    const r2 = await olga.request('room.join', { roomId: 'nosuchroom' });
    assert.equal(!r2.ok && r2.code, 'ROOM_NOT_FOUND');
    const r3 = await olga.request('chat.send', { text: 'hello' });
    assert.equal(!r3.ok && r3.code, 'NOT_IN_ROOM');
    const r4 = await olga.request('room.leave');
    assert.equal(!r4.ok && r4.code, 'NOT_IN_ROOM');
    const tina = clients[0]!;
    const r5 = await tina.request('room.join', { roomId });
    assert.equal(!r5.ok && r5.code, 'ALREADY_IN_ROOM');
  });

  it('enforces capacity (teachers still get in) and refuses closed rooms', async () => {
    const small = server.addRoom('Tutorial', { tina: 'teacher', sam: 'student', sara: 'student' }, 1);
    const a = await connect('sam');
    const b = await connect('sara');
    await a.join({ roomId: small });
    const full = await b.request('room.join', { roomId: small });
    assert.equal(!full.ok && full.code, 'ROOM_FULL');
    const t = await connect('tina');
    await t.join({ roomId: small });
    await t.ok('room.leave');

    const closedRoom = server.addRoom('Old course', { sam: 'student' });
    server.arrange((s) => s.rooms.close(closedRoom));
    await a.ok('room.leave');
    const closed = await a.request('room.join', { roomId: closedRoom });
    assert.equal(!closed.ok && closed.code, 'ROOM_CLOSED');
  });

  it('a second connection of the same user takes the seat and the first is told why', async () => {
    const first = await connect('sara');
    await first.join({ roomId });
    const second = await connect('sara');
    await second.join({ roomId });
    const closed = await first.waitForClose();
    assert.equal(closed.code, 4009);
    assert.ok(first.frames.some((f) => f.type === 'bye' && f.code === 4009));
  });
});
