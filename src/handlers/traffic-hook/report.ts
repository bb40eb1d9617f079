import { CodeDeployClient, PutLifecycleEventHookExecutionStatusCommand } from '@aws-sdk/client-codedeploy';
import type { LifecycleEvent, Verdict } from './lifecycle-event';
import { describeError, errorName } from '../shared/errors';
import { logEvent } from '../shared/log';
import { RetryOptions, withRetry } from '../shared/retry';

/** The deployment or the event ended without this hook (stopped, or timed out): nothing left to report to. */
const ALREADY_OVER = new Set(['LifecycleEventAlreadyCompletedException', 'DeploymentAlreadyCompletedException', 'DeploymentDoesNotExistException']);

/**
 * Tells CodeDeploy the verdict. Never throws: if the report cannot be made, CodeDeploy fails the
 * event itself when its hour is up, which is the verdict an error deserves anyway.
 */
export async function reportVerdict(codedeploy: CodeDeployClient, event: LifecycleEvent, verdict: Verdict, retry: RetryOptions): Promise<void> {
  logEvent('verdict', { deploymentId: event.DeploymentId, status: verdict.status, reason: verdict.reason });
  try {
    await withRetry('PutLifecycleEventHookExecutionStatus', (signal) => codedeploy.send(new PutLifecycleEventHookExecutionStatusCommand({
      deploymentId: event.DeploymentId,
      lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId,
      status: verdict.status,
    }), { abortSignal: signal }), retry);
  } catch (err) {
    logEvent(ALREADY_OVER.has(errorName(err)) ? 'already-over' : 'report-failed', { deploymentId: event.DeploymentId, error: describeError(err) });
  }
}
