/**
 * Request durations for the guard simulator: what each version's invocations take, recorded as
 * Lambda's `Duration` metric is, per 1-minute bucket and per series (the new version, the alias).
 *
 * The model:
 * - A version's durations are lognormal, given by their median and 99th percentile (the issue's
 *   old version: median 80 ms, p99 400 ms). A regression multiplies every duration (`slowdown`);
 *   a tail regression slows a share of the requests by a further factor (`tail`).
 * - `Duration` is the time the function code spends on an event; the Init phase of a new execution
 *   environment is reported apart, as Init Duration, and is not part of it
 *   (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html,
 *   https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html). But the first
 *   invocations of a fresh environment are still slower (lazy loading, connections being opened,
 *   a JIT warming up): `warmUp` multiplies invocation j of an environment by
 *   1 + (firstFactor - 1) * decay^(j - 1). Only the new version has fresh environments: the old
 *   one has served for long and is warm.
 * - The new version's environments: a request goes to an idle environment of the version, the one
 *   idle the longest (so that every environment goes through its warm-up: the pessimistic choice,
 *   Lambda does not document its own), and when none is idle Lambda creates one, which serves the
 *   request after `initMillis`. An environment is busy for its Init and the invocation. None is
 *   reclaimed during the few minutes a canary lasts.
 * - Durations are recorded on a grid of 1% steps (bin i holds [0.1 ms x 1.01^i, 0.1 ms x 1.01^(i+1)),
 *   and stands for its geometric centre; everything below or above the grid is put in its first or
 *   last bin). 1% is far below any difference a guard looks for, and it lets the old version's
 *   durations, which may be tens of thousands a minute, be drawn per bin: the counts of a Poisson
 *   stream of requests falling into the bins are independent Poisson counts (Poisson thinning), so
 *   drawing one count per bin gives exactly the histogram of a Poisson stream's durations.
 */
import { normalCdf } from './limit';
import { poisson, Uniform } from './random';

/** The duration grid, in milliseconds: 1% steps from 0.1 ms to 15 minutes (Lambda's longest timeout). */
export const GRID = {
  lowestMillis: 0.1,
  ratio: 1.01,
  bins: Math.ceil(Math.log(900_000 / 0.1) / Math.log(1.01)),
} as const;

const LOG_RATIO = Math.log(GRID.ratio);

/** The bin a duration falls in. */
export function binOf(millis: number): number {
  const i = Math.floor(Math.log(millis / GRID.lowestMillis) / LOG_RATIO);
  return Math.min(GRID.bins - 1, Math.max(0, i));
}

const BIN_VALUES = Float64Array.from({ length: GRID.bins }, (_, bin) => GRID.lowestMillis * GRID.ratio ** (bin + 0.5));

/** The duration a bin stands for: its geometric centre. */
export function binValue(bin: number): number {
  return BIN_VALUES[bin];
}

/** z with P(Z <= z) = 0.99 for a standard normal Z. */
const Z99 = 2.3263478740408408;

/** A lognormal distribution of durations, given as its median and 99th percentile. */
export interface DurationDistribution {
  readonly medianMillis: number;
  readonly p99Millis: number;
}

/** Fresh execution environments: invocation j (from 1) takes 1 + (firstFactor - 1) * decay^(j - 1) times as long. */
export interface WarmUp {
  /** Init of a new environment; not part of `Duration`, but the environment is busy meanwhile. */
  readonly initMillis: number;
  /** How many times longer an environment's first invocation takes. */
  readonly firstFactor: number;
  /** How the extra time shrinks from one invocation to the next (0 to 1). */
  readonly decay: number;
}

/** What one version's invocations take. */
export interface VersionLatency {
  readonly distribution: DurationDistribution;
  /** Every invocation takes this many times as long (1: as the distribution says). */
  readonly slowdown?: number;
  /** A tail regression: this share of the invocations takes `factor` times longer again. */
  readonly tail?: { readonly share: number; readonly factor: number };
  /** Fresh environments start slower (the new version only: the old version's are warm). */
  readonly warmUp?: WarmUp;
}

/** The durations of both versions in one simulated deployment. */
export interface LatencyTraffic {
  readonly oldVersion: VersionLatency;
  readonly newVersion: VersionLatency;
}

/** The lognormal's log-scale standard deviation. */
export function sigmaOf(distribution: DurationDistribution): number {
  return Math.log(distribution.p99Millis / distribution.medianMillis) / Z99;
}

