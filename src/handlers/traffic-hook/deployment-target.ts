import {
  CodeDeployClient, DeploymentInfo, GetApplicationRevisionCommand, RevisionLocation,
} from '@aws-sdk/client-codedeploy';
import { appSpecTarget, DeploymentTarget } from './app-spec-target';
import { RetryOptions, withRetry } from '../shared/retry';

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
