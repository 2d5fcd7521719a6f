// Breakout groups: real rooms under the class room, each with its own log (chat now, the
// whiteboard and media later). Moving people is the server's job: it takes them out of one
// room and tells their client where to go (room.move); a client never has to be trusted to go.
import type { ClientMessageOf, ResultMap, ServerMessage } from '../protocol/messages.js';
import { CloseCode } from '../protocol/errors.js';
import { isStaff, type BreakoutGroup } from '../protocol/classState.js';
import { UserError } from '../errors.js';
import type { LiveRoom } from '../rooms/LiveRoom.js';
import type { HandlerCtx, Services } from '../rooms/types.js';
import { act } from './act.js';

const moveFrame = (from: string, to: string, reason: 'breakout' | 'recall') =>
  JSON.stringify({ type: 'room.move', from, to, reason } satisfies ServerMessage);

/** Closes every group, bringing people back (recall) or sending students home (class ended). */
export function endBreakout(services: Services, main: LiveRoom, actorId: number | null, mode: 'recall' | 'class-ended'): number {
  const breakout = main.classState.breakout;
  if (!breakout) return 0;
  const a = main.appendClass('breakout.ended', actorId, { at: Date.now() });
  main.scheduleBreakoutEnd(null, () => {});
  for (const g of breakout.groups) {
    const room = services.rooms.get(g.roomId);
    if (!room) continue;
    if (room.status === 'open') services.rooms.close(room.id);
    const live = services.live.get(room.id);
    if (!live) continue;
    for (const { member } of live.seated()) {
      if (mode === 'class-ended' && !isStaff(member.role)) {
        live.evict(member.userId, CloseCode.CLASS_ENDED, 'The class has ended. Thank you for joining!', 'class-ended');
      } else {
        live.release(member.userId, moveFrame(room.id, main.id, 'recall'));
      }
    }
  }
  return a.event.seq;
}

/** Re-arms a running breakout's timer when its class room goes live (after a restart). */
export function armBreakoutTimer(services: Services, main: LiveRoom): void {
  const endsAt = main.classState.breakout?.endsAt ?? null;
  if (endsAt !== null) main.scheduleBreakoutEnd(endsAt, () => endBreakout(services, main, null, 'recall'));
}

function shuffle<T>(list: T[]): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

export const breakoutHandlers = {
  'breakout.start'(ctx: HandlerCtx, msg: ClientMessageOf<'breakout.start'>): ResultMap['breakout.start'] {
    const { room: main, member } = act(ctx, 'breakout.start');
    const { rooms } = ctx.services;
    const parent = rooms.require(main.id);
    if (parent.parentId) throw new UserError('FORBIDDEN', 'Breakouts start from the class room, not from a group.');
    if (main.classState.breakout) throw new UserError('BREAKOUT_ACTIVE', 'Breakout groups are already running; end them first.');
    const students = main.seated().filter((s) => s.member.role === 'student').map((s) => s.member.userId);
    const members: number[][] = Array.from({ length: msg.groups }, () => []);
    const placed = new Set<number>();
    for (const a of msg.assign ?? []) {
      if (!students.includes(a.userId)) throw new UserError('NOT_PARTICIPANT', `User ${a.userId} is not a student in this room right now.`);
      if (a.group >= msg.groups) throw new UserError('BAD_MESSAGE', `Group ${a.group} does not exist: there are ${msg.groups} groups (numbered from 0).`);
      if (placed.has(a.userId)) throw new UserError('BAD_MESSAGE', `User ${a.userId} is assigned twice.`);
      members[a.group]!.push(a.userId);
      placed.add(a.userId);
    }
    // Everyone not placed by hand goes to the smallest group, in random order.
    for (const id of shuffle(students.filter((s) => !placed.has(s)))) {
      members.reduce((min, g) => (g.length < min.length ? g : min), members[0]!).push(id);
    }
    const staff = rooms.enrollments(main.id).filter((e) => e.role !== 'student');
    const startedAt = Date.now();
    const endsAt = msg.durationMinutes ? startedAt + msg.durationMinutes * 60_000 : null;
    const groups: BreakoutGroup[] = rooms.transaction(() => {
      const made = members.map((userIds, index) => {
        const name = `Group ${index + 1}`;
        const room = rooms.createChild(main.id, `${parent.title} — ${name}`, parent.capacity);
        for (const s of staff) rooms.enroll(room.id, s.userId, s.role);
        if (member.role !== 'admin' && !staff.some((s) => s.userId === member.userId)) rooms.enroll(room.id, member.userId, 'assistant');
        for (const id of userIds) rooms.enroll(room.id, id, 'student');
        const members = userIds.map((userId) => ({ userId, displayName: main.member(userId)?.displayName ?? `#${userId}` }));
        return { index, name, roomId: room.id, userIds, members };
      });
      return made;
    });
    const a = main.appendClass('breakout.started', member.userId, { groups, startedAt, endsAt });
    for (const g of groups) for (const id of g.userIds) main.release(id, moveFrame(main.id, g.roomId, 'breakout'));
    armBreakoutTimer(ctx.services, main);
    return { groups, seq: a.event.seq };
  },

  'breakout.broadcast'(ctx: HandlerCtx, msg: ClientMessageOf<'breakout.broadcast'>): ResultMap['breakout.broadcast'] {
    const { room: here, member } = act(ctx, 'breakout.broadcast');
    const main = here.parentId ? ctx.services.live.open(ctx.services.rooms.require(here.parentId)) : here;
    const breakout = main.classState.breakout;
    if (!breakout) throw new UserError('NO_BREAKOUT', 'No breakout groups are running.');
    const text = msg.text.trim();
    if (!text) throw new UserError('BAD_MESSAGE', 'A message cannot be empty.');
    const from = { userId: member.userId, displayName: member.displayName, role: member.role };
    let delivered = 0;
    for (const g of breakout.groups) {
      const room = ctx.services.rooms.get(g.roomId);
      if (!room || room.status !== 'open') continue;
      ctx.services.live.open(room).append('chat.message', member.userId, { from, text, broadcast: true });
      delivered += 1;
    }
    return { delivered };
  },

  'breakout.end'(ctx: HandlerCtx, _msg: ClientMessageOf<'breakout.end'>): ResultMap['breakout.end'] {
    const { room: here, member } = act(ctx, 'breakout.end');
    const main = here.parentId ? ctx.services.live.open(ctx.services.rooms.require(here.parentId)) : here;
    if (!main.classState.breakout) throw new UserError('NO_BREAKOUT', 'No breakout groups are running.');
    return { seq: endBreakout(ctx.services, main, member.userId, 'recall') };
  },
};
