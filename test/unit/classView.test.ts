// The browser client's class-management state: class events through the room reducer (the
// join snapshot, dedupe and resume rules), the lobby, room moves, the "declined" note, and
// the pure view helpers the components use.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { initialRoomState, movedRoomState, roomReducer, type RoomAction, type RoomState } from '../../src/client/roomState.js';
import {
  canControl, formatCountdown, groupLabel, groupOf, handPlace, isCorrect, myCaps, nameOf, pendingRequests, percentages, spread, studentPoll, visibleHands,
} from '../../src/client/classView.js';
import { emptyBoard } from '../../src/whiteboard/model.js';
import { initialClassState, type ClassEvent, type ClassState, type Poll } from '../../src/protocol/classState.js';
import type { JoinResult, ParticipantRole, RoomEvent } from '../../src/protocol/messages.js';

interface Who { userId: number; displayName: string; role: ParticipantRole }
const tina: Who = { userId: 1, displayName: 'Tina', role: 'teacher' };
const sam: Who = { userId: 2, displayName: 'Sam', role: 'student' };
const sofia: Who = { userId: 3, displayName: 'Sofia', role: 'student' };

function join(o: Partial<JoinResult> & Pick<JoinResult, 'head' | 'resume'>, self: Who = sam): JoinResult {
  return {
    status: 'joined',
    room: { id: 'room1', title: 'Biology', capacity: 30, status: 'open' },
    self,
    participants: [{ ...tina, state: 'joined' }, { ...self, state: 'joined' }],
    class: initialClassState(),
    board: emptyBoard(),
    ...(o.resume === 'fresh' ? { recent: { messages: [], hasMore: false } } : {}),
    ...o,
  };
}

let at = 1_000;
const ev = (seq: number, e: ClassEvent): RoomEvent => ({ seq, at: at++, ...e }) as RoomEvent;
const hand = (seq: number, userId: number, raised = true) => ev(seq, { kind: 'class.hand', data: { userId, raised, at: seq } });
const run = (actions: RoomAction[], from: RoomState = initialRoomState) => actions.reduce(roomReducer, from);
const hands = (s: RoomState) => s.class.hands.map((h) => h.userId);

const poll = (o: Partial<Poll> & Pick<Poll, 'id'>): Poll => ({
  question: 'Q?', options: ['a', 'b', 'c'], multiple: false, anonymous: false, quiz: false, status: 'open', createdAt: 0, ...o,
});
const withPolls = (...polls: Poll[]): ClassState => ({ ...initialClassState(), polls });

