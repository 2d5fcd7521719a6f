// What the class-management UI derives from the room state: my capabilities, my hand, my
// requests, the poll a student should see, names for user ids, countdowns. Pure functions,
// unit-tested in test/unit/classView.test.ts; components stay free of these rules.
import { capsOf, isStaff, type BreakoutGroup, type Caps, type ClassState, type Poll, type Requestable } from '../protocol/classState.js';
import type { RoomState } from './roomState.js';

type Seen = Pick<RoomState, 'self' | 'class'>;

/** My effective capabilities (nothing before the join). */
export function myCaps(s: Seen): Caps | null {
  return s.self ? capsOf(s.class, s.self.userId, s.self.role) : null;
}

/** Teachers, assistants and admins with the control capability see the class controls. */
export function canControl(s: Seen): boolean {
  return !!s.self && isStaff(s.self.role) && !!myCaps(s)?.control;
}

/**
 * The raised hands this viewer should show. A student sees others' hands only while the
 * teacher makes them visible: otherwise lowering events reach staff and the hand's owner
 * only, and a copy kept from a visible period would go stale.
 */
export function visibleHands(s: Seen): ClassState['hands'] {
  if (!s.self || isStaff(s.self.role) || s.class.settings.handsVisible) return s.class.hands;
  const me = s.self.userId;
  return s.class.hands.filter((h) => h.userId === me);
}

/** 1-based place of `userId` in the raised-hands queue, or null. */
export function handPlace(c: ClassState, userId: number): number | null {
  const i = c.hands.findIndex((h) => h.userId === userId);
  return i < 0 ? null : i + 1;
}

export function pendingRequests(c: ClassState, userId: number): ReadonlySet<Requestable> {
  return new Set(c.requests.filter((r) => r.userId === userId).map((r) => r.capability));
}

/** "Ask to …" labels, in the order the buttons appear. */
export const ASK: ReadonlyArray<{ capability: Requestable; ask: string; pending: string }> = [
  { capability: 'audio', ask: 'Ask to speak', pending: 'Asked to speak…' },
  { capability: 'draw', ask: 'Ask to draw', pending: 'Asked to draw…' },
  { capability: 'screen', ask: 'Ask to share screen', pending: 'Asked to share screen…' },
  { capability: 'video', ask: 'Ask to use camera', pending: 'Asked to use camera…' },
];

/** Short names of capabilities for menus and chips. */
export const CAP_LABEL: Record<keyof Caps, string> = {
  chat: 'Chat',
  draw: 'Draw',
  audio: 'Speak',
  video: 'Camera',
  screen: 'Share screen',
  control: 'Control',
};

/**
 * The poll a student sees in the poll card: the newest open one; otherwise the newest poll
 * if it is closed (results to come) or published (results), unless dismissed.
 */
export function studentPoll(c: ClassState, dismissed: ReadonlySet<number> = new Set()): Poll | null {
  const byNewest = [...c.polls].sort((a, b) => b.id - a.id);
  const open = byNewest.find((p) => p.status === 'open');
  if (open) return open;
  const last = byNewest[0];
  return last && !dismissed.has(last.id) ? last : null;
}

/** Polls for the staff panel, newest first. */
export function pollsNewestFirst(c: ClassState): Poll[] {
  return [...c.polls].sort((a, b) => b.id - a.id);
}

/** A quiz answer is right when it picks exactly the correct options. */
export function isCorrect(poll: Pick<Poll, 'correct'>, choices: readonly number[] | undefined): boolean | null {
  if (!poll.correct || !choices) return null;
  const want = new Set(poll.correct);
  return choices.length === want.size && choices.every((c) => want.has(c));
}

/** Share of voters who chose each option, in whole percent (a voter may pick several). */
export function percentages(counts: readonly number[], voters: number): number[] {
  return counts.map((n) => (voters > 0 ? Math.round((100 * n) / voters) : 0));
}

export function nameOf(s: Pick<RoomState, 'names'>, userId: number): string {
  return s.names[userId] ?? `Participant #${userId}`;
}

export function groupOf(c: ClassState, userId: number): BreakoutGroup | null {
  return c.breakout?.groups.find((g) => g.userIds.includes(userId)) ?? null;
}

/** "4:12" (or "1:02:03") until `endsAt`; "0:00" once past. */
export function formatCountdown(endsAt: number, now: number): string {
  const total = Math.max(0, Math.ceil((endsAt - now) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** "Group 2" out of a group room title "Biology — Group 2" (the server names them so). */
export function groupLabel(title: string): string {
  const i = title.lastIndexOf(' — ');
  return i >= 0 ? title.slice(i + 3) : title;
}

/** Splits students over `groups` as evenly as possible, in the given order (for the "by hand" form's starting point). */
export function spread(userIds: readonly number[], groups: number): Record<number, number> {
  const out: Record<number, number> = {};
  userIds.forEach((id, i) => (out[id] = i % Math.max(1, groups)));
  return out;
}
