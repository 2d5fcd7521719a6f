import type { ClientMessageOf, JoinResult, ParticipantRole, ServerMessage, RoomEvent } from '../protocol/messages.js';
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
  'room.join'(ctx: HandlerCtx, msg: ClientMessageOf<'room.join'>): JoinResult {
    if (ctx.place) throw new UserError('ALREADY_IN_ROOM', 'Leave the current room before joining another.');
    if (ctx.restrictedRoom !== null && ctx.restrictedRoom !== msg.roomId) {
      throw new UserError('FORBIDDEN', 'Your invite opens a different room.');
    }
    const { rooms, log, live, config } = ctx.services;
    const room = rooms.get(msg.roomId);
    if (!room) throw new UserError('ROOM_NOT_FOUND', `No room with id "${msg.roomId}".`);
    if (room.status !== 'open') throw new UserError('ROOM_CLOSED', 'This room is closed.');
    const role = roleIn(ctx, room.id);
    const member = { userId: ctx.user.id, displayName: ctx.user.displayName, role };

    const liveRoom = live.open(room);
    const { replaced } = liveRoom.attach(member, ctx.peer);
    replaced?.end(CloseCode.REPLACED, 'You opened this room somewhere else.');
    ctx.enter(liveRoom, member);

    // Everything below runs in the same tick as the attach: no live event can slip in
    // between the replay and the reply, so the client sees each seq exactly once.
    const head = log.head(room.id);
    const result: JoinResult = {
      room: { id: room.id, title: room.title, capacity: room.capacity, status: room.status },
      self: member,
      participants: liveRoom.participants(),
      head,
      resume: 'fresh',
    };
    const since = msg.since;
    if (since !== undefined && since <= head && head - since <= config.rooms.replayLimit) {
      result.resume = 'events';
      const events = log.since(room.id, since, ctx.user.id, config.rooms.replayLimit);
      sendReplay(ctx, room.id, events);
    } else {
      result.recent = log.history(room.id, ctx.user.id, undefined, RECENT_CHAT);
    }
    return result;
  },

  'room.leave'(ctx: HandlerCtx, _msg: ClientMessageOf<'room.leave'>): Record<string, never> {
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
