import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { isContinuation } from './continuation';
import { notDeployedId } from './deployment-id';
import { internalErrorReason } from './failure-reason';
import { handleDelete } from './handle-delete';
import { handleDeploy } from './handle-deploy';
import { DEPLOYMENT_GROUP_RESOURCE_TYPE } from '../../contract/deployment-group';
import { handleDeploymentGroup } from '../deployment-group/handle-group';
import { Answer, responseBody } from '../shared/cfn-response';
import type { HandlerDependencies } from '../shared/dependencies';
import { describeError } from '../shared/errors';
import { logEvent } from '../shared/log';

/** The Lambda handler: invoked asynchronously by CloudFormation, or by itself to carry on watching. */
export type RevisionDeploymentHandler = (payload: unknown, context: Context) => Promise<void>;

/**
 * The custom resource handler: `RevisionDeployment` (below), and `Custom::CodeDeployServerDeploymentGroup`
 * (dispatched on `ResourceType` to ../deployment-group/).
 *
 * CloudFormation invokes it asynchronously and waits for an answer PUT to the request's ResponseURL
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref.html), so the handler
 * answers on every path, errors included, and never throws: a throw would only make Lambda retry
 * the event, which could start a second deployment.
 */
export function createHandler(deps: HandlerDependencies): RevisionDeploymentHandler {
  return async (payload, context) => {
    const startedAt = deps.clock.now();
    // Every call's retries fit in this invocation's time (shared/retry.ts).
    const invocation: HandlerDependencies = typeof context?.getRemainingTimeInMillis === 'function'
      ? { ...deps, remainingTimeMs: () => context.getRemainingTimeInMillis() }
      : deps;
    const continuation = isContinuation(payload) ? payload : undefined;
    const event = (continuation ? continuation.event : payload) as CloudFormationCustomResourceEvent;
    if (!isCloudFormationRequest(event)) {
      logEvent('ignored', { reason: 'neither a CloudFormation request nor a continuation' });
      return;
    }
    if (!continuation && event.ResourceType === DEPLOYMENT_GROUP_RESOURCE_TYPE) {
      // A deployment group request: a few short calls, answered in this invocation (deployment-group/).
      logEvent('request', {
        resourceType: event.ResourceType,
        requestType: event.RequestType,
        requestId: event.RequestId,
        stackId: event.StackId,
        logicalResourceId: event.LogicalResourceId,
        physicalResourceId: event.RequestType === 'Create' ? undefined : event.PhysicalResourceId,
      });
      await answerCloudFormation(deps, event, await handleDeploymentGroup(invocation, event));
      return;
    }
    logEvent('request', {
      requestType: event.RequestType,
      requestId: event.RequestId,
      stackId: event.StackId,
      logicalResourceId: event.LogicalResourceId,
      physicalResourceId: event.RequestType === 'Create' ? undefined : event.PhysicalResourceId,
      invocation: continuation?.state.invocation ?? 1,
      deploymentId: continuation?.state.deploymentId,
      phase: continuation?.state.phase,
    });

    let answer: Answer | undefined;
    try {
      answer = event.RequestType === 'Delete'
        ? await handleDelete(invocation, event)
        : await handleDeploy(invocation, context, event, startedAt, continuation?.state);
    } catch (err) {
      logEvent('internal-error', { error: describeError(err), stack: err instanceof Error ? err.stack : undefined });
      answer = {
        status: 'FAILED',
        physicalResourceId: event.RequestType === 'Create' ? continuation?.state.deploymentId ?? notDeployedId(event.LogicalResourceId) : event.PhysicalResourceId,
        reason: internalErrorReason(err),
      };
    }
    if (answer) await answerCloudFormation(deps, event, answer);
  };
}

/** PUTs the answer; a failure to answer is logged (CloudFormation then times out), never thrown. */
async function answerCloudFormation(deps: HandlerDependencies, event: CloudFormationCustomResourceEvent, answer: Answer): Promise<void> {
  const body = responseBody(event, answer);
  const { Reason } = JSON.parse(body) as { Reason?: string };
  logEvent('answer', { status: answer.status, physicalResourceId: answer.physicalResourceId, reason: Reason, bytes: Buffer.byteLength(body) });
  try {
    await deps.sendResponse(event.ResponseURL, body);
  } catch (err) {
    logEvent('answer-failed', { error: describeError(err) });
  }
}

function isCloudFormationRequest(event: unknown): event is CloudFormationCustomResourceEvent {
  if (typeof event !== 'object' || event === null) return false;
  const { RequestType, ResponseURL } = event as Record<string, unknown>;
  return (RequestType === 'Create' || RequestType === 'Update' || RequestType === 'Delete') && typeof ResponseURL === 'string';
}
