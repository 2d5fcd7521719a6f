// The one server-side check for every room action. Each action names the capability it needs
// (or "anyone" in the room); the table is keyed by every room-scoped message type plus the
// actions other domains will check (drawing, publishing media), so a new message type does
// not compile until it has a row here — and test/unit/permissions.test.ts has a row for it.
import type { ClientMessageType, ParticipantRole } from '../protocol/messages.js';
import { capsOf, type Capability, type ClassState } from '../protocol/classState.js';
import { UserError } from '../errors.js';

/** Message types that are not room actions (session or membership plumbing). */
type SessionType = 'hello' | 'ping' | 'room.join' | 'room.leave';
export type Action = Exclude<ClientMessageType, SessionType> | 'wb.pages' | 'media.audio' | 'media.video' | 'media.screen';
export type Rule = Capability | 'anyone';

export const RULES: { readonly [A in Action]: Rule } = {
  'chat.send': 'chat',
  'chat.history': 'anyone',
  'chat.delete': 'control',
  'class.grant': 'control',
  'class.request': 'anyone',
  'class.answer': 'control',
  'class.hand': 'anyone',
  'class.lowerHand': 'control',
  'class.remove': 'control',
  'class.settings': 'control',
  'class.admit': 'control',
  'class.start': 'control',
  'class.end': 'control',
  'poll.create': 'control',
  'poll.vote': 'anyone',
  'poll.close': 'control',
  'poll.publish': 'control',
  'breakout.start': 'control',
  'breakout.broadcast': 'control',
  'breakout.end': 'control',
  'class.follow': 'control',
  'wb.op': 'draw',
  'wb.live': 'draw',
  /** Adding is drawing; deleting, moving, renaming, backgrounds and clearing pages is the teacher's. */
  'wb.pages': 'control',
  // Media signalling: anyone in the room may receive; publishing is checked per source with
  // the media.audio/video/screen rows below, and muting others is the teacher's.
  'media.capabilities': 'anyone',
  'media.ready': 'anyone',
  'media.transport': 'anyone',
  'media.connect': 'anyone',
  'media.restartIce': 'anyone',
  'media.produce': 'anyone',
  'media.pause': 'anyone',
  'media.close': 'anyone',
  'media.consume': 'anyone',
  'media.resume': 'anyone',
  'media.size': 'anyone',
  'media.mute': 'control',
  'media.audio': 'audio',
  'media.video': 'video',
  'media.screen': 'screen',
};

const WHY: Record<Capability, string> = {
  chat: 'The teacher has turned off chat for you.',
  draw: 'You may not draw on the whiteboard right now; ask the teacher.',
  audio: 'You may not use your microphone right now; ask to speak.',
  video: 'You may not share your camera right now; ask the teacher.',
  screen: 'You may not share your screen right now; ask the teacher.',
  control: 'Only teachers and assistants can do that.',
};

export function allowed(action: Action, member: { userId: number; role: ParticipantRole }, state: ClassState): boolean {
  const rule = RULES[action];
  return rule === 'anyone' || capsOf(state, member.userId, member.role)[rule];
}

/** Throws FORBIDDEN with a sentence the person can act on. */
export function authorize(action: Action, member: { userId: number; role: ParticipantRole }, state: ClassState): void {
  if (!allowed(action, member, state)) throw new UserError('FORBIDDEN', WHY[RULES[action] as Capability]);
}
