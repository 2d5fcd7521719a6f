// Bad input never crashes the server and never stores anything; abuse is cut off.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startServer, type TestServer } from '../helpers/server.js';
import { TestClient } from '../helpers/client.js';
import { waitFor } from '../helpers/waitFor.js';

describe('bad input on the WebSocket', () => {
  let server: TestServer;
  let roomId: string;
  let token: string;
  let c: TestClient;
  const logCount = () => server.arrange((s) => (s.db.prepare('SELECT count(*) AS n FROM room_log').get() as { n: number }).n);

  before(async () => {
    server = await startServer({ config: { ws: { rateLimitPerSecond: 20, rateLimitBurst: 40, rateLimitStrikes: 10, maxBufferedBytes: 256 * 1024 } } });
    server.addUser('sam', 'student');
    server.addUser('tina', 'teacher');
    roomId = server.addRoom('Chemistry', { sam: 'student', tina: 'teacher' });
    token = await server.login('sam');
    c = await TestClient.connect(server, token);
    await c.join({ roomId });
  });
  after(async () => {
    await c.close();
    await server.cleanup();
  });

  it('answers each malformed frame with its code and keeps the connection', async () => {
    const stored = logCount();
    const cases: Array<[string | Buffer, string, boolean?]> = [
      ['{not json', 'BAD_JSON'],
      ['[1,2,3]', 'BAD_MESSAGE'],
      ['"just a string"', 'BAD_MESSAGE'],
      [JSON.stringify({ id: 'a1', text: 'no type' }), 'UNKNOWN_TYPE'],
      [JSON.stringify({ type: 'chat.shout', id: 'a2' }), 'UNKNOWN_TYPE'],
      [JSON.stringify({ type: 'chat.send', id: 'a3', text: 42 }), 'BAD_MESSAGE'],
      [JSON.stringify({ type: 'chat.send', text: 'no id' }), 'BAD_MESSAGE'],
      [JSON.stringify({ type: 'chat.send', id: 'a4', text: 'hi', extra: true }), 'BAD_MESSAGE'],
      [JSON.stringify({ type: 'chat.send', id: 'x'.repeat(65), text: 'hi' }), 'TOO_LONG'],
      [JSON.stringify({ type: 'chat.delete', id: 'a5', messageId: -1 }), 'BAD_MESSAGE'],
      [JSON.stringify({ type: 'room.join', id: 'a6', roomId: '../../etc' }), 'BAD_MESSAGE'],
      [JSON.stringify({ type: 'chat.history', id: 'a7', limit: 1000 }), 'BAD_MESSAGE'],
      [JSON.stringify({ type: 'chat.send', id: 'a8', text: 'x'.repeat(70_000) }), 'TOO_LARGE'],
      [Buffer.from([1, 2, 3]), 'BINARY_NOT_SUPPORTED', true],
    ];
    for (const [frame, code, binary] of cases) {
      const err = await c.sendRaw(frame, binary);
      assert.equal(err.code, code, `frame ${String(frame).slice(0, 60)}`);
      assert.ok(err.message.length > 10, 'a sentence for people');
    }
    // An error for a request with a usable id names that id.
    const typed = await c.sendRaw(JSON.stringify({ type: 'chat.send', id: 'mine', text: 7 }));
    assert.equal(typed.re, 'mine');
    assert.equal(c.closed, null, 'connection still open');
    assert.equal(logCount(), stored, 'nothing stored');
    const ok = await c.ok('chat.send', { text: 'still here' });
    assert.ok(ok.messageId > 0);
  });

  it('requires hello first, once, with a supported version', async () => {
    const raw = await TestClient.connect(server, token, { hello: false });
    const early = await raw.request('chat.send', { text: 'hi' });
    assert.equal(!early.ok && early.code, 'NOT_READY');
    await raw.ok('hello', { protocol: 1 });
    const twice = await raw.request('hello', { protocol: 1 });
    assert.equal(!twice.ok && twice.code, 'ALREADY_READY');
    await raw.close();

    const old = await TestClient.connect(server, token, { hello: false });
    const r = await old.request('hello', { protocol: 999 });
    assert.equal(!r.ok && r.code, 'UNSUPPORTED_PROTOCOL');
    assert.equal((await old.waitForClose()).code, 4002);
  });

  it('frames above the hard limit close the connection with 1009', async () => {
    const big = await TestClient.connect(server, token);
    big.ws.send('x'.repeat(1_100_000));
    assert.equal((await big.waitForClose()).code, 1009);
  });

  it('rate limits a flood: RATE_LIMITED errors, then a close with 4008', async () => {
    const flood = await TestClient.connect(server, token);
    for (let i = 0; i < 200; i++) flood.ws.send(JSON.stringify({ type: 'ping', id: `p${i}` }));
    const closed = await flood.waitForClose();
    assert.equal(closed.code, 4008);
    assert.ok(flood.frames.some((f) => f.type === 'error' && f.code === 'RATE_LIMITED'));
    assert.ok(flood.frames.some((f) => f.type === 'bye' && f.code === 4008));
    // Others are unaffected.
    assert.ok((await c.ok('ping')).now > 0);
  });
});

