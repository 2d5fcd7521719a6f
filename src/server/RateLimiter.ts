/**
 * A token bucket: `ratePerSecond` sustained, `burst` at once. Refilled lazily on each take,
 * so an idle connection costs nothing.
 */
export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
  ) {
    this.#tokens = burst;
    this.#last = performance.now();
  }

  take(): boolean {
    const now = performance.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) / 1000) * this.ratePerSecond);
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/**
 * Sliding-window attempt counter per key (sign-in per account and per address). Bounded:
 * at most `maxKeys` keys are tracked; the oldest are forgotten first.
 */
export class WindowCounter {
  readonly #hits = new Map<string, number[]>();

  constructor(
    private readonly windowMs: number,
    private readonly maxKeys = 100_000,
  ) {}

  count(key: string, now = Date.now()): number {
    const list = this.#hits.get(key);
    if (!list) return 0;
    while (list.length > 0 && list[0]! <= now - this.windowMs) list.shift();
    if (list.length === 0) this.#hits.delete(key);
    return list.length;
  }

  add(key: string, now = Date.now()): void {
    const list = this.#hits.get(key);
    if (list) list.push(now);
    else {
      if (this.#hits.size >= this.maxKeys) this.#hits.delete(this.#hits.keys().next().value!);
      this.#hits.set(key, [now]);
    }
  }

  clear(key: string): void {
    this.#hits.delete(key);
  }

  /** Milliseconds until the oldest hit for key leaves the window. */
  retryAfterMs(key: string, now = Date.now()): number {
    const first = this.#hits.get(key)?.[0];
    return first === undefined ? 0 : Math.max(0, first + this.windowMs - now);
  }
}