describe('class state in the room reducer', () => {
  it('starts from the join snapshot and applies later class events in order, once', () => {
    const snapshot: ClassState = { ...initialClassState(), hands: [{ userId: 3, at: 5 }] };
    let s = run([{ type: 'joined', result: join({ head: 10, resume: 'fresh', class: snapshot }) }]);
    assert.deepEqual(hands(s), [3]);
    s = run([{ type: 'events', events: [hand(11, 2), ev(12, { kind: 'class.started', data: { session: 1, at: 12 } })] }], s);
    s = run([{ type: 'events', events: [hand(11, 2), hand(11, 2, false)] }], s);
    assert.deepEqual(hands(s), [3, 2], 'a repeated seq is ignored');
    assert.equal(s.class.session?.number, 1);
    assert.equal(s.lastSeq, 12);
  });

  it('a resume does not apply again the replayed class events the snapshot already has', () => {
    let s = run([{ type: 'joined', result: join({ head: 10, resume: 'fresh' }) }]);
    // Away from 10 to 20: Sam raised (12), then Sofia (15); the snapshot at 20 has both, in order.
    const snapshot: ClassState = { ...initialClassState(), hands: [{ userId: 2, at: 12 }, { userId: 3, at: 15 }] };
    s = run([{ type: 'joined', result: join({ head: 20, resume: 'events', class: snapshot }) }], s);
    s = run([{ type: 'events', events: [hand(12, 2), ev(14, { kind: 'class.handsLowered', data: { by: 1 } }), hand(15, 3)] }, { type: 'replayDone' }], s);
    assert.deepEqual(hands(s), [2, 3], 'replaying 12..15 over the snapshot would have lost Sam and reordered');
    s = run([{ type: 'events', events: [hand(21, 2, false)] }], s);
    assert.deepEqual(hands(s), [3], 'live events after the snapshot apply');
  });

  it('polls: created, my vote, staff tally, published results', () => {
    let s = run([{ type: 'joined', result: join({ head: 0, resume: 'fresh' }) }]);
    const { correct: _c, ...created } = poll({ id: 1, quiz: true });
    s = run([{ type: 'events', events: [
      ev(1, { kind: 'poll.created', data: created }),
      ev(2, { kind: 'poll.voted', data: { pollId: 1, choices: [1] } }),
    ] }], s);
    assert.deepEqual(s.class.polls[0]!.mine, [1]);
    assert.equal(s.class.polls[0]!.counts, undefined, 'students see no counts before results are published');
    s = run([{ type: 'events', events: [
      ev(3, { kind: 'poll.closed', data: { pollId: 1 } }),
      ev(4, { kind: 'poll.published', data: { pollId: 1, counts: [3, 1, 0], voters: 4, correct: [0] } }),
    ] }], s);
    const p = s.class.polls[0]!;
    assert.equal(p.status, 'published');
    assert.deepEqual([p.counts, p.correct, p.mine], [[3, 1, 0], [0], [1]]);
    assert.equal(isCorrect(p, p.mine), false);
  });

  it('keeps the waiting list from lobby frames, and names from everywhere', () => {
    let s = run([{ type: 'joined', result: join({ head: 0, resume: 'fresh', lobby: [{ userId: 9, displayName: 'Nina', since: 1 }] }, tina) }]);
    assert.deepEqual(s.lobby.map((w) => w.userId), [9]);
    s = run([{ type: 'lobby', waiting: [{ userId: 3, displayName: 'Sofia', since: 2 }] }], s);
    assert.deepEqual(s.lobby.map((w) => w.userId), [3]);
    assert.equal(nameOf(s, 9), 'Nina', 'someone who was waiting keeps a name');
    assert.equal(nameOf(s, 3), 'Sofia');
    assert.equal(nameOf(s, 1), 'Tina');
    assert.equal(nameOf(s, 77), 'Participant #77');
  });

  it('a waiting result shows the room and who I am, nothing else', () => {
    const s = run([{ type: 'waiting', result: { status: 'waiting', room: { id: 'room1', title: 'Biology', capacity: 30, status: 'open' }, self: sam } }]);
    assert.equal(s.room?.title, 'Biology');
    assert.equal(s.self?.userId, 2);
    assert.deepEqual(s.participants, []);
  });

  it('a move starts the other room from scratch but keeps names and who I am', () => {
    let s = run([{ type: 'joined', result: join({ head: 30, resume: 'fresh', participants: [{ ...sofia, state: 'joined' }] }) }]);
    s = run([{ type: 'events', events: [hand(31, 2)] }], s);
    const moved = movedRoomState(s);
    assert.equal(moved.lastSeq, 0, 'the other room has its own seqs');
    assert.deepEqual(moved.class, initialClassState());
    assert.equal(moved.self?.userId, 2);
    assert.equal(nameOf(moved, 3), 'Sofia');
    const group = run([{ type: 'joined', result: join({ head: 4, resume: 'fresh', parentRoomId: 'room1' }) }], moved);
    assert.equal(group.parentRoomId, 'room1');
    assert.equal(group.lastSeq, 4);
  });

  it('notes a declined request of mine until I ask again, and ignores others\'', () => {
    let s = run([{ type: 'joined', result: join({ head: 0, resume: 'fresh' }) }]);
    s = run([{ type: 'events', events: [
      ev(1, { kind: 'class.requested', data: { userId: 2, capability: 'audio', at: 1 } }),
      ev(2, { kind: 'class.answered', data: { userId: 3, capability: 'audio', approve: false } }),
    ] }], s);
    assert.equal(s.declined, null);
    assert.deepEqual([...pendingRequests(s.class, 2)], ['audio']);
    s = run([{ type: 'events', events: [ev(3, { kind: 'class.answered', data: { userId: 2, capability: 'audio', approve: false } })] }], s);
    assert.equal(s.declined, 'audio');
    assert.deepEqual([...pendingRequests(s.class, 2)], []);
    s = run([{ type: 'events', events: [ev(4, { kind: 'class.requested', data: { userId: 2, capability: 'audio', at: 4 } })] }], s);
    assert.equal(s.declined, null);
  });
});

