// Live rooms by id: created on first join, dropped when the last participant is gone.
import type { RoomEvent } from '../protocol/messages.js';
import type { RoomLog } from './RoomLog.js';
import type { RoomObserver } from './types.js';
import type { Room } from './RoomStore.js';
import { LiveRoom } from './LiveRoom.js';
import type { ClassStore } from '../class/ClassStore.js';
import type { BoardStore } from '../whiteboard/LiveBoard.js';

export interface RoomManagerOptions {
  graceMs: number;
  classStore: ClassStore;
  boardStore: BoardStore;
  /** Called when a room goes live: re-arms what must run on its own (a breakout timer). */
  onOpen?: (room: LiveRoom) => void;
  /** Observer for monitoring (metrics, logs); domain code never imports those. */
  onEvent?: (roomId: string, event: RoomEvent) => void;
  observer?: RoomObserver;
}

export class RoomManager {
  readonly #rooms = new Map<string, LiveRoom>();

  constructor(
    private readonly log: RoomLog,
    private readonly opts: RoomManagerOptions,
  ) {}

  open(room: Room): LiveRoom {
    let live = this.#rooms.get(room.id);
    if (!live) {
      live = new LiveRoom(room.id, room.capacity, this.log, {
        graceMs: this.opts.graceMs,
        classStore: this.opts.classStore,
        boardStore: this.opts.boardStore,
        parentId: room.parentId,
        onEmpty: (r) => {
          if (this.#rooms.get(r.id) !== r) return;
          r.dispose();
          this.#rooms.delete(r.id);
          this.opts.observer?.emptied(r);
        },
        onEvent: this.opts.onEvent,
        observer: this.opts.observer,
      });
      this.#rooms.set(room.id, live);
      this.opts.onOpen?.(live);
    }
    // Capacity may have been changed by the CLI since the room went live.
    live.capacity = room.capacity;
    return live;
  }

  /** Writes every live room's pending state (board snapshots) before the process stops. */
  flushAll(): void {
    for (const r of this.#rooms.values()) r.dispose();
  }

  get(roomId: string): LiveRoom | undefined {
    return this.#rooms.get(roomId);
  }

  all(): IterableIterator<LiveRoom> {
    return this.#rooms.values();
  }

  online(roomId: string): number {
    return this.#rooms.get(roomId)?.size ?? 0;
  }
}
