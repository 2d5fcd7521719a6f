// What every benchmark prints and keeps: per-figure median and range over its runs, as a table.
// Medians and ranges, never a single number: one run on a shared machine proves little.

/** Median of the numbers that are numbers. */
export function median(xs: number[]): number {
  const s = [...xs].filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

export const fmt = (v: number) => (Number.isNaN(v) ? '-' : Math.abs(v) >= 100 || Number.isInteger(v) ? v.toFixed(0) : v.toFixed(1));

export type Summary = Record<string, { median: number; min: number; max: number }>;

/** Median and range of each figure over the runs (every run has the same figures). */
export function summarize(per: Array<Record<string, number>>): Summary {
  const keys = Object.keys(per[0] ?? {});
  return Object.fromEntries(keys.map((k) => {
    const xs = per.map((f) => f[k]!);
    return [k, { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) }];
  }));
}

/** The summary as an aligned table: figure, median, range. */
export function printTable(summary: Summary, log: (s: string) => void): void {
  const keys = Object.keys(summary);
  const w = Math.max(...keys.map((k) => k.length));
  log('');
  log(`${'figure'.padEnd(w)}  ${'median'.padStart(8)}  ${'range'.padStart(17)}`);
  for (const k of keys) {
    const s = summary[k]!;
    log(`${k.padEnd(w)}  ${fmt(s.median).padStart(8)}  ${`${fmt(s.min)} – ${fmt(s.max)}`.padStart(17)}`);
  }
}
