import {
  BatchGetDeploymentTargetsCommand,
  CodeDeployClient,
  Diagnostics,
  ListDeploymentTargetsCommand,
} from '@aws-sdk/client-codedeploy';
import { describeError } from '../../shared/errors';
import { logEvent } from '../../shared/log';
import { RetryOptions, withRetry } from '../../shared/retry';

/** Where a failed deployment failed first: one instance, its failing lifecycle event and the script's diagnostics. */
export interface InstanceFailure {
  readonly instanceId: string;
  /** `BeforeInstall`, `AfterInstall`, `ValidateService`, ... (absent when no event is marked Failed). */
  readonly lifecycleEventName?: string;
  /** `errorCode` (ScriptFailed, ScriptTimedOut, ...), `scriptName`, `message` and `logTail` (up to 4 KB of the script's output). */
  readonly diagnostics?: Diagnostics;
}

/**
 * The first failed instance of a deployment and its first failed lifecycle event: ListDeploymentTargets
 * filtered on `TargetStatus: Failed`, then BatchGetDeploymentTargets for that instance
 * (https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_ListDeploymentTargets.html,
 * https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_Diagnostics.html).
 *
 * Best effort: the Reason is still worth sending without it, so errors are logged and give `undefined`.
 */
export async function findFirstFailure(
  codedeploy: CodeDeployClient, deploymentId: string, retry: RetryOptions,
): Promise<InstanceFailure | undefined> {
  try {
    const listed = await withRetry('ListDeploymentTargets', (abortSignal) => codedeploy.send(new ListDeploymentTargetsCommand({
      deploymentId, targetFilters: { TargetStatus: ['Failed'] },
    }), { abortSignal }), retry);
    const instanceId = listed.targetIds?.[0];
    if (instanceId === undefined) return undefined;
    const described = await withRetry('BatchGetDeploymentTargets', (abortSignal) => codedeploy.send(new BatchGetDeploymentTargetsCommand({
      deploymentId, targetIds: [instanceId],
    }), { abortSignal }), retry);
    const target = described.deploymentTargets?.[0]?.instanceTarget;
    const failedEvent = target?.lifecycleEvents?.find((event) => event.status === 'Failed');
    return {
      instanceId: target?.targetId ?? instanceId,
      ...(failedEvent?.lifecycleEventName !== undefined ? { lifecycleEventName: failedEvent.lifecycleEventName } : {}),
      ...(failedEvent?.diagnostics !== undefined ? { diagnostics: failedEvent.diagnostics } : {}),
    };
  } catch (err) {
    logEvent('diagnostics-unavailable', { deploymentId, error: describeError(err) });
    return undefined;
  }
}
