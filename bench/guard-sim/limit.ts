/**
 * The statistical limit of a cell: the detection of the best test any guard could run with the
 * evidence the deployment gives it. That test sees n requests of the new version, each failing
 * independently, knows the old version's failure rate p0 exactly, and may look once, at the end;
 * among tests that stop a healthy release (rate p0) with probability at most alpha it has the most
 * power against a bad one (rate p1 > p0): reject when the failures reach the smallest k with
 * P(Binomial(n, p0) >= k) <= alpha (Neyman-Pearson; the binomial family has a monotone likelihood
 * ratio, so this test is uniformly most powerful among non-randomized ones). n is Poisson, as the
 * traffic is. A real guard pays for looking every minute and for not knowing p0, so it stays below.
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

/** The smallest k with P(Binomial(n, p0) >= k) <= alpha (n + 1 when no k <= n qualifies). */
export function criticalCount(n: number, p0: number, alpha: number): number {
  if (p0 <= 0) {
    return 1;
  }
  // Walk down from the top, adding pmf terms, until the tail would pass alpha.
  const logP = Math.log(p0);
  const logQ = Math.log1p(-p0);
  const base = logGamma(n + 1);
  let tail = 0;
  for (let k = n; k >= 1; k--) {
    const term = Math.exp(base - logGamma(k + 1) - logGamma(n - k + 1) + k * logP + (n - k) * logQ);
    if (tail + term > alpha) {
      return k + 1;
    }
    tail += term;
  }
  return 1;
}

/** Normal approximation (continuity-corrected) of the same test, for large n. */
function normalPower(n: number, p0: number, p1: number, alpha: number): number {
  const z = inverseNormalUpper(alpha);
  const k = Math.ceil(n * p0 + z * Math.sqrt(n * p0 * (1 - p0)) + 0.5);
  const sd = Math.sqrt(n * p1 * (1 - p1));
  return sd === 0 ? (n * p1 >= k ? 1 : 0) : 1 - normalCdf((k - 0.5 - n * p1) / sd);
}

/** Power of the best test at a Poisson(meanRequests) number of new-version requests. */
export function limitDetection(meanRequests: number, p0: number, p1: number, alpha: number): number {
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
    power += weight * binomialUpperTail(n, p1, criticalCount(n, p0, alpha));
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