/** The log-scale components of a version's (warm) durations: [weight, log median] pairs, and sigma. */
function components(version: VersionLatency): { parts: Array<[number, number]>; sigma: number } {
  const mu = Math.log(version.distribution.medianMillis * (version.slowdown ?? 1));
  const tail = version.tail;
  const parts: Array<[number, number]> = tail && tail.share > 0
    ? [[1 - tail.share, mu], [tail.share, mu + Math.log(tail.factor)]]
    : [[1, mu]];
  return { parts, sigma: sigmaOf(version.distribution) };
}

/** P(duration <= x) for a warm environment of the version. */
export function durationCdf(version: VersionLatency, millis: number): number {
  const { parts, sigma } = components(version);
  return parts.reduce((p, [weight, mu]) => p + weight * normalCdf((Math.log(millis) - mu) / sigma), 0);
}

/** The duration at quantile q (0 < q < 1) of a warm environment of the version, by bisection on the CDF. */
export function durationQuantile(version: VersionLatency, q: number): number {
  let lo = Math.log(GRID.lowestMillis);
  let hi = Math.log(900_000);
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (durationCdf(version, Math.exp(mid)) < q) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return Math.exp((lo + hi) / 2);
}

/** A version's warm durations as probabilities per bin, with the range of bins that can hold any. */
export interface BinProbabilities {
  readonly probabilities: Float64Array;
  readonly first: number;
  readonly last: number;
}

/** Probability of each bin for a warm environment of the version (the grid's end bins take what lies beyond). */
export function binProbabilities(version: VersionLatency): BinProbabilities {
  const probabilities = new Float64Array(GRID.bins);
  let below = 0;
  let first = GRID.bins;
  let last = -1;
  for (let i = 0; i < GRID.bins; i++) {
    const upper = i === GRID.bins - 1 ? 1 : durationCdf(version, GRID.lowestMillis * GRID.ratio ** (i + 1));
    const p = upper - below;
    below = upper;
    // Mass below 1e-15 of a bin never shows in a simulation: skip it (and its Poisson draws).
    if (p > 1e-15) {
      probabilities[i] = p;
      first = Math.min(first, i);
      last = i;
    }
  }
  return { probabilities, first, last };
}

/**
 * Adds to `histogram` the durations of a Poisson stream of requests with `mean` invocations of a
 * warm version: one Poisson count per bin (Poisson thinning makes them independent).
 */
export function addPoissonHistogram(random: Uniform, bins: BinProbabilities, mean: number, histogram: Float64Array): number {
  let total = 0;
  if (mean <= 0) {
    return 0;
  }
  for (let i = bins.first; i <= bins.last; i++) {
    const k = poisson(random, mean * bins.probabilities[i]);
    histogram[i] += k;
    total += k;
  }
  return total;
}

/**
 * Draws bins with the probabilities of a `BinProbabilities` in constant time per draw (Walker's
 * alias method, in Vose's numerically stable construction: M. D. Vose, "A linear algorithm for
 * generating random numbers with a given distribution", IEEE TSE 17(9), 1991).
 */
export class BinSampler {
  private readonly keep: Float64Array;
  private readonly alias: Int32Array;
  private readonly first: number;

  constructor(bins: BinProbabilities) {
    const n = bins.last - bins.first + 1;
    this.first = bins.first;
    this.keep = new Float64Array(n);
    this.alias = new Int32Array(n);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      sum += bins.probabilities[bins.first + i];
    }
    const scaled = Array.from({ length: n }, (_, i) => bins.probabilities[bins.first + i] * n / sum);
    const small: number[] = [];
    const large: number[] = [];
    scaled.forEach((p, i) => (p < 1 ? small : large).push(i));
    while (small.length > 0 && large.length > 0) {
      const s = small.pop()!;
      const l = large.pop()!;
      this.keep[s] = scaled[s];
      this.alias[s] = l;
      scaled[l] = scaled[l] + scaled[s] - 1;
      (scaled[l] < 1 ? small : large).push(l);
    }
    for (const i of [...small, ...large]) {
      this.keep[i] = 1;
      this.alias[i] = i;
    }
  }

  /** The bin for a uniform draw u in [0, 1). */
  public bin(u: number): number {
    const x = u * this.keep.length;
    const i = Math.floor(x);
    return this.first + (x - i < this.keep[i] ? i : this.alias[i]);
  }
}

/** Standard normal draws from a uniform generator (Marsaglia's polar method). */
export function normalSource(random: Uniform): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const z = spare;
      spare = undefined;
      return z;
    }
    for (;;) {
      const u = 2 * random() - 1;
      const v = 2 * random() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const m = Math.sqrt(-2 * Math.log(s) / s);
        spare = v * m;
        return u * m;
      }
    }
  };
}

