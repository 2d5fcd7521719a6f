// The waiting room of one room: who is knocking, on which connection. Live only.
import type { LobbyEntry, ServerMessage } from '../protocol/messages.js';
import type { Member, Peer } from '../rooms/types.js';

export class Lobby {
  readonly #waiting = new Map<number, { member: Member; peer: Peer; since: number }>();

  constructor(
    private readonly roomId: string,
    private readonly toStaff: (frame: string) => void,
  ) {}

  get size(): number {
    return this.#waiting.size;
  }

  list(): LobbyEntry[] {
    return [...this.#waiting.values()].map((w) => ({ userId: w.member.userId, displayName: w.member.displayName, since: w.since }));
  }

  has(userId: number): boolean {
    return this.#waiting.has(userId);
  }

  add(member: Member, peer: Peer): void {
    const old = this.#waiting.get(member.userId);
    this.#waiting.set(member.userId, { member, peer, since: old?.since ?? Date.now() });
    this.#changed();
  }

  /** Removes one entry (left, disconnected, admitted or denied); only if `peer` still owns it. */
  remove(userId: number, peer?: Peer): { member: Member; peer: Peer } | undefined {
    const w = this.#waiting.get(userId);
    if (!w || (peer && w.peer !== peer)) return undefined;
    this.#waiting.delete(userId);
    this.#changed();
    return w;
  }

  ids(): number[] {
    return [...this.#waiting.keys()];
  }

  #changed(): void {
    this.toStaff(JSON.stringify({ type: 'lobby', roomId: this.roomId, waiting: this.list() } satisfies ServerMessage));
  }
}
