// Parsers for option values, so bad input is refused before anything is touched.
import { InvalidArgumentError } from 'commander';

export function parsePort(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535.');
  return n;
}

export function parsePositiveInt(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number of at least 1.');
  return n;
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "90s", "15m", "12h", "7d", "2w" → milliseconds (at most one year). */
export function parseDuration(v: string): number {
  const m = /^(\d+)([smhdw])$/.exec(v);
  if (!m) throw new InvalidArgumentError('a duration is a number and a unit: s, m, h, d or w (e.g. 7d).');
  const ms = Number(m[1]) * UNITS[m[2]!]!;
  if (ms < 1000 || ms > 366 * 86_400_000) throw new InvalidArgumentError('a duration must be between 1s and 366d.');
  return ms;
}
