import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { Clock } from '../shared/clock';
import type { RetryOptions } from '../shared/retry';

/** Everything the traffic hook touches outside itself: real in Lambda, fakes in tests. */
export interface TrafficHookDependencies {
  /** Built with `maxAttempts: 1` (the hook runs the SDK's retry strategy itself; see ../shared/retry.ts). */
  readonly codedeploy: CodeDeployClient;
  /** Short Lambda calls (versions, aliases, deletions, the hand-over): `maxAttempts: 1`, short timeouts. */
  readonly lambda: LambdaClient;
  /** The smoke test's invocations of the new version: `maxAttempts: 1`, no short request timeout (the hook aborts them itself). */
  readonly invoker: LambdaClient;
  readonly ssm: SSMClient;
  readonly cloudwatch: CloudWatchClient;
  /** Claims each hook execution with a log stream (execution-claim.ts). */
  readonly logs: CloudWatchLogsClient;
  /** The hook's own log group, where the claims are made (`CLAIMS_LOG_GROUP`); none: executions are not claimed. */
  readonly claimsLogGroup?: string;
  readonly clock: Clock;
  /** Where the stack's settings parameters are (`SETTINGS_PREFIX`). */
  readonly settingsPrefix: string;
  /** Uniform in [0, 1), for retry jitter. Default: `Math.random`. */
  readonly random?: () => number;
}

/** The retry options every call of the hook uses. */
export function hookRetry(deps: TrafficHookDependencies): RetryOptions {
  return { sleep: deps.clock.sleep, random: deps.random };
}
