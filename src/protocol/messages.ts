// The wire contract: every frame in either direction, as zod schemas that also give the
// TypeScript types. No node:* imports here: the browser client bundles this file.
import { z } from 'zod';

export { PROTOCOL_VERSION, Limits } from './constants.js';
import { Limits } from './constants.js';
import { CAPABILITIES, REQUESTABLE, type BreakoutGroup, type ClassEventData, type ClassState } from './classState.js';
import { WbEphemeral, WbOp, type BoardState } from './whiteboard.js';
import { MediaMessages, type MediaResultMap, type MediaServerMessage } from './media.js';

const RequestId = z.string().min(1).max(Limits.requestIdLength);
export const RoomId = z.string().regex(/^[a-z0-9]{4,32}$/, 'room ids are 4-32 lowercase letters or digits');
export const UserId = z.number().int().positive();
const Seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const RoomRole = z.enum(['teacher', 'assistant', 'student']);
export type RoomRole = z.infer<typeof RoomRole>;
/** A participant's role in one room: admins are "admin" everywhere. */
export const ParticipantRole = z.enum(['admin', 'teacher', 'assistant', 'student']);
export type ParticipantRole = z.infer<typeof ParticipantRole>;

// ---------------------------------------------------------------- client → server
// Every client frame is a request: it has an id and gets exactly one ok or error reply.

export const ClientMessage = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('hello'), id: RequestId, protocol: z.number().int(), client: z.string().max(100).optional() }),
  z.strictObject({ type: z.literal('ping'), id: RequestId }),
  z.strictObject({ type: z.literal('room.join'), id: RequestId, roomId: RoomId, since: Seq.optional() }),
  z.strictObject({ type: z.literal('room.leave'), id: RequestId }),
  z.strictObject({
    type: z.literal('chat.send'),
    id: RequestId,
    text: z.string().min(1).max(Limits.chatTextLength),
    to: UserId.optional(),
  }),
  z.strictObject({ type: z.literal('chat.delete'), id: RequestId, messageId: z.number().int().positive() }),
  z.strictObject({
    type: z.literal('chat.history'),
    id: RequestId,
    before: z.number().int().positive().optional(),
    limit: z.number().int().min(1).max(Limits.historyPage).optional(),
  }),
  // ---- class management (teachers, assistants and admins unless noted)
  z.strictObject({ type: z.literal('class.grant'), id: RequestId, capability: z.enum(CAPABILITIES), allow: z.boolean(), userId: UserId.optional() }),
  /** Any participant: ask for a capability. */
  z.strictObject({ type: z.literal('class.request'), id: RequestId, capability: z.enum(REQUESTABLE) }),
  z.strictObject({ type: z.literal('class.answer'), id: RequestId, userId: UserId, capability: z.enum(REQUESTABLE), approve: z.boolean() }),
  /** Any participant: raise or lower one's own hand. */
  z.strictObject({ type: z.literal('class.hand'), id: RequestId, raised: z.boolean() }),
  z.strictObject({ type: z.literal('class.lowerHand'), id: RequestId, userId: UserId.optional() }),
  z.strictObject({ type: z.literal('class.remove'), id: RequestId, userId: UserId, bar: z.boolean().optional() }),
  z.strictObject({
    type: z.literal('class.settings'), id: RequestId,
    locked: z.boolean().optional(), waitingRoom: z.boolean().optional(), handsVisible: z.boolean().optional(),
  }),
  z.strictObject({ type: z.literal('class.admit'), id: RequestId, admit: z.boolean(), userId: UserId.optional() }),
  z.strictObject({ type: z.literal('class.start'), id: RequestId }),
  z.strictObject({ type: z.literal('class.end'), id: RequestId }),
  z.strictObject({
    type: z.literal('poll.create'), id: RequestId,
    question: z.string().trim().min(1).max(Limits.pollQuestionLength),
    options: z.array(z.string().trim().min(1).max(Limits.pollOptionLength)).min(2).max(Limits.pollOptions),
    multiple: z.boolean().optional(),
    anonymous: z.boolean().optional(),
    correct: z.array(z.number().int().min(0).max(Limits.pollOptions - 1)).min(1).max(Limits.pollOptions).optional(),
  }),
  /** Any participant. */
  z.strictObject({ type: z.literal('poll.vote'), id: RequestId, pollId: z.number().int().positive(), choices: z.array(z.number().int().min(0).max(Limits.pollOptions - 1)).min(1).max(Limits.pollOptions) }),
  z.strictObject({ type: z.literal('poll.close'), id: RequestId, pollId: z.number().int().positive() }),
  z.strictObject({ type: z.literal('poll.publish'), id: RequestId, pollId: z.number().int().positive() }),
  z.strictObject({
    type: z.literal('breakout.start'), id: RequestId,
    groups: z.number().int().min(1).max(Limits.breakoutGroups),
    /** By hand: who goes where (group index from 0); everyone else is spread at random. */
    assign: z.array(z.strictObject({ userId: UserId, group: z.number().int().min(0).max(Limits.breakoutGroups - 1) })).max(Limits.breakoutAssign).optional(),
    durationMinutes: z.number().int().min(1).max(240).optional(),
  }),
  z.strictObject({ type: z.literal('breakout.broadcast'), id: RequestId, text: z.string().min(1).max(Limits.chatTextLength) }),
  z.strictObject({ type: z.literal('breakout.end'), id: RequestId }),
  // ---- whiteboard (needs the draw capability; page management and clearing need control)
  /** Teachers: make students' boards follow this page; without pageId, release them. */
  z.strictObject({ type: z.literal('class.follow'), id: RequestId, pageId: z.string().min(1).max(40).optional() }),
  /** A durable board operation (or undo/redo of one's own): stored, sequenced, broadcast. */
  z.strictObject({ type: z.literal('wb.op'), id: RequestId, op: WbOp }),
  /** An ephemeral update (stroke in progress, cursor, laser): relayed, coalesced per tick, never stored. */
  z.strictObject({ type: z.literal('wb.live'), id: RequestId, update: WbEphemeral }),
  // ---- audio, video and screen through the SFU (src/protocol/media.ts)
  ...MediaMessages,
]);
export type ClientMessage = z.infer<typeof ClientMessage>;
export type ClientMessageType = ClientMessage['type'];
export type ClientMessageOf<T extends ClientMessageType> = Extract<ClientMessage, { type: T }>;

