// A lean protocol client for benchmarks: requests with replies for the setup, and a raw frame
// hook for the measured path, so a receiver pays for parsing only the frames it measures.
// (test/helpers/client.ts keeps every frame, which is right for tests and wrong at 27 MB/s.)
import WebSocket from 'ws';

type Reply = { ok: true; result: any } | { ok: false; code: string; message: string };

/** The first bytes of the frames the hot path tells apart without parsing. */
const OK_PREFIX = Buffer.from('{"type":"ok"');
const ERROR_PREFIX = Buffer.from('{"type":"error"');

export class LeanClient {
  #nextId = 1;
  readonly #pending = new Map<string, (r: Reply) => void>();
  /** Error frames that answered no pending request (RATE_LIMITED among them), by code. */
  readonly errors = new Map<string, number>();
  frames = 0;
  bytes = 0;
  closed: { code: number; reason: string } | null = null;
  /** Called for every frame that is not the reply to a pending setup request. */
  onFrame: ((data: Buffer) => void) | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.frames += 1;
      this.bytes += data.length;
      if (this.#pending.size > 0 && (startsWith(data, OK_PREFIX) || startsWith(data, ERROR_PREFIX))) {
        const m = JSON.parse(data.toString()) as { type: string; re: string | null; result?: unknown; code?: string; message?: string };
        const resolve = m.re === null ? undefined : this.#pending.get(m.re);
        if (resolve) {
          this.#pending.delete(m.re!);
          resolve(m.type === 'ok' ? { ok: true, result: m.result } : { ok: false, code: m.code!, message: m.message! });
          return;
        }
      }
      if (startsWith(data, ERROR_PREFIX)) {
        const code = (JSON.parse(data.toString()) as { code: string }).code;
        this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
        return;
      }
      this.onFrame?.(data);
    });
    ws.on('close', (code, reason) => { this.closed = { code, reason: reason.toString() }; });
  }

  static async connect(url: string, token: string, ca?: Uint8Array): Promise<LeanClient> {
    const ws = new WebSocket(url, {
      headers: { authorization: `Bearer ${token}` },
      ca: ca ? Buffer.from(ca) : undefined,
      perMessageDeflate: false,
      // The server's JSON is trusted here; validating UTF-8 would be bench-side cost only.
      skipUTF8Validation: true,
    });
    const client = new LeanClient(ws);
    await new Promise<void>((res, rej) => {
      ws.once('open', () => res());
      ws.once('error', rej);
      ws.once('unexpected-response', (_req, r) => rej(new Error(`upgrade refused: ${r.statusCode}`)));
    });
    await client.ok('hello', { protocol: 1, client: 'bench' });
    return client;
  }

  request(type: string, payload: Record<string, unknown> = {}): Promise<Reply> {
    const id = `b${this.#nextId++}`;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.ws.send(JSON.stringify({ type, id, ...payload }));
    });
  }

  async ok(type: string, payload: Record<string, unknown> = {}): Promise<any> {
    const r = await this.request(type, payload);
    if (!r.ok) throw new Error(`${type} failed: ${r.code} ${r.message}`);
    return r.result;
  }

  /** Fire-and-forget on the hot path: the reply is an `ok` frame nobody waits for. */
  send(frame: string): void {
    this.ws.send(frame);
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((res) => {
      this.ws.once('close', () => res());
      this.ws.close();
    });
  }
}

export function startsWith(data: Buffer, prefix: Buffer): boolean {
  return data.length >= prefix.length && data.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
}

/** Microseconds on CLOCK_MONOTONIC: one clock for every thread and process of this machine. */
export function nowUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}
