// `npm run bench:media`: the media signalling benchmark of issue 5, run BENCH_RUNS times
// against a fresh server each time; prints the median and range of every figure and writes
// them, with the raw per-run figures, to bench/results/media-<date>.json. Not a test: it asserts
// nothing. It measures the SFU's control plane (no RTP flows; see docs/benchmarks.md).
import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { runOnce, type MediaBenchConfig, type MediaRunResult } from './media.js';
import { fmt, printTable, summarize } from './summary.js';

const env = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const cfg: MediaBenchConfig = {
  students: env('BENCH_MEDIA_STUDENTS', 50),
  publishers: env('BENCH_MEDIA_PUBLISHERS', 20),
  consumeMics: process.env.BENCH_MEDIA_CONSUME_MICS !== '0',
  workers: env('BENCH_MEDIA_WORKERS', 2),
  peersPerRouter: process.env.BENCH_MEDIA_PEERS_PER_ROUTER ? Number(process.env.BENCH_MEDIA_PEERS_PER_ROUTER) : null,
  rtcMinPort: env('BENCH_MEDIA_RTC_MIN', 43000),
  rtcMaxPort: env('BENCH_MEDIA_RTC_MAX', 44999),
  tls: process.env.BENCH_TLS === 'none' ? 'none' : 'self-signed',
  timeoutMs: env('BENCH_MEDIA_TIMEOUT_MS', 30_000),
};
const runs = env('BENCH_RUNS', 3);

function pct(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

/** The request types of the join burst and of the microphone phase, in the order a browser sends them. */
const BURST = ['media.capabilities', 'media.ready', 'media.transport recv', 'media.connect recv', 'media.consume', 'media.resume'];
const MICS = ['media.transport send', 'media.connect send', 'media.produce mic', 'media.consume', 'media.resume'];

/** The figures of one run, flat, as they go in the table. */
function figures(r: MediaRunResult): Record<string, number> {
  const f: Record<string, number> = {
    'students receiving': r.studentsReceiving,
    'set-up p50 ms': pct(r.setup, 50),
    'set-up p90 ms': pct(r.setup, 90),
    'set-up p99 ms': pct(r.setup, 99),
    'set-up max ms': pct(r.setup, 100),
    'all receiving ms': r.allReceivingMs,
  };
  for (const k of BURST) {
    f[`${k} p50 ms`] = pct(r.replies[k] ?? [], 50);
    f[`${k} p99 ms`] = pct(r.replies[k] ?? [], 99);
  }
  f['consumers live on server'] = r.server.liveConsumers;
  for (const k of MICS) {
    f[`mics: ${k} p50 ms`] = pct(r.micReplies[k] ?? [], 50);
    f[`mics: ${k} p99 ms`] = pct(r.micReplies[k] ?? [], 99);
  }
  f['mics received by all ms'] = r.micsReceivedByAllMs;
  f['mic consumers resumed'] = r.micConsumers;
  f['mute reply ms'] = r.mute.replyMs;
  f['mute producers paused'] = r.mute.paused;
  f['mute own state p50 ms'] = pct(r.mute.own, 50);
  f['mute own state max ms'] = pct(r.mute.own, 100);
  f['mute all told ms'] = r.mute.allToldMs;
  const m = r.mem;
  f['server RSS idle MiB'] = m.idle.server;
  f['workers RSS idle MiB'] = m.idle.workers;
  f['server RSS after teacher MiB'] = m.afterTeacher.server;
  f['workers RSS after teacher MiB'] = m.afterTeacher.workers;
  f['server RSS after join MiB'] = m.afterJoin.server;
  f['workers RSS after join MiB'] = m.afterJoin.workers;
  f['server RSS end MiB'] = m.end.server;
  f['workers RSS end MiB'] = m.end.workers;
  f['server peak RSS MiB'] = m.end.serverPeak;
  f['workers peak RSS MiB'] = m.end.workersPeak;
  f['burst CPU server ms'] = r.burstCpuMs.server;
  f['burst CPU workers ms'] = r.burstCpuMs.workers;
  f['burst CPU busiest worker ms'] = r.burstCpuMs.busiestWorker;
  f['burst worker page faults'] = r.burstWorkerPageFaults;
  f['burst CPU bench ms'] = r.burstCpuMs.bench;
  f['other CPU on machine %'] = r.otherCpuPercent;
  f['bench loop delay max ms'] = r.benchLoopDelayMaxMs;
  f['error replies'] = Object.values(r.errors).reduce((a, b) => a + b, 0);
  f['clients closed'] = r.closedClients;
  return f;
}


async function main(): Promise<void> {
  const log = (s: string) => process.stdout.write(s + '\n');
  const commit = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
  const dirty = execSync('git status --porcelain -- src', { encoding: 'utf8' }).trim() !== '';
  log(`media bench: teacher (mic + simulcast camera + screen) + ${cfg.students} students joining at once; ` +
    `then ${cfg.publishers} student mics${cfg.consumeMics ? ' consumed by everyone' : ''} and "mute all"; ` +
    `${cfg.workers} SFU workers, peersPerRouter ${cfg.peersPerRouter ?? 'default'}, ${runs} runs, TLS ${cfg.tls === 'none' ? 'off' : 'on'}; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const per: Array<Record<string, number>> = [];
  const raw: MediaRunResult[] = [];
  for (let i = 0; i < runs; i++) {
    log(`run ${i + 1}/${runs}`);
    const r = await runOnce(cfg, log);
    const f = figures(r);
    per.push(f);
    raw.push(r);
    log(`  set-up p50 ${fmt(f['set-up p50 ms']!)} ms, p99 ${fmt(f['set-up p99 ms']!)} ms, all receiving ${fmt(f['all receiving ms']!)} ms; ` +
      `mute own state max ${fmt(f['mute own state max ms']!)} ms; other CPU ${fmt(f['other CPU on machine %']!)} %` +
      (Object.keys(r.errors).length ? `; errors ${JSON.stringify(r.errors)}` : ''));
  }

  const summary = summarize(per);
  printTable(summary, log);

  const date = new Date().toISOString();
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `media-${date.slice(0, 19).replace(/:/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({
    date, commit, srcDirty: dirty, node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model,
    config: cfg, runs: per, summary,
    // Per-run details that do not fit the table: routers and the workers they are on.
    routers: raw.map((r) => r.server.routers), errors: raw.map((r) => r.errors),
  }, null, 2) + '\n');
  log(`wrote ${file}`);
}

await main();
