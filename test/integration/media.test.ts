// Media signalling against the real server process and real mediasoup workers: transports,
// produce/consume with the capability checks, server-side mute, closing on leave, piping
// between workers, a worker killed mid-class. Media flow itself is proven in the browser test
// (test/browser/media.test.ts); here the parameters are what a browser would send.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startServer, type TestServer } from '../helpers/server.js';
import { TestClient, type Reply } from '../helpers/client.js';
import { waitFor } from '../helpers/waitFor.js';
import { DTLS, rtpFor, vp8 } from '../helpers/mediaParams.js';
import type { MediaProducerInfo, ServerMessage } from '../../src/protocol/index.js';

const code = (r: Reply<any>) => (r.ok ? 'ok' : r.code);
/** A participant that speaks the media protocol the way the browser client does. */
class MediaPeer {
  caps: any;
  send: string | null = null;
  recv: string | null = null;
  constructor(readonly c: TestClient) {}
  async setup(o: { send?: boolean } = {}): Promise<MediaProducerInfo[]> {
    this.caps = await this.c.ok('media.capabilities');
    const { producers } = await this.c.ok('media.ready', { rtpCapabilities: this.caps.routerRtpCapabilities });
    this.recv = (await this.c.ok('media.transport', { direction: 'recv' })).transportId;
    await this.c.ok('media.connect', { transportId: this.recv, dtlsParameters: DTLS });
    if (o.send !== false) {
      this.send = (await this.c.ok('media.transport', { direction: 'send' })).transportId;
      await this.c.ok('media.connect', { transportId: this.send, dtlsParameters: DTLS });
    }
    return producers;
  }
  produce(source: 'mic' | 'camera' | 'screen', extra: Record<string, unknown> = {}) {
    const kind = source === 'mic' ? 'audio' : 'video';
    return this.c.request('media.produce', { transportId: this.send, source, kind, rtpParameters: rtpFor(source), ...extra });
  }
  async producer(source: 'mic' | 'camera' | 'screen'): Promise<string> {
    const r = await this.produce(source);
    if (!r.ok) throw new Error(`produce ${source}: ${r.code} ${r.message}`);
    return r.result.producerId;
  }
  frames<T extends ServerMessage['type']>(type: T): Array<Extract<ServerMessage, { type: T }>> {
    return this.c.frames.filter((f): f is Extract<ServerMessage, { type: T }> => f.type === type);
  }
}

