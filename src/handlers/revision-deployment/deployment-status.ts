import type { DeploymentStatus } from '@aws-sdk/client-codedeploy';

/**
 * CodeDeploy's deployment statuses (https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_DeploymentInfo.html):
 * Succeeded, Failed and Stopped are final; the others are steps on the way.
 */
const TERMINAL: ReadonlySet<string> = new Set<DeploymentStatus>(['Succeeded', 'Failed', 'Stopped']);
/** The statuses of a deployment that is still running (CodeDeploy runs one at a time per deployment group). */
export const ACTIVE_STATUSES: readonly DeploymentStatus[] = ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'];
const IN_PROGRESS: ReadonlySet<string> = new Set<DeploymentStatus>(ACTIVE_STATUSES);

/** Whether CodeDeploy has reached its verdict on a deployment. */
export function isTerminal(status: string | undefined): boolean {
  return status !== undefined && TERMINAL.has(status);
}

/** Whether a deployment is still running, so that StopDeployment applies to it. */
export function isInProgress(status: string | undefined): boolean {
  return status !== undefined && IN_PROGRESS.has(status);
}
