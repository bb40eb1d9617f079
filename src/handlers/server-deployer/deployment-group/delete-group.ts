import { DeleteAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { DeleteDeploymentGroupCommand, GetDeploymentGroupCommand } from '@aws-sdk/client-codedeploy';
import type { CloudFormationCustomResourceDeleteEvent } from 'aws-lambda';
import { copiedAutoScalingGroups, liveAutoScalingGroups } from './copied-groups';
import { mayNameCreatedGroup } from './group-id';
import { rawAutoScalingGroups, rawGroupField } from './group-input';
import { groupFailedReason } from './group-reasons';
import { describeError, errorMessage, errorName } from '../../shared/errors';
import { logEvent } from '../../shared/log';
import { withRetry } from '../../shared/retry';
import type { Answer } from '../cfn-response';
import { ServerDeployerDependencies, retryOptions } from '../dependencies';

/** CodeDeploy's answers for a group (or its application) that no longer exists: nothing to delete. */
const GROUP_GONE = new Set(['DeploymentGroupDoesNotExistException', 'ApplicationDoesNotExistException']);

/**
 * Delete: the deployment group, then the Auto Scaling groups its blue/green deployments copied and
 * that it still points at (the stack owns what its deployments created; the group the template
 * names is the stack's own resource and never touched here).
 *
 * FAILED only when the deployment group itself cannot be read or deleted (nothing was deleted, so
 * CloudFormation's retry of the Delete is safe). A copy that cannot be deleted does not fail the
 * Delete, which would block the stack's deletion over a resource the stack does not declare:
 * CloudFormation shows no Reason on SUCCESS, so the copies left behind are logged
 * (`copied-auto-scaling-groups-left`).
 */
export async function deleteGroup(deps: ServerDeployerDependencies, event: CloudFormationCustomResourceDeleteEvent): Promise<Answer> {
  const deploymentGroupName = event.PhysicalResourceId;
  const answer: Answer = { status: 'SUCCESS', physicalResourceId: deploymentGroupName };
  const applicationName = rawGroupField(event.ResourceProperties, 'ApplicationName');
  if (!mayNameCreatedGroup(deploymentGroupName, event.LogicalResourceId, rawGroupField(event.ResourceProperties, 'DeploymentGroupName'))) {
    logEvent('delete-nothing', { physicalResourceId: deploymentGroupName, reason: 'no deployment group was created' });
    return answer;
  }
  if (!applicationName) {
    logEvent('delete-nothing', { physicalResourceId: deploymentGroupName, reason: 'the properties name no application' });
    return answer;
  }
  const group = { applicationName, deploymentGroupName };

  let copies: string[];
  try {
    const live = await withRetry('GetDeploymentGroup', (abortSignal) => deps.codedeploy.send(new GetDeploymentGroupCommand(group), { abortSignal }), retryOptions(deps));
    const liveGroups = liveAutoScalingGroups(live.deploymentGroupInfo ?? {});
    copies = copiedAutoScalingGroups(liveGroups, deploymentGroupName, rawAutoScalingGroups(event.ResourceProperties));
  } catch (err) {
    if (GROUP_GONE.has(errorName(err))) {
      logEvent('delete-nothing', { ...group, reason: errorName(err) });
      return answer;
    }
    return deleteFailed(answer, group, err);
  }
  try {
    const output = await withRetry('DeleteDeploymentGroup', (abortSignal) => deps.codedeploy.send(new DeleteDeploymentGroupCommand(group), { abortSignal }), retryOptions(deps));
    const hooksNotCleanedUp = (output.hooksNotCleanedUp ?? []).map((asg) => asg.name);
    logEvent('deployment-group-deleted', {
      ...group, copiedAutoScalingGroups: copies, hooksNotCleanedUp: hooksNotCleanedUp.length > 0 ? hooksNotCleanedUp : undefined,
    });
  } catch (err) {
    if (!GROUP_GONE.has(errorName(err))) return deleteFailed(answer, group, err);
    logEvent('deployment-group-already-gone', { ...group, reason: errorName(err) });
  }

  const left: string[] = [];
  for (const autoScalingGroupName of copies) {
    if (!await deleteCopy(deps, autoScalingGroupName, deploymentGroupName)) left.push(autoScalingGroupName);
  }
  if (left.length > 0) {
    logEvent('copied-auto-scaling-groups-left', {
      ...group, autoScalingGroups: left, action: 'delete these Auto Scaling groups by hand: CodeDeploy created them for this stack\'s deployments',
    });
  }
  return answer;
}

function deleteFailed(answer: Answer, group: { applicationName: string; deploymentGroupName: string }, err: unknown): Answer {
  logEvent('deployment-group-delete-failed', { ...group, error: describeError(err) });
  return { ...answer, status: 'FAILED', reason: groupFailedReason('delete', group.deploymentGroupName, group.applicationName, err) };
}

/** Deletes one copy, instances included; true if it is gone. */
async function deleteCopy(deps: ServerDeployerDependencies, autoScalingGroupName: string, deploymentGroupName: string): Promise<boolean> {
  try {
    await withRetry('DeleteAutoScalingGroup', (abortSignal) => deps.autoscaling.send(new DeleteAutoScalingGroupCommand({
      AutoScalingGroupName: autoScalingGroupName, ForceDelete: true,
    }), { abortSignal }), retryOptions(deps));
    logEvent('deleted-copied-auto-scaling-group', { autoScalingGroupName, deploymentGroupName });
    return true;
  } catch (err) {
    if (isAutoScalingGroupGone(err)) {
      logEvent('copied-auto-scaling-group-already-gone', { autoScalingGroupName, deploymentGroupName });
      return true;
    }
    logEvent('copied-auto-scaling-group-not-deleted', { autoScalingGroupName, deploymentGroupName, error: describeError(err) });
    return false;
  }
}

/** Auto Scaling answers a missing group with `ValidationError: AutoScalingGroup name not found - ...`. */
function isAutoScalingGroupGone(err: unknown): boolean {
  return errorName(err) === 'ValidationError' && /not found/i.test(errorMessage(err));
}