// ---------------------------------------------------------------- shared shapes

export interface ParticipantInfo {
  userId: number;
  displayName: string;
  role: ParticipantRole;
  /** reconnecting: the connection dropped less than the grace period ago. */
  state: 'joined' | 'reconnecting';
}

export interface RoomInfo {
  id: string;
  title: string;
  capacity: number;
  status: 'open' | 'closed';
}

export interface ChatMessage {
  messageId: number;
  seq: number;
  at: number;
  from: { userId: number; displayName: string; role: ParticipantRole };
  /** Present on direct messages only. */
  to?: { userId: number; displayName: string };
  /** Empty once deleted. */
  text: string;
  /** Sent by a teacher to every breakout group at once. */
  broadcast?: boolean;
  deleted?: { by: number; at: number };
}

/** The data of each durable room-log event kind. */
export interface RoomEventData extends ClassEventData {
  /** A board operation as applied, in log order: every client runs the same model over it. */
  'wb.op': { actor: number; op: WbOp };
  'chat.message': ChatMessage;
  'chat.deleted': { messageId: number; by: number };
  'participant.joined': { userId: number; displayName: string; role: ParticipantRole };
  'participant.left': { userId: number; reason: LeaveReason };
  'room.closed': Record<string, never>;
}
export type LeaveReason = 'left' | 'timeout' | 'replaced' | 'removed' | 'closed' | 'revoked' | 'restart' | 'class-ended' | 'breakout';
export type RoomEventKind = keyof RoomEventData;

/** One entry of the ordered, durable room log. seq is per room, gap-free in storage. */
export type RoomEvent = {
  [K in RoomEventKind]: { seq: number; at: number; kind: K; data: RoomEventData[K] };
}[RoomEventKind];

