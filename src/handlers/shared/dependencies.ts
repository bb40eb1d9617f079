import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { ResponseSender } from './cfn-response';
import type { Clock } from './clock';
import type { RetryOptions } from './retry';

/** Everything the handler touches outside itself: real in Lambda, fakes in tests. */
export interface HandlerDependencies {
  /** Built with `maxAttempts: 1` (the handler retries; see retry.ts). */
  readonly codedeploy: CodeDeployClient;
  /** Built with `maxAttempts: 1`; used to hand over to the next invocation. */
  readonly lambda: LambdaClient;
  /** Built with `maxAttempts: 1`; deletes the Auto Scaling groups blue/green deployments copied (deployment-group/). */
  readonly autoscaling: AutoScalingClient;
  readonly sendResponse: ResponseSender;
  readonly clock: Clock;
  /** Uniform in [0, 1), for retry jitter. Default: `Math.random`. */
  readonly random?: () => number;
}

/** The retry options every call of one handler uses. */
export function retryOptions(deps: HandlerDependencies): RetryOptions {
  return { sleep: deps.clock.sleep, random: deps.random };
}
