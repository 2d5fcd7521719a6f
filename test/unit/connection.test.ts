// The browser client's Connection with a fake socket and fake timers: hello first,
// request/reply matching, backoff with jitter, final close codes, and resume after a drop.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Connection, NOT_CONNECTED, RequestError, backoffDelay, type ConnectionStatus, type SocketLike } from '../../src/client/connection.js';
import { CloseCode, PROTOCOL_VERSION, type ServerMessage } from '../../src/protocol/index.js';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: Array<Record<string, unknown>> = [];
  closedWith: number | null = null;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  send(data: string) {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close(code = 1000) {
    this.closedWith = code;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  push(m: ServerMessage) {
    this.onmessage?.({ data: JSON.stringify(m) });
  }
  reply(result: unknown, index = this.sent.length - 1) {
    this.push({ type: 'ok', re: this.sent[index]!.id as string, result } as ServerMessage);
  }
  drop(code = 1006, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

/** Timers that only run when the test says so. */
class FakeTimers {
  t = 0;
  #next = 1;
  queue = new Map<number, { at: number; fn: () => void }>();
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.#next++;
    this.queue.set(id, { at: this.t + ms, fn });
    return id;
  };
  clearTimeout = (h: unknown) => void this.queue.delete(h as number);
  now = () => this.t;
  /** Runs every timer due within ms, in time order. */
  advance(ms: number) {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.queue.entries()].filter(([, v]) => v.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.queue.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
    }
    this.t = end;
  }
}

const hello = { protocol: PROTOCOL_VERSION, server: 'classroom', user: { userId: 1, displayName: 'Sam', role: 'student' }, heartbeatMs: 30_000 };
const flush = () => new Promise((r) => setImmediate(r));

function setup(checkBeforeRetry?: () => Promise<{ code: number; reason: string } | null>) {
  const sockets: FakeSocket[] = [];
  const statuses: ConnectionStatus[] = [];
  const pushes: ServerMessage[] = [];
  let ready = 0;
  const timers = new FakeTimers();
  const conn = new Connection({
    url: 'wss://example.test/ws',
    createSocket: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    timers,
    random: () => 0.5,
    onReady: () => void ready++,
    onPush: (m) => void pushes.push(m),
    onStatus: (s) => void statuses.push(s),
    checkBeforeRetry,
  });
  return { conn, sockets, statuses, pushes, timers, ready: () => ready, last: () => sockets[sockets.length - 1]! };
}

async function connectReady(t: ReturnType<typeof setup>) {
  t.last().open();
  assert.equal(t.last().sent[0]!.type, 'hello');
  t.last().reply(hello, 0);
  await flush();
}

describe('Connection', () => {
  it('says hello first, then matches replies to requests', async () => {
    const t = setup();
    t.conn.start();
    await assert.rejects(t.conn.request('ping', {}), (e: RequestError) => e.code === NOT_CONNECTED);
    await connectReady(t);
    assert.equal(t.ready(), 1);
    assert.equal(t.conn.status.kind, 'open');
    const { type, protocol } = t.last().sent[0]!;
    assert.deepEqual({ type, protocol }, { type: 'hello', protocol: PROTOCOL_VERSION });

    const a = t.conn.request('chat.send', { text: 'hi' });
    const b = t.conn.request('chat.history', { limit: 5 });
    const [sendFrame, historyFrame] = t.last().sent.slice(1);
    t.last().push({ type: 'ok', re: historyFrame!.id as string, result: { messages: [], hasMore: false } });
    t.last().push({ type: 'error', re: sendFrame!.id as string, code: 'RATE_LIMITED', message: 'Slow down.' });
    assert.deepEqual(await b, { messages: [], hasMore: false });
    await assert.rejects(a, (e: RequestError) => e.code === 'RATE_LIMITED' && e.message === 'Slow down.');
  });

  it('delivers pushes and fails pending requests when the socket drops', async () => {
    const t = setup();
    t.conn.start();
    await connectReady(t);
    t.last().push({ type: 'presence', roomId: 'r1', userId: 2, state: 'reconnecting' });
    assert.equal(t.pushes.length, 1);
    const pending = t.conn.request('chat.send', { text: 'in flight' });
    t.last().drop();
    await assert.rejects(pending, (e: RequestError) => e.code === NOT_CONNECTED);
  });

  it('reconnects with exponential backoff and says hello again', async () => {
    const t = setup();
    t.conn.start();
    await connectReady(t);
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      t.last().drop();
      const s = t.conn.status;
      assert.equal(s.kind, 'waiting');
      delays.push((s as { retryAt: number }).retryAt - t.timers.t);
      t.timers.advance(delays[i]!);
      await flush();
    }
    // random() = 0.5: three quarters of min(10 s, 500 ms * 2^n)
    assert.deepEqual(delays, [375, 750, 1500, 3000, 6000, 7500]);
    assert.equal(t.sockets.length, 7);
    await connectReady(t);
    assert.equal(t.ready(), 2);
    // A successful hello resets the backoff.
    t.last().drop();
    assert.equal((t.conn.status as { retryAt: number }).retryAt - t.timers.t, 375);
  });

  it('does not reconnect after a final close code, and shows the bye reason', async () => {
    const t = setup();
    t.conn.start();
    await connectReady(t);
    t.last().push({ type: 'bye', code: CloseCode.REPLACED, reason: 'You opened this room somewhere else.' });
    t.last().drop(CloseCode.REPLACED, '');
    assert.deepEqual(t.conn.status, { kind: 'closed', final: { code: CloseCode.REPLACED, reason: 'You opened this room somewhere else.' } });
    t.timers.advance(60_000);
    assert.equal(t.sockets.length, 1);
    // The owner may start again (the person chose to take the seat back).
    t.conn.start();
    assert.equal(t.sockets.length, 2);
  });

  it('stops for good when the server does not speak our protocol version', async () => {
    const t = setup();
    t.conn.start();
    t.last().open();
    t.last().push({ type: 'error', re: t.last().sent[0]!.id as string, code: 'UNSUPPORTED_PROTOCOL', message: 'Reload the page.' });
    await flush();
    assert.deepEqual(t.conn.status, { kind: 'closed', final: { code: CloseCode.UNSUPPORTED_PROTOCOL, reason: 'Reload the page.' } });
    t.timers.advance(60_000);
    assert.equal(t.sockets.length, 1);
  });

  it('reconnects after a non-final close such as going away', async () => {
    const t = setup();
    t.conn.start();
    await connectReady(t);
    t.last().push({ type: 'bye', code: CloseCode.GOING_AWAY, reason: 'Server restarting.' });
    t.last().drop(CloseCode.GOING_AWAY);
    assert.equal(t.conn.status.kind, 'waiting');
    t.timers.advance(10_000);
    await flush();
    assert.equal(t.sockets.length, 2);
  });

  it('asks whether the session is still valid when sockets fail to open, and stops if not', async () => {
    let checks = 0;
    const t = setup(async () => (++checks >= 2 ? { code: CloseCode.SESSION_REVOKED, reason: '' } : null));
    t.conn.start();
    t.last().drop(); // never opened (an upgrade refused with 401 looks like this)
    t.timers.advance(1_000);
    await flush();
    assert.equal(checks, 1);
    assert.equal(t.sockets.length, 2);
    t.last().drop();
    t.timers.advance(1_000);
    await flush();
    assert.equal(checks, 2);
    assert.deepEqual(t.conn.status, { kind: 'closed', final: { code: CloseCode.SESSION_REVOKED, reason: '' } });
    assert.equal(t.sockets.length, 2);
  });

  it('drops a connection whose pings go unanswered and reconnects', async () => {
    const t = setup();
    t.conn.start();
    await connectReady(t);
    t.timers.advance(30_000); // ping sent
    const ping = t.last().sent[t.last().sent.length - 1]!;
    assert.equal(ping.type, 'ping');
    t.timers.advance(30_000); // no answer
    assert.equal(t.sockets[0]!.closedWith, 4000);
    assert.equal(t.conn.status.kind, 'waiting');
  });

  it('retryNow skips the remaining backoff', async () => {
    const t = setup();
    t.conn.start();
    await connectReady(t);
    for (let i = 0; i < 4; i++) {
      t.last().drop();
      t.timers.advance(10_000);
      await flush();
    }
    t.last().drop();
    assert.equal(t.conn.status.kind, 'waiting');
    t.conn.retryNow();
    assert.equal(t.conn.status.kind, 'connecting');
    assert.equal(t.sockets.length, 6);
  });
});

describe('backoffDelay', () => {
  it('doubles from the base, is capped, and jitters within the upper half', () => {
    assert.equal(backoffDelay(0, 500, 10_000, () => 0), 250);
    assert.equal(backoffDelay(0, 500, 10_000, () => 1), 500);
    assert.equal(backoffDelay(3, 500, 10_000, () => 1), 4000);
    assert.equal(backoffDelay(10, 500, 10_000, () => 1), 10_000);
    assert.equal(backoffDelay(50, 500, 10_000, () => 0), 5000);
  });
});
