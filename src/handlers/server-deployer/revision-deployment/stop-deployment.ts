import { CodeDeployClient, StopDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { errorName } from '../../shared/errors';
import { logEvent } from '../../shared/log';
import { RetryOptions, withRetry } from '../../shared/retry';

/**
 * StopDeployment, with `autoRollbackEnabled` deciding whether instances already updated go back
 * to the previous revision (https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_StopDeployment.html).
 * A deployment that completed meanwhile (`DeploymentAlreadyCompletedException`) is not an error.
 */
export async function stopDeployment(
  codedeploy: CodeDeployClient, deploymentId: string, autoRollbackEnabled: boolean, retry: RetryOptions,
): Promise<'requested' | 'already-completed'> {
  try {
    await withRetry('StopDeployment', (abortSignal) => codedeploy.send(new StopDeploymentCommand({ deploymentId, autoRollbackEnabled }), { abortSignal }), retry);
    logEvent('stop-requested', { deploymentId, autoRollbackEnabled });
    return 'requested';
  } catch (err) {
    if (errorName(err) !== 'DeploymentAlreadyCompletedException') throw err;
    logEvent('stop-not-needed', { deploymentId, reason: 'already completed' });
    return 'already-completed';
  }
}
