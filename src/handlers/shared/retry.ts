import { errorName, httpStatusOf, RetriesExhaustedError } from './errors';
import { logEvent } from './log';

/**
 * The one retry policy of every AWS call the handler makes (CodeDeploy, Lambda, and the response
 * PUT): exponential backoff with full jitter, a bounded number of attempts.
 *
 * The SDK clients are built with `maxAttempts: 1` so that this is the only retry layer: the SDK's
 * own retries (3 attempts by default) would multiply ours, stretch the worst case well past the
 * margins the handler keeps before Lambda's and CloudFormation's deadlines, and hide throttling
 * from the logs.
 */

/** Attempts per call, the first included. Worst-case sleeping: 1+2+4+8+16 = 31 s. */
export const RETRY_MAX_ATTEMPTS = 6;
/** Backoff ceiling of the first retry; doubles per retry. */
export const RETRY_BASE_DELAY_MS = 1_000;
/** No single backoff is longer than this. */
export const RETRY_MAX_DELAY_MS = 20_000;

/**
 * Error codes that mean "slow down" (both CodeDeploy and Lambda throttle with these names;
 * `RequestLimitExceeded` and `Throttling` are the EC2 / query-protocol spellings).
 */
const THROTTLING_ERRORS = new Set([
  'ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded',
  'RequestThrottledException', 'ThrottledException', 'SlowDown',
]);

/** Transient transport failures: the request may not have reached the service. */
const NETWORK_ERRORS = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH',
  'ENETUNREACH', 'TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'NetworkingError',
]);

/**
 * Whether another attempt may succeed: throttling (by name or HTTP 429), server errors (5xx),
 * network errors, and anything the SDK marks `$retryable`.
 *
 * Everything else fails at once, because repeating it cannot help: validation errors, missing
 * applications, groups or deployments, `InvalidRevisionException`, access denied, and
 * `DeploymentLimitExceededException` (the deployment group already has a deployment in progress;
 * it may run for many minutes, far longer than a backoff, so starting waits for it at the poll
 * interval instead, up to the deployment's timeout: start-deployment.ts).
 */
export function isRetryable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  if ((err as { $retryable?: unknown }).$retryable) return true;
  const name = errorName(err);
  if (THROTTLING_ERRORS.has(name) || NETWORK_ERRORS.has(name)) return true;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_ERRORS.has(code)) return true;
  const status = httpStatusOf(err);
  return status === 429 || (status !== undefined && status >= 500);
}

export interface RetryOptions {
  readonly sleep: (ms: number) => Promise<void>;
  /** Uniform in [0, 1); injectable for tests. */
  readonly random?: () => number;
  readonly maxAttempts?: number;
}

/**
 * Calls `call` until it succeeds, throws a non-retryable error (rethrown as is, after one call),
 * or has failed `maxAttempts` times with retryable errors (then throws `RetriesExhaustedError`).
 */
export async function withRetry<T>(operation: string, call: () => Promise<T>, options: RetryOptions): Promise<T> {
  const maxAttempts = options.maxAttempts ?? RETRY_MAX_ATTEMPTS;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!isRetryable(err)) throw err;
      if (attempt >= maxAttempts) throw new RetriesExhaustedError(attempt, err);
      // Full jitter: a uniform delay up to the exponential ceiling spreads out callers that were
      // throttled together (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
      const ceiling = Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** (attempt - 1));
      const delayMs = Math.floor(random() * ceiling);
      logEvent('retry', { operation, attempt, error: errorName(err), delayMs });
      await options.sleep(delayMs);
    }
  }
}
