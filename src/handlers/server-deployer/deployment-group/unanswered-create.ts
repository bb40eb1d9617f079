import { CreateDeploymentGroupCommand, CreateDeploymentGroupCommandOutput, GetDeploymentGroupCommand } from '@aws-sdk/client-codedeploy';
import type { GroupInput } from './group-input';
import { describeError, errorName } from '../../shared/errors';
import { logEvent } from '../../shared/log';
import { isAmbiguous, isThrottling, withRetry } from '../../shared/retry';
import { ServerDeployerDependencies, retryOptions } from '../dependencies';

/**
 * CreateDeploymentGroup takes no client token, and an attempt that got no answer (abandoned after
 * its timeout, a reset connection, a 5xx) may still have created the group: repeating it blindly
 * would then fail with `DeploymentGroupAlreadyExistsException` and leave the group behind, unowned.
 * So only throttling (refused unprocessed) is retried blindly; after any other retryable failure the
 * group is looked up first.
 */

/** Attempts after an unanswered one, each a look then (if the group is not there) a create. */
const MAX_UNANSWERED_ATTEMPTS = 3;

/** CreateDeploymentGroup, answered: the group's id. Throws what CodeDeploy refused with, or the last unanswered attempt's error. */
export async function createDeploymentGroup(deps: ServerDeployerDependencies, input: GroupInput): Promise<CreateDeploymentGroupCommandOutput> {
  const create = (): Promise<CreateDeploymentGroupCommandOutput> => withRetry(
    'CreateDeploymentGroup',
    (abortSignal) => deps.codedeploy.send(new CreateDeploymentGroupCommand(input), { abortSignal }),
    { ...retryOptions(deps), retryIf: isThrottling },
  );
  let unanswered: unknown;
  try {
    return await create();
  } catch (err) {
    if (!isAmbiguous(err)) throw err;
    unanswered = err;
  }
  for (let attempt = 1; attempt <= MAX_UNANSWERED_ATTEMPTS; attempt++) {
    logEvent('create-group-unanswered', {
      applicationName: input.applicationName, deploymentGroupName: input.deploymentGroupName, error: describeError(unanswered), attempt,
    });
    const found = await findCreatedGroup(deps, input);
    if (found) return found;
    try {
      return await create();
    } catch (err) {
      if (!isAmbiguous(err)) throw err;
      unanswered = err;
    }
  }
  throw unanswered;
}

/**
 * The group the unanswered attempt created, if it exists and is this template's: same service role
 * (the stack's own role ARN; a group someone else made under this name would have its own role).
 */
async function findCreatedGroup(deps: ServerDeployerDependencies, input: GroupInput): Promise<CreateDeploymentGroupCommandOutput | undefined> {
  try {
    const live = await withRetry('GetDeploymentGroup', (abortSignal) => deps.codedeploy.send(new GetDeploymentGroupCommand({
      applicationName: input.applicationName, deploymentGroupName: input.deploymentGroupName,
    }), { abortSignal }), retryOptions(deps));
    const info = live.deploymentGroupInfo;
    if (!info || info.serviceRoleArn !== input.serviceRoleArn) return undefined;
    logEvent('deployment-group-adopted', {
      applicationName: input.applicationName, deploymentGroupName: input.deploymentGroupName, deploymentGroupId: info.deploymentGroupId,
    });
    return { deploymentGroupId: info.deploymentGroupId, $metadata: live.$metadata };
  } catch (err) {
    if (errorName(err) === 'DeploymentGroupDoesNotExistException') return undefined;
    throw err;
  }
}
