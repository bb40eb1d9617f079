/**
 * CloudWatch's statistics of one period's samples (a latency metric's datapoints), as the guard
 * simulator computes them.
 *
 * What CloudWatch documents ("CloudWatch statistics definitions",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Statistics-definitions.html):
 * SampleCount, Sum, Average, Minimum, Maximum; a percentile pNN is the value that NN percent of the
 * period's data lie below; the trimmed mean TM, trimmed count TC and trimmed sum TS take the values
 * between two boundaries given as percentages or as absolute values (`TM(2%:98%)` drops the lowest
 * and highest 2% of the data points; `TM(150:1000)` drops every value at or below 150 or above
 * 1000: an absolute lower bound is exclusive, an upper one inclusive), and `tm90` is `TM(:90%)`;
 * IQM is `TM(25%:75%)`; the percentile rank PR(a:b) is the percentage of values in an absolute
 * range, with the same exclusive lower and inclusive upper bound. CloudWatch needs the raw values
 * for percentiles and computes none over negative values.
 *
 * What it does not document, and this module assumes:
 * - the percentile estimator: by default the nearest rank (pNN is the value of rank
 *   ceil(NN/100 x n) among the n sorted values, so p50 of 2 values is the lower one); `linear`
 *   interpolates between the order statistics at (n - 1) x NN/100 (Hyndman and Fan's type 7, the
 *   default of R and NumPy), for the bench's sensitivity check;
 * - percentage bounds of TM/TC/TS keep the values of ranks r with a x n < r <= b x n;
 * - a trimmed mean with nothing between its bounds, and every statistic of a period without a
 *   value, has no datapoint; TC and PR of a period with values but none in range are 0.
 * The winsorized mean (WM) is not modelled.
 */
import { Value } from './metric-math';

/** How a percentile is read from the sorted values. */
export type PercentileEstimator = 'nearest-rank' | 'linear';

/** One boundary of a trimmed statistic: a percentage of the values, or an absolute value. */
export interface Bound {
  readonly value: number;
  readonly percent: boolean;
}

/** A statistic CloudWatch computes over a period's values. */
export type Statistic =
  | { readonly kind: 'SampleCount' | 'Sum' | 'Average' | 'Minimum' | 'Maximum' }
  | { readonly kind: 'percentile'; readonly percent: number }
  | { readonly kind: 'TM' | 'TC' | 'TS'; readonly lower?: Bound; readonly upper?: Bound }
  | { readonly kind: 'PR'; readonly lower?: number; readonly upper?: number };

const NUMBER = '(\\d+(?:\\.\\d+)?)';

/** Parses a CloudWatch statistic string (`p99`, `tm90`, `TC(250:)`, `TM(10%:90%)`, `IQM`, `SampleCount`…). */
export function parseStatistic(statistic: string): Statistic {
  if (['SampleCount', 'Sum', 'Average', 'Minimum', 'Maximum'].includes(statistic)) {
    return { kind: statistic as 'SampleCount' };
  }
  if (statistic.toUpperCase() === 'IQM') {
    return { kind: 'TM', lower: { value: 25, percent: true }, upper: { value: 75, percent: true } };
  }
  const percentile = new RegExp(`^p${NUMBER}$`, 'i').exec(statistic);
  if (percentile && Number(percentile[1]) > 0 && Number(percentile[1]) <= 100) {
    return { kind: 'percentile', percent: Number(percentile[1]) };
  }
  const short = new RegExp(`^(tm|tc|ts)${NUMBER}$`, 'i').exec(statistic);
  if (short && Number(short[2]) > 0 && Number(short[2]) <= 100) {
    return { kind: short[1].toUpperCase() as 'TM', upper: { value: Number(short[2]), percent: true } };
  }
  const ranged = new RegExp(`^(TM|TC|TS|PR)\\((?:${NUMBER}(%?))?:(?:${NUMBER}(%?))?\\)$`, 'i').exec(statistic);
  if (ranged && (ranged[2] !== undefined || ranged[4] !== undefined)) {
    const kind = ranged[1].toUpperCase() as 'TM' | 'PR';
    const bound = (value: string | undefined, percent: string | undefined): Bound | undefined =>
      (value === undefined ? undefined : { value: Number(value), percent: percent === '%' });
    const lower = bound(ranged[2], ranged[3]);
    const upper = bound(ranged[4], ranged[5]);
    const percentOk = [lower, upper].every((b) => !b?.percent || b.value <= 100);
    if (kind === 'PR' && !lower?.percent && !upper?.percent) {
      return { kind, lower: lower?.value, upper: upper?.value };
    }
    if (kind !== 'PR' && percentOk) {
      return { kind, lower, upper };
    }
  }
  throw new Error(`guard simulator: statistic ${statistic} is not modelled`);
}

