import {
  GetDeploymentGroupCommand,
  UpdateDeploymentGroupCommand,
} from '@aws-sdk/client-codedeploy';
import type {
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceEvent,
  CloudFormationCustomResourceUpdateEvent,
} from 'aws-lambda';
import { chooseAutoScalingGroups, liveAutoScalingGroups } from './copied-groups';
import { deleteGroup } from './delete-group';
import { notCreatedId } from './group-id';
import { GroupInput, rawAutoScalingGroups, rawGroupField, readGroupInput } from './group-input';
import { applicationChangedReason, groupFailedReason, groupInternalErrorReason, invalidPropertiesReason } from './group-reasons';
import { createDeploymentGroup } from './unanswered-create';
import { updateInput } from './update-input';
import { DEPLOYMENT_GROUP_ATTRIBUTE_ID } from '../../../contract/deployment-group';
import { describeError } from '../../shared/errors';
import { logEvent } from '../../shared/log';
import { withRetry } from '../../shared/retry';
import type { Answer } from '../cfn-response';
import { ServerDeployerDependencies, retryOptions } from '../dependencies';

/**
 * The `Custom::CodeDeployServerDeploymentGroup` resource: an EC2 blue/green deployment group, which
 * CloudFormation's AWS::CodeDeploy::DeploymentGroup refuses. Each request is a few short calls, so
 * it is answered in one invocation. Never throws.
 */
export async function handleDeploymentGroup(deps: ServerDeployerDependencies, event: CloudFormationCustomResourceEvent): Promise<Answer> {
  try {
    switch (event.RequestType) {
      case 'Create': return await createGroup(deps, event, notCreatedId(event.LogicalResourceId));
      case 'Update': return await updateGroup(deps, event);
      case 'Delete': return await deleteGroup(deps, event);
    }
  } catch (err) {
    logEvent('internal-error', { error: describeError(err), stack: err instanceof Error ? err.stack : undefined });
    return {
      status: 'FAILED',
      physicalResourceId: event.RequestType === 'Create' ? notCreatedId(event.LogicalResourceId) : event.PhysicalResourceId,
      reason: groupInternalErrorReason(err),
    };
  }
}

/**
 * Creates the group the template describes. `failedId` is the physical id to answer if that fails:
 * the placeholder on Create, the old group's name when an Update replaces the group.
 */
async function createGroup(
  deps: ServerDeployerDependencies, event: CloudFormationCustomResourceCreateEvent | CloudFormationCustomResourceUpdateEvent, failedId: string,
): Promise<Answer> {
  const read = readGroupInput(event.ResourceProperties);
  if (!read.ok) return { status: 'FAILED', physicalResourceId: failedId, reason: invalidPropertiesReason(read.problems) };
  const input = read.input;
  try {
    const output = await createDeploymentGroup(deps, input);
    logEvent('deployment-group-created', { ...names(input), deploymentGroupId: output.deploymentGroupId });
    return success(input.deploymentGroupName, output.deploymentGroupId);
  } catch (err) {
    logEvent('deployment-group-create-failed', { ...names(input), error: describeError(err) });
    return { status: 'FAILED', physicalResourceId: failedId, reason: groupFailedReason('create', input.deploymentGroupName, input.applicationName, err) };
  }
}

/**
 * A new group name replaces the group (CloudFormation then deletes the old one, named by the old
 * physical id); anything else updates the live group in place. A new application under the same
 * group name is refused: the physical id would stay the same, so the old group would never be deleted.
 */
async function updateGroup(deps: ServerDeployerDependencies, event: CloudFormationCustomResourceUpdateEvent): Promise<Answer> {
  const oldName = event.PhysicalResourceId;
  const read = readGroupInput(event.ResourceProperties);
  if (!read.ok) return { status: 'FAILED', physicalResourceId: oldName, reason: invalidPropertiesReason(read.problems) };
  const template = read.input;
  const oldApplication = rawGroupField(event.OldResourceProperties, 'ApplicationName');
  if (template.deploymentGroupName === oldName && oldApplication !== undefined && template.applicationName !== oldApplication) {
    // The physical id (the group's name) would not change, so CloudFormation would never delete the old group.
    return { status: 'FAILED', physicalResourceId: oldName, reason: applicationChangedReason(oldName, oldApplication, template.applicationName) };
  }
  if (template.deploymentGroupName !== oldName) {
    logEvent('deployment-group-replaced', { oldApplicationName: oldApplication, oldDeploymentGroupName: oldName, ...names(template) });
    return createGroup(deps, event, oldName);
  }
  try {
    const live = await withRetry('GetDeploymentGroup', (abortSignal) => deps.codedeploy.send(new GetDeploymentGroupCommand({
      applicationName: template.applicationName, deploymentGroupName: oldName,
    }), { abortSignal }), retryOptions(deps));
    const liveGroups = liveAutoScalingGroups(live.deploymentGroupInfo ?? {});
    const templateGroups = template.autoScalingGroups ?? [];
    const choice = chooseAutoScalingGroups(templateGroups, rawAutoScalingGroups(event.OldResourceProperties), liveGroups, oldName);
    if (choice.keptCopies) {
      logEvent('kept-copied-auto-scaling-groups', { ...names(template), templateAutoScalingGroups: templateGroups, liveAutoScalingGroups: liveGroups });
    }
    const input = updateInput(oldName, template, choice.autoScalingGroups);
    await withRetry('UpdateDeploymentGroup', (abortSignal) => deps.codedeploy.send(new UpdateDeploymentGroupCommand(input), { abortSignal }), retryOptions(deps));
    logEvent('deployment-group-updated', { ...names(template), autoScalingGroups: choice.autoScalingGroups });
    return success(oldName, live.deploymentGroupInfo?.deploymentGroupId);
  } catch (err) {
    logEvent('deployment-group-update-failed', { ...names(template), error: describeError(err) });
    return { status: 'FAILED', physicalResourceId: oldName, reason: groupFailedReason('update', oldName, template.applicationName, err) };
  }
}

function success(deploymentGroupName: string, deploymentGroupId: string | undefined): Answer {
  return { status: 'SUCCESS', physicalResourceId: deploymentGroupName, data: { [DEPLOYMENT_GROUP_ATTRIBUTE_ID]: deploymentGroupId ?? '' } };
}

function names(input: GroupInput): { applicationName: string; deploymentGroupName: string } {
  return { applicationName: input.applicationName, deploymentGroupName: input.deploymentGroupName };
}
