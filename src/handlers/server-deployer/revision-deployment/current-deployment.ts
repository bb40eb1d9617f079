import { ListDeploymentsCommand } from '@aws-sdk/client-codedeploy';
import type { DeploymentSettings } from './deployment-properties';
import type { WatchOptions } from './deployment-watch';
import { sameValue } from './property-changes';
import { getDeployment } from '../../shared/deployment';
import { describeError } from '../../shared/errors';
import { logEvent } from '../../shared/log';
import { withRetry } from '../../shared/retry';
import { retryOptions } from '../dependencies';

/** At most this many of the group's deployments are read to find the one an unchanged resource stands for. */
export const CURRENT_DEPLOYMENT_READS = 10;

/**
 * The deployment an update that deploys nothing (only the timeout changed) answers as the resource's
 * `DeploymentId`. The physical id names the resource's first deployment, not its latest: an Update
 * keeps it (handle-deploy.ts, so that CloudFormation rolls a failed stack update back with an
 * Update that deploys the previous revision again). So the group's succeeded deployments are read,
 * in the order ListDeployments gives them (one page; CodeDeploy documents no order), until one
 * deployed the resource's revision; at most `CURRENT_DEPLOYMENT_READS`. None found, or CodeDeploy
 * cannot be read: the physical id's deployment, which deployed the resource first. Never throws:
 * the update itself has nothing to do.
 */
export async function currentDeploymentId(watch: WatchOptions, settings: DeploymentSettings, physicalResourceId: string): Promise<string> {
  const { applicationName, deploymentGroupName, revision } = settings.createDeployment;
  try {
    const listed = await withRetry('ListDeployments', (abortSignal) => watch.codedeploy.send(new ListDeploymentsCommand({
      applicationName, deploymentGroupName, includeOnlyStatuses: ['Succeeded'],
    }), { abortSignal }), retryOptions(watch));
    for (const deploymentId of (listed.deployments ?? []).slice(0, CURRENT_DEPLOYMENT_READS)) {
      const info = await getDeployment(watch.codedeploy, deploymentId, retryOptions(watch));
      if (sameValue(info.revision, revision)) return deploymentId;
    }
    logEvent('current-deployment-not-found', { physicalResourceId, read: Math.min(listed.deployments?.length ?? 0, CURRENT_DEPLOYMENT_READS) });
  } catch (err) {
    logEvent('current-deployment-unknown', { physicalResourceId, error: describeError(err) });
  }
  return physicalResourceId;
}
