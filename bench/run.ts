// `npm run bench`: the whiteboard benchmark of issue 4, run BENCH_RUNS times against a fresh
// server each time; prints the median and range of every figure and writes them, with the raw
// per-run figures, to bench/results/whiteboard-<date>.json. Not a test: it asserts nothing and
// only reports against the target (p99 of live updates under 100 ms).
import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { runOnce, type BenchConfig, type RunResult } from './whiteboard.js';
import { fmt, printTable, summarize } from './summary.js';

const TARGET_P99_MS = 100;

const env = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const cfg: BenchConfig = {
  participants: env('BENCH_PARTICIPANTS', 100),
  drawers: env('BENCH_DRAWERS', 30),
  ratePerSecond: env('BENCH_RATE', 60),
  pointsPerUpdate: env('BENCH_POINTS', 2),
  opEvery: env('BENCH_OP_EVERY', 60),
  warmupSeconds: env('BENCH_WARMUP', 3),
  measureSeconds: env('BENCH_SECONDS', 20),
  sampled: env('BENCH_SAMPLE', 20),
  workers: env('BENCH_WORKERS', 2),
  tls: process.env.BENCH_TLS === 'none' ? 'none' : 'self-signed',
};
const runs = env('BENCH_RUNS', 3);

function pct(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function dist(a: Float64Array) {
  const s = a.slice().sort();
  return { n: s.length, p50: pct(s, 50), p90: pct(s, 90), p99: pct(s, 99), max: s[s.length - 1] ?? NaN };
}

/** The figures of one run, flat, as they go in the table. */
function figures(r: RunResult): Record<string, number> {
  const live = dist(r.live);
  const ops = dist(r.ops);
  const acks = dist(r.opAcks);
  const expectedLive = r.liveSent * r.liveReceivedPerSampled.length;
  const expectedOps = r.opsSent * r.opsReceivedPerSampled.length;
  const gotLive = r.liveReceivedPerSampled.reduce((a, b) => a + b, 0);
  const gotOps = r.opsReceivedPerSampled.reduce((a, b) => a + b, 0);
  return {
    'live p50 ms': live.p50, 'live p90 ms': live.p90, 'live p99 ms': live.p99, 'live max ms': live.max,
    'op p50 ms': ops.p50, 'op p90 ms': ops.p90, 'op p99 ms': ops.p99, 'op max ms': ops.max,
    'op ack p50 ms': acks.p50, 'op ack p99 ms': acks.p99,
    'live updates sent/s': r.liveSent / r.seconds,
    'live updates delivered/s': (gotLive / Math.max(1, r.liveReceivedPerSampled.length)) * cfg.participants / r.seconds,
    'frames delivered/s': r.frames / r.seconds,
    'MB/s delivered': r.bytes / 1e6 / r.seconds,
    'live missing %': expectedLive ? (1 - gotLive / expectedLive) * 100 : NaN,
    'ops missing %': expectedOps ? (1 - gotOps / expectedOps) * 100 : NaN,
    'server CPU %': r.server.cpuPercent,
    'server RSS MiB': r.server.rssMiB,
    'server peak RSS MiB': r.server.hwmMiB,
    'bench CPU %': r.bench.cpuPercent,
    'other CPU on machine %': r.machine.otherPercent,
    'late sends': r.lateSends,
    'max send lag ms': r.maxSendLagMs,
    'bench loop delay p99 ms': r.loopDelayP99Ms,
    'bench loop delay max ms': r.loopDelayMaxMs,
    'error replies': Object.values(r.errors).reduce((a, b) => a + b, 0),
    'RATE_LIMITED': r.errors.RATE_LIMITED ?? 0,
    'clients closed': r.closedClients,
  };
}


async function main(): Promise<void> {
  const log = (s: string) => process.stdout.write(s + '\n');
  const commit = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
  const dirty = execSync('git status --porcelain -- src', { encoding: 'utf8' }).trim() !== '';
  log(`whiteboard bench: ${cfg.participants} participants, ${cfg.drawers} drawers × ${cfg.ratePerSecond} updates/s, ` +
    `obj.add every ${cfg.opEvery}, ${cfg.warmupSeconds}+${cfg.measureSeconds} s × ${runs} runs, TLS ${cfg.tls === 'none' ? 'off' : 'on'}`);
  const per: Array<Record<string, number>> = [];
  for (let i = 0; i < runs; i++) {
    log(`run ${i + 1}/${runs}`);
    const r = await runOnce(cfg, log);
    const f = figures(r);
    per.push(f);
    log(`  live p50 ${fmt(f['live p50 ms']!)} ms, p99 ${fmt(f['live p99 ms']!)} ms; op p99 ${fmt(f['op p99 ms']!)} ms; ` +
      `server CPU ${fmt(f['server CPU %']!)} %, bench CPU ${fmt(f['bench CPU %']!)} %` +
      (Object.keys(r.errors).length ? `; errors ${JSON.stringify(r.errors)}` : ''));
  }

  const summary = summarize(per);
  printTable(summary, log);
  const p99 = summary['live p99 ms']!.median;
  const verdict = p99 < TARGET_P99_MS ? 'met' : 'missed';
  log(`\ntarget p99 < ${TARGET_P99_MS} ms for live updates: ${verdict} (median p99 ${fmt(p99)} ms, worst run ${fmt(summary['live p99 ms']!.max)} ms)`);

  const date = new Date().toISOString();
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `whiteboard-${date.slice(0, 19).replace(/:/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({
    date, commit, srcDirty: dirty, node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model,
    config: cfg, runs: per, summary, target: { liveP99Ms: TARGET_P99_MS, verdict },
  }, null, 2) + '\n');
  log(`wrote ${file}`);
}

await main();
