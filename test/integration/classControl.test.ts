// Class management against the real server: every rule holds for a client that ignores the UI.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../helpers/server.js';
import { TestClient } from '../helpers/client.js';
import { waitFor } from '../helpers/waitFor.js';
import type { ClassState } from '../../src/protocol/classState.js';

const code = (r: { ok: boolean; code?: string }) => (r.ok ? 'ok' : r.code);

describe('class control', () => {
  let server: TestServer;
  let roomId: string;
  const ids: Record<string, number> = {};
  const open: TestClient[] = [];
  const as = async (user: string) => {
    const c = await TestClient.connect(server, await server.login(user));
    open.push(c);
    return c;
  };
  const logCount = () => server.arrange((s) => (s.db.prepare('SELECT count(*) AS n FROM room_log').get() as { n: number }).n);
  const stateOf = (id = roomId) => server.arrange((s) => JSON.parse((s.db.prepare('SELECT state FROM class_state WHERE room_id = ?').get(id) as { state: string }).state) as ClassState);

  before(async () => {
    server = await startServer({ config: { rooms: { reconnectGraceSeconds: 1 } } });
    for (const [u, r] of [['tina', 'teacher'], ['andy', 'teacher'], ['sam', 'student'], ['sara', 'student'], ['sid', 'student']] as const) ids[u] = server.addUser(u, r);
    roomId = server.addRoom('Physics', { tina: 'teacher', andy: 'assistant', sam: 'student', sara: 'student', sid: 'student' });
  });
  after(async () => {
    await Promise.all(open.map((c) => c.close()));
    await server.cleanup();
  });

  it('students cannot use controls: FORBIDDEN and nothing changes', async () => {
    const sam = await as('sam');
    await sam.join({ roomId });
    const before = logCount();
    const attempts: Array<[string, Record<string, unknown>]> = [
      ['class.grant', { capability: 'chat', allow: false }], ['class.answer', { userId: ids.sara, capability: 'audio', approve: true }],
      ['class.lowerHand', {}], ['class.remove', { userId: ids.sara }], ['class.settings', { locked: true }],
      ['class.admit', { admit: true }], ['class.start', {}], ['class.end', {}],
      ['poll.create', { question: 'q?', options: ['a', 'b'] }], ['poll.close', { pollId: 1 }], ['poll.publish', { pollId: 1 }],
      ['breakout.start', { groups: 2 }], ['breakout.broadcast', { text: 'hi' }], ['breakout.end', {}], ['chat.delete', { messageId: 1 }],
    ];
    for (const [type, payload] of attempts) assert.equal(code(await sam.request(type as never, payload)), 'FORBIDDEN', type);
    assert.equal(logCount(), before);
    await sam.close();
  });

  it('chat mute per student and for all students is enforced, and a late joiner sees it', async () => {
    const tina = await as('tina');
    await tina.join({ roomId });
    const sam = await as('sam');
    await sam.join({ roomId });
    await tina.ok('class.grant', { capability: 'chat', allow: false, userId: ids.sam });
    assert.equal(code(await sam.request('chat.send', { text: 'can I talk?' })), 'FORBIDDEN');
    await tina.ok('class.grant', { capability: 'chat', allow: true, userId: ids.sam });
    await sam.ok('chat.send', { text: 'thanks' });
    await tina.ok('class.grant', { capability: 'chat', allow: false });
    assert.equal(code(await sam.request('chat.send', { text: 'hello?' })), 'FORBIDDEN');
    const sara = await as('sara');
    const j = await sara.join({ roomId });
    assert.equal(j.class.studentCaps.chat, false, 'late joiner sees chat muted for all');
    assert.equal(code(await sara.request('chat.send', { text: 'hi' })), 'FORBIDDEN');
    // Sam's personal grant is still in force and he keeps it; Sara does not see Sam's overrides.
    assert.deepEqual(Object.keys(j.class.overrides), []);
    await tina.ok('class.grant', { capability: 'chat', allow: true });
    await sara.ok('chat.send', { text: 'back' });
    // Teachers' capabilities cannot be changed; unknown people are refused.
    assert.equal(code(await tina.request('class.grant', { capability: 'chat', allow: false, userId: ids.andy })), 'ok');
    assert.equal(code(await tina.request('class.grant', { capability: 'chat', allow: false, userId: ids.tina })), 'FORBIDDEN');
    assert.equal(code(await tina.request('class.grant', { capability: 'chat', allow: false, userId: 424242 })), 'NOT_PARTICIPANT');
    await tina.ok('class.grant', { capability: 'chat', allow: true, userId: ids.andy });
    await Promise.all([tina.close(), sam.close(), sara.close()]);
  });

  it('ask to speak: the request reaches teachers, approval grants it, and it survives a reconnect', async () => {
    const tina = await as('tina');
    await tina.join({ roomId });
    const sam = await as('sam');
    await sam.join({ roomId });
    const sara = await as('sara');
    await sara.join({ roomId });
    await sam.ok('class.request', { capability: 'audio' });
    assert.equal(code(await sam.request('class.request', { capability: 'audio' })), 'ALREADY_REQUESTED');
    assert.equal(code(await sam.request('class.request', { capability: 'video' })), 'ALREADY_ALLOWED');
    await tina.waitForEvent((e) => e.kind === 'class.requested' && e.data.userId === ids.sam, 'the request');
    const saraLast = sara.events().at(-1)?.seq ?? 0;
    await tina.ok('chat.send', { text: 'marker' });
    await sara.waitForEvent((e) => e.kind === 'chat.message' && e.data.text === 'marker', 'marker');
    assert.ok(!sara.events().some((e) => e.seq > saraLast && e.kind === 'class.requested'), 'other students do not see requests');
    assert.equal(code(await tina.request('class.answer', { userId: ids.sara, capability: 'audio', approve: true })), 'NOT_FOUND');
    await tina.ok('class.answer', { userId: ids.sam, capability: 'audio', approve: true });
    await sam.waitForEvent((e) => e.kind === 'class.granted' && e.data.userId === ids.sam && e.data.capability === 'audio', 'the grant');
    assert.equal(stateOf().overrides[String(ids.sam)]?.audio, true);
    assert.deepEqual(stateOf().requests, []);
    // Reconnect: the state comes back with the join.
    await sam.close();
    const again = await as('sam');
    const j = await again.join({ roomId });
    assert.equal(j.class.overrides[String(ids.sam)]?.audio, true);
    // Declining drops the request without granting.
    await again.ok('class.request', { capability: 'screen' });
    await tina.ok('class.answer', { userId: ids.sam, capability: 'screen', approve: false });
    assert.equal(stateOf().overrides[String(ids.sam)]?.screen, undefined);
    await Promise.all([tina.close(), again.close(), sara.close()]);
  });

  it('hands: an ordered queue for teachers, visible to students only when allowed', async () => {
    const tina = await as('tina');
    await tina.join({ roomId });
    const sam = await as('sam');
    await sam.join({ roomId });
    const sara = await as('sara');
    await sara.join({ roomId });
    await sam.ok('class.hand', { raised: true });
    await sara.ok('class.hand', { raised: true });
    assert.equal(code(await sara.request('class.hand', { raised: true })), 'ALREADY_REQUESTED');
    assert.deepEqual(stateOf().hands.map((h) => h.userId), [ids.sam, ids.sara]);
    await tina.waitForEvent((e) => e.kind === 'class.hand' && e.data.userId === ids.sara, 'Sara\'s hand');
    assert.ok(!sam.events().some((e) => e.kind === 'class.hand' && e.data.userId === ids.sara), 'hidden from other students');
    const late = await as('sid');
    const j = await late.join({ roomId });
    assert.deepEqual(j.class.hands, [], 'a student sees no one else\'s hand');
    await tina.ok('class.settings', { handsVisible: true });
    // Students already in the room learn the queue they could not see before.
    const shown = await sam.waitForEvent((e) => e.kind === 'class.settings' && e.data.handsVisible, 'hands shown');
    assert.deepEqual(shown.kind === 'class.settings' && shown.data.hands?.map((h) => h.userId), [ids.sam, ids.sara]);
    await late.close();
    const late2 = await as('sid');
    assert.deepEqual((await late2.join({ roomId })).class.hands.map((h) => h.userId), [ids.sam, ids.sara]);
    await tina.ok('class.lowerHand', { userId: ids.sam });
    assert.equal(code(await tina.request('class.lowerHand', { userId: ids.sam })), 'NOT_FOUND');
    assert.deepEqual(stateOf().hands.map((h) => h.userId), [ids.sara]);
    await tina.ok('class.lowerHand', {});
    assert.deepEqual(stateOf().hands, []);
    await sara.waitForEvent((e) => e.kind === 'class.handsLowered', 'lower all');
    await tina.ok('class.settings', { handsVisible: false });
    await Promise.all([tina.close(), sam.close(), sara.close(), late2.close()]);
  });

  it('remove with a bar: the student is told why and cannot rejoin until the session ends', async () => {
    const tina = await as('tina');
    await tina.join({ roomId });
    await tina.ok('class.start');
    const sid = await as('sid');
    await sid.join({ roomId });
    await tina.ok('class.remove', { userId: ids.sid, bar: true });
    assert.equal((await sid.waitForClose()).code, 4010);
    assert.match((sid.frames.find((f) => f.type === 'bye') as { reason: string }).reason, /cannot rejoin/);
    const back = await as('sid');
    assert.equal(code(await back.request('room.join', { roomId })), 'BARRED');
    assert.equal(code(await tina.request('class.remove', { userId: ids.sid })), 'NOT_PARTICIPANT');
    assert.equal(code(await tina.request('class.remove', { userId: ids.andy })), 'NOT_PARTICIPANT');
    await tina.ok('class.end');
    await back.join({ roomId });
    await Promise.all([tina.close(), back.close()]);
  });

  it('lock and waiting room: new students wait, teachers admit or deny, teachers always enter', async () => {
    const tina = await as('tina');
    await tina.join({ roomId });
    await tina.ok('class.settings', { locked: true });
    const sam = await as('sam');
    assert.equal(code(await sam.request('room.join', { roomId })), 'ROOM_LOCKED');
    const andy = await as('andy');
    await andy.join({ roomId });
    await andy.ok('room.leave');
    await tina.ok('class.settings', { locked: false, waitingRoom: true });

    const r = await sam.ok('room.join', { roomId });
    assert.equal(r.status, 'waiting');
    assert.equal(code(await sam.request('chat.send', { text: 'let me in' })), 'WAITING');
    await waitFor(() => (tina.frames.some((f) => f.type === 'lobby' && f.waiting.some((w) => w.userId === ids.sam)) ? undefined : 'no lobby frame'));
    const sara = await as('sara');
    assert.equal((await sara.ok('room.join', { roomId })).status, 'waiting');
    // A teacher who joins now sees who is waiting.
    const andy2 = await as('andy');
    const aj = await andy2.join({ roomId });
    assert.deepEqual(aj.lobby!.map((w) => w.userId).sort(), [ids.sam, ids.sara].sort());

    const admitted = await tina.ok('class.admit', { admit: true, userId: ids.sam });
    assert.deepEqual(admitted.admitted, [ids.sam]);
    await waitFor(() => (sam.frames.some((f) => f.type === 'lobby.admitted') ? undefined : 'not told'));
    await sam.join({ roomId });
    await tina.ok('class.admit', { admit: false, userId: ids.sara });
    assert.equal((await sara.waitForClose()).code, 4014);
    // Admitting someone who already left is an error, and changes nothing.
    const sid = await as('sid');
    assert.equal((await sid.ok('room.join', { roomId })).status, 'waiting');
    await sid.close();
    await waitFor(() => (tina.frames.filter((f) => f.type === 'lobby').at(-1)?.type === 'lobby' && (tina.frames.filter((f) => f.type === 'lobby').at(-1) as { waiting: unknown[] }).waiting.length === 0 ? undefined : 'lobby not empty'));
    assert.equal(code(await tina.request('class.admit', { admit: true, userId: ids.sid })), 'NOT_WAITING');
    // An admitted student who drops comes back without waiting again.
    await sam.close();
    const sam2 = await as('sam');
    assert.equal((await sam2.ok('room.join', { roomId })).status, 'joined');
    await tina.ok('class.settings', { waitingRoom: false });
    await Promise.all([tina.close(), sam2.close(), andy.close(), andy2.close()]);
  });

  it('ending the class disconnects students with a reason, keeps staff and records the session', async () => {
    const tina = await as('tina');
    await tina.join({ roomId });
    const started = await tina.ok('class.start');
    assert.equal(code(await tina.request('class.start')), 'SESSION_RUNNING');
    const sam = await as('sam');
    await sam.join({ roomId });
    await tina.ok('class.end');
    assert.equal((await sam.waitForClose()).code, 4015);
    assert.equal(tina.closed, null);
    assert.equal(code(await tina.request('class.end')), 'NO_SESSION');
    const row = server.arrange((s) => s.db.prepare('SELECT * FROM class_sessions WHERE room_id = ? AND number = ?').get(roomId, started.session) as { ended_at: number | null });
    assert.ok(row.ended_at! > 0);
    await tina.close();
  });
});

