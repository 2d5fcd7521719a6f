// One measurement of the whiteboard's live path: a fresh real server, one room of
// `participants` (a teacher, `drawers` students granted draw, the rest listening), every drawer
// streaming stroke.progress at `ratePerSecond` plus a finished stroke (obj.add) every
// `opEvery` updates. Returns raw latencies and the server's and the bench's resource use.
import { Worker } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { startServer, type TestServer } from '../test/helpers/server.js';
import { LeanClient, nowUs } from './client.js';
import type { ClientSpec, WorkerInit, WorkerReport } from './clientWorker.js';

export interface BenchConfig {
  participants: number;
  drawers: number;
  ratePerSecond: number;
  pointsPerUpdate: number;
  opEvery: number;
  warmupSeconds: number;
  measureSeconds: number;
  /** Receivers (not drawing, not the teacher) that time every frame they get. */
  sampled: number;
  workers: number;
  tls: 'self-signed' | 'none';
}

/** The client threads' reports merged (same fields), plus what the run itself measured. */
export interface RunResult extends Pick<WorkerReport,
  'live' | 'ops' | 'opAcks' | 'liveSent' | 'opsSent' | 'liveReceivedPerSampled' | 'opsReceivedPerSampled' | 'frames' | 'bytes' | 'errors'> {
  closedClients: number;
  lateSends: number;
  maxSendLagMs: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  seconds: number;
  server: { cpuPercent: number; rssMiB: number; hwmMiB: number };
  bench: { cpuPercent: number };
  machine: { busyPercent: number; otherPercent: number };
}

