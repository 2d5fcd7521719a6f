import type { ClientMessageOf, JoinResult, ParticipantRole, ServerMessage, RoomEvent, WaitingResult } from '../protocol/messages.js';
import { isStaff, viewFor } from '../protocol/classState.js';
import { CloseCode } from '../protocol/errors.js';
import { UserError } from '../errors.js';
import type { HandlerCtx } from './types.js';

/** Newest chat messages in a fresh join; older ones are paged with chat.history. */
const RECENT_CHAT = 50;
/** Events per room.replay frame: small enough to stay far below any frame limit. */
const REPLAY_CHUNK = 200;

export function roleIn(ctx: HandlerCtx, roomId: string): ParticipantRole {
  if (ctx.user.role === 'admin') return 'admin';
  const role = ctx.services.rooms.roleOf(roomId, ctx.user.id);
  if (!role) throw new UserError('FORBIDDEN', 'You are not enrolled in this room.');
  return role;
}

export const roomHandlers = {
  'room.join'(ctx: HandlerCtx, msg: ClientMessageOf<'room.join'>): JoinResult | WaitingResult {
    if (ctx.place) throw new UserError('ALREADY_IN_ROOM', 'Leave the current room before joining another.');
    if (ctx.waitingIn && ctx.waitingIn.id !== msg.roomId) throw new UserError('ALREADY_IN_ROOM', 'You are waiting to enter another room.');
    const { rooms, log, live, config } = ctx.services;
    const room = rooms.get(msg.roomId);
    if (!room) throw new UserError('ROOM_NOT_FOUND', `No room with id "${msg.roomId}".`);
    // A guest's invite opens its room and that room's breakout groups.
    if (ctx.restrictedRoom !== null && ctx.restrictedRoom !== room.id && ctx.restrictedRoom !== room.parentId) {
      throw new UserError('FORBIDDEN', 'Your invite opens a different room.');
    }
    if (room.status !== 'open') throw new UserError('ROOM_CLOSED', 'This room is closed.');
    const role = roleIn(ctx, room.id);
    const member = { userId: ctx.user.id, displayName: ctx.user.displayName, role };
    const info = { id: room.id, title: room.title, capacity: room.capacity, status: room.status };

    const liveRoom = live.open(room);
    const cls = liveRoom.classState;
    const staff = isStaff(role);
    if (!staff) {
      if (cls.barred.includes(member.userId)) throw new UserError('BARRED', 'A teacher removed you from this class session.');
      const group = room.parentId === null ? cls.breakout?.groups.find((g) => g.userIds.includes(member.userId)) : undefined;
      if (group) {
        // Sent before the error reply, so the client can go straight to its group.
        ctx.peer.send(JSON.stringify({ type: 'room.move', from: room.id, to: group.roomId, reason: 'breakout' } satisfies ServerMessage));
        throw new UserError('IN_BREAKOUT', `You are in a breakout group (${group.name}) until the teacher recalls everyone.`);
      }
      // Someone still holding a seat (reconnecting) comes back past the lock and the lobby.
      if (!liveRoom.isPresent(member.userId)) {
        if (cls.settings.locked) throw new UserError('ROOM_LOCKED', 'The teacher has locked this room: no one new can join right now.');
        if (cls.settings.waitingRoom && room.parentId === null && !liveRoom.admitted.has(member.userId)) {
          ctx.wait(liveRoom, member);
          return { status: 'waiting', room: info, self: member };
        }
      }
    }

    const { replaced } = liveRoom.attach(member, ctx.peer);
    replaced?.end(CloseCode.REPLACED, 'You opened this room somewhere else.');
    ctx.enter(liveRoom, member);

    // Everything below runs in the same tick as the attach: no live event can slip in
    // between the replay and the reply, so the client sees each seq exactly once.
    const head = log.head(room.id);
    const result: JoinResult = {
      status: 'joined',
      room: info,
      self: member,
      participants: liveRoom.participants(),
      head,
      resume: 'fresh',
      class: viewFor(cls, member.userId, role),
      board: liveRoom.board.state,
      ...(staff ? { lobby: liveRoom.lobby.list() } : {}),
      ...(room.parentId ? { parentRoomId: room.parentId } : {}),
    };
    const since = msg.since;
    if (since !== undefined && since <= head && head - since <= config.rooms.replayLimit) {
      result.resume = 'events';
      sendReplay(ctx, room.id, log.since(room.id, since, member.userId, config.rooms.replayLimit, staff));
    } else {
      result.recent = log.history(room.id, member.userId, undefined, RECENT_CHAT, staff);
    }
    return result;
  },

  'room.leave'(ctx: HandlerCtx, _msg: ClientMessageOf<'room.leave'>): Record<string, never> {
    if (ctx.waitingIn) {
      ctx.exit();
      return {};
    }
    const place = ctx.place;
    if (!place) throw new UserError('NOT_IN_ROOM', 'You are not in a room.');
    ctx.exit();
    place.room.remove(place.member.userId, 'left');
    return {};
  },
};

function sendReplay(ctx: HandlerCtx, roomId: string, events: RoomEvent[]): void {
  for (let i = 0; i < events.length || i === 0; i += REPLAY_CHUNK) {
    const chunk = events.slice(i, i + REPLAY_CHUNK);
    const done = i + REPLAY_CHUNK >= events.length;
    ctx.afterReply(JSON.stringify({ type: 'room.replay', roomId, events: chunk, done } satisfies ServerMessage));
  }
}
