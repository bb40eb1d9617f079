import { BatchGetDeploymentTargetsCommand, DeploymentTarget, ListDeploymentTargetsCommand, TargetStatus } from '@aws-sdk/client-codedeploy';
import type { AwsClients } from './aws-clients';

/** BatchGetDeploymentTargets reads at most 25 instance targets per call (API reference, `targetIds`). */
export const TARGETS_PER_CALL = 25;

/** Every target id of a deployment (ListDeploymentTargets, all pages), optionally only those in `statuses`. */
export async function listTargets(clients: AwsClients, deploymentId: string, statuses?: TargetStatus[]): Promise<string[]> {
  const ids: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await clients.codedeploy.send(new ListDeploymentTargetsCommand({
      deploymentId, nextToken, ...(statuses ? { targetFilters: { TargetStatus: statuses } } : {}),
    }));
    ids.push(...(page.targetIds ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return ids;
}

/** The targets of these ids (at most `TARGETS_PER_CALL`). */
export async function getTargets(clients: AwsClients, deploymentId: string, targetIds: string[]): Promise<DeploymentTarget[]> {
  if (targetIds.length === 0) return [];
  const response = await clients.codedeploy.send(new BatchGetDeploymentTargetsCommand({
    deploymentId, targetIds: targetIds.slice(0, TARGETS_PER_CALL),
  }));
  return response.deploymentTargets ?? [];
}
