import { CodeDeployClient, DeploymentInfo, DeploymentStatus, GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { RetryOptions, withRetry } from './retry';

/**
 * A CodeDeploy deployment as both functions read it: the server deployer follows its own
 * deployments, the traffic hook checks that the deployment it serves still runs.
 *
 * CodeDeploy's deployment statuses (https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_DeploymentInfo.html):
 * Succeeded, Failed and Stopped are final; the others are steps on the way.
 */
const TERMINAL_STATUSES: ReadonlySet<string> = new Set<DeploymentStatus>(['Succeeded', 'Failed', 'Stopped']);
/**
 * The statuses of a deployment that still runs: StopDeployment applies to it, a hook of it still
 * has work to do, and `cdk-rollouts` lists a group's deployments in them (ListDeployments'
 * `includeOnlyStatuses`). CodeDeploy runs one deployment at a time per deployment group.
 */
export const ACTIVE_DEPLOYMENT_STATUSES: readonly DeploymentStatus[] = ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'];
const ACTIVE_STATUSES: ReadonlySet<string> = new Set<string>(ACTIVE_DEPLOYMENT_STATUSES);

/** Whether CodeDeploy has reached its verdict on a deployment. */
export function isTerminal(status: string | undefined): boolean {
  return status !== undefined && TERMINAL_STATUSES.has(status);
}

/** Whether a deployment still runs (nobody stopped it, no alarm did, and CodeDeploy has no verdict yet). */
export function isActive(status: string | undefined): boolean {
  return status !== undefined && ACTIVE_STATUSES.has(status);
}

/** The deployment, as GetDeployment returns it, under the caller's retry options. */
export async function getDeployment(codedeploy: CodeDeployClient, deploymentId: string, retry: RetryOptions): Promise<DeploymentInfo> {
  const output = await withRetry('GetDeployment', (abortSignal) => codedeploy.send(new GetDeploymentCommand({ deploymentId }), { abortSignal }), retry);
  if (!output.deploymentInfo) throw new Error(`GetDeployment returned no information about ${deploymentId}`);
  return output.deploymentInfo;
}