/** One warm duration of the version, in milliseconds. */
export function warmDuration(random: Uniform, normal: () => number, version: VersionLatency): number {
  const sigma = sigmaOf(version.distribution);
  let millis = version.distribution.medianMillis * (version.slowdown ?? 1) * Math.exp(sigma * normal());
  if (version.tail && random() < version.tail.share) {
    millis *= version.tail.factor;
  }
  return millis;
}

/** The extra factor of invocation `j` (from 1) of an environment. */
export function warmUpFactor(warmUp: WarmUp | undefined, j: number): number {
  return warmUp ? 1 + (warmUp.firstFactor - 1) * warmUp.decay ** (j - 1) : 1;
}

/**
 * The new version's execution environments: which one serves each request, and how much its
 * warm-up adds. Requests must arrive in time order. (Typed arrays that grow by doubling: this runs
 * once per invocation, tens of thousands of times per simulated deployment.)
 */
export class EnvironmentPool {
  /** Per environment: the extra factor its next invocation takes (firstFactor - 1, shrinking by `decay`). */
  private extra = new Float64Array(16);
  private created = 0;
  /** Busy environments as a binary min-heap on the second they become idle. */
  private busyUntil = new Float64Array(16);
  private busyId = new Int32Array(16);
  private busy = 0;
  /** Idle environments in a ring, in the order they became idle (FIFO: the one idle longest serves next). */
  private idle = new Int32Array(16);
  private idleHead = 0;
  private idleCount = 0;
  private readonly initSeconds: number;
  private readonly firstExtra: number;
  private readonly decay: number;

  constructor(warmUp: WarmUp | undefined) {
    this.initSeconds = (warmUp?.initMillis ?? 0) / 1000;
    this.firstExtra = warmUp ? warmUp.firstFactor - 1 : 0;
    this.decay = warmUp?.decay ?? 0;
  }

  /** How many environments the version has had. */
  public get environments(): number {
    return this.created;
  }

  /**
   * A request arriving at `atSecond` whose warm duration would be `warmMillis`: returns the
   * duration Lambda records for it (its environment's warm-up included).
   */
  public serve(atSecond: number, warmMillis: number): number {
    while (this.busy > 0 && this.busyUntil[0] <= atSecond) {
      this.pushIdle(this.busyId[0]);
      this.popBusy();
    }
    let id: number;
    let startSecond = atSecond;
    if (this.idleCount > 0) {
      id = this.idle[this.idleHead];
      this.idleHead = (this.idleHead + 1) % this.idle.length;
      this.idleCount--;
    } else {
      id = this.created++;
      if (id >= this.extra.length) {
        const grown = new Float64Array(2 * this.extra.length);
        grown.set(this.extra);
        this.extra = grown;
      }
      this.extra[id] = this.firstExtra;
      startSecond += this.initSeconds;
    }
    const extra = this.extra[id];
    const millis = extra > 0 ? warmMillis * (1 + extra) : warmMillis;
    // Below a millionth the warm-up is over: stop multiplying.
    const next = extra * this.decay;
    this.extra[id] = next < 1e-6 ? 0 : next;
    this.pushBusy(startSecond + millis / 1000, id);
    return millis;
  }

  private pushIdle(id: number): void {
    if (this.idleCount === this.idle.length) {
      const grown = new Int32Array(2 * this.idle.length);
      for (let k = 0; k < this.idleCount; k++) {
        grown[k] = this.idle[(this.idleHead + k) % this.idle.length];
      }
      this.idle = grown;
      this.idleHead = 0;
    }
    this.idle[(this.idleHead + this.idleCount) % this.idle.length] = id;
    this.idleCount++;
  }

  private pushBusy(until: number, id: number): void {
    if (this.busy === this.busyUntil.length) {
      const untils = new Float64Array(2 * this.busy);
      untils.set(this.busyUntil);
      this.busyUntil = untils;
      const ids = new Int32Array(2 * this.busy);
      ids.set(this.busyId);
      this.busyId = ids;
    }
    const heap = this.busyUntil;
    const ids = this.busyId;
    let i = this.busy++;
    while (i > 0) {
      const parent = Math.floor((i - 1) / 2);
      if (heap[parent] <= until) {
        break;
      }
      heap[i] = heap[parent];
      ids[i] = ids[parent];
      i = parent;
    }
    heap[i] = until;
    ids[i] = id;
  }

  private popBusy(): void {
    const heap = this.busyUntil;
    const ids = this.busyId;
    const n = --this.busy;
    if (n === 0) {
      return;
    }
    const until = heap[n];
    const id = ids[n];
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) {
        break;
      }
      const child = left + 1 < n && heap[left + 1] < heap[left] ? left + 1 : left;
      if (heap[child] >= until) {
        break;
      }
      heap[i] = heap[child];
      ids[i] = ids[child];
      i = child;
    }
    heap[i] = until;
    ids[i] = id;
  }
}
