import { UserError } from '../errors.js';
import type { LiveRoom } from '../rooms/LiveRoom.js';
import type { HandlerCtx, Member } from '../rooms/types.js';
import { authorize, type Action } from './permissions.js';

export interface Place { room: LiveRoom; member: Member }

export function inRoom(ctx: HandlerCtx): Place {
  if (ctx.waitingIn) throw new UserError('WAITING', 'You are in the waiting room until a teacher lets you in.');
  if (!ctx.place) throw new UserError('NOT_IN_ROOM', 'Join a room first.');
  return ctx.place;
}

/** The participant's place in its room, after the one permission check for `action`. */
export function act(ctx: HandlerCtx, action: Action): Place {
  const place = inRoom(ctx);
  authorize(action, place.member, place.room.classState);
  return place;
}