describe('media through the SFU', () => {
  let server: TestServer;
  let roomId: string;
  const ids: Record<string, number> = {};
  const open: TestClient[] = [];
  const as = async (user: string, room = roomId) => {
    const c = await TestClient.connect(server, await server.login(user));
    open.push(c);
    await c.join({ roomId: room });
    return new MediaPeer(c);
  };
  const mediaState = () => server.admin('media');
  const peerState = async (userId: number, room = roomId) => {
    const m = await mediaState();
    return m.rooms.find((r: any) => r.roomId === room)?.peers.find((p: any) => p.userId === userId);
  };

  before(async () => {
    server = await startServer({
      config: {
        rooms: { reconnectGraceSeconds: 2 },
        media: { workers: 2, peersPerRouter: 2, rtcMinPort: 42000, rtcMaxPort: 42999, turn: { urls: ['turn:127.0.0.1:3478'], secret: 'turn-secret', ttlSeconds: 600 } },
      },
    });
    for (const [u, r] of [['tina', 'teacher'], ['andy', 'teacher'], ['sam', 'student'], ['sara', 'student'], ['sid', 'student']] as const) ids[u] = server.addUser(u, r);
    roomId = server.addRoom('Physics', { tina: 'teacher', andy: 'assistant', sam: 'student', sara: 'student', sid: 'student' });
  });
  after(async () => {
    await Promise.all(open.map((c) => c.close()));
    await server.cleanup();
  });

  it('answers capabilities with the router codecs and TURN credentials minted for the user', async () => {
    const sam = await as('sam');
    const caps = await sam.c.ok('media.capabilities');
    const mimes = (caps.routerRtpCapabilities as any).codecs.map((c: any) => c.mimeType);
    assert.ok(mimes.includes('audio/opus') && mimes.includes('video/VP8'), mimes.join());
    const turn = caps.iceServers.find((s) => String(s.urls).includes('turn:'))!;
    const [expiry, user] = turn.username!.split(':');
    assert.equal(Number(user), ids.sam);
    assert.ok(Number(expiry) > Date.now() / 1000 + 500 && Number(expiry) <= Date.now() / 1000 + 601, `expiry ${expiry}`);
    assert.equal(turn.credential, createHmac('sha1', 'turn-secret').update(turn.username!).digest('base64'));
    const t = await sam.c.ok('media.transport', { direction: 'recv' });
    const cands = t.iceCandidates as Array<{ ip: string; protocol: string; port: number }>;
    assert.ok(cands.some((c) => c.ip === '127.0.0.1' && c.protocol === 'udp' && c.port >= 42000 && c.port <= 42999), JSON.stringify(cands));
    await sam.c.ok('room.leave');
  });

  it('refuses out-of-order, unknown, malformed and unauthorised requests and changes nothing', async () => {
    const lone = await TestClient.connect(server, await server.login('sid'));
    open.push(lone);
    assert.equal(code(await lone.request('media.capabilities')), 'NOT_IN_ROOM');
    await lone.join({ roomId });
    const sid = new MediaPeer(lone);
    assert.equal(code(await lone.request('media.ready', { rtpCapabilities: {} })), 'MEDIA_NOT_READY');
    await lone.ok('media.capabilities');
    assert.equal(code(await lone.request('media.consume', { producerId: 'nope' })), 'MEDIA_NOT_READY');
    assert.equal(code(await lone.request('media.connect', { transportId: 'f00d', dtlsParameters: DTLS })), 'MEDIA_UNKNOWN');
    assert.equal(code(await lone.request('media.connect', { transportId: 'f00d', dtlsParameters: { fingerprints: [] } })), 'BAD_MESSAGE');
    assert.equal(code(await lone.request('media.transport', { direction: 'sideways' })), 'BAD_MESSAGE');
    assert.equal(code(await lone.request('media.size', { consumerId: 'x', height: 5000 })), 'BAD_MESSAGE');
    await sid.setup();
    // A microphone that says it is video, a codec the router does not have, and no capability.
    assert.equal(code(await sid.produce('camera', { kind: 'audio' })), 'MEDIA_BAD_PARAMETERS');
    const h265 = { ...vp8(), codecs: [{ mimeType: 'video/H265', payloadType: 100, clockRate: 90000 }] };
    assert.equal(code(await sid.produce('camera', { rtpParameters: h265 })), 'MEDIA_BAD_PARAMETERS');
    assert.equal(code(await sid.produce('mic')), 'FORBIDDEN');
    assert.equal(code(await sid.produce('screen')), 'FORBIDDEN');
    assert.equal(code(await lone.request('media.mute', { source: 'mic' })), 'FORBIDDEN');
    assert.equal(code(await lone.request('media.produce', { transportId: sid.recv, source: 'camera', kind: 'video', rtpParameters: vp8() })), 'MEDIA_UNKNOWN');
    assert.deepEqual((await peerState(ids.sid)).producers, []);
    // The camera is a default student capability: allowed, once; a second one is busy.
    await sid.producer('camera');
    assert.equal(code(await sid.produce('camera')), 'MEDIA_SOURCE_BUSY');
    assert.equal((await peerState(ids.sid)).producers.length, 1);
    await lone.ok('room.leave');
  });

  it('a student receives the teacher: consumers start paused, resume on request, and pick a simulcast layer by size', async () => {
    const tina = await as('tina');
    await tina.setup();
    const sam = await as('sam');
    await sam.setup({ send: false });
    const mic = await tina.producer('mic');
    const cam = await tina.producer('camera');
    await waitFor(() => (sam.frames('media.producer').filter((f) => f.producer.userId === ids.tina).length >= 2 ? undefined : 'sam has not heard of both producers'));
    const aud = await sam.c.ok('media.consume', { producerId: mic });
    const vid = await sam.c.ok('media.consume', { producerId: cam });
    assert.equal(aud.kind, 'audio');
    assert.equal(vid.kind, 'video');
    assert.equal(vid.userId, ids.tina);
    assert.equal(vid.source, 'camera');
    let state = await peerState(ids.sam);
    assert.ok(state.consumers.every((c: any) => c.paused), 'consumers start paused');
    await sam.c.ok('media.resume', { consumerId: aud.consumerId });
    await sam.c.ok('media.resume', { consumerId: vid.consumerId });
    state = await peerState(ids.sam);
    assert.ok(state.consumers.every((c: any) => !c.paused), 'resumed');
    // Consuming the same stream again replaces the consumer: requests cannot pile them up.
    const again = await sam.c.ok('media.consume', { producerId: mic });
    await sam.c.ok('media.consume', { producerId: mic });
    assert.equal((await peerState(ids.sam)).consumers.filter((c: any) => c.producerId === mic).length, 1);
    assert.equal(code(await sam.c.request('media.resume', { consumerId: again.consumerId })), 'MEDIA_UNKNOWN');
    assert.deepEqual(await sam.c.ok('media.size', { consumerId: vid.consumerId, height: 180 }), { spatialLayer: 0 });
    assert.deepEqual(await sam.c.ok('media.size', { consumerId: vid.consumerId, height: 700 }), { spatialLayer: 2 });
    assert.deepEqual(await sam.c.ok('media.size', { consumerId: vid.consumerId, height: 0 }), { spatialLayer: null });
    assert.equal((await peerState(ids.sam)).consumers.find((c: any) => c.consumerId === vid.consumerId).paused, true, 'off screen pauses');
    // A later arrival learns of both producers in media.ready.
    const sara = await as('sara');
    const listed = await sara.setup({ send: false });
    assert.deepEqual(listed.filter((p) => p.userId === ids.tina).map((p) => p.source).sort(), ['camera', 'mic']);
    // Tina stops her camera: everyone is told, and Sam's consumer of it closes.
    await tina.c.ok('media.close', { producerId: cam });
    await waitFor(() => (sam.frames('media.producerClosed').some((f) => f.producerId === cam) ? undefined : 'no producerClosed'));
    await waitFor(() => (sam.frames('media.consumerClosed').some((f) => f.consumerId === vid.consumerId) ? undefined : 'no consumerClosed'));
    assert.equal(code(await sam.c.request('media.resume', { consumerId: vid.consumerId })), 'MEDIA_UNKNOWN');
    for (const p of [tina, sam, sara]) await p.c.ok('room.leave');
  });

  it('a teacher mutes a student server-side; unmuting needs the capability back', async () => {
    const tina = await as('tina');
    await tina.setup();
    const sam = await as('sam');
    await sam.setup();
    assert.equal(code(await sam.produce('mic')), 'FORBIDDEN');
    // "Ask to speak", approved: the microphone may be published.
    await sam.c.ok('class.request', { capability: 'audio' });
    await tina.c.ok('class.answer', { userId: ids.sam, capability: 'audio', approve: true });
    const mic = await sam.producer('mic');
    assert.equal((await peerState(ids.sam)).producers[0].paused, false);
    assert.deepEqual(await tina.c.ok('media.mute', { userId: ids.sam, source: 'mic' }), { paused: 1 });
    await waitFor(() => (sam.frames('media.producerState').some((f) => f.producerId === mic && f.paused && f.pausedBy === 'staff') ? undefined : 'sam not told of the mute'));
    await waitFor(async () => ((await peerState(ids.sam)).producers[0].paused ? undefined : 'producer not paused on the server'));
    const refused = await sam.c.request('media.pause', { producerId: mic, paused: false });
    assert.equal(code(refused), 'FORBIDDEN');
    assert.equal((await peerState(ids.sam)).producers[0].paused, true, 'still paused after the refused unmute');
    await tina.c.ok('class.grant', { capability: 'audio', allow: true, userId: ids.sam });
    assert.equal((await peerState(ids.sam)).producers[0].paused, true, 'the grant alone does not unmute');
    await sam.c.ok('media.pause', { producerId: mic, paused: false });
    assert.equal((await peerState(ids.sam)).producers[0].paused, false);
    // Revoking a capability by hand pauses what it covered, too.
    const cam = await sam.producer('camera');
    await tina.c.ok('class.grant', { capability: 'video', allow: false, userId: ids.sam });
    await waitFor(async () => ((await peerState(ids.sam)).producers.find((p: any) => p.producerId === cam)?.paused ? undefined : 'camera still live'));
    for (const p of [tina, sam]) await p.c.ok('room.leave');
  });

  it('"mute all" pauses every student microphone and no teacher', async () => {
    const tina = await as('tina');
    await tina.setup();
    await tina.c.ok('class.grant', { capability: 'audio', allow: true });
    const sam = await as('sam');
    await sam.setup();
    const sara = await as('sara');
    await sara.setup();
    const mine = await tina.producer('mic');
    await sam.producer('mic');
    await sara.producer('mic');
    assert.deepEqual(await tina.c.ok('media.mute', { source: 'mic' }), { paused: 2 });
    await waitFor(async () => {
      const s = await mediaState();
      const room = s.rooms.find((r: any) => r.roomId === roomId);
      const mics = room.peers.flatMap((p: any) => p.producers);
      const live = mics.filter((m: any) => !m.paused).map((m: any) => m.producerId);
      return live.length === 1 && live[0] === mine ? undefined : `live mics: ${JSON.stringify(live)}`;
    });
    assert.equal(code(await sam.c.request('media.mute', { source: 'mic', userId: ids.tina })), 'FORBIDDEN');
    assert.equal(code(await tina.c.request('media.mute', { source: 'mic', userId: ids.andy })), 'ok', 'a teacher may mute an assistant');
    const andy = await as('andy');
    assert.equal(code(await andy.c.request('media.mute', { source: 'mic', userId: ids.tina })), 'FORBIDDEN');
    for (const p of [tina, sam, sara, andy]) await p.c.ok('room.leave');
  });

  it('leaving closes everything the participant published; a dropped socket keeps it for the grace period', async () => {
    const tina = await as('tina');
    await tina.setup();
    // Sid still has the default camera capability (earlier tests revoked Sam's).
    const sid = await as('sid');
    await sid.setup();
    const cam = await sid.producer('camera');
    const { epoch } = sid.caps;
    // Drop without leaving: the seat and the transports stay; a rejoin finds the same epoch.
    sid.c.ws.terminate();
    await waitFor(() => (tina.c.frames.some((f) => f.type === 'presence' && f.userId === ids.sid && f.state === 'reconnecting') ? undefined : 'no reconnecting'));
    assert.equal((await peerState(ids.sid)).producers[0].producerId, cam);
    const back = await as('sid');
    const caps = await back.c.ok('media.capabilities');
    assert.equal(caps.epoch, epoch, 'same media session after a reconnect');
    const restarted = await back.c.ok('media.restartIce', { transportId: sid.send });
    assert.ok((restarted.iceParameters as any).usernameFragment);
    await back.c.ok('room.leave');
    await waitFor(() => (tina.frames('media.producerClosed').some((f) => f.producerId === cam) ? undefined : 'tina not told'));
    assert.equal(await peerState(ids.sid), undefined);
    await tina.c.ok('room.leave');
  });

  it('another tab taking the seat ends the old tab\'s media', async () => {
    const tina = await as('tina');
    await tina.setup();
    const first = await as('sid');
    await first.setup();
    const cam = await first.producer('camera');
    const second = await as('sid');
    assert.equal((await first.c.waitForClose()).code, 4009);
    await waitFor(() => (tina.frames('media.producerClosed').some((f) => f.producerId === cam) ? undefined : 'old tab\'s camera still live'));
    assert.equal(await peerState(ids.sid), undefined);
    const caps = await second.c.ok('media.capabilities');
    assert.notEqual(caps.epoch, first.caps.epoch, 'the new tab starts a media session of its own');
    for (const p of [tina, second]) await p.c.ok('room.leave');
  });

  it('past peersPerRouter a room spreads to another worker and producers are piped across', async () => {
    const room2 = server.addRoom('Big', { tina: 'teacher', sam: 'student', sara: 'student' });
    const tina = await as('tina', room2);
    await tina.setup();
    const sam = await as('sam', room2);
    await sam.setup();
    const sara = await as('sara', room2);
    await sara.setup({ send: false });
    const s = await mediaState();
    const room = s.rooms.find((r: any) => r.roomId === room2);
    assert.equal(room.routers.length, 2);
    assert.notEqual(room.routers[0].workerPid, room.routers[1].workerPid, 'the second router is on the other worker');
    const router = (u: number) => room.peers.find((p: any) => p.userId === u).routerId;
    assert.equal(router(ids.tina), router(ids.sam));
    assert.notEqual(router(ids.sara), router(ids.tina));
    const cam = await tina.producer('camera');
    const got = await sara.c.ok('media.consume', { producerId: cam });
    await sara.c.ok('media.resume', { consumerId: got.consumerId });
    assert.equal(got.producerId, cam);
    for (const p of [tina, sam, sara]) await p.c.ok('room.leave');
  });

  it('a worker killed mid-class is replaced, clients are told to reset, and media works again', async () => {
    const tina = await as('tina');
    await tina.setup();
    const sam = await as('sam');
    await sam.setup();
    await tina.producer('camera');
    const before = await mediaState();
    const pid = before.rooms.find((r: any) => r.roomId === roomId).routers[0].workerPid as number;
    process.kill(pid, 'SIGKILL');
    await waitFor(() => (sam.frames('media.reset').length > 0 && tina.frames('media.reset').length > 0 ? undefined : 'no media.reset'));
    await waitFor(async () => {
      const w = (await mediaState()).workers as Array<{ pid: number | null }>;
      return w.every((x) => x.pid !== null && x.pid !== pid) ? undefined : `workers: ${JSON.stringify(w)}`;
    });
    // The classroom itself never noticed.
    await tina.c.ok('chat.send', { text: 'still here' });
    const old = tina.caps.epoch;
    await tina.setup();
    assert.notEqual(tina.caps.epoch, old);
    const cam = await tina.producer('camera');
    await sam.setup({ send: false });
    const got = await sam.c.ok('media.consume', { producerId: cam });
    assert.equal(got.userId, ids.tina);
    for (const p of [tina, sam]) await p.c.ok('room.leave');
  });
});

