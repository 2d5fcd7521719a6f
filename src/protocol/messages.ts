// The wire contract: every frame in either direction, as zod schemas that also give the
// TypeScript types. No node:* imports here: the browser client bundles this file.
import { z } from 'zod';

export { PROTOCOL_VERSION, Limits } from './constants.js';
import { Limits } from './constants.js';

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
  deleted?: { by: number; at: number };
}

/** The data of each durable room-log event kind. */
export interface RoomEventData {
  'chat.message': ChatMessage;
  'chat.deleted': { messageId: number; by: number };
  'participant.joined': { userId: number; displayName: string; role: ParticipantRole };
  'participant.left': { userId: number; reason: LeaveReason };
  'room.closed': Record<string, never>;
}
export type LeaveReason = 'left' | 'timeout' | 'replaced' | 'removed' | 'closed' | 'revoked' | 'restart';
export type RoomEventKind = keyof RoomEventData;

/** One entry of the ordered, durable room log. seq is per room, gap-free in storage. */
export type RoomEvent = {
  [K in RoomEventKind]: { seq: number; at: number; kind: K; data: RoomEventData[K] };
}[RoomEventKind];

// ---------------------------------------------------------------- replies

export interface JoinResult {
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
}

export interface ResultMap {
  hello: { protocol: number; server: string; user: { userId: number; displayName: string; role: string }; heartbeatMs: number };
  ping: { now: number };
  'room.join': JoinResult;
  'room.leave': Record<string, never>;
  'chat.send': { messageId: number; seq: number };
  'chat.delete': { messageId: number; seq: number };
  'chat.history': { messages: ChatMessage[]; hasMore: boolean };
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
  /** Sent just before the server closes the connection for a reason the user should see. */
  | { type: 'bye'; code: number; reason: string };
