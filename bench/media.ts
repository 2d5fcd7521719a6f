// One measurement of the SFU's control plane (issue 5): a fresh real server with two mediasoup
// workers, a teacher publishing microphone, camera (3-layer VP8 simulcast) and screen, then
// `students` students who all set up their media at once, the way the browser client does
// (capabilities → ready → recv transport → connect → consume ×3 → resume ×3). A second phase
// grants audio to every student, has `publishers` of them publish a microphone (which everyone
// else consumes, as browsers do), and times a teacher's "mute all" until each student is told.
//
// No RTP flows: the clients are ws clients with hand-made RTP and DTLS parameters (as in
// test/integration/media.test.ts), so ICE and DTLS never complete. This is signalling and SFU
// bookkeeping (routers, transports, producers, consumers, pipes), not media quality.
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { startServer, type TestServer } from '../test/helpers/server.js';
import { LeanClient, startsWith } from './client.js';
import { DTLS, rtpFor } from '../test/helpers/mediaParams.js';

export interface MediaBenchConfig {
  students: number;
  /** Students who publish a microphone in the second phase. */
  publishers: number;
  /** Whether everyone consumes (and resumes) the students' microphones, as browsers do. */
  consumeMics: boolean;
  workers: number;
  /** media.peersPerRouter for the server; null keeps the server's default (50). */
  peersPerRouter: number | null;
  rtcMinPort: number;
  rtcMaxPort: number;
  tls: 'self-signed' | 'none';
  /** Longest wait for any phase before the run is declared failed, in ms. */
  timeoutMs: number;
}

export interface MemMiB { server: number; workers: number; serverPeak: number; workersPeak: number }

export interface MediaRunResult {
  /** Per student who got all three streams: media.capabilities sent → last media.resume acknowledged, ms. */
  setup: number[];
  /** Burst start → the last student's last media.resume acknowledged, ms (NaN if anyone failed). */
  allReceivingMs: number;
  studentsReceiving: number;
  /** Reply latency (send → ok) by request, ms: the join burst, and the microphone phase. */
  replies: Record<string, number[]>;
  micReplies: Record<string, number[]>;
  /** First microphone produce sent → every participant has resumed every student microphone, ms. */
  micsReceivedByAllMs: number;
  micConsumers: number;
  micConsumersExpected: number;
  mute: {
    replyMs: number;
    paused: number;
    /** Per publishing student: media.mute sent → its own media.producerState (paused) arrives, ms. */
    own: number[];
    /** media.mute sent → the last participant (teacher included) has all `publishers` frames, ms. */
    allToldMs: number;
  };
  /** From the admin endpoint after the burst: consumers live (not paused) on the server, and the routers. */
  server: { liveConsumers: number; routers: Array<{ workerPid: number; peers: number }> };
  mem: { idle: MemMiB; afterTeacher: MemMiB; afterJoin: MemMiB; end: MemMiB };
  /** CPU milliseconds spent during the join burst (busiest: the worker that used the most). */
  burstCpuMs: { server: number; workers: number; busiestWorker: number; bench: number };
  /** Minor page faults of all workers during the join burst (memory first touched). */
  burstWorkerPageFaults: number;
  /** Busy CPU of the whole machine during the run that was neither ours nor the server's, % of one core. */
  otherCpuPercent: number;
  benchLoopDelayMaxMs: number;
  errors: Record<string, number>;
  closedClients: number;
}

const PRODUCER = Buffer.from('{"type":"media.producer",');
const PRODUCER_STATE = Buffer.from('{"type":"media.producerState"');

// ---- /proc

const CLK_TCK = 100; // USER_HZ on Linux

function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // f[0] is field 3 of proc(5)'s stat.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** utime + stime (fields 14, 15), in seconds. */
function cpuSeconds(pid: number): number {
  const f = statFields(pid);
  return f ? (Number(f[11]) + Number(f[12])) / CLK_TCK : NaN;
}

/** minflt (field 10). */
function minorFaults(pid: number): number {
  const f = statFields(pid);
  return f ? Number(f[7]) : NaN;
}

function machineBusySeconds(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = f as [number, number, number, number, number, number, number, number];
  return (user + nice + system + irq + softirq + steal) / CLK_TCK;
}

function memKiB(pid: number): { rss: number; hwm: number } {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? NaN);
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return { rss: NaN, hwm: NaN };
  }
}

