// Human output: aligned tables and times. JSON output uses the same values, with ISO times.

/** ISO 8601 for JSON output (null stays null). */
export function iso(ms: number): string;
export function iso(ms: number | null): string | null;
export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** A time for tables: "2026-11-25 14:03Z" (UTC, to the minute). */
export function when(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + 'Z';
}

/**
 * Text that came from the database may have been written by a browser: never let it put
 * terminal escapes or line breaks into an operator's terminal.
 */
export function clean(s: string | null | undefined): string {
  return s == null ? '-' : s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/** Left-aligned columns, two spaces apart, with an upper-case header row. */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const cells = [headers.map((h) => h.toUpperCase()), ...rows.map((r) => r.map(clean))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}

/** "Key:   value" lines with the values aligned. */
export function fields(pairs: ReadonlyArray<readonly [string, string]>): string {
  const w = Math.max(...pairs.map(([k]) => k.length)) + 1;
  return pairs.map(([k, v]) => `${(k + ':').padEnd(w)} ${clean(v)}`).join('\n');
}
