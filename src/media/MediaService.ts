// Media for the whole process: the worker pool and one MediaRoom per live room that uses media.
// It watches rooms through RoomObserver (someone left, capabilities changed, the room emptied)
// so the room and class code never import mediasoup.
import type { Config } from '../config/config.js';
import type { Logger } from '../server/log.js';
import type { LiveRoom } from '../rooms/LiveRoom.js';
import type { RoomObserver } from '../rooms/types.js';
import { capsOf } from '../protocol/classState.js';
import type { MediaServerMessage } from '../protocol/media.js';
import { UserError } from '../errors.js';
import { MediaWorkers, type MediaAvailability } from './MediaWorkers.js';
import { MediaRoom } from './MediaRoom.js';

export class MediaService implements RoomObserver {
  readonly workers: MediaWorkers;
  /** Promises, so two participants arriving together share one router set-up. */
  readonly #rooms = new Map<string, Promise<MediaRoom>>();
  readonly #ready = new Map<string, MediaRoom>();

  constructor(
    private readonly config: Config['media'],
    private readonly log: Logger,
  ) {
    this.workers = new MediaWorkers(config, log);
    this.workers.on('died', (w) => {
      for (const [id, room] of this.#ready) {
        if (!room.usesWorker(w.worker)) continue;
        this.#drop(id, room);
        room.close();
        this.#reset?.(id, 'The media server restarted; reconnecting audio and video.');
      }
    });
  }

  #reset: ((roomId: string, reason: string) => void) | null = null;
  #find: ((roomId: string) => LiveRoom | undefined) | null = null;

  /** Wires the service to the live rooms (they are created after it). */
  bind(find: (roomId: string) => LiveRoom | undefined): void {
    this.#find = find;
    this.#reset = (roomId, reason) => find(roomId)?.broadcast(JSON.stringify({ type: 'media.reset', roomId, reason } satisfies MediaServerMessage));
  }

  start(): Promise<MediaAvailability> {
    return this.workers.start();
  }

  get status(): MediaAvailability {
    return this.workers.status;
  }

  /** The room's media, set up on first use. */
  room(live: LiveRoom): Promise<MediaRoom> {
    const status = this.workers.status;
    // The reason is for the operator (the log, /api/admin/media, doctor), not for a student.
    if (!status.available) return Promise.reject(new UserError('MEDIA_UNAVAILABLE', 'Audio and video are not available on this server; its operator can find out why with "classroomctl doctor".'));
    let p = this.#rooms.get(live.id);
    if (!p) {
      p = MediaRoom.create(live.id, this.workers, this.config, {
        broadcast: (frame) => this.#find?.(live.id)?.broadcast(frame),
        sendTo: (userId, frame) => this.#find?.(live.id)?.sendTo(userId, frame),
      });
      this.#rooms.set(live.id, p);
      p.then((r) => {
        // Everyone left while the router was being made: nothing will ever close it otherwise.
        if (this.#find?.(live.id) !== live || live.size === 0) {
          this.#rooms.delete(live.id);
          r.close();
          return;
        }
        this.#ready.set(live.id, r);
      }, (err: unknown) => {
        this.#rooms.delete(live.id);
        this.log.error({ err, roomId: live.id }, 'could not set up media for a room');
      });
    }
    return p.catch(() => { throw new UserError('MEDIA_UNAVAILABLE', 'Audio and video could not be set up for this room; try again.'); });
  }

  /** The room's media if it has any: observers must not create it. */
  existing(roomId: string): MediaRoom | undefined {
    const r = this.#ready.get(roomId);
    return r && !r.closed ? r : undefined;
  }

  #drop(roomId: string, room: MediaRoom): void {
    if (this.#ready.get(roomId) === room) {
      this.#ready.delete(roomId);
      this.#rooms.delete(roomId);
    }
  }

  // ---- RoomObserver

  left(room: LiveRoom, userId: number): void {
    this.existing(room.id)?.removePeer(userId);
  }

  replaced(room: LiveRoom, userId: number): void {
    // The old tab's transports (and anything it still sends) go; the new tab sets up its own.
    this.existing(room.id)?.removePeer(userId);
  }

  classChanged(room: LiveRoom): void {
    const media = this.existing(room.id);
    if (!media) return;
    const state = room.classState;
    const paused = media.enforce((userId) => {
      const m = room.member(userId);
      return m ? capsOf(state, userId, m.role) : null;
    });
    if (paused > 0) this.log.info({ roomId: room.id, paused }, 'paused producers without the capability');
  }

  emptied(room: LiveRoom): void {
    const media = this.existing(room.id);
    if (!media) return;
    this.#drop(room.id, media);
    media.close();
  }

  describe(): object {
    return {
      ...this.workers.status,
      workers: this.workers.describe(),
      rooms: [...this.#ready.values()].filter((r) => !r.closed).map((r) => r.describe()),
    };
  }

  async close(): Promise<void> {
    for (const r of this.#ready.values()) r.close();
    this.#ready.clear();
    this.#rooms.clear();
    await this.workers.close();
  }
}