function mem(serverPid: number, workerPids: number[]): MemMiB {
  const s = memKiB(serverPid);
  const w = workerPids.map(memKiB);
  const sum = (k: 'rss' | 'hwm') => w.reduce((n, x) => n + x[k], 0) / 1024;
  return { server: s.rss / 1024, serverPeak: s.hwm / 1024, workers: sum('rss'), workersPeak: sum('hwm') };
}

// ---- the run

interface Peer {
  c: LeanClient;
  userId: number;
  caps?: { routerRtpCapabilities: unknown };
  recv?: string;
  send?: string;
  mic?: string;
  /** Producer id → arrival (performance.now()) of its paused media.producerState. */
  mutedSeen: Map<string, number>;
}

export async function runOnce(cfg: MediaBenchConfig, log: (s: string) => void): Promise<MediaRunResult> {
  const server = await startServer({
    tls: cfg.tls,
    // listenIp stays 127.0.0.1 (the helper's default): loopback candidates only.
    config: {
      media: {
        workers: cfg.workers, rtcMinPort: cfg.rtcMinPort, rtcMaxPort: cfg.rtcMaxPort,
        ...(cfg.peersPerRouter === null ? {} : { peersPerRouter: cfg.peersPerRouter }),
      },
    },
  });
  const peers: Peer[] = [];
  const errors: Record<string, number> = {};
  const fail = (code: string) => { errors[code] = (errors[code] ?? 0) + 1; };
  try {
    const pid = server.proc.pid!;
    const status = await server.admin('media');
    if (!status.available) throw new Error(`media unavailable on the server: ${status.reason}`);
    const workerPids = (status.workers as Array<{ pid: number | null }>).map((w) => w.pid).filter((p): p is number => p !== null);
    const idle = mem(pid, workerPids);
    const machine0 = machineBusySeconds();
    const wall0 = performance.now();
    const cpuAll0 = cpuSeconds(pid) + workerPids.reduce((n, p) => n + cpuSeconds(p), 0);
    const self0 = process.cpuUsage();

    const { roomId, teacher: t, students: st } = server.arrange((s) => {
      const room = s.rooms.create('Media benchmark', cfg.students + 1);
      // Sessions straight from the store: sign-in (scrypt, login rate limit) is not measured.
      const mk = (username: string, role: 'teacher' | 'student') => {
        const u = s.users.create({ username, role, displayName: username, passwordHash: null });
        s.rooms.enroll(room.id, u.id, role);
        return { userId: u.id, token: s.users.createSession(u.id, 3_600_000).token };
      };
      return { roomId: room.id, teacher: mk('teacher', 'teacher'), students: Array.from({ length: cfg.students }, (_, i) => mk(`student${i + 1}`, 'student')) };
    });
    const ca = server.ca ? new Uint8Array(server.ca) : undefined;
    const connect = async (x: { userId: number; token: string }): Promise<Peer> => {
      const c = await LeanClient.connect(server.wsUrl, x.token, ca);
      const joined = await c.ok('room.join', { roomId });
      if (joined.waiting) throw new Error('room.join: put in the waiting room');
      const p: Peer = { c, userId: x.userId, mutedSeen: new Map() };
      peers.push(p);
      return p;
    };

    const ok = async (p: Peer, type: string, payload: Record<string, unknown>, lat?: Record<string, number[]>, label = type): Promise<any> => {
      const t0 = performance.now();
      const r = await p.c.request(type, payload);
      if (lat) (lat[label] ??= []).push(performance.now() - t0);
      if (!r.ok) {
        fail(r.code);
        throw new Error(`${label}: ${r.code} ${r.message}`);
      }
      return r.result;
    };
    const transport = async (p: Peer, direction: 'send' | 'recv', lat?: Record<string, number[]>): Promise<string> => {
      const id = (await ok(p, 'media.transport', { direction }, lat, `media.transport ${direction}`)).transportId as string;
      await ok(p, 'media.connect', { transportId: id, dtlsParameters: DTLS }, lat, `media.connect ${direction}`);
      return id;
    };

    // The teacher publishes first.
    const teacher = await connect(t);
    teacher.caps = await ok(teacher, 'media.capabilities', {});
    await ok(teacher, 'media.ready', { rtpCapabilities: teacher.caps!.routerRtpCapabilities });
    teacher.send = await transport(teacher, 'send');
    teacher.recv = await transport(teacher, 'recv');
    const produce = (p: Peer, source: 'mic' | 'camera' | 'screen', lat?: Record<string, number[]>, label?: string) => ok(p, 'media.produce', {
      transportId: p.send, source, kind: source === 'mic' ? 'audio' : 'video',
      rtpParameters: rtpFor(source),
      ...(source === 'mic' ? {} : { height: source === 'camera' ? 720 : 1080 }),
    }, lat, label).then((r) => r.producerId as string);
    for (const s of ['mic', 'camera', 'screen'] as const) await produce(teacher, s);
    const afterTeacher = mem(pid, workerPids);

    // Students connect and join the room (not measured: this benchmark is about media).
    const students = await Promise.all(st.map(connect));
    log(`  ${students.length} students in the room; media set-up burst`);

    // ---- phase 1: everyone sets up media at once
    const replies: Record<string, number[]> = {};
    const setup: number[] = [];
    const done: number[] = [];
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const cpuB0 = { server: cpuSeconds(pid), workers: workerPids.map(cpuSeconds), faults: workerPids.map(minorFaults), self: process.cpuUsage() };
    const burst0 = performance.now();
    const settled = await Promise.allSettled(students.map(async (p) => {
      const t0 = performance.now();
      p.caps = await ok(p, 'media.capabilities', {}, replies);
      const { producers } = await ok(p, 'media.ready', { rtpCapabilities: p.caps!.routerRtpCapabilities }, replies) as { producers: Array<{ producerId: string; userId: number }> };
      p.recv = await transport(p, 'recv', replies);
      const wanted = producers.filter((x) => x.userId !== p.userId);
      if (wanted.length !== 3) throw new Error(`media.ready listed ${wanted.length} producers, not 3`);
      // The browser consumes every listed producer concurrently, resuming each once attached.
      await Promise.all(wanted.map(async (x) => {
        const c = await ok(p, 'media.consume', { producerId: x.producerId }, replies);
        await ok(p, 'media.resume', { consumerId: c.consumerId }, replies);
      }));
      const t1 = performance.now();
      setup.push(t1 - t0);
      done.push(t1);
    }));
    const burstEnd = performance.now();
    const cpuB1 = { server: cpuSeconds(pid), workers: workerPids.map(cpuSeconds), faults: workerPids.map(minorFaults), self: process.cpuUsage(cpuB0.self) };
    const workerBurstCpu = workerPids.map((_, i) => (cpuB1.workers[i]! - cpuB0.workers[i]!) * 1000);
    const failed = settled.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length) log(`  ${failed.length} students failed: ${String(failed[0]!.reason)}`);
    const allReceivingMs = failed.length ? NaN : Math.max(...done) - burst0;
    const described = (await server.admin('media')).rooms.find((r: any) => r.roomId === roomId);
    const liveConsumers = described.peers.reduce((n: number, p: any) => n + p.consumers.filter((c: any) => !c.paused).length, 0);
    const routers = described.routers.map((r: any) => ({ workerPid: r.workerPid, peers: r.peers }));
    const afterJoin = mem(pid, workerPids);
    log(`  ${setup.length}/${students.length} receiving after ${Math.round(burstEnd - burst0)} ms; ${liveConsumers} consumers live on the server; ` +
      `routers: ${routers.map((r: any) => `${r.peers} peers on worker ${r.workerPid}`).join(', ')}`);

    // ---- phase 2: microphones, then "mute all"
    const micReplies: Record<string, number[]> = {};
    const everyone = [teacher, ...students];
    const publishers = students.filter((_, i) => i % Math.max(1, Math.floor(students.length / cfg.publishers)) === 0).slice(0, cfg.publishers);
    let micConsumers = 0;
    const micConsumersExpected = cfg.consumeMics ? publishers.length * (everyone.length - 1) : 0;
    let micsDoneAt = NaN;
    for (const p of everyone) {
      const consumed = new Set<string>();
      p.c.onFrame = (data) => {
        if (startsWith(data, PRODUCER_STATE)) {
          const at = performance.now();
          const m = JSON.parse(data.toString()) as { producerId: string; paused: boolean };
          if (m.paused && !p.mutedSeen.has(m.producerId)) p.mutedSeen.set(m.producerId, at);
          return;
        }
        if (!cfg.consumeMics || !p.recv || !startsWith(data, PRODUCER)) return;
        // A browser consumes every new producer it hears of (MediaController#onPush).
        const m = JSON.parse(data.toString()) as { producer: { producerId: string; userId: number; source: string } };
        if (m.producer.userId === p.userId || m.producer.source !== 'mic' || consumed.has(m.producer.producerId)) return;
        consumed.add(m.producer.producerId);
        void (async () => {
          const c = await ok(p, 'media.consume', { producerId: m.producer.producerId }, micReplies);
          await ok(p, 'media.resume', { consumerId: c.consumerId }, micReplies);
          micConsumers += 1;
          if (micConsumers === micConsumersExpected) micsDoneAt = performance.now();
        })().catch(() => { /* counted in errors */ });
      };
    }
    await ok(teacher, 'class.grant', { capability: 'audio', allow: true });
    const mics0 = performance.now();
    await Promise.all(publishers.map(async (p) => {
      p.send = await transport(p, 'send', micReplies);
      p.mic = await produce(p, 'mic', micReplies, 'media.produce mic');
    }));
    await until(() => !cfg.consumeMics || micConsumers >= micConsumersExpected, cfg.timeoutMs,
      () => `${micConsumers}/${micConsumersExpected} microphone consumers resumed`);
    const micsReceivedByAllMs = cfg.consumeMics ? micsDoneAt - mics0 : NaN;
    log(`  ${publishers.length} microphones published${cfg.consumeMics ? `, ${micConsumers} consumers resumed after ${Math.round(micsReceivedByAllMs)} ms` : ''}; muting all`);

    const mute0 = performance.now();
    const muted = await ok(teacher, 'media.mute', { source: 'mic' });
    const replyMs = performance.now() - mute0;
    const micIds = publishers.map((p) => p.mic!);
    const toldAll = (p: Peer) => micIds.every((id) => p.mutedSeen.has(id));
    await until(() => everyone.every(toldAll), cfg.timeoutMs,
      () => `${everyone.filter(toldAll).length}/${everyone.length} participants told of every mute`);
    const own = publishers.map((p) => p.mutedSeen.get(p.mic!)! - mute0);
    const allToldMs = Math.max(...everyone.map((p) => Math.max(...micIds.map((id) => p.mutedSeen.get(id)!)))) - mute0;
    loop.disable();

    const end = mem(pid, workerPids);
    const cpuAll1 = cpuSeconds(pid) + workerPids.reduce((n, p) => n + cpuSeconds(p), 0);
    const self1 = process.cpuUsage(self0);
    const machine1 = machineBusySeconds();
    const runSeconds = (performance.now() - wall0) / 1000;
    const otherCpuPercent = ((machine1 - machine0 - (cpuAll1 - cpuAll0) - (self1.user + self1.system) / 1e6) / runSeconds) * 100;

    for (const p of everyone) for (const [code, n] of p.c.errors) errors[code] = (errors[code] ?? 0) + n;
    return {
      setup, allReceivingMs, studentsReceiving: setup.length, replies, micReplies,
      micsReceivedByAllMs, micConsumers, micConsumersExpected,
      mute: { replyMs, paused: muted.paused as number, own, allToldMs },
      server: { liveConsumers, routers },
      mem: { idle, afterTeacher, afterJoin, end },
      burstCpuMs: {
        server: (cpuB1.server - cpuB0.server) * 1000,
        workers: workerBurstCpu.reduce((a, b) => a + b, 0),
        busiestWorker: Math.max(...workerBurstCpu),
        bench: (cpuB1.self.user + cpuB1.self.system) / 1000,
      },
      burstWorkerPageFaults: workerPids.reduce((n, _, i) => n + cpuB1.faults[i]! - cpuB0.faults[i]!, 0),
      otherCpuPercent,
      benchLoopDelayMaxMs: loop.max / 1e6,
      errors,
      closedClients: peers.filter((p) => p.c.closed).length,
    };
  } finally {
    await Promise.all(peers.map((p) => p.c.close().catch(() => undefined)));
    await stopServer(server);
  }
}

async function until(cond: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what()}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function stopServer(server: TestServer): Promise<void> {
  await server.stop();
  await server.cleanup();
}
