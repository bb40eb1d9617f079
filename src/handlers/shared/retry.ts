import { isThrottlingError, isTransientError, isServerError, StandardRetryStrategy, StandardRetryStrategyOptions } from '@smithy/core/retry';
import { withTimeout } from './call-timeout';
import { errorName, RetriesExhaustedError } from './errors';
import { logEvent } from './log';
import { CALL_TIMEOUT_MS, MIN_ATTEMPT_MS, RETRY_BASE_DELAY_MS, RETRY_MAX_ATTEMPTS, RETRY_MAX_DELAY_MS } from './timing';

/**
 * The one retry policy of every AWS call the handlers make (CodeDeploy, Lambda, Auto Scaling, SSM,
 * CloudWatch, and the response PUT): the AWS SDK's standard retry strategy
 * (`StandardRetryStrategy` of `@smithy/core/retry`, bundled with the handlers), deciding with the
 * SDK's own error classification whether another attempt may help and how long to back off.
 *
 * The strategy runs here, around each call, rather than inside the SDK clients (which are built with
 * `maxAttempts: 1`, so that this is the only retry layer), because the handlers need what the
 * client's retry middleware cannot give:
 * - a time budget per call: no retry starts whose backoff would leave less than `MIN_ATTEMPT_MS`
 *   of the invocation's time for the call, so the invocation can still hand over or answer;
 * - a bound on each attempt (call-timeout.ts): the abort signal of `send` would end all of the
 *   middleware's attempts at once, and its own request timeout depends on the runtime's SDK version;
 * - a policy per call: creates that cannot be repeated blindly retry throttling only (`retryIf`);
 * - a log line per retry, so that operators see throttling;
 * - the handler's clock for the backoff (tests run hour-long deployments instantly);
 * - the response PUT, which is not an SDK call.
 */

/** How the SDK sorts a failure (`RetryErrorType` of `@smithy/types`). */
type RetryErrorType = Parameters<StandardRetryStrategy['refreshRetryTokenForRetry']>[1]['errorType'];
/** What the SDK's classification reads of an error (`SdkError` of `@smithy/types`): an `Error` with optional `$metadata`, `$retryable`. */
type SdkError = Parameters<typeof isThrottlingError>[0];

/**
 * The SDK's classification of a failure, in the order of its retry middleware (whose own mapping
 * is not exported): throttling (by name, HTTP 429, or the `$retryable` trait), transient (timeouts,
 * network errors, HTTP 500/502/503/504, `$retryable`), other server errors, client errors.
 */
export function retryErrorType(err: unknown): RetryErrorType {
  if (typeof err !== 'object' || err === null) return 'CLIENT_ERROR';
  const error = err as SdkError;
  if (isThrottlingError(error)) return 'THROTTLING';
  if (isTransientError(error)) return 'TRANSIENT';
  if (isServerError(error)) return 'SERVER_ERROR';
  return 'CLIENT_ERROR';
}

/**
 * Whether another attempt may succeed: the SDK's standard strategy retries throttling and transient
 * failures. Everything else fails at once, because repeating it cannot help: validation errors,
 * missing applications, groups or deployments, `InvalidRevisionException`, access denied, and
 * `DeploymentLimitExceededException` (the deployment group already has a deployment in progress;
 * it may run for many minutes, far longer than a backoff, so starting waits for it at the poll
 * interval instead, up to the deployment's timeout: start-deployment.ts).
 */
export function isRetryable(err: unknown): boolean {
  const type = retryErrorType(err);
  return type === 'THROTTLING' || type === 'TRANSIENT';
}

