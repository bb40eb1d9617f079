import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { Answer, responseBody } from './cfn-response';
import type { ServerDeployerDependencies } from './dependencies';
import { handleDeploymentGroup } from './deployment-group/handle-request';
import { REQUEST_CONTINUATIONS } from './revision-deployment/continuation';
import { handleRevisionDeployment } from './revision-deployment/handle-request';
import { DEPLOYMENT_GROUP_RESOURCE_TYPE } from '../../contract/deployment-group';
import { describeError } from '../shared/errors';
import { logEvent } from '../shared/log';

/** The Lambda handler: invoked asynchronously by CloudFormation, or by itself to carry on watching a deployment. */
export type ServerDeployerHandler = (payload: unknown, context: Context) => Promise<void>;

/**
 * The server deployer: the custom resource handler of a stack's `RevisionDeployment`s
 * (./revision-deployment/) and of its blue/green deployment groups, which CloudFormation cannot
 * create (`Custom::CodeDeployServerDeploymentGroup`, ./deployment-group/), told apart by
 * `ResourceType`. A continuation (one invocation handing a long deployment over to the next) is
 * always a revision deployment's: a deployment group request is a few short calls, answered in
 * the invocation that received it.
 *
 * CloudFormation invokes it asynchronously and waits for an answer PUT to the request's ResponseURL
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref.html), so the handler
 * answers on every path, errors included, and never throws: a throw would only make Lambda retry
 * the event, which could start a second deployment.
 */
export function createServerDeployerHandler(deps: ServerDeployerDependencies): ServerDeployerHandler {
  return async (payload, context) => {
    const startedAt = deps.clock.now();
    // Every call's retries fit in this invocation's time (shared/retry.ts).
    const invocation: ServerDeployerDependencies = typeof context?.getRemainingTimeInMillis === 'function'
      ? { ...deps, remainingTimeMs: () => context.getRemainingTimeInMillis() }
      : deps;
    const continuation = REQUEST_CONTINUATIONS.read(payload);
    const event = (continuation ? continuation.event : payload) as CloudFormationCustomResourceEvent;
    if (!isCloudFormationRequest(event)) {
      logEvent('ignored', { reason: 'neither a CloudFormation request nor a continuation' });
      return;
    }
    let answer: Answer | undefined;
    if (!continuation && event.ResourceType === DEPLOYMENT_GROUP_RESOURCE_TYPE) {
      logEvent('request', { resourceType: event.ResourceType, ...requestFields(event) });
      answer = await handleDeploymentGroup(invocation, event);
    } else {
      logEvent('request', {
        ...requestFields(event),
        invocation: continuation?.state.invocation ?? 1,
        deploymentId: continuation?.state.deploymentId,
        phase: continuation?.state.phase,
      });
      answer = await handleRevisionDeployment(invocation, context, event, startedAt, continuation?.state);
    }
    if (answer) await answerCloudFormation(deps, event, answer);
  };
}

/** What the `request` log line says of any request (never its ResponseURL: shared/log.ts). */
function requestFields(event: CloudFormationCustomResourceEvent): Record<string, unknown> {
  return {
    requestType: event.RequestType,
    requestId: event.RequestId,
    stackId: event.StackId,
    logicalResourceId: event.LogicalResourceId,
    physicalResourceId: event.RequestType === 'Create' ? undefined : event.PhysicalResourceId,
  };
}

/** PUTs the answer; a failure to answer is logged (CloudFormation then times out), never thrown. */
async function answerCloudFormation(deps: ServerDeployerDependencies, event: CloudFormationCustomResourceEvent, answer: Answer): Promise<void> {
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
