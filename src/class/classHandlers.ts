// Class control: capabilities and "ask to" requests, hands, removal, lock and waiting room,
// and the class session. Every rule is checked here, on the server.
import type { ClientMessageOf, ParticipantRole, ResultMap, ServerMessage } from '../protocol/messages.js';
import { CloseCode } from '../protocol/errors.js';
import { capsOf, isStaff } from '../protocol/classState.js';
import { UserError } from '../errors.js';
import { staffAnd, type Audience } from '../rooms/RoomLog.js';
import type { LiveRoom } from '../rooms/LiveRoom.js';
import type { HandlerCtx } from '../rooms/types.js';
import { act } from './act.js';
import { endBreakout } from './breakouts.js';

/** The role of someone in (or enrolled in) the room; NOT_PARTICIPANT otherwise. */
function targetRole(ctx: HandlerCtx, room: LiveRoom, userId: number): ParticipantRole {
  const role = room.member(userId)?.role ?? ctx.services.rooms.roleOf(room.id, userId);
  if (!role) throw new UserError('NOT_PARTICIPANT', 'That person is not a participant of this room.');
  return role;
}

/** Hands are public only when the teacher says so; otherwise staff and the hand's owner. */
const handAudience = (room: LiveRoom, userId: number): Audience => (room.classState.settings.handsVisible ? null : staffAnd(userId));

