import type { CloudFormationCustomResourceDeleteEvent } from 'aws-lambda';
import { isDeploymentId } from './deployment-id';
import { readRollbackOnStop } from './deployment-properties';
import { stopDeployment } from './stop-deployment';
import { getDeployment, isActive } from '../../shared/deployment';
import { describeError, errorName } from '../../shared/errors';
import { logEvent } from '../../shared/log';
import type { Answer } from '../cfn-response';
import { ServerDeployerDependencies, retryOptions } from '../dependencies';

/**
 * Delete: a finished deployment is history, there is nothing to delete. A deployment still in
 * progress (CloudFormation gave up waiting on a Create, or the stack is rolled back or deleted
 * meanwhile) is stopped, rolled back if `RollbackOnStop` says so. The physical id is the resource's
 * first deployment (an Update keeps it: handle-deploy.ts); later ones were each awaited by their
 * Update, which stopped any that outlived its timeout.
 *
 * Always SUCCESS: failing a Delete would block the stack's deletion or rollback over a deployment
 * that holds no resources; a stop that fails is logged instead.
 */
export async function handleDelete(deps: ServerDeployerDependencies, event: CloudFormationCustomResourceDeleteEvent): Promise<Answer> {
  const deploymentId = event.PhysicalResourceId;
  const answer: Answer = { status: 'SUCCESS', physicalResourceId: deploymentId };
  if (!isDeploymentId(deploymentId)) {
    logEvent('delete-nothing', { physicalResourceId: deploymentId, reason: 'no deployment was created' });
    return answer;
  }
  try {
    const deployment = await getDeployment(deps.codedeploy, deploymentId, retryOptions(deps));
    if (!isActive(deployment.status)) {
      logEvent('delete-nothing', { deploymentId, status: deployment.status });
      return answer;
    }
    await stopDeployment(deps.codedeploy, deploymentId, readRollbackOnStop(event.ResourceProperties), retryOptions(deps));
  } catch (err) {
    if (errorName(err) === 'DeploymentDoesNotExistException') {
      logEvent('delete-nothing', { deploymentId, reason: 'deployment does not exist' });
    } else {
      logEvent('delete-stop-failed', { deploymentId, error: describeError(err) });
    }
  }
  return answer;
}
