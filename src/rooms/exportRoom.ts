// `classroomctl room export`: everything a school may need to keep about a room, as JSON.
import type { RoomStore } from './RoomStore.js';
import type { RoomLog } from './RoomLog.js';
import type { UserStore } from '../auth/UserStore.js';
import type { ChatMessage } from '../protocol/messages.js';

export interface AttendanceInterval { joinedAt: number; leftAt: number | null; leaveReason: string | null }

export function exportRoom(roomId: string, rooms: RoomStore, log: RoomLog, users: UserStore) {
  const room = rooms.require(roomId);
  const events = log.all(roomId);
  const chat: Array<ChatMessage & { direct: boolean }> = [];
  const attendance = new Map<number, AttendanceInterval[]>();
  const seen = new Set<number>();
  for (const e of events) {
    if (e.kind === 'chat.message') {
      chat.push({ ...e.data, direct: e.audience !== null });
      seen.add(e.data.from.userId);
    } else if (e.kind === 'participant.joined') {
      seen.add(e.data.userId);
      const list = attendance.get(e.data.userId) ?? [];
      list.push({ joinedAt: e.at, leftAt: null, leaveReason: null });
      attendance.set(e.data.userId, list);
    } else if (e.kind === 'participant.left') {
      const open = attendance.get(e.data.userId)?.findLast((i) => i.leftAt === null);
      if (open) { open.leftAt = e.at; open.leaveReason = e.data.reason; }
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
  return {
    format: 'classroom-room-export/1',
    exportedAt: new Date().toISOString(),
    room: { id: room.id, title: room.title, capacity: room.capacity, status: room.status, createdAt: new Date(room.createdAt).toISOString() },
    participants,
    attendance: participants.map((p) => {
      const intervals = attendance.get(p.userId) ?? [];
      const totalMs = intervals.reduce((sum, i) => sum + ((i.leftAt ?? Date.now()) - i.joinedAt), 0);
      return {
        userId: p.userId, displayName: p.displayName,
        intervals: intervals.map((i) => ({ joinedAt: new Date(i.joinedAt).toISOString(), leftAt: i.leftAt === null ? null : new Date(i.leftAt).toISOString(), leaveReason: i.leaveReason })),
        totalSeconds: Math.round(totalMs / 1000),
      };
    }),
    chat: chat.map((m) => ({
      messageId: m.messageId, seq: m.seq, at: new Date(m.at).toISOString(), from: m.from, to: m.to ?? null,
      direct: m.direct, text: m.text, deleted: m.deleted ? { by: m.deleted.by, at: new Date(m.deleted.at).toISOString() } : null,
    })),
  };
}