export const classHandlers = {
  'class.grant'(ctx: HandlerCtx, msg: ClientMessageOf<'class.grant'>): ResultMap['class.grant'] {
    const { room, member } = act(ctx, 'class.grant');
    if (msg.userId !== undefined) {
      const role = targetRole(ctx, room, msg.userId);
      if (role === 'teacher' || role === 'admin') throw new UserError('FORBIDDEN', 'A teacher\'s capabilities cannot be changed.');
      if (role === 'assistant' && member.role === 'assistant') throw new UserError('FORBIDDEN', 'Only a teacher can change an assistant\'s capabilities.');
    }
    const userId = msg.userId ?? null;
    const a = room.appendClass('class.granted', member.userId, { userId, capability: msg.capability, allow: msg.allow },
      userId === null ? null : staffAnd(userId));
    return { seq: a.event.seq };
  },

  'class.request'(ctx: HandlerCtx, msg: ClientMessageOf<'class.request'>): ResultMap['class.request'] {
    const { room, member } = act(ctx, 'class.request');
    if (capsOf(room.classState, member.userId, member.role)[msg.capability]) {
      throw new UserError('ALREADY_ALLOWED', 'You already have that permission.');
    }
    if (room.classState.requests.some((r) => r.userId === member.userId && r.capability === msg.capability)) {
      throw new UserError('ALREADY_REQUESTED', 'You have already asked; a teacher will answer.');
    }
    const a = room.appendClass('class.requested', member.userId, { userId: member.userId, capability: msg.capability, at: Date.now() }, staffAnd(member.userId));
    return { seq: a.event.seq };
  },

  'class.answer'(ctx: HandlerCtx, msg: ClientMessageOf<'class.answer'>): ResultMap['class.answer'] {
    const { room, member } = act(ctx, 'class.answer');
    if (!room.classState.requests.some((r) => r.userId === msg.userId && r.capability === msg.capability)) {
      throw new UserError('NOT_FOUND', 'There is no such request (it may have been answered already).');
    }
    let a = room.appendClass('class.answered', member.userId, { userId: msg.userId, capability: msg.capability, approve: msg.approve }, staffAnd(msg.userId));
    if (msg.approve) {
      a = room.appendClass('class.granted', member.userId, { userId: msg.userId, capability: msg.capability, allow: true }, staffAnd(msg.userId));
    }
    return { seq: a.event.seq };
  },

  'class.hand'(ctx: HandlerCtx, msg: ClientMessageOf<'class.hand'>): ResultMap['class.hand'] {
    const { room, member } = act(ctx, 'class.hand');
    const raised = room.classState.hands.some((h) => h.userId === member.userId);
    if (raised === msg.raised) throw new UserError(msg.raised ? 'ALREADY_REQUESTED' : 'NOT_FOUND', msg.raised ? 'Your hand is already raised.' : 'Your hand is not raised.');
    const a = room.appendClass('class.hand', member.userId, { userId: member.userId, raised: msg.raised, at: Date.now() }, handAudience(room, member.userId));
    return { seq: a.event.seq };
  },

  'class.lowerHand'(ctx: HandlerCtx, msg: ClientMessageOf<'class.lowerHand'>): ResultMap['class.lowerHand'] {
    const { room, member } = act(ctx, 'class.lowerHand');
    if (msg.userId === undefined) {
      const a = room.appendClass('class.handsLowered', member.userId, { by: member.userId });
      return { seq: a.event.seq };
    }
    if (!room.classState.hands.some((h) => h.userId === msg.userId)) throw new UserError('NOT_FOUND', 'That hand is not raised.');
    const a = room.appendClass('class.hand', member.userId, { userId: msg.userId, raised: false, at: Date.now() }, handAudience(room, msg.userId));
    return { seq: a.event.seq };
  },

  'class.remove'(ctx: HandlerCtx, msg: ClientMessageOf<'class.remove'>): ResultMap['class.remove'] {
    const { room, member } = act(ctx, 'class.remove');
    const waiting = room.lobby.has(msg.userId);
    const present = room.member(msg.userId);
    if (!present && !waiting) throw new UserError('NOT_PARTICIPANT', 'That person is not in this room.');
    if (present && (present.role === 'teacher' || present.role === 'admin')) throw new UserError('FORBIDDEN', 'A teacher cannot be removed.');
    if (present?.role === 'assistant' && member.role === 'assistant') throw new UserError('FORBIDDEN', 'Only a teacher can remove an assistant.');
    const bar = msg.bar ?? false;
    const a = room.appendClass('class.removed', member.userId, { userId: msg.userId, bar });
    const reason = bar ? 'A teacher removed you from the class. You cannot rejoin this session.' : 'A teacher removed you from the class.';
    room.admitted.delete(msg.userId);
    room.lobby.remove(msg.userId)?.peer.end(CloseCode.REMOVED, reason);
    room.evict(msg.userId, CloseCode.REMOVED, reason, 'removed');
    return { seq: a.event.seq };
  },

  'class.settings'(ctx: HandlerCtx, msg: ClientMessageOf<'class.settings'>): ResultMap['class.settings'] {
    const { room, member } = act(ctx, 'class.settings');
    const { locked, waitingRoom, handsVisible } = msg;
    if (locked === undefined && waitingRoom === undefined && handsVisible === undefined) {
      throw new UserError('BAD_MESSAGE', 'Name at least one setting: locked, waitingRoom or handsVisible.');
    }
    const cur = room.classState.settings;
    const next = { locked: locked ?? cur.locked, waitingRoom: waitingRoom ?? cur.waitingRoom, handsVisible: handsVisible ?? cur.handsVisible };
    const reveal = next.handsVisible && !cur.handsVisible ? { hands: room.classState.hands } : {};
    const a = room.appendClass('class.settings', member.userId, { ...next, ...reveal });
    // Turning the waiting room off lets in whoever was waiting.
    if (!next.waitingRoom) admit(room, room.lobby.ids());
    return { seq: a.event.seq };
  },

  'class.admit'(ctx: HandlerCtx, msg: ClientMessageOf<'class.admit'>): ResultMap['class.admit'] {
    const { room } = act(ctx, 'class.admit');
    if (msg.userId !== undefined && !room.lobby.has(msg.userId)) {
      throw new UserError('NOT_WAITING', 'That person is not in the waiting room (they may have left).');
    }
    const ids = msg.userId === undefined ? room.lobby.ids() : [msg.userId];
    if (msg.admit) return { admitted: admit(room, ids), denied: [] };
    const denied: number[] = [];
    for (const id of ids) {
      const w = room.lobby.remove(id);
      if (!w) continue;
      denied.push(id);
      w.peer.end(CloseCode.DENIED, 'A teacher declined your request to join.');
    }
    return { admitted: [], denied };
  },

  'class.start'(ctx: HandlerCtx, _msg: ClientMessageOf<'class.start'>): ResultMap['class.start'] {
    const { room, member } = act(ctx, 'class.start');
    if (room.parentId) throw new UserError('FORBIDDEN', 'Start the class from the class room, not a breakout group.');
    if (room.classState.session) throw new UserError('SESSION_RUNNING', `Class session ${room.classState.session.number} is already running.`);
    const classes = ctx.services.classes;
    const session = classes.nextSessionNumber(room.id);
    const at = Date.now();
    const a = room.appendClass('class.started', member.userId, { session, at }, null, { also: () => classes.startSession(room.id, session, at) });
    return { session, seq: a.event.seq };
  },

  'class.end'(ctx: HandlerCtx, _msg: ClientMessageOf<'class.end'>): ResultMap['class.end'] {
    const { room, member } = act(ctx, 'class.end');
    const running = room.classState.session;
    if (!running) throw new UserError('NO_SESSION', 'No class session is running.');
    if (room.classState.breakout) endBreakout(ctx.services, room, member.userId, 'class-ended');
    const classes = ctx.services.classes;
    const at = Date.now();
    const a = room.appendClass('class.ended', member.userId, { session: running.number, at }, null, {
      also: () => classes.endSession(room.id, running.number, at),
    });
    room.admitted.clear();
    const reason = 'The class has ended. Thank you for joining!';
    for (const id of room.lobby.ids()) room.lobby.remove(id)?.peer.end(CloseCode.CLASS_ENDED, reason);
    for (const { member: m } of room.seated()) {
      if (!isStaff(m.role)) room.evict(m.userId, CloseCode.CLASS_ENDED, reason, 'class-ended');
    }
    return { session: running.number, seq: a.event.seq };
  },
};

function admit(room: LiveRoom, ids: number[]): number[] {
  const admitted: number[] = [];
  for (const id of ids) {
    const w = room.lobby.remove(id);
    if (!w) continue;
    room.admitted.add(id);
    admitted.push(id);
    w.peer.send(JSON.stringify({ type: 'lobby.admitted', roomId: room.id } satisfies ServerMessage));
  }
  return admitted;
}
