import { CALL_TIMEOUT_MS, MIN_ATTEMPT_MS, withTimeout } from './call-timeout';
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
 *
 * Each attempt is bounded in time (call-timeout.ts), and a call never retries past its time budget:
 * it gives up while the invocation can still hand over or answer.
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

/** Whether the service said "slow down": the request was refused unprocessed, so repeating it is always safe. */
export function isThrottling(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (THROTTLING_ERRORS.has(errorName(err)) || httpStatusOf(err) === 429);
}

/**
 * A retryable failure that is not throttling (a timeout, a network error, a 5xx): the request may
 * have been carried out although no answer came, so repeating a create blindly could make two.
 */
export function isAmbiguous(err: unknown): boolean {
  return isRetryable(err) && !isThrottling(err) && !(err instanceof RetriesExhaustedError);
}

export interface RetryOptions {
  readonly sleep: (ms: number) => Promise<void>;
  /** Uniform in [0, 1); injectable for tests. */
  readonly random?: () => number;
  readonly maxAttempts?: number;
  /** The longest one attempt may take (ms), asked before each attempt. Default: `CALL_TIMEOUT_MS`. */
  readonly attemptTimeoutMs?: () => number;
  /**
   * The time this call may still take, retries included (ms), asked before each attempt and each
   * backoff: no attempt outlasts it, and no retry starts that could not get `MIN_ATTEMPT_MS`.
   * Default: no limit beyond the attempts.
   */
  readonly budgetMs?: () => number;
  /** Which retryable errors are retried. Default: all of them (`isRetryable`). */
  readonly retryIf?: (err: unknown) => boolean;
}

/**
 * Calls `call` until it succeeds, throws a non-retryable error (rethrown as is, after one call),
 * or has failed `maxAttempts` times with retryable errors, or has run out of its time budget
 * (then throws `RetriesExhaustedError`, `outOfTime` telling the two apart). Each attempt gets an
 * abort signal and is abandoned when its time is up (`withTimeout`).
 */
export async function withRetry<T>(operation: string, call: (signal: AbortSignal) => Promise<T>, options: RetryOptions): Promise<T> {
  const maxAttempts = options.maxAttempts ?? RETRY_MAX_ATTEMPTS;
  const random = options.random ?? Math.random;
  const retryIf = options.retryIf ?? isRetryable;
  for (let attempt = 1; ; attempt++) {
    const budget = options.budgetMs?.() ?? Infinity;
    const timeoutMs = Math.min(options.attemptTimeoutMs?.() ?? CALL_TIMEOUT_MS, Math.max(MIN_ATTEMPT_MS, budget));
    try {
      return await withTimeout(operation, timeoutMs, call);
    } catch (err) {
      if (!isRetryable(err) || !retryIf(err)) throw err;
      if (attempt >= maxAttempts) throw new RetriesExhaustedError(attempt, err);
      // Full jitter: a uniform delay up to the exponential ceiling spreads out callers that were
      // throttled together (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
      const ceiling = Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** (attempt - 1));
      const delayMs = Math.floor(random() * ceiling);
      if ((options.budgetMs?.() ?? Infinity) - delayMs < MIN_ATTEMPT_MS) {
        logEvent('retry-out-of-time', { operation, attempt, error: errorName(err) });
        throw new RetriesExhaustedError(attempt, err, true);
      }
      logEvent('retry', { operation, attempt, error: errorName(err), delayMs });
      await options.sleep(delayMs);
    }
  }
}
