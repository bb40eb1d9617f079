import {
  CodeDeployClient, DeploymentInfo, GetApplicationRevisionCommand, GetDeploymentCommand, RevisionLocation,
} from '@aws-sdk/client-codedeploy';
import { appSpecTarget, DeploymentTarget } from './app-spec-target';
import { RetryOptions, withRetry } from '../shared/retry';

/** Deployment statuses in which a hook still has work to do (CodeDeploy API reference, DeploymentInfo `status`). */
const ACTIVE_STATUSES = new Set(['Created', 'Queued', 'InProgress', 'Baking', 'Ready']);

/** The deployment, as GetDeployment returns it. */
export async function getDeployment(codedeploy: CodeDeployClient, deploymentId: string, retry: RetryOptions): Promise<DeploymentInfo> {
  const response = await withRetry('GetDeployment', (signal) => codedeploy.send(new GetDeploymentCommand({ deploymentId }), { abortSignal: signal }), retry);
  if (!response.deploymentInfo) {
    throw new Error(`GetDeployment returned nothing for deployment ${deploymentId}`);
  }
  return response.deploymentInfo;
}

/** Whether the deployment still waits for hooks (it may have been stopped, by an alarm or a person). */
export function isActive(deployment: DeploymentInfo): boolean {
  return ACTIVE_STATUSES.has(deployment.status ?? '');
}

/**
 * The deployment's target: from the AppSpec the deployment carries (CloudFormation passes it
 * inline, as `AppSpecContent`), else from its registered revision (GetApplicationRevision).
 */
export async function deploymentTarget(codedeploy: CodeDeployClient, deployment: DeploymentInfo, retry: RetryOptions): Promise<DeploymentTarget> {
  const inline = appSpecContent(deployment.revision);
  if (inline !== undefined) {
    return appSpecTarget(inline);
  }
  const response = await withRetry('GetApplicationRevision', (signal) => codedeploy.send(new GetApplicationRevisionCommand({
    applicationName: deployment.applicationName,
    revision: deployment.revision,
  }), { abortSignal: signal }), retry);
  const registered = appSpecContent(response.revision);
  if (registered === undefined) {
    throw new Error(`deployment ${deployment.deploymentId} has no AppSpec content the hook can read `
      + `(revision type ${deployment.revision?.revisionType ?? 'none'})`);
  }
  return appSpecTarget(registered);
}

function appSpecContent(revision: RevisionLocation | undefined): string | undefined {
  return revision?.appSpecContent?.content ?? revision?.string?.content;
}
