// One thread of benchmark clients: connects its share of the participants, joins them, and on
// `start` runs the drawers (stroke.progress at a fixed rate, a finished stroke as obj.add every
// `opEvery` updates) while the sampled receivers time every update they get.
// Send times travel inside the messages (the strokeId / object id / request id carry
// microseconds since the run's epoch on CLOCK_MONOTONIC), so sender and receiver need no
// shared state, only the same clock.
import { parentPort, workerData } from 'node:worker_threads';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { LeanClient, nowUs, startsWith } from './client.js';

export interface ClientSpec {
  userId: number;
  token: string;
  /** Index among the drawers, or null for a listener. */
  drawer: number | null;
  /** Records latencies (parses every frame) when true. */
  sampled: boolean;
  pageId: string;
}

export interface WorkerInit {
  wsUrl: string;
  ca?: Uint8Array;
  roomId: string;
  clients: ClientSpec[];
  ratePerSecond: number;
  pointsPerUpdate: number;
  opEvery: number;
}

export interface StartMsg { type: 'start'; epochUs: number; warmupUs: number; measureUs: number; graceMs: number }

export interface WorkerReport {
  type: 'report';
  /** Latencies in ms of live updates / durable ops seen by sampled receivers, sent inside the window. */
  live: Float64Array;
  ops: Float64Array;
  /** Drawer's send → its own ok reply for obj.add, in ms. */
  opAcks: Float64Array;
  liveSent: number;
  opsSent: number;
  /** Per sampled receiver: updates received that were sent inside the window. */
  liveReceivedPerSampled: number[];
  opsReceivedPerSampled: number[];
  /** Every client's frames and bytes received during the window. */
  frames: number;
  bytes: number;
  errors: Record<string, number>;
  closed: number;
  /** Sends that ran more than one interval late (the bench thread could not keep up). */
  lateSends: number;
  maxSendLagMs: number;
  /** This thread's event-loop delay over the window, in ms: how far behind the bench itself ran. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

const init = workerData as WorkerInit;
const port = parentPort!;

const WB_UPDATES = Buffer.from('{"type":"wb.updates"');
const ROOM_EVENT = Buffer.from('{"type":"room.event"');
const OP_ACK = Buffer.from('{"type":"ok","re":"o');

class Samples {
  #a = new Float64Array(1 << 16);
  n = 0;
  push(v: number): void {
    if (this.n === this.#a.length) {
      const b = new Float64Array(this.#a.length * 2);
      b.set(this.#a);
      this.#a = b;
    }
    this.#a[this.n++] = v;
  }
  done(): Float64Array { return this.#a.slice(0, this.n); }
}

const clients: LeanClient[] = [];

async function setup(): Promise<void> {
  // A few at a time: 50 TLS handshakes at once would only measure the handshake queue.
  const specs = init.clients;
  for (let i = 0; i < specs.length; i += 10) {
    const batch = await Promise.all(specs.slice(i, i + 10).map(async (s) => {
      const c = await LeanClient.connect(init.wsUrl, s.token, init.ca);
      const j = await c.ok('room.join', { roomId: init.roomId });
      if (j.status !== 'joined') throw new Error(`user ${s.userId} left ${j.status}`);
      return c;
    }));
    clients.push(...batch);
  }
}

function run(m: StartMsg): void {
  const { epochUs, warmupUs, measureUs } = m;
  const from = warmupUs;
  const to = warmupUs + measureUs;
  const inWindow = (t: number) => t >= from && t < to;
  const live = new Samples();
  const ops = new Samples();
  const acks = new Samples();
  let liveSent = 0;
  let opsSent = 0;
  let lateSends = 0;
  let maxSendLagMs = 0;
  let frames = 0;
  let bytes = 0;
  const framesAtStart = { frames: 0, bytes: 0 };
  const liveRecv: number[] = [];
  const opsRecv: number[] = [];

  init.clients.forEach((spec, k) => {
    const c = clients[k]!;
    if (spec.sampled) {
      const idx = liveRecv.push(0) - 1;
      opsRecv.push(0);
      c.onFrame = (data) => {
        const t = nowUs() - epochUs;
        if (startsWith(data, WB_UPDATES)) {
          const f = JSON.parse(data.toString()) as { updates: Array<{ strokeId?: string }> };
          for (const u of f.updates) {
            const id = u.strokeId;
            if (!id || id.charCodeAt(0) !== 100 /* d */) continue;
            const sent = Number(id.slice(id.indexOf('-') + 1));
            if (!inWindow(sent)) continue;
            live.push((t - sent) / 1000);
            liveRecv[idx]! += 1;
          }
        } else if (startsWith(data, ROOM_EVENT)) {
          const f = JSON.parse(data.toString()) as { event: { kind: string; data: { op?: { type: string; object?: { id: string } } } } };
          const id = f.event.kind === 'wb.op' && f.event.data.op?.type === 'obj.add' ? f.event.data.op.object!.id : null;
          if (!id) return;
          const sent = Number(id.slice(id.indexOf('-') + 1));
          if (!inWindow(sent)) return;
          ops.push((t - sent) / 1000);
          opsRecv[idx]! += 1;
        }
      };
    } else if (spec.drawer !== null) {
      c.onFrame = (data) => {
        if (!startsWith(data, OP_ACK)) return;
        const t = nowUs() - epochUs;
        const s = data.toString('latin1', OP_ACK.length, OP_ACK.length + 24);
        const sent = Number(s.slice(0, s.indexOf('"')));
        if (inWindow(sent)) acks.push((t - sent) / 1000);
      };
    }
    if (spec.drawer === null) return;

    // A drawer: drift-corrected sends at ratePerSecond, phases spread over one interval.
    const intervalUs = 1e6 / init.ratePerSecond;
    const d = spec.drawer;
    const head = `{"type":"wb.live","id":"l","update":{"type":"stroke.progress","pageId":"${spec.pageId}","strokeId":"d${d}-`;
    const tail = `","kind":"pen","color":"#1f2937","width":4,"points":[`;
    let due = (d * 7919) % 1000 / 1000 * intervalUs;
    let n = 0;
    let stroke: number[] = [];
    let x = 100 + (d % 10) * 140;
    let y = 100 + Math.floor(d / 10) * 250;
    const step = () => {
      if (c.closed) return;
      let now = nowUs() - epochUs;
      if (now >= to) return;
      const lag = now - due;
      if (lag > intervalUs) {
        if (inWindow(now)) {
          lateSends += 1;
          maxSendLagMs = Math.max(maxSendLagMs, lag / 1000);
        }
        due = now; // skip the missed beats instead of bursting to catch up
      }
      const pts: number[] = [];
      for (let p = 0; p < init.pointsPerUpdate; p++) {
        x = 100 + ((x - 100 + 3) % 1400);
        y = 100 + ((y - 100 + 2 + (n % 3)) % 700);
        pts.push(x, y);
      }
      stroke.push(...pts);
      now = nowUs() - epochUs;
      c.send(`${head}${now}${tail}${pts.join(',')}]}}`);
      liveSent += inWindow(now) ? 1 : 0;
      n += 1;
      if (n % init.opEvery === 0) {
        const sent = nowUs() - epochUs;
        const object = { id: `o${d}-${sent}`, kind: 'pen', x: 0, y: 0, points: stroke, color: '#1f2937', width: 4, opacity: 1 };
        c.send(JSON.stringify({ type: 'wb.op', id: `o${sent}`, op: { type: 'obj.add', pageId: spec.pageId, object } }));
        opsSent += inWindow(sent) ? 1 : 0;
        stroke = [];
      }
      due += intervalUs;
      setTimeout(step, Math.max(0, (due - (nowUs() - epochUs)) / 1000));
    };
    setTimeout(step, Math.max(0, (due - (nowUs() - epochUs)) / 1000));
  });

  // Frames, bytes and the loop's delay over the measuring window only.
  const loop = monitorEventLoopDelay({ resolution: 5 });
  setTimeout(() => {
    for (const c of clients) { framesAtStart.frames += c.frames; framesAtStart.bytes += c.bytes; }
    loop.enable();
  }, Math.max(0, (epochUs + from - nowUs()) / 1000));
  setTimeout(() => {
    for (const c of clients) { frames += c.frames; bytes += c.bytes; }
    loop.disable();
  }, Math.max(0, (epochUs + to - nowUs()) / 1000));

  // After the window, a grace period for updates still in flight, then the report.
  setTimeout(() => {
    const errors: Record<string, number> = {};
    for (const c of clients) for (const [code, k] of c.errors) errors[code] = (errors[code] ?? 0) + k;
    const report: WorkerReport = {
      type: 'report',
      live: live.done(), ops: ops.done(), opAcks: acks.done(),
      liveSent, opsSent,
      liveReceivedPerSampled: liveRecv, opsReceivedPerSampled: opsRecv,
      frames: frames - framesAtStart.frames, bytes: bytes - framesAtStart.bytes,
      errors,
      closed: clients.filter((c) => c.closed).length,
      lateSends, maxSendLagMs,
      loopDelayP99Ms: loop.percentile(99) / 1e6, loopDelayMaxMs: loop.max / 1e6,
    };
    port.postMessage(report, [report.live.buffer as ArrayBuffer, report.ops.buffer as ArrayBuffer, report.opAcks.buffer as ArrayBuffer]);
  }, Math.max(0, (epochUs + to - nowUs()) / 1000) + m.graceMs);
}

port.on('message', (m: StartMsg | { type: 'close' }) => {
  if (m.type === 'start') run(m);
  else void Promise.all(clients.map((c) => c.close())).then(() => port.postMessage({ type: 'closed' }));
});

setup().then(
  () => port.postMessage({ type: 'ready' }),
  (err: unknown) => port.postMessage({ type: 'failed', error: String((err as Error)?.stack ?? err) }),
);
