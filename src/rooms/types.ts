import type { ParticipantRole } from '../protocol/messages.js';

/** What a room needs of a connection: the transport stays in server/. */
export interface Peer {
  readonly connId: number;
  /** Queues an already-encoded frame; the transport enforces its own back-pressure bound. */
  send(frame: string): void;
  /** Tells the person why (a bye frame), then closes with the code. */
  end(code: number, reason: string): void;
  /** The room let go of this connection (a breakout move): send `frame`, stay connected. */
  released(roomId: string, frame: string): void;
}

export interface Member {
  userId: number;
  displayName: string;
  role: ParticipantRole;
}

import type { UserStore, User } from '../auth/UserStore.js';
import type { RoomStore } from './RoomStore.js';
import type { RoomLog } from './RoomLog.js';
import type { RoomManager } from './RoomManager.js';
import type { LiveRoom } from './LiveRoom.js';
import type { Config } from '../config/config.js';
import type { ClassStore } from '../class/ClassStore.js';
import type { AssetStore } from '../whiteboard/assets.js';
import type { BoardStore } from '../whiteboard/LiveBoard.js';
import type { MediaService } from '../media/MediaService.js';

/**
 * What other domains (media) learn of a live room's life, without the room knowing them.
 * Called synchronously, after the room's own state has changed.
 */
export interface RoomObserver {
  /** A participant is gone from the room (left, timed out, removed, moved to a breakout). */
  left(room: LiveRoom, userId: number): void;
  /** The participant's seat moved to another connection (another tab or device). */
  replaced(room: LiveRoom, userId: number): void;
  /** The class state changed (capabilities may have been granted or revoked). */
  classChanged(room: LiveRoom): void;
  /** The last participant left and the live room is being dropped. */
  emptied(room: LiveRoom): void;
}

export interface Services {
  readonly config: Config;
  readonly users: UserStore;
  readonly rooms: RoomStore;
  readonly log: RoomLog;
  readonly live: RoomManager;
  readonly classes: ClassStore;
  readonly assets: AssetStore;
  readonly boards: BoardStore;
  readonly media: MediaService;
}

/** What a message handler sees of the connection it serves. */
export interface HandlerCtx {
  readonly services: Services;
  readonly user: User;
  /** Invite guests may open only this room. */
  readonly restrictedRoom: string | null;
  readonly peer: Peer;
  readonly place: { room: LiveRoom; member: Member } | null;
  enter(room: LiveRoom, member: Member): void;
  /** In the waiting room of `room` until admitted or denied. */
  wait(room: LiveRoom, member: Member): void;
  readonly waitingIn: LiveRoom | null;
  exit(): void;
  /** Frames to send right after the reply, before anything else (a resume's replay). */
  afterReply(frame: string): void;
}