// Workers do not inherit tsx's loader on Node 20: register it in the worker, then load the .ts.
const WORKER_BOOT = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then((m) => { m.register(); return import(${JSON.stringify(new URL('./clientWorker.ts', import.meta.url).href)}); })`;

const CLK_TCK = 100; // USER_HZ on Linux; `getconf CLK_TCK` says 100 on this machine.
/** Objects a page may hold is 5,000: spread finished strokes over enough pages to stay below. */
const OBJECTS_PER_PAGE = 4000;

function procCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of stat (utime, stime); f starts at field 3.
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

/** CPU seconds the whole machine spent busy (all cores; /proc/stat minus idle and iowait). */
function machineCpuSeconds(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = f as [number, number, number, number, number, number, number, number];
  return (user + nice + system + irq + softirq + steal) / CLK_TCK;
}

function procMemMiB(pid: number): { rss: number; hwm: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

const sleepUntilUs = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, (t - nowUs()) / 1000)));

export async function runOnce(cfg: BenchConfig, log: (s: string) => void): Promise<RunResult> {
  // Defaults kept: a drawer sends 60 wb.live + 1 wb.op per second, under the default
  // ws.rateLimitPerSecond of 100 (replies are outgoing and not counted).
  // BENCH_SERVER_PROF=<dir>: the server writes a V8 CPU profile there when it stops.
  const prof = process.env.BENCH_SERVER_PROF;
  const saved = process.env.NODE_OPTIONS;
  if (prof) process.env.NODE_OPTIONS = `${saved ?? ''} --import=${new URL('./serverProfile.mjs', import.meta.url).href}`.trim();
  const server = await startServer({ tls: cfg.tls }).finally(() => {
    if (prof) process.env.NODE_OPTIONS = saved;
    if (prof && saved === undefined) delete process.env.NODE_OPTIONS;
  });
  const workers: Worker[] = [];
  let teacher: LeanClient | null = null;
  try {
    const pid = server.proc.pid!;
    const ttlMs = 3_600_000;
    const { roomId, teacherToken, students } = server.arrange((s) => {
      const room = s.rooms.create('Benchmark', cfg.participants);
      // Sessions straight from the store: 100 scrypt logins would hit the per-address login
      // limit (30 per window) and are not what is measured.
      const mk = (username: string, role: 'teacher' | 'student') => {
        const u = s.users.create({ username, role, displayName: username, passwordHash: null });
        s.rooms.enroll(room.id, u.id, role);
        return { userId: u.id, token: s.users.createSession(u.id, ttlMs).token };
      };
      const t = mk('teacher', 'teacher');
      const st = Array.from({ length: cfg.participants - 1 }, (_, i) => mk(`student${i + 1}`, 'student'));
      return { roomId: room.id, teacherToken: t.token, students: st };
    });

    const ca = server.ca ? new Uint8Array(server.ca) : undefined;
    teacher = await LeanClient.connect(server.wsUrl, teacherToken, ca);
    await teacher.ok('room.join', { roomId });

    const totalSeconds = cfg.warmupSeconds + cfg.measureSeconds + 2;
    const objects = Math.ceil(cfg.drawers * totalSeconds * cfg.ratePerSecond / cfg.opEvery);
    const pages = Math.max(1, Math.ceil(objects / OBJECTS_PER_PAGE));
    const pageIds = ['p1'];
    for (let i = 2; i <= pages; i++) {
      await teacher.ok('wb.op', { op: { type: 'page.add', pageId: `p${i}`, title: `Page ${i}` } });
      pageIds.push(`p${i}`);
    }

    // Drawers first, then listeners; the sample is spread evenly over the listeners.
    const listeners = cfg.participants - 1 - cfg.drawers;
    const sampled = Math.min(cfg.sampled, listeners);
    const specs: ClientSpec[] = students.map((s, i) => {
      const drawer = i < cfg.drawers ? i : null;
      const li = i - cfg.drawers;
      const isSampled = drawer === null && sampled > 0 && li % Math.floor(listeners / sampled) === 0 && li / Math.floor(listeners / sampled) < sampled;
      return { ...s, drawer, sampled: isSampled, pageId: pageIds[i % pageIds.length]! };
    });
    const slices: ClientSpec[][] = Array.from({ length: cfg.workers }, () => []);
    specs.forEach((s, i) => slices[i % cfg.workers]!.push(s));

    for (const clients of slices) {
      const init: WorkerInit = { wsUrl: server.wsUrl, ca, roomId, clients, ratePerSecond: cfg.ratePerSecond, pointsPerUpdate: cfg.pointsPerUpdate, opEvery: cfg.opEvery };
      workers.push(new Worker(WORKER_BOOT, { eval: true, workerData: init }));
    }
    await Promise.all(workers.map((w) => new Promise<void>((res, rej) => {
      w.once('error', rej);
      w.once('message', (m: { type: string; error?: string }) => (m.type === 'ready' ? res() : rej(new Error(m.error))));
    })));
    for (const s of specs.filter((x) => x.drawer !== null)) {
      await teacher.ok('class.grant', { capability: 'draw', allow: true, userId: s.userId });
    }
    log(`  ${cfg.participants} joined (${cfg.drawers} drawing, ${sampled} sampled, ${pages} page${pages > 1 ? 's' : ''}); warming up ${cfg.warmupSeconds} s, measuring ${cfg.measureSeconds} s`);

    const epochUs = nowUs() + 50_000;
    const warmupUs = cfg.warmupSeconds * 1e6;
    const measureUs = cfg.measureSeconds * 1e6;
    const graceMs = 1500;
    const reports = workers.map((w) => new Promise<WorkerReport>((res, rej) => {
      w.once('error', rej);
      w.once('message', (m: WorkerReport) => res(m));
    }));
    for (const w of workers) w.postMessage({ type: 'start', epochUs, warmupUs, measureUs, graceMs });

    await sleepUntilUs(epochUs + warmupUs);
    const cpu0 = procCpuSeconds(pid);
    const self0 = process.cpuUsage();
    const machine0 = machineCpuSeconds();
    const t0 = nowUs();
    await sleepUntilUs(epochUs + warmupUs + measureUs);
    const cpu1 = procCpuSeconds(pid);
    const self1 = process.cpuUsage(self0);
    const machine1 = machineCpuSeconds();
    const seconds = (nowUs() - t0) / 1e6;
    const mem = procMemMiB(pid);
    const rs = await Promise.all(reports);

    const cat = (k: 'live' | 'ops' | 'opAcks') => {
      const out = new Float64Array(rs.reduce((n, r) => n + r[k].length, 0));
      let o = 0;
      for (const r of rs) { out.set(r[k], o); o += r[k].length; }
      return out;
    };
    const errors: Record<string, number> = {};
    for (const r of rs) for (const [c, k] of Object.entries(r.errors)) errors[c] = (errors[c] ?? 0) + k;
    for (const [c, k] of teacher.errors) errors[c] = (errors[c] ?? 0) + k;
    const sum = (f: (r: WorkerReport) => number) => rs.reduce((n, r) => n + f(r), 0);
    return {
      live: cat('live'), ops: cat('ops'), opAcks: cat('opAcks'),
      liveSent: sum((r) => r.liveSent), opsSent: sum((r) => r.opsSent),
      liveReceivedPerSampled: rs.flatMap((r) => r.liveReceivedPerSampled),
      opsReceivedPerSampled: rs.flatMap((r) => r.opsReceivedPerSampled),
      frames: sum((r) => r.frames), bytes: sum((r) => r.bytes),
      errors,
      closedClients: sum((r) => r.closed) + (teacher.closed ? 1 : 0),
      lateSends: sum((r) => r.lateSends),
      maxSendLagMs: Math.max(...rs.map((r) => r.maxSendLagMs)),
      loopDelayP99Ms: Math.max(...rs.map((r) => r.loopDelayP99Ms)),
      loopDelayMaxMs: Math.max(...rs.map((r) => r.loopDelayMaxMs)),
      seconds,
      server: { cpuPercent: ((cpu1 - cpu0) / seconds) * 100, rssMiB: mem.rss, hwmMiB: mem.hwm },
      bench: { cpuPercent: ((self1.user + self1.system) / 1e6 / seconds) * 100 },
      // Whatever else ran meanwhile (this machine is shared): busy CPU not ours nor the server's.
      machine: {
        busyPercent: ((machine1 - machine0) / seconds) * 100,
        otherPercent: ((machine1 - machine0 - (cpu1 - cpu0) - (self1.user + self1.system) / 1e6) / seconds) * 100,
      },
    };
  } finally {
    await Promise.all(workers.map((w) => new Promise<void>((res) => {
      w.once('message', () => res());
      w.once('exit', () => res());
      w.postMessage({ type: 'close' });
    })));
    await Promise.all(workers.map((w) => w.terminate()));
    await teacher?.close();
    await stopServer(server);
  }
}

async function stopServer(server: TestServer): Promise<void> {
  await server.stop();
  await server.cleanup();
}