/**
 * A period's values as ascending distinct values with their counts (a histogram of the duration
 * grid, or exact values): `value(i)` strictly increases with i.
 */
export interface ValueCounts {
  readonly length: number;
  value(i: number): number;
  count(i: number): number;
}

/** Exact values as `ValueCounts` (for tests and small samples). */
export function valueCountsOf(values: readonly number[]): ValueCounts {
  const sorted = [...values].sort((a, b) => a - b);
  const distinct: number[] = [];
  const counts: number[] = [];
  for (const v of sorted) {
    if (distinct.length > 0 && distinct[distinct.length - 1] === v) {
      counts[counts.length - 1]++;
    } else {
      distinct.push(v);
      counts.push(1);
    }
  }
  return { length: distinct.length, value: (i) => distinct[i], count: (i) => counts[i] };
}

/** Guards against 0.1 x 30 = 3.0000000000000004: a rank bound a hair above an integer is that integer. */
const EPSILON = 1e-9;

/** The value of rank r (1-based) among the n values. */
function valueAtRank(values: ValueCounts, rank: number): number {
  let seen = 0;
  for (let i = 0; i < values.length; i++) {
    seen += values.count(i);
    if (seen >= rank) {
      return values.value(i);
    }
  }
  return values.value(values.length - 1);
}

function total(values: ValueCounts): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    n += values.count(i);
  }
  return n;
}

/** The percentile `percent` (0 < percent <= 100) of n > 0 values. */
export function percentileOf(values: ValueCounts, n: number, percent: number, estimator: PercentileEstimator): number {
  if (estimator === 'nearest-rank') {
    return valueAtRank(values, Math.max(1, Math.ceil(percent / 100 * n - EPSILON)));
  }
  const h = (n - 1) * percent / 100;
  const below = Math.floor(h + EPSILON);
  const low = valueAtRank(values, below + 1);
  const fraction = h - below;
  return fraction > EPSILON ? low + fraction * (valueAtRank(values, below + 2) - low) : low;
}

/** Count and sum of the values kept by a trimmed statistic's bounds. */
function trimmed(values: ValueCounts, n: number, lower: Bound | undefined, upper: Bound | undefined): { count: number; sum: number } {
  // Ranks kept: a n < r <= b n for percentage bounds; values kept: lower < v <= upper for absolute ones.
  const fromRank = lower?.percent ? Math.floor(lower.value / 100 * n + EPSILON) + 1 : 1;
  const toRank = upper?.percent ? Math.floor(upper.value / 100 * n + EPSILON) : n;
  let count = 0;
  let sum = 0;
  let before = 0;
  for (let i = 0; i < values.length; i++) {
    const c = values.count(i);
    const v = values.value(i);
    const inValue = (lower === undefined || lower.percent || v > lower.value) && (upper === undefined || upper.percent || v <= upper.value);
    if (inValue) {
      const kept = Math.max(0, Math.min(before + c, toRank) - Math.max(before + 1, fromRank) + 1);
      count += kept;
      sum += kept * v;
    }
    before += c;
  }
  return { count, sum };
}

/** A statistic of one period's values; `undefined` (no datapoint) when the period has no value. */
export function statisticOf(statistic: Statistic, values: ValueCounts, estimator: PercentileEstimator = 'nearest-rank'): Value {
  const n = total(values);
  if (n === 0) {
    return undefined;
  }
  switch (statistic.kind) {
    case 'SampleCount': return n;
    case 'Minimum': return values.value(0);
    case 'Maximum': return values.value(values.length - 1);
    case 'Sum':
    case 'Average': {
      let sum = 0;
      for (let i = 0; i < values.length; i++) {
        sum += values.count(i) * values.value(i);
      }
      return statistic.kind === 'Sum' ? sum : sum / n;
    }
    case 'percentile': return percentileOf(values, n, statistic.percent, estimator);
    case 'PR': {
      const kept = trimmed(values, n, statistic.lower === undefined ? undefined : { value: statistic.lower, percent: false },
        statistic.upper === undefined ? undefined : { value: statistic.upper, percent: false });
      return 100 * kept.count / n;
    }
    case 'TM':
    case 'TC':
    case 'TS': {
      const kept = trimmed(values, n, statistic.lower, statistic.upper);
      if (statistic.kind === 'TC') {
        return kept.count;
      }
      if (statistic.kind === 'TS') {
        return kept.sum;
      }
      return kept.count > 0 ? kept.sum / kept.count : undefined;
    }
  }
}
