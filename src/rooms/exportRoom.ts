// `classroomctl room export`: everything a school may need to keep about a room, as JSON.
// Format 2 added class sessions, per-session attendance, polls and breakout groups; format 3
// adds the whiteboard (each page as data and as a self-contained SVG). Every earlier field is
// still there with the same meaning.
import type { Db } from '../store/db.js';
import type { RoomStore } from './RoomStore.js';
import type { RoomLog } from './RoomLog.js';
import type { UserStore } from '../auth/UserStore.js';
import type { ChatMessage, RoomEvent } from '../protocol/messages.js';
import { attendanceJson, classReport } from './attendance.js';
import { BoardStore } from '../whiteboard/LiveBoard.js';
import { pageToSvg } from '../whiteboard/svg.js';
import type { AssetStore } from '../whiteboard/assets.js';

export const EXPORT_FORMAT = 'classroom-room-export/3';

export interface AttendanceInterval { joinedAt: number; leftAt: number | null; leaveReason: string | null }

export interface ExportStores { db: Db; rooms: RoomStore; log: RoomLog; users: UserStore; assets?: AssetStore }

/** A room's board: pages with their objects, and each page as an SVG with its images inlined. */
function boardExport(s: ExportStores, roomId: string) {
  const { state } = new BoardStore(s.db).load(roomId);
  const assetUrl = (assetId: string) => {
    const a = s.assets?.get(roomId, assetId);
    return a && s.assets ? `data:${a.mime};base64,${s.assets.read(a).toString('base64')}` : undefined;
  };
  return {
    pages: state.pages.map((p) => ({ id: p.id, title: p.title, background: p.background, objects: p.objects, svg: pageToSvg(state, p.id, { assetUrl }) })),
  };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

type LoggedEvent = ReturnType<RoomLog['all']>[number];

/** The chat transcript of one room's log: public and direct messages, deleted ones as such. */
function transcript(events: readonly LoggedEvent[]) {
  const chat: Array<ChatMessage & { direct: boolean }> = [];
  for (const e of events) if (e.kind === 'chat.message') chat.push({ ...e.data, direct: e.audience !== null });
  return chat.map((m) => ({
    messageId: m.messageId, seq: m.seq, at: new Date(m.at).toISOString(), from: m.from, to: m.to ?? null,
    direct: m.direct, ...(m.broadcast ? { broadcast: true } : {}), text: m.text,
    deleted: m.deleted ? { by: m.deleted.by, at: new Date(m.deleted.at).toISOString() } : null,
  }));
}

export function exportRoom(roomId: string, s: ExportStores, now = Date.now()) {
  const { rooms, log, users } = s;
  const room = rooms.require(roomId);
  const events = log.all(roomId);
  const report = classReport(s.db, roomId, now);
  const groupEvents = new Map(report.groups.map((g) => [g.id, log.all(g.id)]));

  const attendance = new Map<number, AttendanceInterval[]>();
  const names = new Map<number, string>();
  const seen = new Set<number>();
  const breakouts: Array<Extract<RoomEvent, { kind: 'breakout.started' }>> = [];
  for (const e of events) {
    if (e.kind === 'chat.message') {
      seen.add(e.data.from.userId);
    } else if (e.kind === 'participant.joined') {
      seen.add(e.data.userId);
      names.set(e.data.userId, e.data.displayName);
      const list = attendance.get(e.data.userId) ?? [];
      list.push({ joinedAt: e.at, leftAt: null, leaveReason: null });
      attendance.set(e.data.userId, list);
    } else if (e.kind === 'participant.left') {
      const open = attendance.get(e.data.userId)?.findLast((i) => i.leftAt === null);
      if (open) { open.leftAt = e.at; open.leaveReason = e.data.reason; }
    } else if (e.kind === 'breakout.started') {
      breakouts.push(e);
    }
  }
  // What was said in a group stays with the class: its people are the class's participants.
  for (const list of groupEvents.values()) {
    for (const e of list) {
      if (e.kind === 'participant.joined') { seen.add(e.data.userId); names.set(e.data.userId, e.data.displayName); }
      if (e.kind === 'chat.message') seen.add(e.data.from.userId);
    }
  }

  const enrolled = rooms.enrollments(roomId);
  const enrolledIds = new Set(enrolled.map((e) => e.userId));
  const participants = [
    ...enrolled.map((e) => ({ userId: e.userId, username: e.username, displayName: e.displayName, role: e.role, enrolled: true })),
    ...[...seen].filter((id) => !enrolledIds.has(id)).map((id) => {
      const u = users.byId(id);
      return { userId: id, username: u?.username ?? null, displayName: u?.displayName ?? '(removed user)', role: u?.role === 'admin' ? 'admin' : 'unknown', enrolled: false };
    }),
  ];
  const nameOf = (id: number) => participants.find((p) => p.userId === id)?.displayName ?? users.byId(id)?.displayName ?? names.get(id) ?? '(removed user)';

  return {
    format: EXPORT_FORMAT,
    exportedAt: new Date(now).toISOString(),
    room: { id: room.id, title: room.title, capacity: room.capacity, status: room.status, createdAt: new Date(room.createdAt).toISOString() },
    participants,
    /** Format 1: presence in the class room over its whole life, not per session. */
    attendance: participants.map((p) => {
      const intervals = attendance.get(p.userId) ?? [];
      const totalMs = intervals.reduce((sum, i) => sum + ((i.leftAt ?? now) - i.joinedAt), 0);
      return {
        userId: p.userId, displayName: p.displayName,
        intervals: intervals.map((i) => ({ joinedAt: iso(i.joinedAt), leftAt: iso(i.leftAt), leaveReason: i.leaveReason })),
        totalSeconds: Math.round(totalMs / 1000),
      };
    }),
    chat: transcript(events),
    sessions: report.sessions.map((x) => ({ number: x.number, startedAt: iso(x.startedAt), endedAt: iso(x.endedAt) })),
    /** Per class session, breakout groups included: the same as `room attendance --json`. */
    attendanceBySession: attendanceJson(report.attendance),
    polls: report.polls.map((p) => ({
      id: p.id, question: p.question, options: p.options, multiple: p.multiple, anonymous: p.anonymous, quiz: p.quiz,
      correct: p.correct, status: p.status, createdAt: iso(p.createdAt), counts: p.counts, voters: p.voters,
      // Anonymous polls say how many chose what, never who.
      ...(p.anonymous ? {} : {
        answers: p.answers.map((a) => ({ userId: a.userId, displayName: nameOf(a.userId), choices: a.choices, at: iso(a.at), correct: a.correct })),
      }),
    })),
    breakouts: report.groups.map((g) => {
      const list = groupEvents.get(g.id) ?? [];
      const started = breakouts.find((b) => b.data.groups.some((x) => x.roomId === g.id));
      const ids = new Set(started?.data.groups.find((x) => x.roomId === g.id)?.userIds ?? []);
      for (const e of list) if (e.kind === 'participant.joined') ids.add(e.data.userId);
      return {
        id: g.id,
        name: g.name,
        createdAt: iso(g.createdAt),
        startedAt: iso(started?.data.startedAt ?? null),
        members: [...ids].map((userId) => ({ userId, displayName: nameOf(userId) })),
        chat: transcript(list),
        board: boardExport(s, g.id),
      };
    }),
    board: boardExport(s, roomId),
  };
}
