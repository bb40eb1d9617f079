import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { CALL_TIMEOUT_MS } from './call-timeout';
import type { ResponseSender } from './cfn-response';
import type { Clock } from './clock';
import type { RetryOptions } from './retry';

/** Everything the handler touches outside itself: real in Lambda, fakes in tests. */
export interface HandlerDependencies {
  /** Built with `maxAttempts: 1` (the handler runs the SDK's retry strategy itself, within each call's time budget; see retry.ts). */
  readonly codedeploy: CodeDeployClient;
  /** Built with `maxAttempts: 1`; used to hand over to the next invocation. */
  readonly lambda: LambdaClient;
  /** Built with `maxAttempts: 1`; deletes the Auto Scaling groups blue/green deployments copied (deployment-group/). */
  readonly autoscaling: AutoScalingClient;
  readonly sendResponse: ResponseSender;
  readonly clock: Clock;
  /** Uniform in [0, 1), for retry jitter. Default: `Math.random`. */
  readonly random?: () => number;
  /** The longest one attempt of an AWS call may take (ms). Default: `CALL_TIMEOUT_MS`. */
  readonly callTimeoutMs?: number;
  /**
   * The current invocation's remaining time (`context.getRemainingTimeInMillis`): the handler sets
   * it per invocation (handler.ts), and every call's retries fit in it.
   */
  readonly remainingTimeMs?: () => number;
}

/**
 * Time kept after any call but the last ones of an invocation: one attempt of the hand-over
 * (Lambda Invoke) or of the answer (the response PUT) still fits after it.
 */
export const CALL_RESERVE_MS = 15_000;
/** Time kept after the invocation's last call (the hand-over): Lambda's own end is not raced. */
export const LAST_CALL_RESERVE_MS = 2_000;

/** What the retry options are made of (HandlerDependencies, or a watch's options). */
export type RetrySource = Pick<HandlerDependencies, 'clock' | 'random' | 'callTimeoutMs' | 'remainingTimeMs'>;

/**
 * The retry options every call of one handler uses: attempts bounded by `callTimeoutMs`, and the
 * call's retries by the invocation's remaining time less `reserveMs`.
 */
export function retryOptions(deps: RetrySource, reserveMs: number = CALL_RESERVE_MS): RetryOptions {
  const remaining = deps.remainingTimeMs;
  return {
    sleep: deps.clock.sleep,
    random: deps.random,
    attemptTimeoutMs: () => deps.callTimeoutMs ?? CALL_TIMEOUT_MS,
    ...(remaining ? { budgetMs: () => remaining() - reserveMs } : {}),
  };
}
