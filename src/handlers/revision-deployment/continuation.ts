import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { CloudFormationCustomResourceCreateEvent, CloudFormationCustomResourceUpdateEvent } from 'aws-lambda';
import { logEvent } from '../shared/log';
import { RetryOptions, withRetry } from '../shared/retry';

/**
 * A Lambda invocation lasts at most 15 minutes, a deployment up to about an hour: before its time
 * runs out, an invocation hands the watch to a new asynchronous invocation of the same function,
 * passing the CloudFormation event and its own progress. The last invocation answers CloudFormation.
 */

/** A request that creates a deployment (Delete never needs more than one invocation). */
export type DeployEvent = CloudFormationCustomResourceCreateEvent | CloudFormationCustomResourceUpdateEvent;

/** Where the watch of a deployment stands. */
export type WatchPhase =
  /** Waiting for CodeDeploy's verdict on the deployment. */
  | 'deploying'
  /** The deployment ran out of time and was stopped; waiting for the stop to finish. */
  | 'stopping'
  /** The deployment failed or was stopped and CodeDeploy is rolling back; waiting for the rollback. */
  | 'rolling-back';

/**
 * Before any deployment exists: CodeDeploy refused to start one because the deployment group (or
 * the account) already runs as many deployments as it may (`DeploymentLimitExceededException`), and
 * the handler tries again every poll interval until the deployment's timeout (start-deployment.ts).
 */
export interface WaitingToStartState {
  readonly phase: 'waiting-to-start';
  /** When the request's first invocation started (epoch ms): the wait counts from here. */
  readonly startedAt: number;
  /** 1 for the request's first invocation, then 2, 3, ... (for the logs). */
  readonly invocation: number;
  /** No deployment yet. */
  readonly deploymentId?: undefined;
}

/** The handler's progress on one CloudFormation request, once its deployment exists. */
export interface WatchState {
  readonly deploymentId: string;
  /** When the request's first invocation started (epoch ms): every deadline counts from here. */
  readonly startedAt: number;
  readonly phase: WatchPhase;
  /** The handler stopped the deployment because it ran past `TimeoutSeconds`. */
  readonly stoppedOnTimeout?: boolean;
  /** CodeDeploy's automatic rollback deployment, once there is one. */
  readonly rollbackDeploymentId?: string;
  /** 1 for the request's first invocation, then 2, 3, ... (for the logs). */
  readonly invocation: number;
}

/** The handler's progress on one CloudFormation request. */
export type RequestState = WaitingToStartState | WatchState;

/**
 * The key that marks a continuation payload. CloudFormation events never carry it (they carry
 * `RequestType`, which a continuation does not), so the two cannot be confused.
 */
export const CONTINUATION_MARKER = 'cdkCodeDeployRolloutsContinuation';
/**
 * Bumped if the payload's shape ever changes, so an old in-flight payload is not misread. (The
 * `waiting-to-start` phase only added a state: payloads of the other phases read as before.)
 */
export const CONTINUATION_VERSION = 1;

export interface ContinuationPayload {
  readonly [CONTINUATION_MARKER]: typeof CONTINUATION_VERSION;
  readonly event: DeployEvent;
  readonly state: RequestState;
}

/** Whether an invocation's payload is a continuation (rather than a CloudFormation event). */
export function isContinuation(payload: unknown): payload is ContinuationPayload {
  return typeof payload === 'object' && payload !== null
    && (payload as Record<string, unknown>)[CONTINUATION_MARKER] === CONTINUATION_VERSION
    && typeof (payload as { state?: unknown }).state === 'object'
    && typeof (payload as { event?: unknown }).event === 'object';
}

/**
 * Invokes this same function asynchronously (`InvocationType: Event`, which returns once Lambda
 * has queued the event: https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html) with the
 * event and the progress so far. The payload holds the ResponseURL: it goes to Lambda, never to the logs.
 */
export async function handOver(
  lambda: LambdaClient, functionArn: string, event: DeployEvent, state: RequestState, retry: RetryOptions,
): Promise<void> {
  const next: RequestState = { ...state, invocation: state.invocation + 1 };
  const payload: ContinuationPayload = { [CONTINUATION_MARKER]: CONTINUATION_VERSION, event, state: next };
  await withRetry('Invoke', (abortSignal) => lambda.send(new InvokeCommand({
    FunctionName: functionArn,
    InvocationType: 'Event',
    Payload: Buffer.from(JSON.stringify(payload), 'utf8'),
  }), { abortSignal }), retry);
  logEvent('handed-over', { deploymentId: state.deploymentId, phase: state.phase, nextInvocation: next.invocation });
}