describe('polls and quizzes', () => {
  let server: TestServer;
  let roomId: string;
  const ids: Record<string, number> = {};
  before(async () => {
    server = await startServer();
    for (const [u, r] of [['tina', 'teacher'], ['sam', 'student'], ['sara', 'student']] as const) ids[u] = server.addUser(u, r);
    roomId = server.addRoom('Maths', { tina: 'teacher', sam: 'student', sara: 'student' });
  });
  after(() => server.cleanup());

  it('a quiz: one vote each (a change replaces it), live counts for the teacher, results on publish', async () => {
    const tina = await TestClient.connect(server, await server.login('tina'));
    await tina.join({ roomId });
    const sam = await TestClient.connect(server, await server.login('sam'));
    await sam.join({ roomId });
    const sara = await TestClient.connect(server, await server.login('sara'));
    await sara.join({ roomId });
    assert.equal(code(await tina.request('poll.create', { question: '2+2?', options: ['3', '4'], correct: [0, 1] })), 'BAD_CHOICE');
    assert.equal(code(await tina.request('poll.create', { question: '2+2?', options: ['3', '4'], correct: [5] })), 'BAD_CHOICE');
    const { pollId } = await tina.ok('poll.create', { question: '2+2?', options: ['3', '4', '5'], correct: [1] });
    const created = await sam.waitForEvent((e) => e.kind === 'poll.created', 'the poll');
    assert.ok(!('correct' in created.data), 'students do not get the answer early');
    const key = await tina.waitForEvent((e) => e.kind === 'poll.key' && e.data.pollId === pollId, 'the answer key for staff');
    assert.deepEqual(key.kind === 'poll.key' && key.data.correct, [1]);

    await sam.ok('poll.vote', { pollId, choices: [0] });
    await sam.ok('poll.vote', { pollId, choices: [1] });
    assert.equal(code(await sam.request('poll.vote', { pollId, choices: [1] })), 'ALREADY_VOTED');
    assert.equal(code(await sam.request('poll.vote', { pollId, choices: [0, 1] })), 'BAD_CHOICE');
    assert.equal(code(await sam.request('poll.vote', { pollId, choices: [1, 1] })), 'BAD_CHOICE');
    assert.equal(code(await sam.request('poll.vote', { pollId, choices: [9] })), 'BAD_CHOICE');
    assert.equal(code(await sam.request('poll.vote', { pollId: 99, choices: [0] })), 'POLL_NOT_FOUND');
    await sara.ok('poll.vote', { pollId, choices: [2] });
    await waitFor(() => {
      const t = tina.events().filter((e) => e.kind === 'poll.tally').at(-1);
      return t?.kind === 'poll.tally' && t.data.voters === 2 ? undefined : 'no tally of 2 voters';
    });
    const tally = tina.events().filter((e) => e.kind === 'poll.tally').at(-1)!;
    assert.deepEqual(tally.kind === 'poll.tally' && tally.data.counts, [0, 1, 1]);
    assert.deepEqual(tally.kind === 'poll.tally' && tally.data.byUser, { [ids.sam!]: [1], [ids.sara!]: [2] });
    assert.ok(!sara.events().some((e) => e.kind === 'poll.tally' || (e.kind === 'poll.voted' && e.data.choices[0] === 1)), 'students see no one else\'s vote');

    await tina.ok('poll.close', { pollId });
    assert.equal(code(await sam.request('poll.vote', { pollId, choices: [2] })), 'POLL_CLOSED');
    assert.equal(code(await tina.request('poll.close', { pollId })), 'POLL_CLOSED');
    await tina.ok('poll.publish', { pollId });
    const pub = await sam.waitForEvent((e) => e.kind === 'poll.published', 'results');
    assert.deepEqual(pub.kind === 'poll.published' && [pub.data.counts, pub.data.correct], [[0, 1, 1], [1]]);
    // A late joiner sees the published results and their own vote, not others'.
    await sara.close();
    const sara2 = await TestClient.connect(server, await server.login('sara'));
    const j = await sara2.join({ roomId });
    const p = j.class.polls.find((x) => x.id === pollId)!;
    assert.deepEqual([p.status, p.mine, p.correct, p.byUser], ['published', [2], [1], undefined]);
    await Promise.all([tina.close(), sam.close(), sara2.close()]);
  });

  it('an anonymous poll never tells anyone who voted what', async () => {
    const tina = await TestClient.connect(server, await server.login('tina'));
    await tina.join({ roomId });
    const sam = await TestClient.connect(server, await server.login('sam'));
    await sam.join({ roomId });
    const { pollId } = await tina.ok('poll.create', { question: 'Pizza?', options: ['yes', 'no'], anonymous: true, multiple: true });
    await sam.ok('poll.vote', { pollId, choices: [0, 1] });
    await waitFor(() => (tina.events().some((e) => e.kind === 'poll.tally' && e.data.pollId === pollId) ? undefined : 'no tally'));
    const t = tina.events().find((e) => e.kind === 'poll.tally' && e.data.pollId === pollId)!;
    assert.equal(t.kind === 'poll.tally' && t.data.byUser, undefined);
    await tina.close();
    const tina2 = await TestClient.connect(server, await server.login('tina'));
    const j = await tina2.join({ roomId });
    assert.equal(j.class.polls.find((x) => x.id === pollId)!.byUser, undefined);
    assert.deepEqual(j.class.polls.find((x) => x.id === pollId)!.counts, [1, 1]);
    await Promise.all([tina2.close(), sam.close()]);
  });
});