describe('class view helpers', () => {
  it('capabilities: a muted student, a granted one, staff control', () => {
    let s = run([{ type: 'joined', result: join({ head: 0, resume: 'fresh' }) }]);
    assert.equal(myCaps(s)?.chat, true);
    assert.equal(canControl(s), false);
    s = run([{ type: 'events', events: [
      ev(1, { kind: 'class.granted', data: { userId: 2, capability: 'chat', allow: false } }),
      ev(2, { kind: 'class.granted', data: { userId: null, capability: 'draw', allow: true } }),
    ] }], s);
    assert.deepEqual([myCaps(s)?.chat, myCaps(s)?.draw, myCaps(s)?.audio], [false, true, false]);
    const teacher = run([{ type: 'joined', result: join({ head: 0, resume: 'fresh' }, tina) }]);
    assert.equal(canControl(teacher), true);
    assert.equal(myCaps(initialRoomState), null);
  });

  it('hand places are 1-based in queue order', () => {
    const c: ClassState = { ...initialClassState(), hands: [{ userId: 3, at: 1 }, { userId: 2, at: 2 }] };
    assert.deepEqual([handPlace(c, 3), handPlace(c, 2), handPlace(c, 9)], [1, 2, null]);
  });

  it('the student poll card shows the newest open poll, else the newest one unless dismissed', () => {
    assert.equal(studentPoll(withPolls()), null);
    assert.equal(studentPoll(withPolls(poll({ id: 1 }), poll({ id: 2, status: 'published' })))?.id, 1, 'an open poll comes first');
    assert.equal(studentPoll(withPolls(poll({ id: 1, status: 'published' }), poll({ id: 2, status: 'closed' })))?.id, 2);
    assert.equal(studentPoll(withPolls(poll({ id: 1, status: 'published' })), new Set([1])), null);
  });

  it('grades quiz answers as exact sets, and only quizzes', () => {
    assert.equal(isCorrect({ correct: [0, 2] }, [2, 0]), true);
    assert.equal(isCorrect({ correct: [0, 2] }, [0]), false);
    assert.equal(isCorrect({ correct: [0] }, [0, 1]), false);
    assert.equal(isCorrect({}, [0]), null);
    assert.equal(isCorrect({ correct: [0] }, undefined), null);
  });

  it('percentages are of voters (several answers may exceed 100 in total)', () => {
    assert.deepEqual(percentages([1, 1, 0], 2), [50, 50, 0]);
    assert.deepEqual(percentages([2, 1], 2), [100, 50]);
    assert.deepEqual(percentages([0, 0], 0), [0, 0]);
  });

  it('countdowns, group labels, groups and an even spread', () => {
    assert.equal(formatCountdown(10_000 + 252_000, 10_000), '4:12');
    assert.equal(formatCountdown(3_723_000, 0), '1:02:03');
    assert.equal(formatCountdown(0, 5_000), '0:00');
    assert.equal(formatCountdown(1_500, 1_000), '0:01', 'rounds up: never shows 0:00 early');
    assert.equal(groupLabel('Biology — Group 2'), 'Group 2');
    assert.equal(groupLabel('Plain'), 'Plain');
    const c: ClassState = { ...initialClassState(), breakout: { groups: [{ index: 0, name: 'Group 1', roomId: 'g1', userIds: [2] }], startedAt: 0, endsAt: null } };
    assert.equal(groupOf(c, 2)?.roomId, 'g1');
    assert.equal(groupOf(c, 3), null);
    assert.deepEqual(spread([5, 6, 7], 2), { 5: 0, 6: 1, 7: 0 });
  });
});

describe('raised hands a viewer shows', () => {
  const state = (self: Who, handsVisible: boolean): Pick<RoomState, 'self' | 'class'> => ({
    self,
    class: { ...initialClassState(), settings: { locked: false, waitingRoom: false, handsVisible }, hands: [{ userId: 3, at: 1 }, { userId: 2, at: 2 }] },
  });
  it('staff see every hand; a student sees others\' only while hands are visible', () => {
    assert.deepEqual(visibleHands(state(tina, false)).map((h) => h.userId), [3, 2]);
    assert.deepEqual(visibleHands(state(sam, true)).map((h) => h.userId), [3, 2]);
    assert.deepEqual(visibleHands(state(sam, false)).map((h) => h.userId), [2], 'a stale copy of Sofia\'s hand is not shown');
  });
});
