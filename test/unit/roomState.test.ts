// The browser client's pure room reducer: resume, dedupe by seq, deletion, participants.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dmRecipients, initialRoomState, roomReducer, type RoomAction, type RoomState } from '../../src/client/roomState.js';
import type { ChatMessage, JoinResult, ParticipantInfo, ParticipantRole, RoomEvent } from '../../src/protocol/messages.js';
import { emptyBoard } from '../../src/whiteboard/model.js';
import { initialClassState } from '../../src/protocol/classState.js';

interface Who { userId: number; displayName: string; role: ParticipantRole }
const tina: Who = { userId: 1, displayName: 'Tina', role: 'teacher' };
const sam: Who = { userId: 2, displayName: 'Sam', role: 'student' };
const sofia: Who = { userId: 3, displayName: 'Sofia', role: 'student' };
const ann: Who = { userId: 4, displayName: 'Ann', role: 'assistant' };
const here = (p: Who, state: ParticipantInfo['state'] = 'joined'): ParticipantInfo => ({ ...p, state });

const msg = (seq: number, text: string, from = tina): ChatMessage => ({ messageId: 100 + seq, seq, at: 1_000 + seq, from, text });
const chat = (seq: number, text: string, from = tina): RoomEvent => ({ seq, at: 1_000 + seq, kind: 'chat.message', data: msg(seq, text, from) });
const joinedEv = (seq: number, p: Who): RoomEvent => ({ seq, at: seq, kind: 'participant.joined', data: p });
const leftEv = (seq: number, userId: number): RoomEvent => ({ seq, at: seq, kind: 'participant.left', data: { userId, reason: 'timeout' } });

function join(o: Partial<JoinResult> & Pick<JoinResult, 'head' | 'resume'>): JoinResult {
  return {
    status: 'joined',
    room: { id: 'room1', title: 'Biology', capacity: 30, status: 'open' },
    self: sam,
    participants: [here(tina), here(sam)],
    class: initialClassState(),
    board: emptyBoard(),
    ...o,
  };
}

const run = (actions: RoomAction[], from: RoomState = initialRoomState) => actions.reduce(roomReducer, from);
const texts = (s: RoomState) => s.messages.map((m) => m.text);

