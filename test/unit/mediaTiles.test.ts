// The video grid's order and labels, from the room and media snapshots: what a class looks at
// first (screens, then the teacher), mic indicators, and one's own preview.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { initialRoomState, type RoomState } from '../../src/client/roomState.js';
import { tilesOf } from '../../src/client/media/tiles.js';
import type { MediaSnapshot, RemoteStream } from '../../src/client/media/MediaController.js';
import type { ParticipantInfo } from '../../src/protocol/messages.js';

const people: ParticipantInfo[] = [
  { userId: 1, displayName: 'Tina', role: 'teacher', state: 'joined' },
  { userId: 2, displayName: 'Sam', role: 'student', state: 'joined' },
  { userId: 3, displayName: 'Amy', role: 'student', state: 'joined' },
];
const room: RoomState = { ...initialRoomState, participants: people, names: { 1: 'Tina', 2: 'Sam', 3: 'Amy' } };
const track = (id: string) => ({ id, kind: 'video' }) as unknown as MediaStreamTrack;

function remote(userId: number, source: RemoteStream['source'], o: Partial<RemoteStream> = {}): RemoteStream {
  const producerId = `${userId}-${source}`;
  return {
    producerId, userId, source, kind: source === 'mic' ? 'audio' : 'video', paused: false, pausedBy: null,
    consumerId: `c-${producerId}`, track: track(producerId), ...o,
  };
}

function snap(o: Partial<MediaSnapshot>): MediaSnapshot {
  return {
    status: { kind: 'ready' }, local: {}, remotes: [], speaker: null, notice: null,
    devices: { audioinput: [], videoinput: [] }, selected: { mic: null, camera: null }, ...o,
  };
}

describe('video tiles', () => {
  it('puts screen shares first, then the teacher pinned, then students by name; microphones never get a tile', () => {
    const s = snap({ remotes: [remote(2, 'camera'), remote(1, 'mic'), remote(3, 'camera'), remote(1, 'camera'), remote(2, 'screen')] });
    const tiles = tilesOf(room, s, 99);
    assert.deepEqual(tiles.map((t) => `${t.name}:${t.source}`), ['Sam:screen', 'Tina:camera', 'Amy:camera', 'Sam:camera']);
    assert.deepEqual(tiles.map((t) => t.pinned), [true, true, false, false]);
    assert.deepEqual(tiles.map((t) => t.micOn), [false, true, false, false]);
  });

  it('a paused camera shows its placeholder (no track), and a paused microphone shows as off', () => {
    const s = snap({ remotes: [remote(2, 'camera', { paused: true, pausedBy: 'staff' }), remote(2, 'mic', { paused: true, pausedBy: 'staff' })] });
    const [sam] = tilesOf(room, s, 1);
    assert.equal(sam!.track, null);
    assert.equal(sam!.micOn, false);
  });

  it('one\'s own camera and screen are shown as "You", from the local tracks, without a consumer', () => {
    const s = snap({
      local: {
        camera: { track: track('mine'), producerId: 'p1', paused: false, pausedBy: null },
        mic: { track: track('mic'), producerId: 'p2', paused: true, pausedBy: 'self' },
      },
      remotes: [remote(1, 'camera')],
    });
    const tiles = tilesOf(room, s, 2);
    assert.deepEqual(tiles.map((t) => [t.name, t.self, t.consumerId]), [['Tina', false, 'c-1-camera'], ['You', true, null]]);
    assert.equal(tiles[1]!.micOn, false, 'muted by myself');
  });
});
