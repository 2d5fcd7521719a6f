// A real `ws` client speaking the protocol, with helpers to make requests and wait for frames.
import WebSocket from 'ws';
import type { ServerMessage, ResultMap, ClientMessageType, RoomEvent, JoinResult } from '../../src/protocol/messages.js';
import type { TestServer } from './server.js';
import { waitFor } from './waitFor.js';

export type Reply<T extends ClientMessageType> =
  | { ok: true; result: ResultMap[T] }
  | { ok: false; code: string; message: string };

export class TestClient {
  readonly frames: ServerMessage[] = [];
  closed: { code: number; reason: string } | null = null;
  #nextId = 1;
  #pending = new Map<string, (m: ServerMessage) => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      const m = JSON.parse(isBinary ? '{}' : data.toString()) as ServerMessage;
      this.frames.push(m);
      if ((m.type === 'ok' || m.type === 'error') && m.re !== null) {
        const resolve = this.#pending.get(m.re);
        if (resolve) { this.#pending.delete(m.re); resolve(m); }
      }
    });
    ws.on('close', (code, reason) => { this.closed = { code, reason: reason.toString() }; });
  }

  /** Opens a WebSocket with the token (omit for no auth) and, unless hello is false, says hello. */
  static async connect(server: TestServer, token: string | null, o: { hello?: boolean; origin?: string } = {}): Promise<TestClient> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (o.origin) headers.origin = o.origin;
    const ws = new WebSocket(server.wsUrl, { headers, ca: server.ca });
    const client = new TestClient(ws);
    await new Promise<void>((res, rej) => {
      ws.once('open', () => res());
      ws.once('error', rej);
      ws.once('unexpected-response', (_req, r) => rej(Object.assign(new Error(`upgrade refused: ${r.statusCode}`), { status: r.statusCode })));
    });
    if (o.hello !== false) {
      const r = await client.request('hello', { protocol: 1 });
      if (!r.ok) throw new Error(`hello failed: ${r.code}`);
    }
    return client;
  }

  /** Sends a request and resolves with its one reply. */
  request<T extends ClientMessageType>(type: T, payload: Record<string, unknown> = {}): Promise<Reply<T>> {
    const id = `r${this.#nextId++}`;
    return new Promise((resolve) => {
      this.#pending.set(id, (m) => resolve(m.type === 'ok' ? { ok: true, result: m.result as ResultMap[T] } : m.type === 'error' ? { ok: false, code: m.code, message: m.message } : (undefined as never)));
      this.ws.send(JSON.stringify({ type, id, ...payload }));
    });
  }

  async ok<T extends ClientMessageType>(type: T, payload: Record<string, unknown> = {}): Promise<ResultMap[T]> {
    const r = await this.request(type, payload);
    if (!r.ok) throw new Error(`${type} failed: ${r.code} ${r.message}`);
    return r.result;
  }

  /** room.join that must seat us (not leave us in the waiting room). */
  async join(payload: { roomId: string; since?: number }): Promise<JoinResult> {
    const r = await this.ok('room.join', payload);
    if (r.status !== 'joined') throw new Error(`room.join left us ${r.status}`);
    return r;
  }

  /** Sends raw data (malformed-input tests); resolves with the next error frame. */
  async sendRaw(data: string | Buffer, binary = false): Promise<Extract<ServerMessage, { type: 'error' }>> {
    const before = this.frames.length;
    this.ws.send(data, { binary });
    let found: Extract<ServerMessage, { type: 'error' }> | undefined;
    await waitFor(() => {
      found = this.frames.slice(before).find((f): f is Extract<ServerMessage, { type: 'error' }> => f.type === 'error');
      return found ? undefined : 'no error frame yet';
    });
    return found!;
  }

  /** Durable events received (live and replayed), in arrival order. */
  events(): RoomEvent[] {
    const out: RoomEvent[] = [];
    for (const f of this.frames) {
      if (f.type === 'room.event') out.push(f.event);
      else if (f.type === 'room.replay') out.push(...f.events);
    }
    return out;
  }

  chatTexts(): string[] {
    return this.events().flatMap((e) => (e.kind === 'chat.message' ? [e.data.text] : []));
  }

  async waitForEvent(pred: (e: RoomEvent) => boolean, what: string, timeoutMs = 10_000): Promise<RoomEvent> {
    let hit: RoomEvent | undefined;
    await waitFor(() => ((hit = this.events().find(pred)) ? undefined : `no ${what} yet`), timeoutMs);
    return hit!;
  }

  async waitForClose(timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
    await waitFor(() => (this.closed ? undefined : 'still open'), timeoutMs);
    return this.closed!;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.ws.close();
    await this.waitForClose();
  }
}