describe('roomReducer', () => {
  it('a fresh join shows the recent messages and remembers head', () => {
    const s = run([{ type: 'joined', result: join({ head: 12, resume: 'fresh', recent: { messages: [msg(5, 'a'), msg(9, 'b')], hasMore: true } }) }]);
    assert.deepEqual(texts(s), ['a', 'b']);
    assert.equal(s.hasMore, true);
    assert.equal(s.lastSeq, 12);
    assert.equal(s.room?.title, 'Biology');
    assert.equal(s.participants.length, 2);
  });

  it('applies live events once, in order, ignoring anything at or below lastSeq', () => {
    let s = run([{ type: 'joined', result: join({ head: 10, resume: 'fresh', recent: { messages: [], hasMore: false } }) }]);
    s = run([{ type: 'events', events: [chat(11, 'one'), chat(12, 'two')] }, { type: 'events', events: [chat(12, 'two'), chat(10, 'old'), chat(13, 'three')] }], s);
    assert.deepEqual(texts(s), ['one', 'two', 'three']);
    assert.equal(s.lastSeq, 13);
  });

  it('a resume replays missed events and only then trusts head (gaps from others\' direct messages)', () => {
    let s = run([
      { type: 'joined', result: join({ head: 10, resume: 'fresh', recent: { messages: [msg(8, 'before')], hasMore: false } }) },
      { type: 'events', events: [chat(11, 'live')] },
    ]);
    // Reconnect with since 11; head is 20 but this user may only see 13 and 15.
    s = run([{ type: 'joined', result: join({ head: 20, resume: 'events' }) }], s);
    assert.equal(s.replayHead, 20);
    assert.equal(s.lastSeq, 11, 'head is not trusted before the replay is done');
    s = run([{ type: 'events', events: [chat(11, 'live'), chat(13, 'missed 1'), chat(15, 'missed 2')] }], s);
    assert.equal(s.lastSeq, 15);
    s = run([{ type: 'replayDone' }], s);
    assert.equal(s.lastSeq, 20);
    assert.equal(s.replayHead, null);
    s = run([{ type: 'events', events: [chat(21, 'after')] }], s);
    assert.deepEqual(texts(s), ['before', 'live', 'missed 1', 'missed 2', 'after']);
  });

  it('a resume with nothing missed is live at once', () => {
    let s = run([{ type: 'joined', result: join({ head: 10, resume: 'fresh', recent: { messages: [], hasMore: false } }) }]);
    s = run([{ type: 'joined', result: join({ head: 10, resume: 'events' }) }], s);
    assert.equal(s.replayHead, null);
    assert.equal(run([{ type: 'replayDone' }], s), s);
  });

  it('a fresh join after a reconnect replaces the messages with recent', () => {
    let s = run([
      { type: 'joined', result: join({ head: 3, resume: 'fresh', recent: { messages: [msg(1, 'a'), msg(2, 'b')], hasMore: false } }) },
      { type: 'events', events: [chat(4, 'c')] },
    ]);
    s = run([{ type: 'joined', result: join({ head: 9000, resume: 'fresh', recent: { messages: [msg(8999, 'y'), msg(9000, 'z')], hasMore: true } }) }], s);
    assert.deepEqual(texts(s), ['y', 'z']);
    assert.equal(s.hasMore, true);
    assert.equal(s.lastSeq, 9000);
    s = run([{ type: 'events', events: [chat(4, 'stale'), chat(9001, 'new')] }], s);
    assert.deepEqual(texts(s), ['y', 'z', 'new']);
  });

  it('marks deleted messages, keeping their place', () => {
    let s = run([{ type: 'joined', result: join({ head: 0, resume: 'fresh', recent: { messages: [], hasMore: false } }) }]);
    s = run([{ type: 'events', events: [chat(1, 'keep'), chat(2, 'remove me'), { seq: 3, at: 50, kind: 'chat.deleted', data: { messageId: 102, by: 1 } }] }], s);
    assert.deepEqual(texts(s), ['keep', '']);
    assert.deepEqual(s.messages[1]!.deleted, { by: 1, at: 50 });
  });

  it('tracks participants joining, leaving and reconnecting', () => {
    let s = run([{ type: 'joined', result: join({ head: 5, resume: 'fresh', recent: { messages: [], hasMore: false } }) }]);
    s = run([{ type: 'events', events: [joinedEv(6, sofia)] }], s);
    assert.deepEqual(s.participants.map((p) => p.userId).sort(), [1, 2, 3]);
    s = run([{ type: 'presence', userId: 3, state: 'reconnecting' }], s);
    assert.equal(s.participants.find((p) => p.userId === 3)?.state, 'reconnecting');
    s = run([{ type: 'presence', userId: 3, state: 'joined' }], s);
    assert.equal(s.participants.find((p) => p.userId === 3)?.state, 'joined');
    s = run([{ type: 'events', events: [leftEv(7, 3)] }], s);
    assert.deepEqual(s.participants.map((p) => p.userId).sort(), [1, 2]);
    // A join of someone already listed does not duplicate them.
    s = run([{ type: 'events', events: [joinedEv(8, tina)] }], s);
    assert.equal(s.participants.filter((p) => p.userId === 1).length, 1);
  });

  it('replayed participant events older than the snapshot do not undo it', () => {
    let s = run([{ type: 'joined', result: join({ head: 5, resume: 'fresh', recent: { messages: [], hasMore: false } }) }]);
    // While we were away Sofia left (6) and came back (7); the snapshot at head 7 has her.
    s = run([{ type: 'joined', result: join({ head: 7, resume: 'events', participants: [here(tina), here(sam), here(sofia)] }) }], s);
    s = run([{ type: 'events', events: [leftEv(6, 3), joinedEv(7, sofia)] }, { type: 'replayDone' }], s);
    assert.deepEqual(s.participants.map((p) => p.userId).sort(), [1, 2, 3]);
    // Live events after the snapshot still apply.
    s = run([{ type: 'events', events: [leftEv(8, 3)] }], s);
    assert.deepEqual(s.participants.map((p) => p.userId).sort(), [1, 2]);
  });

  it('history pages are prepended without duplicates', () => {
    let s = run([{ type: 'joined', result: join({ head: 60, resume: 'fresh', recent: { messages: [msg(50, 'c'), msg(60, 'd')], hasMore: true } }) }]);
    s = run([{ type: 'history', messages: [msg(30, 'a'), msg(40, 'b'), msg(50, 'c')], hasMore: false }], s);
    assert.deepEqual(texts(s), ['a', 'b', 'c', 'd']);
    assert.equal(s.hasMore, false);
  });

  it('a closed room is flagged', () => {
    let s = run([{ type: 'joined', result: join({ head: 1, resume: 'fresh', recent: { messages: [], hasMore: false } }) }]);
    s = run([{ type: 'events', events: [{ seq: 2, at: 2, kind: 'room.closed', data: {} }] }], s);
    assert.equal(s.closed, true);
  });
});

describe('dmRecipients', () => {
  const participants = [here(tina), here(sam), here(sofia), here(ann)];
  it('students may write only to staff', () => {
    assert.deepEqual(dmRecipients({ self: sam, participants }).map((p) => p.displayName), ['Tina', 'Ann']);
  });
  it('teachers may write to anyone but themselves', () => {
    assert.deepEqual(dmRecipients({ self: tina, participants }).map((p) => p.displayName), ['Sam', 'Sofia', 'Ann']);
  });
});