// ---------------------------------------------------------------- replies

export interface LobbyEntry { userId: number; displayName: string; since: number }

/** The waiting room is on: a teacher admits (lobby.admitted, then join again) or denies. */
export interface WaitingResult {
  status: 'waiting';
  room: RoomInfo;
  self: { userId: number; displayName: string; role: ParticipantRole };
}

export interface JoinResult {
  status: 'joined';
  room: RoomInfo;
  self: { userId: number; displayName: string; role: ParticipantRole };
  participants: ParticipantInfo[];
  /** Highest seq in the room log when the join was taken. */
  head: number;
  /**
   * "events": the events after `since` follow in room.replay frames, then live events.
   * "fresh": no since, or since too far behind (see replayLimit): `recent` holds the newest chat.
   */
  resume: 'events' | 'fresh';
  recent?: { messages: ChatMessage[]; hasMore: boolean };
  /** Class management state as this participant may see it. */
  class: ClassState;
  /** Staff only: who is waiting to be admitted. */
  lobby?: LobbyEntry[];
  /** For breakout group rooms: the class room to return to. */
  parentRoomId?: string;
  /** The board as of `head` (a compacted state: later wb.op events apply on top). */
  board: BoardState;
}

export interface ResultMap extends MediaResultMap {
  hello: { protocol: number; server: string; user: { userId: number; displayName: string; role: string }; heartbeatMs: number };
  ping: { now: number };
  'room.join': JoinResult | WaitingResult;
  'room.leave': Record<string, never>;
  'chat.send': { messageId: number; seq: number };
  'chat.delete': { messageId: number; seq: number };
  'chat.history': { messages: ChatMessage[]; hasMore: boolean };
  'class.grant': { seq: number };
  'class.request': { seq: number };
  'class.answer': { seq: number };
  'class.hand': { seq: number };
  'class.lowerHand': { seq: number };
  'class.remove': { seq: number };
  'class.settings': { seq: number };
  'class.admit': { admitted: number[]; denied: number[] };
  'class.start': { session: number; seq: number };
  'class.end': { session: number; seq: number };
  'poll.create': { pollId: number; seq: number };
  'poll.vote': { seq: number };
  'poll.close': { seq: number };
  'poll.publish': { seq: number };
  'breakout.start': { groups: BreakoutGroup[]; seq: number };
  'breakout.broadcast': { delivered: number };
  'breakout.end': { seq: number };
  'wb.op': { seq: number };
  'wb.live': Record<string, never>;
  'class.follow': { seq: number };
}

// ---------------------------------------------------------------- server → client

export type ServerMessage =
  | { type: 'ok'; re: string; result: ResultMap[ClientMessageType] }
  | { type: 'error'; re: string | null; code: string; message: string }
  /** One live durable event, in seq order. */
  | { type: 'room.event'; roomId: string; event: RoomEvent }
  /** Missed events after a resume, oldest first, in chunks; `done` marks the last chunk. */
  | { type: 'room.replay'; roomId: string; events: RoomEvent[]; done: boolean }
  /** Ephemeral connection-state change (not logged): reconnecting and back. */
  | { type: 'presence'; roomId: string; userId: number; state: 'joined' | 'reconnecting' }
  /** Ephemeral whiteboard updates of the last tick, from everyone drawing in the room. */
  | { type: 'wb.updates'; roomId: string; updates: Array<WbEphemeral & { userId: number }> }
  /** Staff: the waiting room's current list, whenever it changes. */
  | { type: 'lobby'; roomId: string; waiting: LobbyEntry[] }
  /** A waiting participant was admitted: send room.join again. */
  | { type: 'lobby.admitted'; roomId: string }
  /** Breakouts: go to this room now (a group, or back to the class room). */
  | { type: 'room.move'; from: string; to: string; reason: 'breakout' | 'recall' }
  /** Sent just before the server closes the connection for a reason the user should see. */
  | { type: 'bye'; code: number; reason: string }
  | MediaServerMessage;
