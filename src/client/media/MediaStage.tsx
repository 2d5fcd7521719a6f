// Video and audio in the classroom: a strip of tiles above the board and chat, with screen
// shares and the teacher pinned first and larger, the active speaker outlined, and a bar to
// turn one's own microphone, camera and screen share on and off (and pick devices).
import { useEffect, useRef } from 'preact/hooks';
import type { MediaSource } from '../../protocol/media.js';
import { cls } from '../format.js';
import { myCaps } from '../classView.js';
import { tilesOf, type Tile } from './tiles.js';
import type { RoomState } from '../roomState.js';
import type { MediaController, MediaSnapshot, RemoteStream } from './MediaController.js';
import { useMedia } from './useMedia.js';
import { useAction } from '../components/class/context.js';

export function MediaStage({ room, connected }: { room: RoomState; connected: boolean }) {
  const [media, snap] = useMedia();
  if (!media || !snap) return null;
  const selfId = room.self?.userId ?? null;
  const tiles = tilesOf(room, snap, selfId);
  const audio = snap.remotes.filter((r) => r.kind === 'audio' && r.track);
  return (
    <section class="media" aria-label="Video" data-testid="media-stage" data-media-status={snap.status.kind}>
      {tiles.length > 0 && (
        <div class="media-grid" data-testid="media-grid">
          {tiles.map((t) => (
            <VideoTile key={t.key} tile={t} speaking={snap.speaker === t.userId && t.source === 'camera'} media={media} />
          ))}
        </div>
      )}
      {audio.map((r) => (
        <AudioOut key={r.producerId} track={r.track!} />
      ))}
      <MediaBar media={media} snap={snap} room={room} connected={connected} />
    </section>
  );
}

function VideoTile({ tile, speaking, media }: { tile: Tile; speaking: boolean; media: MediaController }) {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const el = video.current;
    if (!el) return;
    el.srcObject = tile.track ? new MediaStream([tile.track]) : null;
  }, [tile.track]);
  // Tell the server how big this tile is, so it sends a layer that fits (simulcast).
  useEffect(() => {
    const el = video.current;
    const consumerId = tile.consumerId;
    if (!el || !consumerId || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => media.setSize(consumerId, el.clientHeight * (window.devicePixelRatio || 1)));
    ro.observe(el);
    return () => ro.disconnect();
  }, [tile.consumerId, media]);
  const label = tile.source === 'screen' ? `${tile.name}: screen` : tile.name;
  return (
    <figure
      class={cls('tile', tile.pinned && 'tile-pinned', tile.source === 'screen' && 'tile-screen', speaking && 'tile-speaking')}
      data-testid={`tile-${tile.source}`}
      data-user={tile.userId}
      data-speaking={speaking ? 'true' : undefined}
    >
      <video ref={video} autoPlay playsInline muted aria-label={label} />
      {!tile.track && <div class="tile-off" aria-hidden="true">{tile.name.slice(0, 1).toUpperCase()}</div>}
      <figcaption class="tile-name">
        {tile.source === 'camera' && (
          <span class={cls('tile-mic', !tile.micOn && 'tile-mic-off')} aria-label={tile.micOn ? 'microphone on' : 'microphone off'} title={tile.micOn ? 'Microphone on' : 'Microphone off'}>
            {tile.micOn ? '🎙' : '🔇'}
          </span>
        )}
        {label}
      </figcaption>
    </figure>
  );
}

function AudioOut({ track }: { track: MediaStreamTrack }) {
  const el = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    if (el.current) el.current.srcObject = new MediaStream([track]);
  }, [track]);
  return <audio ref={el} autoPlay data-testid="remote-audio" />;
}

const SOURCES: ReadonlyArray<{ source: MediaSource; cap: 'audio' | 'video' | 'screen'; on: string; off: string; ask: string }> = [
  { source: 'mic', cap: 'audio', on: 'Microphone', off: 'Microphone', ask: 'Ask to speak to use your microphone.' },
  { source: 'camera', cap: 'video', on: 'Camera', off: 'Camera', ask: 'The teacher has not allowed your camera.' },
  { source: 'screen', cap: 'screen', on: 'Stop sharing', off: 'Share screen', ask: 'Ask the teacher to share your screen.' },
];

