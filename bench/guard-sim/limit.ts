/**
 * The statistical limit of a cell: the detection of the best test any guard could run with the
 * evidence the deployment gives it. That test sees n requests of the new version, each failing
 * independently, knows the old version's failure rate p0 exactly, and may look once, at the end;
 * among tests that stop a healthy release (rate p0) with probability at most alpha it has the most
 * power against a bad one (rate p1 > p0): reject when the failures pass a critical count k, and
 * with probability gamma when they equal it, so that the false-alarm rate is exactly alpha
 * (Neyman-Pearson; the binomial family has a monotone likelihood ratio, so this randomized test is
 * the most powerful of all, and its power is an upper bound for every guard). n is Poisson, as
 * the traffic is. A real guard pays for looking every minute and for not knowing p0, so it stays below.
 */
import { logGamma } from './random';

/** P(X >= k) for X ~ Binomial(n, p), exact. */
export function binomialUpperTail(n: number, p: number, k: number): number {
  if (k <= 0) {
    return 1;
  }
  if (k > n) {
    return 0;
  }
  if (p <= 0) {
    return 0;
  }
  if (p >= 1) {
    return 1;
  }
  let sum = 0;
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  const base = logGamma(n + 1);
  for (let i = k; i <= n; i++) {
    const term = Math.exp(base - logGamma(i + 1) - logGamma(n - i + 1) + i * logP + (n - i) * logQ);
    sum += term;
    if (term < sum * 1e-16 && i > n * p) {
      break;
    }
  }
  return Math.min(1, sum);
}

/** Binomial(n, p) probabilities of 0..n (exact; p may be 0 or 1). */
function binomialPmf(n: number, p: number): Float64Array {
  const pmf = new Float64Array(n + 1);
  if (p <= 0 || p >= 1) {
    pmf[p <= 0 ? 0 : n] = 1;
    return pmf;
  }
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  const base = logGamma(n + 1);
  for (let k = 0; k <= n; k++) {
    pmf[k] = Math.exp(base - logGamma(k + 1) - logGamma(n - k + 1) + k * logP + (n - k) * logQ);
  }
  return pmf;
}

/**
 * The most powerful tests of rate p0 against p1 > p0 with n requests, which reject from the most
 * failures down while P(Binomial(n, p0) >= k) stays within `alpha`: their power without the
 * boundary count (the deterministic test), and the share of the boundary count that spends what
 * is left of alpha (the randomized test).
 */
function tailTestPowers(n: number, p0: number, p1: number, alpha: number): { deterministic: number; randomized: number } {
  const pmf0 = binomialPmf(n, p0);
  const pmf1 = binomialPmf(n, p1);
  let size = 0;
  let power = 0;
  for (let k = n; k >= 0; k--) {
    if (size + pmf0[k] > alpha) {
      const boundary = pmf0[k] > 0 ? (alpha - size) / pmf0[k] : 0;
      return { deterministic: power, randomized: Math.min(1, power + boundary * pmf1[k]) };
    }
    size += pmf0[k];
    power += pmf1[k];
  }
  return { deterministic: Math.min(1, power), randomized: Math.min(1, power) };
}

/** Power of the randomized most powerful test of rate p0 against p1 > p0 at exactly `alpha`, with n requests. */
export function neymanPearsonPower(n: number, p0: number, p1: number, alpha: number): number {
  return tailTestPowers(n, p0, p1, alpha).randomized;
}

/**
 * Power of the most powerful test that does not randomize: reject when the failures reach the
 * smallest k with P(Binomial(n, p0) >= k) <= alpha. An alarm is deterministic, so this is the
 * bound for a guard that judges by the new version's failures alone.
 */
export function countTestPower(n: number, p0: number, p1: number, alpha: number): number {
  return tailTestPowers(n, p0, p1, alpha).deterministic;
}

/** Normal approximation (continuity-corrected) of the same test, for large n. */
function normalPower(n: number, p0: number, p1: number, alpha: number): number {
  const z = inverseNormalUpper(alpha);
  const k = Math.ceil(n * p0 + z * Math.sqrt(n * p0 * (1 - p0)) + 0.5);
  const sd = Math.sqrt(n * p1 * (1 - p1));
  return sd === 0 ? (n * p1 >= k ? 1 : 0) : 1 - normalCdf((k - 0.5 - n * p1) / sd);
}

/**
 * Power of the best test at a Poisson(meanRequests) number of new-version requests: the randomized
 * Neyman-Pearson test (an upper bound for any guard), or with `randomized: false` the best count test.
 */
export function limitDetection(meanRequests: number, p0: number, p1: number, alpha: number, randomized = true): number {
  if (meanRequests <= 0) {
    return 0;
  }
  if (meanRequests > 3000 && p0 > 0) {
    return normalPower(Math.round(meanRequests), p0, p1, alpha);
  }
  const sd = Math.sqrt(meanRequests);
  const from = Math.max(0, Math.floor(meanRequests - 8 * sd - 5));
  const to = Math.ceil(meanRequests + 8 * sd + 5);
  let power = 0;
  for (let n = from; n <= to; n++) {
    const weight = Math.exp(-meanRequests + n * Math.log(meanRequests) - logGamma(n + 1));
    if (weight < 1e-12) {
      continue;
    }
    power += weight * (randomized ? neymanPearsonPower(n, p0, p1, alpha) : countTestPower(n, p0, p1, alpha));
  }
  return Math.min(1, power);
}

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 through erf; error below 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x) / Math.SQRT2);
  const erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** z with P(Z > z) = alpha, by bisection on normalCdf. */