describe('authentication during the upgrade', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
    server.addUser('sam', 'student');
  });
  after(() => server.cleanup());

  const upgrade = (headers: Record<string, string>, path = '/ws') =>
    new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(server.url.replace('https', 'wss') + path, { headers, ca: server.ca });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode!));
      ws.on('open', () => { ws.close(); resolve(101); });
      ws.on('error', reject);
    });

  it('no token, a bad token, a foreign Origin or a wrong path get no WebSocket', async () => {
    const token = await server.login('sam');
    assert.equal(await upgrade({}), 401);
    assert.equal(await upgrade({ authorization: 'Bearer not-a-real-token' }), 401);
    assert.equal(await upgrade({ cookie: 'classroom_session=forged' }), 401);
    assert.equal(await upgrade({ authorization: `Bearer ${token}`, origin: 'https://evil.example' }), 403);
    assert.equal(await upgrade({ authorization: `Bearer ${token}` }, '/other'), 404);
    assert.equal(await upgrade({ authorization: `Bearer ${token}` }), 101);
    assert.equal(await upgrade({ cookie: `classroom_session=${token}`, origin: server.url.replace('127.0.0.1', '127.0.0.1') }), 101);
  });

  it('a logged-out token can no longer connect, and live connections using it are closed', async () => {
    const token = await server.login('sam');
    const live = await TestClient.connect(server, token);
    const res = await server.api('POST', '/api/logout', undefined, { authorization: `Bearer ${token}` });
    assert.equal(res.status, 204);
    assert.equal((await live.waitForClose()).code, 4012);
    assert.equal(await upgrade({ authorization: `Bearer ${token}` }), 401);
  });
});

describe('back-pressure', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ config: { ws: { rateLimitPerSecond: 10_000, rateLimitBurst: 10_000, maxBufferedBytes: 256 * 1024 } } });
    server.addUser('sam', 'student');
    server.addUser('tina', 'teacher');
  });
  after(() => server.cleanup());

  it('drops a client that stops reading instead of buffering without bound', async () => {
    const roomId = server.addRoom('Physics', { sam: 'student', tina: 'teacher' });
    const samId = server.arrange((s) => s.users.require('sam').id);
    const tina = await TestClient.connect(server, await server.login('tina'));
    await tina.join({ roomId });
    const reader = await TestClient.connect(server, await server.login('sam'));
    await reader.join({ roomId });
    // Stop reading at the TCP level: the kernel buffers fill, then the server's own queue grows.
    (reader.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const text = 'z'.repeat(3900);
    let sent = 0;
    await waitFor(async () => {
      for (let i = 0; i < 50; i++) await tina.ok('chat.send', { text });
      sent += 50;
      const dropped = tina.frames.some((f) => f.type === 'presence' && f.userId === samId && f.state === 'reconnecting');
      return dropped ? undefined : `still connected after ${sent} messages`;
    }, 60_000, 0);
    // Dropped well before the whole backlog was queued for it.
    assert.ok(sent * 4000 < 64 * 1024 * 1024, `sent ${sent} messages`);
    (reader.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await reader.waitForClose();
    await tina.close();
  });
});

describe('dead and silent connections', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ config: { ws: { heartbeatSeconds: 1, helloTimeoutSeconds: 1 } } });
    server.addUser('sam', 'student');
    server.addUser('tina', 'teacher');
  });
  after(() => server.cleanup());

  it('a connection that never says hello is closed with 4003', async () => {
    const silent = await TestClient.connect(server, await server.login('sam'), { hello: false });
    assert.equal((await silent.waitForClose(5000)).code, 4003);
  });

  it('heartbeat pings drop a peer that stopped answering', async () => {
    const roomId = server.addRoom('Music', { sam: 'student', tina: 'teacher' });
    const samId = server.arrange((s) => s.users.require('sam').id);
    const tina = await TestClient.connect(server, await server.login('tina'));
    await tina.join({ roomId });
    const sam = await TestClient.connect(server, await server.login('sam'));
    await sam.join({ roomId });
    // A frozen peer: its socket stays open but it reads nothing, so it never answers a ping.
    (sam.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    await waitFor(() => (tina.frames.some((f) => f.type === 'presence' && f.userId === samId && f.state === 'reconnecting') ? undefined : 'Sam still shown as joined'), 8000);
    (sam.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await sam.waitForClose();
    await tina.close();
  });
});
