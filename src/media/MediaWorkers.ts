// The pool of mediasoup worker processes. Each worker is one C++ process on one core; the pool
// is sized from the CPU budget, not one per core per server process (several server processes
// on one machine would multiply them). A worker that dies is replaced and the rooms that used
// it are told, so media never takes the classroom down.
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { availableParallelism, networkInterfaces } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { types as ms } from 'mediasoup';
import type { Config } from '../config/config.js';
import type { Logger } from '../server/log.js';

type Mediasoup = typeof import('mediasoup');

/** Restart backoff after a worker dies, in ms: doubles per crash in a row up to the cap. */
const RESTART_MIN_MS = 200;
const RESTART_MAX_MS = 10_000;

export interface PooledWorker {
  readonly worker: ms.Worker;
  readonly index: number;
  /** Routers created on it, a rough load figure for picking the least loaded. */
  routers: number;
}

export type MediaAvailability = { available: true; version: string } | { available: false; reason: string };

/** The worker binary mediasoup will spawn (its own rule: $MEDIASOUP_WORKER_BIN or the built one). */
export function workerBinary(): string | null {
  if (process.env.MEDIASOUP_WORKER_BIN) return process.env.MEDIASOUP_WORKER_BIN;
  try {
    const pkg = createRequire(import.meta.url).resolve('mediasoup/package.json');
    return join(dirname(pkg), 'worker', 'out', 'Release', 'mediasoup-worker');
  } catch {
    return null;
  }
}

/** Starts one worker and stops it again: proof that the binary runs here (`classroomctl doctor`). */
export async function probeWorker(media: Config['media']): Promise<{ pid: number; version: string }> {
  const mediasoup = (await import('mediasoup')) as Mediasoup;
  const worker = await mediasoup.createWorker({ rtcMinPort: media.rtcMinPort, rtcMaxPort: media.rtcMaxPort, logLevel: 'error' });
  const pid = worker.pid;
  worker.close();
  return { pid, version: mediasoup.version };
}

/** Workers for this process: the configured number, or this process's share of the cores. */
export function workerCount(setting: Config['media']['workers']): number {
  if (setting !== 'auto') return setting;
  const processes = Math.max(1, Number(process.env.CLASSROOM_PROCESSES) || 1);
  return Math.max(1, Math.floor(availableParallelism() / processes));
}

/** The address browsers are told to send media to. */
export function announcedAddress(media: Config['media']): string | undefined {
  if (media.announcedIp) return media.announcedIp;
  if (media.listenIp !== '0.0.0.0') return undefined;
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

export interface MediaWorkersEvents {
  /** A worker died; every router on it is gone. */
  died: [worker: PooledWorker];
  /** A dead worker's replacement is up. */
  replaced: [worker: PooledWorker];
}

export class MediaWorkers extends EventEmitter<MediaWorkersEvents> {
  #workers: Array<PooledWorker | null> = [];
  #status: MediaAvailability = { available: false, reason: 'not started' };
  #mediasoup: Mediasoup | null = null;
  #crashes = 0;
  #closed = false;
  #restartTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly config: Config['media'],
    private readonly log: Logger,
  ) {
    super();
  }

  get status(): MediaAvailability {
    return this.#status;
  }

  /** Starts the pool. Never throws: without media the rest of the classroom still runs. */
  async start(): Promise<MediaAvailability> {
    if (!this.config.enabled) return (this.#status = { available: false, reason: 'Audio and video are turned off in the configuration (media.enabled).' });
    const bin = workerBinary();
    if (!bin || !existsSync(bin)) {
      return (this.#status = {
        available: false,
        reason: `The mediasoup worker is not built (${bin ?? 'mediasoup not installed'}); run "npm ci" again with Python 2.7 available.`,
      });
    }
    try {
      this.#mediasoup = (await import('mediasoup')) as Mediasoup;
      const n = workerCount(this.config.workers);
      for (let i = 0; i < n; i++) this.#workers.push(await this.#spawn(i));
      this.#status = { available: true, version: this.#mediasoup.version };
      this.log.info({ workers: n, version: this.#mediasoup.version, announcedIp: announcedAddress(this.config) }, 'media workers started');
    } catch (err) {
      this.log.error({ err }, 'media workers could not start');
      await this.close();
      this.#closed = false;
      this.#status = { available: false, reason: `The mediasoup worker failed to start: ${(err as Error).message}` };
    }
    return this.#status;
  }

  async #spawn(index: number): Promise<PooledWorker> {
    const worker = await this.#mediasoup!.createWorker({
      logLevel: 'warn',
      rtcMinPort: this.config.rtcMinPort,
      rtcMaxPort: this.config.rtcMaxPort,
    });
    const pooled: PooledWorker = { worker, index, routers: 0 };
    worker.on('died', (err) => this.#onDied(pooled, err));
    return pooled;
  }

  #onDied(pooled: PooledWorker, err: Error): void {
    if (this.#closed) return;
    this.log.error({ err, pid: pooled.worker.pid, index: pooled.index }, 'media worker died; replacing it');
    this.#workers[pooled.index] = null;
    this.emit('died', pooled);
    const delay = Math.min(RESTART_MAX_MS, RESTART_MIN_MS * 2 ** this.#crashes);
    this.#crashes += 1;
    const timer = setTimeout(() => {
      this.#restartTimers.delete(timer);
      this.#spawn(pooled.index).then((w) => {
        if (this.#closed) return void w.worker.close();
        this.#workers[pooled.index] = w;
        this.#crashes = 0;
        this.emit('replaced', w);
        this.log.info({ pid: w.worker.pid, index: w.index }, 'media worker replaced');
      }, (e: unknown) => {
        this.log.error({ err: e, index: pooled.index }, 'media worker could not be replaced');
        this.#onDied(pooled, e as Error);
      });
    }, delay);
    this.#restartTimers.add(timer);
  }

  /**
   * Resolves once some worker is live: right after a crash the replacement may still be
   * starting, and a room that is re-establishing its media should wait for it, not fail.
   */
  async live(timeoutMs = 15_000): Promise<void> {
    if (this.#workers.some((w) => w !== null)) return;
    if (this.#closed) throw new Error('media workers are closed');
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('replaced', done);
        reject(new Error('no live media worker'));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.once('replaced', done);
    });
  }

  /** The live worker with the fewest routers, preferring ones not in `avoid`. */
  pick(avoid: ReadonlySet<ms.Worker> = new Set()): PooledWorker {
    const live = this.#workers.filter((w): w is PooledWorker => w !== null);
    if (live.length === 0) throw new Error('no live media worker');
    const fresh = live.filter((w) => !avoid.has(w.worker));
    return (fresh.length > 0 ? fresh : live).reduce((a, b) => (b.routers < a.routers ? b : a));
  }

  /** For the admin endpoint and doctor: pid and load of each worker slot. */
  describe(): Array<{ index: number; pid: number | null; routers: number }> {
    return this.#workers.map((w, index) => ({ index, pid: w?.worker.pid ?? null, routers: w?.routers ?? 0 }));
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#restartTimers) clearTimeout(t);
    this.#restartTimers.clear();
    for (const w of this.#workers) w?.worker.close();
    this.#workers = [];
  }
}