export function inverseNormalUpper(alpha: number): number {
  let lo = -10;
  let hi = 10;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (1 - normalCdf(mid) > alpha) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return (lo + hi) / 2;
}

/** The best tests of a cell that may spend the false-alarm budget unevenly across request counts. */
export interface JointLimit {
  /** The randomized most powerful test on (requests, failures): no test of any kind does better. */
  readonly randomized: number;
  /**
   * A deterministic test on (requests, failures), built greedily: at most the best deterministic
   * test, and at least what an alarm reading the two counts could reach if it looked once.
   */
  readonly deterministic: number;
}

/**
 * The most powerful test of rate p0 against p1 > p0 when the guard sees both the number of
 * new-version requests n and their failures x, with n drawn from `requestCounts` (weights by n,
 * e.g. the simulator's histogram of the requests visible before the final shift). n carries no
 * information about the rate (the traffic is the same for a healthy and a bad release), but a
 * test may spend its budget unevenly across n: one failure among 8 requests is stronger evidence
 * than one among 40. Neyman-Pearson over the pairs (n, x): reject the pairs of highest likelihood
 * ratio P1/P0 while P0 of the rejected pairs stays within alpha, and the boundary pair with the
 * probability that spends exactly alpha (randomized). The deterministic variant skips pairs that
 * no longer fit and goes on with smaller ones (a greedy knapsack), so it is a test an alarm could
 * compute, and it bounds the best deterministic test from below.
 *
 * Both are still upper bounds for a real alarm, which looks every minute (each look can be a false
 * rollback) and does not know p0. An alarm that reads the per-minute datapoints sees more than
 * (n, x), but nothing more about the rate: the minute a failure fell in, or the old version's
 * traffic, is noise independent of it, which a deterministic rule can use as a coin, so only the
 * randomized bound holds against every such rule.
 */
export function jointLimit(requestCounts: ReadonlyMap<number, number>, p0: number, p1: number, alpha: number): JointLimit {
  const total = [...requestCounts.values()].reduce((a, b) => a + b, 0);
  const cells: Array<{ h0: number; h1: number; ratio: number }> = [];
  for (const [n, weight] of requestCounts) {
    if (weight <= 0 || total <= 0) {
      continue;
    }
    const w = weight / total;
    const pmf0 = binomialPmf(n, p0);
    const pmf1 = binomialPmf(n, p1);
    for (let x = 0; x <= n; x++) {
      const h0 = w * pmf0[x];
      const h1 = w * pmf1[x];
      if (h1 > 0) {
        cells.push({ h0, h1, ratio: h0 > 0 ? h1 / h0 : Infinity });
      }
    }
  }
  cells.sort((a, b) => b.ratio - a.ratio);
  let size = 0;
  let power = 0;
  let randomized: number | undefined;
  for (const c of cells) {
    if (size + c.h0 <= alpha) {
      size += c.h0;
      power += c.h1;
    } else if (randomized === undefined) {
      randomized = power + ((alpha - size) / c.h0) * c.h1;
    }
  }
  return { randomized: Math.min(1, randomized ?? power), deterministic: Math.min(1, power) };
}

/**
 * The best any test can do against a slowdown of every request by a factor e^δ (δ > 0), from the
 * new version's durations visible before the final shift, when they are lognormal with a known
 * log-scale deviation sigma and the old version's median is known: the log-durations are normal,
 * and among tests that stop a healthy release with probability at most alpha, the most powerful one
 * (Neyman-Pearson over the pair of the request count n, from `requestCounts`, and the durations)
 * rejects when the likelihood ratio exp(δ S / σ² - n δ² / (2 σ²)) passes a bound k, S the sum of
 * the log-durations' excess over the old median: for each n, when the z-score of their mean passes
 * c_n = σ ln k / (δ √n) + δ √n / (2 σ). One bound for every n spends the budget where the evidence is
 * strongest. With no request (n = 0) the ratio is 1: those runs are stopped when k < 1, and at k = 1
 * with the probability that spends what is left. A real alarm knows neither sigma nor the old median,
 * looks every minute, and faces the warm-up, so it stays below.
 */
export function slowdownLimit(requestCounts: ReadonlyMap<number, number>, sigma: number, logSlowdown: number, alpha: number): number {
  const total = [...requestCounts.values()].reduce((a, b) => a + b, 0);
  const cells = [...requestCounts].filter(([n, w]) => n > 0 && w > 0).map(([n, w]) => ({ w: w / total, root: Math.sqrt(n) }));
  const none = (requestCounts.get(0) ?? 0) / total;
  const shift = (root: number): number => logSlowdown * root / sigma;
  const bound = (logK: number, root: number): number => sigma * logK / (logSlowdown * root) + logSlowdown * root / (2 * sigma);
  const size = (logK: number): number => cells.reduce((a, c) => a + c.w * (1 - normalCdf(bound(logK, c.root))), 0);
  const power = (logK: number): number => cells.reduce((a, c) => a + c.w * (1 - normalCdf(bound(logK, c.root) - shift(c.root))), 0);
  if (size(0) <= alpha && size(0) + none >= alpha) {
    // k = 1: runs without a request stopped with probability (alpha - size) / none, each a "detection" too.
    return Math.min(1, power(0) + (alpha - size(0)));
  }
  // Below k = 1 every run without a request is stopped too; above it none is.
  const extra = size(0) + none < alpha ? none : 0;
  let lo = -200;
  let hi = 200;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (size(mid) + extra > alpha) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return Math.min(1, power(hi) + extra);
}
