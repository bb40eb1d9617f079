/** How the command writes times, durations, shares and bars: the same in every output mode. */

/** `12:05:20Z` (UTC, seconds). */
export function clockTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19) + 'Z';
}

/** `2026-01-01T12:05:20Z`. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `45s`, `4m05s`, `1h02m`; negative durations read as `0s`. */
export function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** `10%`, `2.5%` (at most one decimal). */
export function percent(fraction: number): string {
  const value = Math.round(fraction * 1000) / 10;
  return `${value}%`;
}

/** A bar of `width` cells, `[#####.....]` in plain text or block characters on a terminal. */
export function bar(fraction: number, width: number, unicode: boolean): string {
  const clamped = Math.min(1, Math.max(0, fraction));
  const full = Math.round(clamped * width);
  return unicode ? `${'█'.repeat(full)}${'░'.repeat(width - full)}` : `[${'#'.repeat(full)}${'.'.repeat(width - full)}]`;
}

/** A rate as failures of requests and a percentage: `9/120 (7.5%)`, or `0/0`. */
export function rate(failures: number, requests: number): string {
  return requests > 0 ? `${fmt(failures)}/${fmt(requests)} (${percent(failures / requests)})` : `${fmt(failures)}/${fmt(requests)}`;
}

/** A number as CloudWatch may return it (sums are floats): integers plainly, others with two decimals. */
export function fmt(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** A signed difference of rates in percentage points: `+7.3 pp`. */
export function points(difference: number): string {
  const value = Math.round(difference * 1000) / 10;
  return `${value >= 0 ? '+' : ''}${value} pp`;
}