function MediaBar({ media, snap, room, connected }: { media: MediaController; snap: MediaSnapshot; room: RoomState; connected: boolean }) {
  const caps = myCaps(room);
  const staff = caps?.control ?? false;
  const act = useAction();
  const ready = snap.status.kind === 'ready' && connected;
  if (snap.status.kind === 'unavailable') {
    return <p class="media-note muted small" data-testid="media-unavailable">Audio and video are not available: {snap.status.reason}</p>;
  }
  return (
    <div class="media-bar" role="toolbar" aria-label="Microphone, camera and screen">
      {SOURCES.map((s) => {
        const local = snap.local[s.source];
        const allowed = caps?.[s.cap] ?? false;
        const live = !!local && !local.paused;
        // A live source is muted and unmuted; an absent one is started (or, screen, stopped).
        const onClick = () => {
          if (s.source === 'screen') return void (local ? media.unpublish('screen') : media.publish('screen'));
          if (!local) return void media.publish(s.source);
          return void media.setPaused(s.source, !local.paused);
        };
        const disabled = !ready || (!allowed && !live);
        return (
          <button
            key={s.source}
            type="button"
            class={cls('btn btn-small media-toggle', live ? 'btn-primary' : 'btn-quiet')}
            aria-pressed={live}
            disabled={disabled}
            title={!allowed && !live ? s.ask : undefined}
            onClick={onClick}
            data-testid={`media-${s.source}`}
            data-state={local ? (local.paused ? 'paused' : 'on') : 'off'}
          >
            {s.source === 'screen' ? (local ? s.on : s.off) : `${s.on} ${live ? 'on' : 'off'}`}
          </button>
        );
      })}
      <DevicePicker media={media} snap={snap} />
      {staff && (
        <button
          type="button"
          class="btn btn-small btn-quiet"
          disabled={!ready || act.busy}
          onClick={() => act.run(() => media.muteOthers('mic'))}
          data-testid="media-mute-all"
        >
          Mute all students
        </button>
      )}
      {snap.status.kind === 'connecting' && <span class="muted small" role="status">Connecting audio and video…</span>}
      {snap.status.kind === 'error' && <span class="error-text small" role="alert">Audio and video failed: {snap.status.message}</span>}
      {(snap.notice || act.error) && (
        <span class="media-notice small" role="status" data-testid="media-notice">
          {snap.notice ?? act.error}{' '}
          <button type="button" class="btn-link" onClick={() => { media.dismissNotice(); act.clear(); }}>Dismiss</button>
        </span>
      )}
    </div>
  );
}

function DevicePicker({ media, snap }: { media: MediaController; snap: MediaSnapshot }) {
  const lists = [
    { source: 'mic' as const, label: 'Microphone', devices: snap.devices.audioinput, selected: snap.selected.mic },
    { source: 'camera' as const, label: 'Camera', devices: snap.devices.videoinput, selected: snap.selected.camera },
  ].filter((l) => l.devices.length > 1);
  if (lists.length === 0) return null;
  return (
    <span class="media-devices">
      {lists.map((l) => (
        <label key={l.source} class="small">
          <span class="visually-hidden">{l.label}</span>
          <select value={l.selected ?? ''} onChange={(e) => void media.selectDevice(l.source, (e.target as HTMLSelectElement).value)} data-testid={`device-${l.source}`}>
            {l.selected === null && <option value="">{l.label}: default</option>}
            {l.devices.map((d, i) => (
              <option key={d.deviceId} value={d.deviceId}>{d.label || `${l.label} ${i + 1}`}</option>
            ))}
          </select>
        </label>
      ))}
    </span>
  );
}

/** Staff: the live microphone of one participant, for the people-list menu. */
export function liveMic(snap: MediaSnapshot | null, userId: number): RemoteStream | null {
  return snap?.remotes.find((r) => r.userId === userId && r.source === 'mic' && !r.paused) ?? null;
}
