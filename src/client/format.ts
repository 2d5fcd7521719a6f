// Small presentation helpers shared by components.
import type { ParticipantRole } from '../protocol/messages.js';

export const ROLE_LABEL: Record<ParticipantRole, string> = {
  admin: 'Admin',
  teacher: 'Teacher',
  assistant: 'Assistant',
  student: 'Student',
};

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const dayFmt = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long' });
const fullFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });

export const formatTime = (at: number): string => timeFmt.format(at);
export const formatFull = (at: number): string => fullFmt.format(at);

/** "Today", "Yesterday" or a date: the divider above each day's first message. */
export function formatDay(at: number, now = Date.now()): string {
  const day = (t: number) => new Date(t).toDateString();
  if (day(at) === day(now)) return 'Today';
  if (day(at) === day(now - 86_400_000)) return 'Yesterday';
  return dayFmt.format(at);
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return '?';
  const first = [...parts[0]!][0]!;
  return (parts.length > 1 ? first + [...parts[parts.length - 1]!][0]! : first).toUpperCase();
}

/** Joins class names, skipping falsy ones. */
export function cls(...names: Array<string | false | null | undefined>): string {
  return names.filter(Boolean).join(' ');
}