describe('media unavailable', () => {
  let server: TestServer;
  after(async () => server?.cleanup());

  it('without a worker binary the classroom runs and media requests say why', async () => {
    server = await startServer({ env: { MEDIASOUP_WORKER_BIN: '/nonexistent/mediasoup-worker' } });
    server.addUser('tina', 'teacher');
    const roomId = server.addRoom('Physics', { tina: 'teacher' });
    const c = await TestClient.connect(server, await server.login('tina'));
    try {
      await c.join({ roomId });
      const r = await c.request('media.capabilities');
      assert.equal(code(r), 'MEDIA_UNAVAILABLE');
      assert.match(r.ok ? '' : r.message, /classroomctl doctor/);
      await c.ok('chat.send', { text: 'chat still works' });
      const status = await server.admin('media');
      assert.equal(status.available, false);
      assert.match(status.reason, /not built/, 'the operator learns why');
      // A teacher's mute still takes the capability away: it needs no SFU.
      assert.deepEqual(await c.ok('media.mute', { source: 'camera' }), { paused: 0 });
      const video = c.frames.find((f) => f.type === 'room.event' && f.event.kind === 'class.granted' && f.event.data.capability === 'video');
      assert.ok(video, 'the revoke was logged and sent');
    } finally {
      await c.close();
    }
  });
});
