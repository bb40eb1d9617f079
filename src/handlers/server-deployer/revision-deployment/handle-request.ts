import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import type { RequestState } from './continuation';
import { notDeployedId } from './deployment-id';
import { internalErrorReason } from './failure-reason';
import { handleDelete } from './handle-delete';
import { handleDeploy } from './handle-deploy';
import { describeError } from '../../shared/errors';
import { logEvent } from '../../shared/log';
import type { Answer } from '../cfn-response';
import type { ServerDeployerDependencies } from '../dependencies';

/**
 * The `RevisionDeployment` custom resource (`Custom::CodeDeployRevisionDeployment`): Create and
 * Update deploy the revision and answer with CodeDeploy's verdict (handle-deploy.ts), Delete stops
 * a deployment still in progress (handle-delete.ts). `resumed`: where an earlier invocation of the
 * same request left off (continuation.ts). Returns `undefined` when the work was handed over to a
 * new invocation, which will answer. Never throws: an error of its own is answered FAILED.
 */
export async function handleRevisionDeployment(
  deps: ServerDeployerDependencies, context: Context, event: CloudFormationCustomResourceEvent, startedAt: number, resumed?: RequestState,
): Promise<Answer | undefined> {
  try {
    return event.RequestType === 'Delete'
      ? await handleDelete(deps, event)
      : await handleDeploy(deps, context, event, startedAt, resumed);
  } catch (err) {
    logEvent('internal-error', { error: describeError(err), stack: err instanceof Error ? err.stack : undefined });
    return {
      status: 'FAILED',
      physicalResourceId: event.RequestType === 'Create' ? resumed?.deploymentId ?? notDeployedId(event.LogicalResourceId) : event.PhysicalResourceId,
      reason: internalErrorReason(err),
    };
  }
}
