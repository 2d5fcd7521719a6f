// The browser side of the SFU: one mediasoup-client Device, a receive transport from the
// start and a send transport from the first publish, a consumer per remote stream. Driven by
// the room session: every successful join (re)establishes media, and media.* frames keep the
// list of remote streams current. Framework-free; components read snapshots.
//
// Reconnection: after a WebSocket drop the server usually still has our transports (they are
// keyed by user, not connection). media.capabilities returns an epoch: the same epoch means
// "restart ICE and reconcile the stream list"; a new one (worker restart, seat lost, another
// room) means "set everything up again and republish what we were publishing".
import { Device } from 'mediasoup-client';
import type { types as msc } from 'mediasoup-client';
import type { MediaProducerInfo, MediaServerMessage, MediaSource, PausedBy } from '../../protocol/media.js';
import type { RoomSession } from '../roomSession.js';
import { RequestError } from '../connection.js';

export interface LocalSource {
  track: MediaStreamTrack;
  producerId: string | null;
  paused: boolean;
  pausedBy: PausedBy;
}

export interface RemoteStream extends MediaProducerInfo {
  consumerId: string | null;
  track: MediaStreamTrack | null;
}

export type MediaStatus =
  | { kind: 'idle' }
  | { kind: 'connecting' }
  | { kind: 'ready' }
  | { kind: 'unavailable'; reason: string }
  | { kind: 'error'; message: string };

export interface MediaSnapshot {
  status: MediaStatus;
  local: Partial<Record<MediaSource, LocalSource>>;
  remotes: RemoteStream[];
  speaker: number | null;
  /** Something the person should read: a teacher's mute, a refused publish. */
  notice: string | null;
  devices: { audioinput: MediaDeviceInfo[]; videoinput: MediaDeviceInfo[] };
  selected: { mic: string | null; camera: string | null };
}

