import { DeploymentInfo, GetDeploymentCommand, ListDeploymentsCommand } from '@aws-sdk/client-codedeploy';
import { UsageError } from './arguments';
import type { AwsClients } from './aws-clients';
import { describeStack, discoverRollouts, findRollout, Rollout } from './discovery';
import { ACTIVE_DEPLOYMENT_STATUSES } from '../handlers/shared/deployment';

/** The rollout a `stop` or `promote` names, and its active deployment if it has one. */
export async function targetRollout(
  clients: AwsClients, stackName: string, name: string,
): Promise<{ rollout: Rollout; deployment?: DeploymentInfo }> {
  await describeStack(clients, stackName);
  const { rollouts } = await discoverRollouts(clients, stackName);
  const rollout = findRollout(rollouts, name);
  if (!rollout) {
    throw new UsageError(`stack ${stackName} has no rollout ${name}; its rollouts: ${rollouts.map((r) => `${r.path} (group ${r.deploymentGroupName})`).join(', ') || 'none'}`);
  }
  const listed = await clients.codedeploy.send(new ListDeploymentsCommand({
    applicationName: rollout.applicationName, deploymentGroupName: rollout.deploymentGroupName, includeOnlyStatuses: [...ACTIVE_DEPLOYMENT_STATUSES],
  }));
  const id = listed.deployments?.[0];
  if (!id) return { rollout };
  const deployment = (await clients.codedeploy.send(new GetDeploymentCommand({ deploymentId: id }))).deploymentInfo;
  return { rollout, ...(deployment ? { deployment } : {}) };
}

/** What `stop` and `promote` report: what they did (or why nothing), and the exit code. */
export interface ActionResult {
  readonly done: boolean;
  readonly text: string;
  readonly data: Record<string, unknown>;
}
