import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { CloudFormationCustomResourceCreateEvent, CloudFormationCustomResourceUpdateEvent } from 'aws-lambda';
import { Continuations } from '../../shared/hand-over';
import type { RetryOptions } from '../../shared/retry';

/**
 * A deployment may outlast an invocation (up to about an hour): before its time runs out, an
 * invocation hands the request to a new invocation of the same function (../../shared/hand-over.ts),
 * passing the CloudFormation event and its own progress. The last invocation answers CloudFormation.
 */

/** A request that creates a deployment (Delete never needs more than one invocation). */
export type DeployEvent = CloudFormationCustomResourceCreateEvent | CloudFormationCustomResourceUpdateEvent;

/** Where the watch of a deployment stands. */
type WatchPhase =
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
 * The key that marks the server deployer's continuations. CloudFormation events never carry it
 * (they carry `RequestType`, which a continuation does not), so the two cannot be confused.
 */
export const CONTINUATION_MARKER = 'cdkCodeDeployRolloutsContinuation';

/**
 * The server deployer's continuations. (The `waiting-to-start` phase only added a state: payloads
 * of the other phases read as before, so the version stayed 1.)
 */
export const REQUEST_CONTINUATIONS = new Continuations<DeployEvent, RequestState>(CONTINUATION_MARKER, 1);

/** Hands the request, with its progress so far, to a new invocation of this function. */
export async function handOver(
  lambda: LambdaClient, functionArn: string, event: DeployEvent, state: RequestState, retry: RetryOptions,
): Promise<void> {
  await REQUEST_CONTINUATIONS.handOver(lambda, functionArn, { event, state }, retry, { deploymentId: state.deploymentId, phase: state.phase });
}