describe('breakout rooms', () => {
  let server: TestServer;
  let roomId: string;
  const ids: Record<string, number> = {};
  before(async () => {
    server = await startServer();
    for (const [u, r] of [['tina', 'teacher'], ['sam', 'student'], ['sara', 'student'], ['sid', 'student']] as const) ids[u] = server.addUser(u, r);
    roomId = server.addRoom('History', { tina: 'teacher', sam: 'student', sara: 'student', sid: 'student' });
  });
  after(() => server.cleanup());

  it('split by hand, chat in groups, visit, broadcast, recall; group chat stays with the class', async () => {
    const tina = await TestClient.connect(server, await server.login('tina'));
    await tina.join({ roomId });
    const sam = await TestClient.connect(server, await server.login('sam'));
    await sam.join({ roomId });
    const sara = await TestClient.connect(server, await server.login('sara'));
    await sara.join({ roomId });
    assert.equal(code(await tina.request('breakout.start', { groups: 2, assign: [{ userId: 999, group: 0 }] })), 'NOT_PARTICIPANT');
    assert.equal(code(await tina.request('breakout.start', { groups: 2, assign: [{ userId: ids.sam, group: 5 }] })), 'BAD_MESSAGE');
    assert.equal(code(await tina.request('breakout.end')), 'NO_BREAKOUT');
    assert.equal(server.arrange((s) => s.rooms.children(roomId).length), 0, 'nothing created by refused starts');

    const started = await tina.ok('breakout.start', { groups: 2, assign: [{ userId: ids.sam, group: 0 }, { userId: ids.sara, group: 1 }] });
    assert.equal(code(await tina.request('breakout.start', { groups: 2 })), 'BREAKOUT_ACTIVE');
    const [g1, g2] = started.groups as [typeof started.groups[0], typeof started.groups[0]];
    assert.deepEqual([g1.userIds, g2.userIds], [[ids.sam], [ids.sara]]);
    assert.deepEqual(g1.members, [{ userId: ids.sam, displayName: 'Sam' }]);
    for (const [c, g] of [[sam, g1], [sara, g2]] as const) {
      await waitFor(() => (c.frames.some((f) => f.type === 'room.move' && f.to === g.roomId) ? undefined : 'no move'));
      const j = await c.join({ roomId: g.roomId });
      assert.equal(j.parentRoomId, roomId);
    }
    // The class room refuses a student who belongs to a group, and points them there.
    const sam2 = await TestClient.connect(server, await server.login('sam'));
    assert.equal(code(await sam2.request('room.join', { roomId })), 'IN_BREAKOUT');
    assert.ok(sam2.frames.some((f) => f.type === 'room.move' && f.to === g1.roomId));
    await sam2.close();
    // Students cannot enter another group.
    const intruder = await TestClient.connect(server, await server.login('sid'));
    assert.equal(code(await intruder.request('room.join', { roomId: g1.roomId })), 'FORBIDDEN');
    await intruder.close();

    await sam.ok('chat.send', { text: 'group one notes' });
    await sara.ok('chat.send', { text: 'group two notes' });
    assert.ok(!sara.chatTexts().includes('group one notes'));
    await tina.ok('breakout.broadcast', { text: 'Two minutes left' });
    await sam.waitForEvent((e) => e.kind === 'chat.message' && e.data.text === 'Two minutes left' && e.data.broadcast === true, 'broadcast in group 1');
    await sara.waitForEvent((e) => e.kind === 'chat.message' && e.data.text === 'Two minutes left', 'broadcast in group 2');
    // The teacher visits group 1 and sees its chat.
    await tina.ok('room.leave');
    const visit = await tina.join({ roomId: g1.roomId });
    assert.ok(visit.recent!.messages.some((m) => m.text === 'group one notes'));
    await tina.ok('breakout.end');
    for (const c of [sam, sara, tina]) {
      await waitFor(() => (c.frames.some((f) => f.type === 'room.move' && f.reason === 'recall' && f.to === roomId) ? undefined : 'not recalled'));
    }
    await sam.join({ roomId });
    await tina.join({ roomId });
    assert.equal(server.arrange((s) => s.rooms.get(g1.roomId)!.status), 'closed');
    const kept = server.arrange((s) => s.log.history(g1.roomId, ids.tina!, undefined, 10).messages.map((m) => m.text));
    assert.ok(kept.includes('group one notes'), 'group chat kept');
    await Promise.all([tina.close(), sam.close(), sara.close()]);
  });

  it('random groups with a timer end by themselves', async () => {
    const tina = await TestClient.connect(server, await server.login('tina'));
    await tina.join({ roomId });
    const students = await Promise.all(['sam', 'sara', 'sid'].map(async (u) => {
      const c = await TestClient.connect(server, await server.login(u));
      await c.join({ roomId });
      return c;
    }));
    const started = await tina.ok('breakout.start', { groups: 2, durationMinutes: 1 });
    const sizes = started.groups.map((g) => g.userIds.length).sort();
    assert.deepEqual(sizes, [1, 2]);
    // Pull the timer in, as if a minute had passed, through the persisted state on restart.
    server.arrange((s) => {
      const row = s.db.prepare('SELECT state FROM class_state WHERE room_id = ?').get(roomId) as { state: string };
      const st = JSON.parse(row.state) as ClassState;
      st.breakout!.endsAt = Date.now() + 500;
      s.db.prepare('UPDATE class_state SET state = ? WHERE room_id = ?').run(JSON.stringify(st), roomId);
    });
    await server.restart();
    const t2 = await TestClient.connect(server, await server.login('tina'));
    const j = await t2.join({ roomId });
    assert.ok(j.class.breakout, 'breakout survives the restart');
    await t2.waitForEvent((e) => e.kind === 'breakout.ended', 'the timer ending the breakout', 5000);
    await t2.close();
    void students;
  });
});
