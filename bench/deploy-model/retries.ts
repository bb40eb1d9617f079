/**
 * Whether the handlers' retries (src/handlers/shared/retry.ts) outlast a quota's refusals: a call
 * made while a quota refuses everything for `seconds` fails if all its attempts fall inside that
 * stretch. The attempts follow the helper's schedule: after the n-th failure a full-jitter backoff,
 * uniform in [0, min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2^(n-1))), each attempt itself
 * taking `ASSUMPTIONS.apiLatency`.
 */
import { ASSUMPTIONS } from './calls';
import { RETRY_BASE_DELAY_MS, RETRY_MAX_ATTEMPTS, RETRY_MAX_DELAY_MS } from '../../src/handlers/shared/timing';
import { seededUniform } from '../guard-sim/random';

/**
 * The share of calls that run out of attempts when they arrive, uniformly, during a stretch of
 * `seconds` in which the quota refuses every call (Monte Carlo, `runs` calls).
 */
export function exhaustedShare(seconds: number, runs = 20_000, maxAttempts = RETRY_MAX_ATTEMPTS, seed = 25): number {
  const random = seededUniform(seed);
  let exhausted = 0;
  for (let run = 0; run < runs; run++) {
    let t = random() * seconds;
    let attempt = 1;
    while (t < seconds && attempt < maxAttempts) {
      const ceiling = Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** (attempt - 1)) / 1000;
      t += ASSUMPTIONS.apiLatency + random() * ceiling;
      attempt++;
    }
    if (t < seconds) exhausted++;
  }
  return exhausted / runs;
}