/** Camera simulcast: thumbnail, medium and full layers; the server picks one per viewer. */
const CAMERA_ENCODINGS: RTCRtpEncodingParameters[] = [
  { scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
];
/** A transport "disconnected" this long gets an ICE restart (failed ones get one at once), in ms. */
const DISCONNECTED_GRACE_MS = 3000;
/** Retry of a failed media set-up: doubling from this, in ms, up to the cap. */
const RETRY_BASE_MS = 1000;
const RETRY_MAX_MS = 30_000;
/** A tile's size is sent once it has stayed the same this long, in ms. */
const SIZE_SETTLE_MS = 250;

const NAMES: Record<MediaSource, string> = { mic: 'microphone', camera: 'camera', screen: 'screen share' };

export class MediaController {
  readonly #session: RoomSession;
  readonly #listeners = new Set<() => void>();
  #snap: MediaSnapshot = {
    status: { kind: 'idle' }, local: {}, remotes: [], speaker: null, notice: null,
    devices: { audioinput: [], videoinput: [] }, selected: { mic: null, camera: null },
  };
  #device: Device | null = null;
  #epoch: string | null = null;
  #roomId: string | null = null;
  #send: msc.Transport | null = null;
  #recv: msc.Transport | null = null;
  readonly #producers = new Map<MediaSource, msc.Producer>();
  readonly #consumers = new Map<string, msc.Consumer>();
  /** Producers with a consume in flight (a push and a reconcile may name the same one). */
  readonly #consuming = new Set<string>();
  /** Bumped by every set-up: async work of an older one stops when it sees a newer gen. */
  #gen = 0;
  #selfId: number | null = null;
  readonly #sizes = new Map<string, number>();
  readonly #offs: Array<() => void> = [];

  constructor(session: RoomSession) {
    this.#session = session;
    this.#offs.push(session.onMedia((m) => this.#onPush(m)));
    this.#offs.push(session.onJoined((roomId, selfId) => {
      this.#selfId = selfId;
      void this.#establish(roomId);
    }));
    // The session ended (removed, replaced by another tab, class over): camera and mic off.
    this.#offs.push(session.subscribe(() => {
      if (session.getSnapshot().status.kind !== 'ended' || this.#roomId === null) return;
      this.#gen++;
      this.#roomId = null;
      this.#teardown(true);
      this.#set({ status: { kind: 'idle' } });
    }));
    navigator.mediaDevices?.addEventListener?.('devicechange', this.#refreshDevices);
  }

  /** Catches up with a session that joined before this (lazily loaded) controller existed. */
  attach(): void {
    const s = this.#session.getSnapshot();
    if (this.#session.connected && s.room.self && this.#roomId === null) {
      this.#selfId = s.room.self.userId;
      void this.#establish(s.roomId);
    }
  }

  getSnapshot = (): MediaSnapshot => this.#snap;

  subscribe = (l: () => void): (() => void) => {
    this.#listeners.add(l);
    return () => this.#listeners.delete(l);
  };

  #set(patch: Partial<MediaSnapshot>): void {
    this.#snap = { ...this.#snap, ...patch };
    for (const l of [...this.#listeners]) l();
  }

  #req: RoomSession['request'] = (type, payload) => this.#session.request(type, payload);

  // ------------------------------------------------------------------ set-up and recovery

  async #establish(roomId: string): Promise<void> {
    const gen = ++this.#gen;
    const moved = this.#roomId !== null && this.#roomId !== roomId;
    this.#roomId = roomId;
    // Into a breakout group and back: what we publish comes along (if the room allows it).
    if (moved) this.#teardown(false);
    if (this.#snap.status.kind !== 'ready') this.#set({ status: { kind: 'connecting' } });
    try {
      const caps = await this.#req('media.capabilities', {});
      if (gen !== this.#gen) return;
      if (caps.epoch === this.#epoch && this.#recv && !this.#recv.closed) {
        await this.#restartIce(gen);
        await this.#reconcile(gen);
      } else {
        this.#teardown(false);
        this.#epoch = caps.epoch;
        const device = new Device();
        await device.load({ routerRtpCapabilities: caps.routerRtpCapabilities as msc.RtpCapabilities });
        if (gen !== this.#gen) return;
        this.#device = device;
        this.#iceServers = caps.iceServers as RTCIceServer[];
        this.#recv = await this.#createTransport('recv', gen);
        await this.#reconcile(gen);
        // Whatever we were publishing before the reset goes out again on the new transport.
        for (const [source, local] of Object.entries(this.#snap.local) as Array<[MediaSource, LocalSource]>) {
          if (local.track.readyState === 'live') void this.#republish(source, local.track, gen);
        }
      }
      if (gen === this.#gen) {
        this.#wasReady = true;
        this.#set({ status: { kind: 'ready' } });
      }
      this.#failures = 0;
    } catch (e) {
      if (gen !== this.#gen) return;
      if (e instanceof RequestError && (e.code === 'NOT_CONNECTED' || e.code === 'TIMEOUT')) return; // the next join retries
      const message = e instanceof Error ? e.message : String(e);
      // A server without media says so once; anything else (a worker restarting, a transport
      // lost mid-set-up) is retried with backoff while we are in the room.
      if (e instanceof RequestError && e.code === 'MEDIA_UNAVAILABLE' && !this.#wasReady) {
        this.#set({ status: { kind: 'unavailable', reason: message } });
        return;
      }
      this.#set({ status: { kind: 'error', message } });
      const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** this.#failures++);
      setTimeout(() => {
        if (gen === this.#gen && this.#session.connected) void this.#establish(roomId);
      }, delay);
    }
  }

  #failures = 0;
  #wasReady = false;

  #iceServers: RTCIceServer[] = [];

  /** Closes our transports; with `stopLocal`, also stops publishing (leaving the room). */
  #teardown(stopLocal: boolean): void {
    this.#send?.close();
    this.#recv?.close();
    this.#send = null;
    this.#recv = null;
    this.#producers.clear();
    this.#consumers.clear();
    this.#sizes.clear();
    this.#epoch = null;
    let local = this.#snap.local;
    if (stopLocal) {
      for (const l of Object.values(local)) l?.track.stop();
      local = {};
    } else {
      local = Object.fromEntries(Object.entries(local).map(([k, l]) => [k, { ...l, producerId: null }]));
    }
    this.#set({ local, remotes: [], speaker: null });
  }

  async #createTransport(direction: 'send' | 'recv', gen: number): Promise<msc.Transport> {
    const info = await this.#req('media.transport', { direction });
    if (gen !== this.#gen || !this.#device) throw new RequestError('STALE', 'superseded');
    const options = {
      id: info.transportId,
      iceParameters: info.iceParameters as msc.IceParameters,
      iceCandidates: info.iceCandidates as msc.IceCandidate[],
      dtlsParameters: info.dtlsParameters as msc.DtlsParameters,
      iceServers: this.#iceServers,
    };
    const t = direction === 'send' ? this.#device.createSendTransport(options) : this.#device.createRecvTransport(options);
    t.on('connect', ({ dtlsParameters }, ok, fail) => {
      this.#req('media.connect', { transportId: t.id, dtlsParameters: dtlsParameters as never }).then(() => ok(), fail);
    });
    if (direction === 'send') {
      t.on('produce', ({ kind, rtpParameters, appData }, ok, fail) => {
        const { source, height } = appData as { source: MediaSource; height?: number };
        this.#req('media.produce', {
          transportId: t.id, source, kind, rtpParameters: rtpParameters as never, ...(height ? { height } : {}),
        }).then(({ producerId }) => ok({ id: producerId }), fail);
      });
    }
    let timer: ReturnType<typeof setTimeout> | null = null;
    t.on('connectionstatechange', (state) => {
      if (timer) clearTimeout(timer);
      timer = null;
      if (state === 'failed') void this.#restartOne(t);
      if (state === 'disconnected') timer = setTimeout(() => void this.#restartOne(t), DISCONNECTED_GRACE_MS);
    });
    return t;
  }

  async #restartOne(t: msc.Transport): Promise<void> {
    if (t.closed || !this.#session.connected) return; // the rejoin will restart it
    try {
      const { iceParameters } = await this.#req('media.restartIce', { transportId: t.id });
      await t.restartIce({ iceParameters: iceParameters as msc.IceParameters });
    } catch {
      // Unknown transport: the server lost it; set everything up again.
      if (this.#roomId) void this.#establish(this.#roomId);
    }
  }

  async #restartIce(gen: number): Promise<void> {
    for (const t of [this.#send, this.#recv]) {
      if (!t || t.closed || gen !== this.#gen) continue;
      const { iceParameters } = await this.#req('media.restartIce', { transportId: t.id });
      await t.restartIce({ iceParameters: iceParameters as msc.IceParameters });
    }
  }

  /** Brings the remote list in line with the server's: consume what is new, drop what ended. */
  async #reconcile(gen: number): Promise<void> {
    if (!this.#device) return;
    const { producers } = await this.#req('media.ready', { rtpCapabilities: this.#device.rtpCapabilities as never });
    if (gen !== this.#gen) return;
    const live = new Set(producers.map((p) => p.producerId));
    for (const [producerId, c] of this.#consumers) {
      if (!live.has(producerId)) {
        c.close();
        this.#consumers.delete(producerId);
      }
    }
    const kept = this.#snap.remotes.filter((r) => live.has(r.producerId));
    const known = new Set(kept.map((r) => r.producerId));
    const added = producers.filter((p) => !known.has(p.producerId) && p.userId !== this.#selfId);
    this.#set({ remotes: [...kept.map((r) => ({ ...r, ...producers.find((p) => p.producerId === r.producerId)! })), ...added.map((p) => ({ ...p, consumerId: null, track: null }))] });
    await Promise.all(added.map((p) => this.#consume(p, gen)));
  }

  async #consume(p: MediaProducerInfo, gen: number): Promise<void> {
    const recv = this.#recv;
    if (!recv || this.#consumers.has(p.producerId) || this.#consuming.has(p.producerId) || p.userId === this.#selfId) return;
    this.#consuming.add(p.producerId);
    try {
      const info = await this.#req('media.consume', { producerId: p.producerId });
      if (gen !== this.#gen || recv.closed) return;
      const consumer = await recv.consume({
        id: info.consumerId, producerId: info.producerId, kind: info.kind, rtpParameters: info.rtpParameters as msc.RtpParameters,
      });
      this.#consumers.set(p.producerId, consumer);
      this.#updateRemote(p.producerId, { consumerId: consumer.id, track: consumer.track });
      await this.#req('media.resume', { consumerId: consumer.id });
    } catch (e) {
      // The stream ended meanwhile, or our transport was replaced: nothing to show.
      if (e instanceof RequestError && (e.code === 'MEDIA_UNKNOWN' || e.code === 'STALE')) return;
      this.#set({ notice: `Could not receive a stream: ${e instanceof Error ? e.message : String(e)}` });
    } finally {
      this.#consuming.delete(p.producerId);
    }
  }

  #updateRemote(producerId: string, patch: Partial<RemoteStream>): void {
    this.#set({ remotes: this.#snap.remotes.map((r) => (r.producerId === producerId ? { ...r, ...patch } : r)) });
  }

  #onPush(m: MediaServerMessage): void {
    switch (m.type) {
      case 'media.producer':
        if (m.producer.userId === this.#selfId) return;
        if (this.#snap.remotes.some((r) => r.producerId === m.producer.producerId)) return;
        if (!this.#recv) return; // not set up yet: media.ready will list it
        this.#set({ remotes: [...this.#snap.remotes, { ...m.producer, consumerId: null, track: null }] });
        void this.#consume(m.producer, this.#gen);
        return;
      case 'media.producerClosed': {
        const c = this.#consumers.get(m.producerId);
        c?.close();
        this.#consumers.delete(m.producerId);
        this.#set({ remotes: this.#snap.remotes.filter((r) => r.producerId !== m.producerId) });
        return;
      }
      case 'media.consumerClosed':
        for (const [pid, c] of this.#consumers) {
          if (c.id !== m.consumerId) continue;
          c.close();
          this.#consumers.delete(pid);
          this.#updateRemote(pid, { consumerId: null, track: null });
        }
        return;
      case 'media.producerState':
        if (m.userId === this.#selfId) return this.#ownState(m.producerId, m.paused, m.pausedBy);
        this.#updateRemote(m.producerId, { paused: m.paused, pausedBy: m.pausedBy });
        return;
      case 'media.speaker':
        this.#set({ speaker: m.userId });
        return;
      case 'media.reset':
        this.#set({ notice: m.reason });
        this.#teardown(false);
        if (this.#roomId) void this.#establish(this.#roomId);
        return;
    }
  }

  /** The server paused (or resumed) one of ours: a teacher's mute, or a revoked capability. */
  #ownState(producerId: string, paused: boolean, by: PausedBy): void {
    for (const [source, producer] of this.#producers) {
      if (producer.id !== producerId) continue;
      if (paused) producer.pause();
      const local = this.#snap.local[source];
      if (!local) return;
      this.#set({
        local: { ...this.#snap.local, [source]: { ...local, paused, pausedBy: by } },
        ...(paused && by === 'staff' ? { notice: `A teacher turned off your ${NAMES[source]}.` } : {}),
      });
    }
  }

  // ------------------------------------------------------------------ publishing

  /** Starts the microphone, camera or screen share. Resolves false (with a notice) when refused. */
  async publish(source: MediaSource): Promise<boolean> {
    if (this.#snap.local[source]) return true;
    let track: MediaStreamTrack;
    try {
      track = await this.#capture(source);
    } catch (e) {
      this.#set({ notice: `Could not start your ${NAMES[source]}: ${e instanceof Error ? e.message : String(e)}` });
      return false;
    }
    if (source === 'screen') track.addEventListener('ended', () => void this.unpublish('screen'));
    this.#set({ local: { ...this.#snap.local, [source]: { track, producerId: null, paused: false, pausedBy: null } }, notice: null });
    void this.#refreshDevices();
    const ok = await this.#produce(source, track, this.#gen);
    if (!ok) {
      track.stop();
      const { [source]: _gone, ...rest } = this.#snap.local;
      this.#set({ local: rest });
    }
    return ok;
  }

  async #capture(source: MediaSource): Promise<MediaStreamTrack> {
    const md = navigator.mediaDevices;
    if (!md) throw new Error('this page is not allowed to use devices (it needs HTTPS)');
    if (source === 'screen') return (await md.getDisplayMedia({ video: true, audio: false })).getVideoTracks()[0]!;
    const { mic, camera } = this.#snap.selected;
    if (source === 'mic') {
      return (await md.getUserMedia({ audio: mic ? { deviceId: { exact: mic } } : true })).getAudioTracks()[0]!;
    }
    const video: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 }, ...(camera ? { deviceId: { exact: camera } } : {}) };
    return (await md.getUserMedia({ video })).getVideoTracks()[0]!;
  }

  async #produce(source: MediaSource, track: MediaStreamTrack, gen: number): Promise<boolean> {
    try {
      if (!this.#device) throw new Error('media is not connected yet');
      if (!this.#send || this.#send.closed) this.#send = await this.#createTransport('send', gen);
      const height = track.getSettings().height;
      const producer = await this.#send.produce({
        track,
        stopTracks: false,
        ...(source === 'camera' ? { encodings: CAMERA_ENCODINGS } : {}),
        ...(source === 'mic' ? { codecOptions: { opusDtx: true, opusFec: true } } : {}),
        appData: { source, ...(height ? { height } : {}) },
      });
      if (gen !== this.#gen) return false;
      this.#producers.set(source, producer);
      const local = this.#snap.local[source];
      if (local) this.#set({ local: { ...this.#snap.local, [source]: { ...local, producerId: producer.id } } });
      if (local?.paused) await this.setPaused(source, true);
      return true;
    } catch (e) {
      if (gen === this.#gen) this.#set({ notice: e instanceof Error ? e.message : String(e) });
      return false;
    }
  }

  /** Publishes a track we already had; refused (no capability here), it is stopped. */
  async #republish(source: MediaSource, track: MediaStreamTrack, gen: number): Promise<void> {
    if (await this.#produce(source, track, gen)) return;
    if (gen !== this.#gen || this.#snap.local[source]?.track !== track) return;
    track.stop();
    const { [source]: _gone, ...rest } = this.#snap.local;
    this.#set({ local: rest });
  }

  async unpublish(source: MediaSource): Promise<void> {
    const producer = this.#producers.get(source);
    this.#producers.delete(source);
    const local = this.#snap.local[source];
    local?.track.stop();
    const { [source]: _gone, ...rest } = this.#snap.local;
    this.#set({ local: rest });
    if (!producer) return;
    producer.close();
    try {
      await this.#req('media.close', { producerId: producer.id });
    } catch {
      // Already closed on the server (reset, left): nothing to undo.
    }
  }

  /** Mute or unmute one's own source. Unmuting may be refused (the teacher took the capability). */
  async setPaused(source: MediaSource, paused: boolean): Promise<void> {
    const producer = this.#producers.get(source);
    const local = this.#snap.local[source];
    if (!producer || !local) return;
    try {
      if (paused) producer.pause();
      await this.#req('media.pause', { producerId: producer.id, paused });
      if (!paused) producer.resume();
      this.#set({ local: { ...this.#snap.local, [source]: { ...local, paused, pausedBy: paused ? 'self' : null } }, notice: null });
    } catch (e) {
      this.#set({ notice: e instanceof Error ? e.message : String(e) });
    }
  }

  // ------------------------------------------------------------------ devices and sizes

  #refreshDevices = async (): Promise<void> => {
    const list = await navigator.mediaDevices?.enumerateDevices?.().catch(() => []) ?? [];
    this.#set({
      devices: {
        audioinput: list.filter((d) => d.kind === 'audioinput' && d.deviceId),
        videoinput: list.filter((d) => d.kind === 'videoinput' && d.deviceId),
      },
    });
  };

  /** Switches the microphone or camera; a live one is replaced without renegotiating. */
  async selectDevice(source: 'mic' | 'camera', deviceId: string): Promise<void> {
    this.#set({ selected: { ...this.#snap.selected, [source]: deviceId } });
    const producer = this.#producers.get(source);
    const local = this.#snap.local[source];
    if (!producer || !local) return;
    try {
      const track = await this.#capture(source);
      await producer.replaceTrack({ track });
      local.track.stop();
      this.#set({ local: { ...this.#snap.local, [source]: { ...local, track } } });
    } catch (e) {
      this.#set({ notice: `Could not switch devices: ${e instanceof Error ? e.message : String(e)}` });
    }
  }

  /** A tile shows `consumerId` this many device pixels tall (0: off screen); the server picks the layer. */
  setSize(consumerId: string, height: number): void {
    const h = Math.min(4320, Math.round(height));
    // A window being resized reports every frame: send the size it settles at.
    const pending = this.#sizeTimers.get(consumerId);
    if (pending) clearTimeout(pending);
    this.#sizeTimers.set(consumerId, setTimeout(() => {
      this.#sizeTimers.delete(consumerId);
      if (this.#sizes.get(consumerId) === h) return;
      this.#sizes.set(consumerId, h);
      this.#req('media.size', { consumerId, height: h }).catch(() => { /* consumer gone */ });
    }, SIZE_SETTLE_MS));
  }

  readonly #sizeTimers = new Map<string, ReturnType<typeof setTimeout>>();

  /** Staff: mute one participant's source, or every student's microphone. */
  async muteOthers(source: MediaSource, userId?: number): Promise<number> {
    const { paused } = await this.#req('media.mute', userId === undefined ? { source } : { source, userId });
    return paused;
  }

  dismissNotice(): void {
    this.#set({ notice: null });
  }

  close(): void {
    this.#gen++;
    for (const t of this.#sizeTimers.values()) clearTimeout(t);
    for (const off of this.#offs) off();
    navigator.mediaDevices?.removeEventListener?.('devicechange', this.#refreshDevices);
    this.#teardown(true);
  }
}
