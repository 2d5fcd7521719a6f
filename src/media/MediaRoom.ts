// The SFU side of one room: its routers, and per participant a send and a receive transport,
// the producers they publish and the consumers they receive. Participants are keyed by user
// (one seat per user per room), so a WebSocket reconnect finds its transports still here.
//
// A room starts on one router. Past `peersPerRouter` participants it takes a router on another
// worker, and a producer is piped (pipeToRouter) to each other router that has a consumer for it.
import { randomUUID } from 'node:crypto';
import type { types as ms } from 'mediasoup';
import type { Config } from '../config/config.js';
import type { Caps } from '../protocol/classState.js';
import {
  KIND_OF_SOURCE, type ConsumerInfo, type MediaProducerInfo, type MediaServerMessage, type MediaSource, type PausedBy, type TransportInfo,
} from '../protocol/media.js';
import { UserError } from '../errors.js';
import { DEFAULT_CAPTURE_HEIGHT, layerHeights, pickSpatialLayer } from './layers.js';
import { announcedAddress, type MediaWorkers, type PooledWorker } from './MediaWorkers.js';

/** Codecs every router offers: Opus, VP8 (all browsers), H.264 baseline (Safari's favourite). */
const MEDIA_CODECS: ms.RtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 1000 } },
  {
    kind: 'video', mimeType: 'video/H264', clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
  },
];

/** Silence that ends someone's turn as the active speaker, in ms. */
const SPEAKER_HOLD_MS = 2000;

/** Consumers one participant may hold: ~3 sources × a full room, with room to spare. */
const MAX_CONSUMERS_PER_PEER = 600;

/** How the room reaches its participants; the transport to them stays in server/. */
export interface RoomSender {
  broadcast(frame: string): void;
  sendTo(userId: number, frame: string): void;
}

interface RouterSlot { router: ms.Router; pooled: PooledWorker; peers: number }
interface OwnProducer { producer: ms.Producer; source: MediaSource; pausedBy: PausedBy; height: number }
interface OwnConsumer { consumer: ms.Consumer; userId: number; source: MediaSource; hidden: boolean }

interface MediaPeer {
  readonly userId: number;
  readonly epoch: string;
  readonly slot: RouterSlot;
  rtpCapabilities: ms.RtpCapabilities | null;
  send: ms.WebRtcTransport | null;
  recv: ms.WebRtcTransport | null;
  readonly producers: Map<string, OwnProducer>;
  readonly consumers: Map<string, OwnConsumer>;
  /** Sources with a produce in flight, so two concurrent requests cannot both publish one. */
  readonly producing: Set<MediaSource>;
}

const encode = (m: MediaServerMessage): string => JSON.stringify(m);
const unknown = (what: string) => new UserError('MEDIA_UNKNOWN', `No such ${what} of yours (it was closed, or media was reset): set media up again.`);

/** mediasoup refuses bad client parameters with TypeError/UnsupportedError or a worker error. */
function refused(e: unknown, what: string): never {
  if (e instanceof UserError) throw e;
  const detail = e instanceof Error ? e.message.slice(0, 200) : String(e);
  throw new UserError('MEDIA_BAD_PARAMETERS', `The SFU refused the ${what}: ${detail}`);
}

export class MediaRoom {
  readonly #peers = new Map<number, MediaPeer>();
  readonly #slots: RouterSlot[] = [];
  /** Producer → routers it has been piped to (the promise, so concurrent consumers share it). */
  readonly #piped = new Map<string, Promise<void>>();
  #levels: ms.AudioLevelObserver | null = null;
  #speaker: number | null = null;
  #quiet: NodeJS.Timeout | null = null;
  #adding: Promise<RouterSlot> | null = null;
  #closed = false;

  private constructor(
    readonly roomId: string,
    readonly epoch: string,
    private readonly workers: MediaWorkers,
    private readonly config: Config['media'],
    private readonly out: RoomSender,
  ) {}

