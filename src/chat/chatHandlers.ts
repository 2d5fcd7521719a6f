import type { ClientMessageOf, ParticipantRole, ResultMap } from '../protocol/messages.js';
import { UserError } from '../errors.js';
import type { HandlerCtx, Member } from '../rooms/types.js';
import type { LiveRoom } from '../rooms/LiveRoom.js';
import { direct } from '../rooms/RoomLog.js';
import { authorize } from '../class/permissions.js';
import { inRoom } from '../class/act.js';
import { isStaff } from '../protocol/classState.js';

const MODERATORS: ReadonlySet<ParticipantRole> = new Set(['teacher', 'assistant', 'admin']);
const DEFAULT_PAGE = 50;

/** Who a direct message may go to: students write to the room's staff; staff to anyone. */
function recipient(ctx: HandlerCtx, room: LiveRoom, sender: Member, to: number): { userId: number; displayName: string } {
  if (to === sender.userId) throw new UserError('BAD_RECIPIENT', 'You cannot send a direct message to yourself.');
  let role: ParticipantRole | undefined = room.member(to)?.role ?? ctx.services.rooms.roleOf(room.id, to);
  const user = ctx.services.users.byId(to);
  if (!role && user?.role === 'admin' && room.isPresent(to)) role = 'admin';
  if (!role || !user) throw new UserError('BAD_RECIPIENT', 'That person is not a participant of this room.');
  if (!MODERATORS.has(sender.role) && !MODERATORS.has(role)) {
    throw new UserError('FORBIDDEN', 'Students can send direct messages only to teachers and assistants.');
  }
  return { userId: to, displayName: room.member(to)?.displayName ?? user.displayName };
}

export const chatHandlers = {
  'chat.send'(ctx: HandlerCtx, msg: ClientMessageOf<'chat.send'>): ResultMap['chat.send'] {
    const { room, member } = inRoom(ctx);
    authorize('chat.send', member, room.classState);
    const text = msg.text.trim();
    if (text.length === 0) throw new UserError('BAD_MESSAGE', 'A message cannot be empty.');
    const from = { userId: member.userId, displayName: member.displayName, role: member.role };
    if (msg.to === undefined) {
      const a = room.append('chat.message', member.userId, { from, text });
      return { messageId: a.id, seq: a.event.seq };
    }
    const to = recipient(ctx, room, member, msg.to);
    const a = room.append('chat.message', member.userId, { from, to, text }, direct(member.userId, to.userId));
    return { messageId: a.id, seq: a.event.seq };
  },

  'chat.delete'(ctx: HandlerCtx, msg: ClientMessageOf<'chat.delete'>): ResultMap['chat.delete'] {
    const { room, member } = inRoom(ctx);
    authorize('chat.delete', member, room.classState);
    const a = ctx.services.log.deleteMessage(room.id, msg.messageId, member.userId);
    room.publish(a);
    return { messageId: msg.messageId, seq: a.event.seq };
  },

  'chat.history'(ctx: HandlerCtx, msg: ClientMessageOf<'chat.history'>): ResultMap['chat.history'] {
    const { room, member } = inRoom(ctx);
    return ctx.services.log.history(room.id, member.userId, msg.before, msg.limit ?? DEFAULT_PAGE, isStaff(member.role));
  },
};
