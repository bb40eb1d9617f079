import { CreateLogStreamCommand } from '@aws-sdk/client-cloudwatch-logs';
import { hookRetry, TrafficHookDependencies } from './dependencies';
import type { LifecycleEvent } from './lifecycle-event';
import { describeError, errorName } from '../shared/errors';
import { logEvent } from '../shared/log';
import { isAmbiguous, withRetry } from '../shared/retry';

/**
 * Whether this invocation is the one that serves a lifecycle event's hook execution (or one step
 * of its bake), decided before the hook does anything else.
 *
 * Lambda delivers an asynchronous event at least once: "occasionally, your function may receive
 * the same event multiple times, even if no error occurs" (API reference, Invoke,
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html). CodeDeploy invokes hooks
 * asynchronously, and the hook invokes itself asynchronously to carry a bake on. A second delivery
 * would invoke the user's function again (a smoke test with side effects runs twice), start a
 * second bake chain, and send a second verdict, which CodeDeploy refuses once the event is over
 * (`LifecycleEventAlreadyCompletedException`, API reference, PutLifecycleEventHookExecutionStatus).
 *
 * CodeDeploy cannot tell which execution is answered: the deployment target lists each lifecycle
 * event's status (LambdaTarget `lifecycleEvents`), but not its hook execution id, so a late copy of
 * the BeforeAllowTraffic event, delivered while AfterAllowTraffic runs, looks like a new
 * AfterAllowTraffic event, and a copy delivered during a bake looks like the bake's own event. So
 * the hook claims each execution with a log stream named after it, in its own log group, which its
 * role may already create streams in: CreateLogStream fails with `ResourceAlreadyExistsException`
 * when the name is taken ("log stream names must be unique within the log group"; "there is no
 * limit on the number of log streams", API reference, CreateLogStream,
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogStream.html),
 * so of two deliveries exactly one creates it. The streams stay empty (no cost but their name).
 *
 * - The stream exists: a copy of an execution another invocation serves or served. Nothing is done.
 * - An attempt of this invocation may have created it and lost the answer (a timeout), and a retry
 *   finds it: this invocation's, as a copy racing into that window is far less likely.
 * - The claim cannot be made (CloudWatch Logs unreachable, throttled past the retries, no log group
 *   configured): the hook serves the event anyway. Serving twice is the failure this prevents;
 *   never serving would leave the deployment to fail after CodeDeploy's hour.
 *
 * A delivery that the hook claimed but could not finish (its sandbox died) is not served again by
 * Lambda's retry of it; CodeDeploy then fails the event when its hour is up, as for any hook that
 * does not answer.
 */
export type Claim = 'claimed' | 'duplicate' | 'unclaimed';

/** The log stream that marks an execution (the bake's later invocations get one each): names may not hold `:` or `*`. */
export function claimStreamName(event: LifecycleEvent, invocation: number): string {
  const execution = event.LifecycleEventHookExecutionId.replace(/[:*]/g, '_');
  return `hook-executions/${execution}${invocation > 1 ? `/bake-${invocation}` : ''}`;
}

export async function claimExecution(deps: TrafficHookDependencies, event: LifecycleEvent, invocation: number): Promise<Claim> {
  const logGroupName = deps.claimsLogGroup;
  const logStreamName = claimStreamName(event, invocation);
  if (!logGroupName) {
    logEvent('claim-skipped', { deploymentId: event.DeploymentId, reason: 'no log group to claim the execution in' });
    return 'unclaimed';
  }
  let mayHaveCreated = false;
  try {
    await withRetry('CreateLogStream', async (signal) => {
      try {
        return await deps.logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName }), { abortSignal: signal });
      } catch (err) {
        // Abandoned for time (its signal aborted) or failed ambiguously: CloudWatch Logs may have created the stream.
        if (signal.aborted || isAmbiguous(err)) mayHaveCreated = true;
        throw err;
      }
    }, hookRetry(deps));
    return 'claimed';
  } catch (err) {
    if (errorName(err) === 'ResourceAlreadyExistsException') {
      if (mayHaveCreated) {
        logEvent('claim-assumed', { deploymentId: event.DeploymentId, logStreamName, reason: 'an earlier attempt got no answer' });
        return 'claimed';
      }
      logEvent('duplicate-delivery', { deploymentId: event.DeploymentId, invocation, logStreamName });
      return 'duplicate';
    }
    logEvent('claim-failed', { deploymentId: event.DeploymentId, logStreamName, error: describeError(err) });
    return 'unclaimed';
  }
}
