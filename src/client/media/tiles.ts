// Which video tiles the classroom shows, in which order: pure, so it is unit-tested without a
// browser. Screens first (what the class is meant to look at), then teachers' cameras (pinned,
// larger), then everyone else by name.
import type { ParticipantInfo } from '../../protocol/messages.js';
import { nameOf } from '../classView.js';
import type { RoomState } from '../roomState.js';
import type { MediaSnapshot } from './MediaController.js';

export interface Tile {
  key: string;
  userId: number;
  name: string;
  source: 'camera' | 'screen';
  track: MediaStreamTrack | null;
  consumerId: string | null;
  self: boolean;
  pinned: boolean;
  micOn: boolean;
}

const isTeacher = (p: ParticipantInfo | undefined) => p?.role === 'teacher' || p?.role === 'admin';

/** Screens first, then teachers' cameras, then everyone else by name. */
export function tilesOf(room: RoomState, snap: MediaSnapshot, selfId: number | null): Tile[] {
  const people = new Map(room.participants.map((p) => [p.userId, p]));
  const micOn = (userId: number) =>
    userId === selfId ? !!snap.local.mic && !snap.local.mic.paused : snap.remotes.some((r) => r.userId === userId && r.source === 'mic' && !r.paused);
  const tiles: Tile[] = [];
  for (const source of ['screen', 'camera'] as const) {
    const own = snap.local[source];
    if (own && selfId !== null) {
      tiles.push({ key: `self-${source}`, userId: selfId, name: 'You', source, track: own.track, consumerId: null, self: true, pinned: source === 'screen', micOn: micOn(selfId) });
    }
  }
  for (const r of snap.remotes) {
    if (r.kind !== 'video' || r.source === 'mic') continue;
    const source = r.source;
    tiles.push({
      key: r.producerId, userId: r.userId, name: nameOf(room, r.userId), source, track: r.paused ? null : r.track,
      consumerId: r.consumerId, self: false, pinned: source === 'screen' || isTeacher(people.get(r.userId)), micOn: micOn(r.userId),
    });
  }
  const rank = (t: Tile) => (t.source === 'screen' ? 0 : t.pinned ? 1 : 2);
  return tiles.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}