  static async create(roomId: string, workers: MediaWorkers, config: Config['media'], out: RoomSender): Promise<MediaRoom> {
    await workers.live();
    const room = new MediaRoom(roomId, randomUUID().slice(0, 8), workers, config, out);
    const first = await room.#addRouter();
    room.#levels = await first.router.createAudioLevelObserver({ maxEntries: 1, threshold: -60, interval: 500 });
    room.#levels.on('volumes', (v) => {
      if (room.#quiet) clearTimeout(room.#quiet);
      room.#quiet = null;
      const loudest = v[0]?.producer.appData as { userId?: number } | undefined;
      if (loudest?.userId !== undefined) room.#setSpeaker(loudest.userId);
    });
    // Pauses between words are not the end of a turn: hold the speaker a moment, so the
    // outline does not flicker.
    room.#levels.on('silence', () => {
      room.#quiet ??= setTimeout(() => {
        room.#quiet = null;
        room.#setSpeaker(null);
      }, SPEAKER_HOLD_MS);
    });
    return room;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get routerRtpCapabilities(): ms.RtpCapabilities {
    return this.#slots[0]!.router.rtpCapabilities;
  }

  usesWorker(worker: ms.Worker): boolean {
    return this.#slots.some((s) => s.pooled.worker === worker);
  }

  async #addRouter(): Promise<RouterSlot> {
    await this.workers.live();
    const pooled = this.workers.pick(new Set(this.#slots.map((s) => s.pooled.worker)));
    const router = await pooled.worker.createRouter({ mediaCodecs: MEDIA_CODECS });
    pooled.routers += 1;
    router.observer.once('close', () => { pooled.routers -= 1; });
    const slot: RouterSlot = { router, pooled, peers: 0 };
    this.#slots.push(slot);
    return slot;
  }

  /** The participant's media state, created on first use on a router with room for it. */
  async peer(userId: number): Promise<MediaPeer> {
    const existing = this.#peers.get(userId);
    if (existing) return existing;
    let slot = this.#slots.find((s) => s.peers < this.config.peersPerRouter);
    if (!slot) {
      // Two arrivals past the limit share one new router rather than making one each.
      this.#adding ??= this.#addRouter().finally(() => { this.#adding = null; });
      try {
        slot = await this.#adding;
      } catch {
        throw new UserError('MEDIA_UNAVAILABLE', 'The media server has no room for another participant right now; try again.');
      }
    }
    this.#alive();
    const again = this.#peers.get(userId);
    if (again) return again;
    slot.peers += 1;
    const peer: MediaPeer = {
      userId, epoch: `${this.epoch}.${randomUUID().slice(0, 8)}`, slot, rtpCapabilities: null, send: null, recv: null,
      producers: new Map(), consumers: new Map(), producing: new Set(),
    };
    this.#peers.set(userId, peer);
    return peer;
  }

  #known(userId: number): MediaPeer {
    this.#alive();
    const p = this.#peers.get(userId);
    if (!p) throw new UserError('MEDIA_NOT_READY', 'Ask for media.capabilities first.');
    return p;
  }

  #alive(): void {
    if (this.#closed) throw new UserError('MEDIA_UNKNOWN', 'Media in this room was reset: set media up again.');
  }

  /** Every producer in the room, for a participant that just became ready to receive. */
  ready(userId: number, rtpCapabilities: ms.RtpCapabilities): MediaProducerInfo[] {
    const peer = this.#known(userId);
    peer.rtpCapabilities = rtpCapabilities;
    const list: MediaProducerInfo[] = [];
    for (const p of this.#peers.values()) for (const own of p.producers.values()) list.push(this.#info(p.userId, own));
    return list;
  }

  async createTransport(userId: number, direction: 'send' | 'recv'): Promise<TransportInfo> {
    const peer = this.#known(userId);
    const c = this.config;
    const transport = await peer.slot.router.createWebRtcTransport({
      listenIps: [{ ip: c.listenIp, announcedIp: announcedAddress(c) }],
      enableUdp: true,
      enableTcp: c.enableTcp,
      preferUdp: true,
      initialAvailableOutgoingBitrate: c.initialOutgoingBitrate,
      appData: { userId, direction },
    });
    if (this.#peers.get(userId) !== peer || this.#closed) {
      transport.close();
      throw unknown('media session');
    }
    if (direction === 'send') await transport.setMaxIncomingBitrate(c.maxIncomingBitrate);
    // A new transport replaces the old one (the client re-created it after a failure); closing
    // the old one closes its producers or consumers, and everyone is told.
    peer[direction]?.close();
    peer[direction] = transport;
    return {
      transportId: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
    };
  }

  #transport(peer: MediaPeer, transportId: string): ms.WebRtcTransport {
    const t = peer.send?.id === transportId ? peer.send : peer.recv?.id === transportId ? peer.recv : null;
    if (!t || t.closed) throw unknown('transport');
    return t;
  }

  async connect(userId: number, transportId: string, dtlsParameters: ms.DtlsParameters): Promise<void> {
    const t = this.#transport(this.#known(userId), transportId);
    try {
      await t.connect({ dtlsParameters });
    } catch (e) {
      refused(e, 'DTLS parameters');
    }
  }

  async restartIce(userId: number, transportId: string): Promise<ms.IceParameters> {
    return this.#transport(this.#known(userId), transportId).restartIce();
  }

  async produce(
    userId: number,
    req: { transportId: string; source: MediaSource; kind: 'audio' | 'video'; rtpParameters: ms.RtpParameters; paused?: boolean; height?: number },
  ): Promise<string> {
    const peer = this.#known(userId);
    if (peer.send?.id !== req.transportId) throw unknown('send transport');
    if (KIND_OF_SOURCE[req.source] !== req.kind) {
      throw new UserError('MEDIA_BAD_PARAMETERS', `A ${req.source} producer carries ${KIND_OF_SOURCE[req.source]}, not ${req.kind}.`);
    }
    if (peer.producing.has(req.source) || [...peer.producers.values()].some((p) => p.source === req.source)) {
      throw new UserError('MEDIA_SOURCE_BUSY', `You are already publishing your ${req.source}; stop it first.`);
    }
    peer.producing.add(req.source);
    let producer: ms.Producer;
    try {
      producer = await peer.send.produce({
        kind: req.kind, rtpParameters: req.rtpParameters, paused: req.paused ?? false, appData: { userId, source: req.source },
      });
    } catch (e) {
      refused(e, 'RTP parameters');
    } finally {
      peer.producing.delete(req.source);
    }
    if (this.#peers.get(userId) !== peer || this.#closed) {
      producer.close();
      throw unknown('media session');
    }
    const own: OwnProducer = { producer, source: req.source, pausedBy: req.paused ? 'self' : null, height: req.height ?? DEFAULT_CAPTURE_HEIGHT };
    peer.producers.set(producer.id, own);
    producer.observer.once('close', () => this.#producerGone(peer, producer.id));
    if (req.kind === 'audio') void this.#observeLevels(peer, producer);
    this.out.broadcast(encode({ type: 'media.producer', roomId: this.roomId, producer: this.#info(userId, own) }));
    return producer.id;
  }

  async #observeLevels(peer: MediaPeer, producer: ms.Producer): Promise<void> {
    try {
      // The observer lives on the first router: a producer elsewhere is piped there first.
      const first = this.#slots[0]!;
      if (peer.slot !== first) await this.#pipe(producer.id, peer.slot, first);
      await this.#levels?.addProducer({ producerId: producer.id });
    } catch {
      // Closed meanwhile: nothing to observe.
    }
  }

  #producerGone(peer: MediaPeer, producerId: string): void {
    if (!peer.producers.delete(producerId)) return;
    for (const key of this.#piped.keys()) if (key.startsWith(`${producerId}>`)) this.#piped.delete(key);
    if (!this.#closed) this.out.broadcast(encode({ type: 'media.producerClosed', roomId: this.roomId, producerId, userId: peer.userId }));
  }

  #info(userId: number, own: OwnProducer): MediaProducerInfo {
    return {
      producerId: own.producer.id, userId, source: own.source, kind: own.producer.kind,
      paused: own.producer.paused, pausedBy: own.pausedBy,
    };
  }

  #own(userId: number, producerId: string): OwnProducer {
    const own = this.#known(userId).producers.get(producerId);
    if (!own) throw unknown('producer');
    return own;
  }

  sourceOf(userId: number, producerId: string): MediaSource {
    return this.#own(userId, producerId).source;
  }

  /** The owner mutes or unmutes (the caller has checked the capability for unmuting). */
  async setPaused(userId: number, producerId: string, paused: boolean): Promise<void> {
    const own = this.#own(userId, producerId);
    await this.#pause(userId, own, paused, paused ? 'self' : null);
  }

  async #pause(userId: number, own: OwnProducer, paused: boolean, by: PausedBy): Promise<void> {
    own.pausedBy = by;
    if (paused) await own.producer.pause();
    else await own.producer.resume();
    this.out.broadcast(encode({
      type: 'media.producerState', roomId: this.roomId, producerId: own.producer.id, userId, paused, pausedBy: by,
    }));
  }

  closeProducer(userId: number, producerId: string): void {
    this.#own(userId, producerId).producer.close();
  }

  /**
   * Server-side mute: pauses the matching producers that are live. Counted synchronously, so
   * the reply says how many were muted even though the worker confirms later.
   */
  pauseWhere(match: (userId: number, source: MediaSource) => boolean): number {
    let n = 0;
    for (const peer of this.#peers.values()) {
      for (const own of peer.producers.values()) {
        // Already muted by staff (pausedBy is set before the worker confirms): count it once.
        if (own.pausedBy === 'staff') continue;
        if (!match(peer.userId, own.source)) continue;
        n += 1;
        this.#pause(peer.userId, own, true, 'staff').catch(() => { /* closed meanwhile */ });
      }
    }
    return n;
  }

  /** Pauses whatever someone publishes without the capability for it (after a revoke). */
  enforce(capsOf: (userId: number) => Caps | null): number {
    const CAP = { mic: 'audio', camera: 'video', screen: 'screen' } as const;
    return this.pauseWhere((userId, source) => {
      const caps = capsOf(userId);
      return caps !== null && !caps[CAP[source]];
    });
  }

  async consume(userId: number, producerId: string): Promise<ConsumerInfo> {
    const peer = this.#known(userId);
    if (!peer.rtpCapabilities) throw new UserError('MEDIA_NOT_READY', 'Send media.ready with your RTP capabilities first.');
    if (!peer.recv) throw new UserError('MEDIA_NOT_READY', 'Create a receive transport first.');
    if (peer.consumers.size >= MAX_CONSUMERS_PER_PEER) throw new UserError('MEDIA_BAD_PARAMETERS', `At most ${MAX_CONSUMERS_PER_PEER} streams can be received at once.`);
    let owner: MediaPeer | undefined;
    let own: OwnProducer | undefined;
    for (const p of this.#peers.values()) {
      own = p.producers.get(producerId);
      if (own) { owner = p; break; }
    }
    if (!owner || !own) throw new UserError('MEDIA_UNKNOWN', 'That stream has ended.');
    if (owner.slot !== peer.slot) await this.#pipe(producerId, owner.slot, peer.slot);
    if (!peer.slot.router.canConsume({ producerId, rtpCapabilities: peer.rtpCapabilities })) {
      throw new UserError('MEDIA_CANNOT_CONSUME', 'Your browser cannot decode this stream\'s codec.');
    }
    const recv = peer.recv;
    if (!recv || recv.closed) throw unknown('receive transport');
    // One consumer per stream per viewer: consuming again (a client re-syncing) replaces the
    // old one, so repeated requests cannot pile up worker memory (~1.4 MiB per video consumer).
    for (const c of peer.consumers.values()) if (c.consumer.producerId === producerId) c.consumer.close();
    // Started paused: the client resumes once its track is wired up, so no keyframe is lost.
    let consumer: ms.Consumer;
    try {
      consumer = await recv.consume({ producerId, rtpCapabilities: peer.rtpCapabilities, paused: true, appData: { userId } });
    } catch (e) {
      refused(e, 'consumer');
    }
    const mine: OwnConsumer = { consumer, userId: owner.userId, source: own.source, hidden: false };
    peer.consumers.set(consumer.id, mine);
    consumer.observer.once('close', () => peer.consumers.delete(consumer.id));
    consumer.once('producerclose', () => {
      peer.consumers.delete(consumer.id);
      this.out.sendTo(userId, encode({ type: 'media.consumerClosed', roomId: this.roomId, consumerId: consumer.id }));
    });
    return {
      consumerId: consumer.id, producerId, userId: owner.userId, source: own.source, kind: consumer.kind,
      rtpParameters: consumer.rtpParameters, producerPaused: consumer.producerPaused,
    };
  }

  async #pipe(producerId: string, from: RouterSlot, to: RouterSlot): Promise<void> {
    const key = `${producerId}>${to.router.id}`;
    let p = this.#piped.get(key);
    if (!p) {
      p = from.router.pipeToRouter({ producerId, router: to.router }).then(() => undefined);
      this.#piped.set(key, p);
      p.catch(() => this.#piped.delete(key));
    }
    await p;
  }

  #consumer(userId: number, consumerId: string): OwnConsumer {
    const c = this.#known(userId).consumers.get(consumerId);
    if (!c) throw unknown('consumer');
    return c;
  }

  async resumeConsumer(userId: number, consumerId: string): Promise<void> {
    const c = this.#consumer(userId, consumerId);
    c.hidden = false;
    await c.consumer.resume();
  }

  /** The viewer shows this video `height` device pixels tall (0: not shown at all). */
  async size(userId: number, consumerId: string, height: number): Promise<number | null> {
    const c = this.#consumer(userId, consumerId);
    if (height === 0) {
      c.hidden = true;
      await c.consumer.pause();
      return null;
    }
    if (c.hidden) {
      c.hidden = false;
      await c.consumer.resume();
    }
    if (c.consumer.type !== 'simulcast') return null;
    const owner = this.#peers.get(c.userId);
    const own = owner?.producers.get(c.consumer.producerId);
    const encodings = (own?.producer.rtpParameters.encodings ?? []) as Array<{ scaleResolutionDownBy?: number }>;
    const layer = pickSpatialLayer(layerHeights(encodings, own?.height ?? DEFAULT_CAPTURE_HEIGHT), height);
    await c.consumer.setPreferredLayers({ spatialLayer: layer });
    return layer;
  }

  /** The participant left the room: everything they published or received closes. */
  removePeer(userId: number): void {
    const peer = this.#peers.get(userId);
    if (!peer) return;
    this.#peers.delete(userId);
    peer.slot.peers -= 1;
    // Closing a transport closes its producers; their observers tell everyone.
    peer.send?.close();
    peer.recv?.close();
    if (this.#speaker === userId) this.#setSpeaker(null);
  }

  #setSpeaker(userId: number | null): void {
    if (this.#speaker === userId || this.#closed) return;
    this.#speaker = userId;
    this.out.broadcast(encode({ type: 'media.speaker', roomId: this.roomId, userId }));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#quiet) clearTimeout(this.#quiet);
    for (const s of this.#slots) s.router.close();
    this.#peers.clear();
  }

  /** For the admin endpoint: who publishes what, and whether it is paused. */
  describe(): object {
    return {
      roomId: this.roomId,
      epoch: this.epoch,
      routers: this.#slots.map((s) => ({ routerId: s.router.id, workerPid: s.pooled.worker.pid, peers: s.peers })),
      peers: [...this.#peers.values()].map((p) => ({
        userId: p.userId,
        routerId: p.slot.router.id,
        send: p.send ? { transportId: p.send.id, ice: p.send.iceState, dtls: p.send.dtlsState } : null,
        recv: p.recv ? { transportId: p.recv.id, ice: p.recv.iceState, dtls: p.recv.dtlsState } : null,
        producers: [...p.producers.values()].map((o) => this.#info(p.userId, o)),
        consumers: [...p.consumers.values()].map((c) => ({
          consumerId: c.consumer.id, producerId: c.consumer.producerId, paused: c.consumer.paused, hidden: c.hidden,
        })),
      })),
    };
  }
}
