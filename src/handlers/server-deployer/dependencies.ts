import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { ResponseSender } from './cfn-response';
import type { Clock } from '../shared/clock';
import type { RetryOptions } from '../shared/retry';
import { CALL_RESERVE_MS, CALL_TIMEOUT_MS } from '../shared/timing';

/** Everything the server deployer touches outside itself: real in Lambda, fakes in tests. */
export interface ServerDeployerDependencies {
  /** Built with `maxAttempts: 1` (the handler runs the SDK's retry strategy itself, within each call's time budget; see ../shared/retry.ts). */
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
   * it per invocation (dispatch.ts), and every call's retries fit in it.
   */
  readonly remainingTimeMs?: () => number;
}

/** What the retry options are made of (ServerDeployerDependencies, or a watch's options). */
type RetrySource = Pick<ServerDeployerDependencies, 'clock' | 'random' | 'callTimeoutMs' | 'remainingTimeMs'>;

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