/** Whether the service said "slow down": the request was refused unprocessed, so repeating it is always safe. */
export function isThrottling(err: unknown): boolean {
  return retryErrorType(err) === 'THROTTLING';
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
  /** Uniform in [0, 1), the backoff's jitter; injectable for tests. Default: `Math.random`. */
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

type BackoffCalculator = NonNullable<StandardRetryStrategyOptions['backoff']>;

/**
 * The strategy's backoff calculator (its public `backoff` option). The strategy picks the base for
 * the error type (throttling or not) and passes the retry count; the delay follows the formula of
 * the SDK's default calculator (`DefaultRetryBackoffStrategy`, internal and not exported):
 * exponential with full jitter up to `RETRY_MAX_DELAY_MS`
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/), and never above the
 * handlers' own ceiling. The strategy would wait the delay out itself, on the global timer, before
 * the caller could see it (@smithy/core 3.41 waits inside `refreshRetryTokenForRetry`, see its
 * dist-cjs/submodules/retry/index.js; earlier versions left the wait to the client's middleware).
 * So the calculator keeps the delay for `withRetry`, which checks it against the call's budget,
 * logs it and sleeps on the handler's clock, and tells the strategy to wait 0 ms.
 */
class DeferredBackoff implements BackoffCalculator {
  /** The delay of the retry the strategy last granted (ms). */
  public delayMs = 0;
  private baseMs = RETRY_BASE_DELAY_MS;
  public constructor(private readonly random: () => number) {}

  public setDelayBase(delayMs: number): void {
    this.baseMs = delayMs;
  }

  public computeNextBackoffDelay(retries: number): number {
    const ceiling = Math.min(RETRY_MAX_DELAY_MS, this.baseMs * 2 ** retries, RETRY_BASE_DELAY_MS * 2 ** retries);
    this.delayMs = Math.floor(this.random() * ceiling);
    return 0;
  }
}

/**
 * Calls `call` until it succeeds, throws a non-retryable error (rethrown as is, after one call),
 * or has failed `maxAttempts` times with retryable errors, or has run out of its time budget
 * (then throws `RetriesExhaustedError`, `outOfTime` telling the two apart). Each attempt gets an
 * abort signal and is abandoned when its time is up (`withTimeout`).
 *
 * One strategy per call: the SDK's retry quota (a token bucket per strategy, 500 tokens, 5 per
 * throttled retry and 14 per other retry) then never refuses one of the call's at most
 * `RETRY_MAX_ATTEMPTS - 1` retries, so the attempt count in the logs and in CloudFormation's
 * Reason is the one above. Shared by every call of a warm function, a burst of failures in one
 * deployment would drain it and make a later deployment fail at its first throttled call.
 */
export async function withRetry<T>(operation: string, call: (signal: AbortSignal) => Promise<T>, options: RetryOptions): Promise<T> {
  const maxAttempts = options.maxAttempts ?? RETRY_MAX_ATTEMPTS;
  const retryIf = options.retryIf ?? (() => true);
  const backoff = new DeferredBackoff(options.random ?? Math.random);
  const strategy = new StandardRetryStrategy({ maxAttempts, backoff });
  let token = await strategy.acquireInitialRetryToken(operation);
  for (let attempt = 1; ; attempt++) {
    const budget = options.budgetMs?.() ?? Infinity;
    const timeoutMs = Math.min(options.attemptTimeoutMs?.() ?? CALL_TIMEOUT_MS, Math.max(MIN_ATTEMPT_MS, budget));
    try {
      const result = await withTimeout(operation, timeoutMs, call);
      strategy.recordSuccess(token);
      return result;
    } catch (err) {
      const errorType = retryErrorType(err);
      if (!isRetryable(err) || !retryIf(err)) throw err;
      try {
        // The server's Retry-After hint is not passed: the strategy would wait up to 5 s longer on it, unbounded by the budget.
        token = await strategy.refreshRetryTokenForRetry(token, { errorType, error: err as SdkError });
      } catch {
        throw new RetriesExhaustedError(attempt, err);
      }
      const delayMs = backoff.delayMs;
      if ((options.budgetMs?.() ?? Infinity) - delayMs < MIN_ATTEMPT_MS) {
        logEvent('retry-out-of-time', { operation, attempt, error: errorName(err) });
        throw new RetriesExhaustedError(attempt, err, true);
      }
      logEvent('retry', { operation, attempt, error: errorName(err), delayMs });
      await options.sleep(delayMs);
    }
  }
}
