import type { Context } from 'aws-lambda';
import { DeployEvent, handOver, RequestState, WatchState } from './continuation';
import { currentDeploymentId } from './current-deployment';
import { isDeploymentId, notDeployedId } from './deployment-id';
import { DeploymentSettings, InvalidPropertiesError, readSettings } from './deployment-properties';
import { WatchOptions } from './deployment-watch';
import { findFirstFailure } from './failure-diagnostics';
import {
  deploymentFailedReason,
  deploymentTimedOutReason,
  lostTrackReason,
  startFailedReason,
  startTimedOutReason,
  StopAttempt,
} from './failure-reason';
import { followDeployment } from './follow-deployment';
import { changesDeployment } from './property-changes';
import { startDeployment, StartOutcome } from './start-deployment';
import { stopDeployment } from './stop-deployment';
import { REVISION_DEPLOYMENT_ATTRIBUTE_DEPLOYMENT_ID } from '../../../contract/revision-deployment';
import { describeError } from '../../shared/errors';
import { logEvent } from '../../shared/log';
import { ANSWER_RESERVE_MS, DIAGNOSTICS_MAX_ATTEMPTS, LAST_CALL_RESERVE_MS } from '../../shared/timing';
import type { Answer } from '../cfn-response';
import { ServerDeployerDependencies, retryOptions } from '../dependencies';
import { ReasonPart, trimmable } from '../reason-fit';

/**
 * Create and Update: start a deployment of the revision (idempotently, waiting while the group is
 * busy: start-deployment.ts) and answer with CodeDeploy's verdict, or (`resumed`) carry on waiting
 * to start, or following the deployment, where an earlier invocation left off. Returns `undefined`
 * when the work was handed over to a new invocation, which will answer.
 *
 * The physical id is the deployment a Create made, and an Update answers with the same one (the new
 * deployment is the `DeploymentId` attribute). That is what makes a stack rollback deploy the
 * previous revision again: CloudFormation rolls an updated resource back with an Update whose
 * properties are the previous ones, but an Update answered with a new physical id is a replacement
 * ("AWS CloudFormation recognizes the update as a replacement and sends a delete request to the
 * old resource", User Guide, custom resource responses,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html), which a
 * rollback undoes by deleting the new one: the fleet would keep the revision of the failed update
 * (test/lifecycle/ walks this).
 */
export async function handleDeploy(
  deps: ServerDeployerDependencies, context: Context, event: DeployEvent, startedAt: number, resumed?: RequestState,
): Promise<Answer | undefined> {
  let settings: DeploymentSettings;
  try {
    settings = readSettings(event.ResourceProperties);
  } catch (err) {
    if (!(err instanceof InvalidPropertiesError)) throw err;
    return failed(event, undefined, [trimmable(err.message)]);
  }
  const retry = retryOptions(deps);
  const watch: WatchOptions = { ...deps, remainingTimeMs: deps.remainingTimeMs ?? (() => context.getRemainingTimeInMillis()) };

  let state: WatchState;
  if (resumed && resumed.phase !== 'waiting-to-start') {
    state = resumed;
  } else {
    if (!resumed && event.RequestType === 'Update' && isDeploymentId(event.PhysicalResourceId)
      && !changesDeployment(event.OldResourceProperties, event.ResourceProperties)) {
      logEvent('unchanged', { physicalResourceId: event.PhysicalResourceId });
      return succeeded(event, await currentDeploymentId(watch, settings, event.PhysicalResourceId));
    }
    const started = await startDeployment(watch, settings, event.RequestId, resumed ?? { phase: 'waiting-to-start', startedAt, invocation: 1 });
    if (started.kind !== 'started') return notStarted(deps, context, event, settings, started);
    state = started.state;
  }

  const outcome = await followDeployment(watch, settings, state);
  switch (outcome.kind) {
    case 'succeeded':
      return succeeded(event, outcome.state.deploymentId);
    case 'hand-over':
      return handOverOrGiveUp(deps, context, event, settings, outcome.state);
    case 'lost-track':
      return lostTrack(deps, event, settings, outcome.state, outcome.error);
    case 'failed': {
      const { deployment, rollback, state: final } = outcome;
      if (context.getRemainingTimeInMillis() < ANSWER_RESERVE_MS) return handOverOrGiveUp(deps, context, event, settings, final);
      const failure = await findFirstFailure(deps.codedeploy, final.deploymentId, { ...retry, maxAttempts: DIAGNOSTICS_MAX_ATTEMPTS });
      const reason = final.stoppedOnTimeout
        ? deploymentTimedOutReason(deployment, settings.timeoutSeconds, settings.rollbackOnStop, failure, rollback, outcome.stopFinished)
        : deploymentFailedReason(deployment, failure, rollback);
      return failed(event, final.deploymentId, reason);
    }
  }
}

/**
 * No deployment runs (yet): hand the wait over to a new invocation, or answer FAILED. The physical
 * id stays what it was (`failed` with no deployment).
 */
async function notStarted(
  deps: ServerDeployerDependencies, context: Context, event: DeployEvent, settings: DeploymentSettings,
  outcome: Exclude<StartOutcome, { kind: 'started' }>,
): Promise<Answer | undefined> {
  const { applicationName = '', deploymentGroupName = '' } = settings.createDeployment;
  let error: unknown;
  switch (outcome.kind) {
    case 'timed-out': {
      const reason = startTimedOutReason(applicationName, deploymentGroupName, settings.timeoutSeconds, outcome.heldBy, outcome.error);
      return failed(event, undefined, reason);
    }
    case 'hand-over':
      try {
        await handOver(deps.lambda, context.invokedFunctionArn, event, outcome.state, retryOptions(deps, LAST_CALL_RESERVE_MS));
        return undefined;
      } catch (err) {
        error = err;
      }
      break;
    case 'failed':
      error = outcome.error;
      break;
  }
  logEvent('start-failed', { error: describeError(error) });
  return failed(event, undefined, startFailedReason(applicationName, deploymentGroupName, error));
}

/** Hands the watch over to a new invocation; if even that fails, the deployment is lost track of. */
async function handOverOrGiveUp(
  deps: ServerDeployerDependencies, context: Context, event: DeployEvent, settings: DeploymentSettings, state: WatchState,
): Promise<Answer | undefined> {
  try {
    await handOver(deps.lambda, context.invokedFunctionArn, event, state, retryOptions(deps, LAST_CALL_RESERVE_MS));
    return undefined;
  } catch (err) {
    return lostTrack(deps, event, settings, state, err);
  }
}

/** A deployment that can no longer be followed is stopped (unless it already was), so the stack's rollback finds the group free. */
async function lostTrack(
  deps: ServerDeployerDependencies, event: DeployEvent, settings: DeploymentSettings, state: WatchState, error: unknown,
): Promise<Answer> {
  logEvent('lost-track', { deploymentId: state.deploymentId, phase: state.phase, error: describeError(error) });
  let stop: StopAttempt;
  if (state.phase === 'rolling-back' && state.rollbackDeploymentId) {
    stop = { kind: 'rolling-back', rollbackDeploymentId: state.rollbackDeploymentId };
  } else if (state.stoppedOnTimeout) {
    stop = { kind: 'already-stopped' };
  } else {
    try {
      const result = await stopDeployment(deps.codedeploy, state.deploymentId, settings.rollbackOnStop, retryOptions(deps));
      stop = result === 'requested' ? { kind: 'requested', rollback: settings.rollbackOnStop } : { kind: 'already-completed' };
    } catch (stopError) {
      logEvent('stop-failed', { deploymentId: state.deploymentId, error: describeError(stopError) });
      stop = { kind: 'failed', error: stopError };
    }
  }
  return failed(event, state.deploymentId, lostTrackReason(state.deploymentId, error, stop));
}

/** SUCCESS: on Create, the deployment is the physical id; an Update keeps the resource's (see `handleDeploy`). */
function succeeded(event: DeployEvent, deploymentId: string): Answer {
  const physicalResourceId = event.RequestType === 'Update' ? event.PhysicalResourceId : deploymentId;
  return { status: 'SUCCESS', physicalResourceId, data: { [REVISION_DEPLOYMENT_ATTRIBUTE_DEPLOYMENT_ID]: deploymentId } };
}

/**
 * FAILED. The physical id: on Update, the resource's current one (a failed update replaces nothing);
 * on Create, the deployment when there is one (so the Delete that follows stops it if it still
 * runs), else an id that never looks like a deployment (so that Delete does nothing).
 */
function failed(event: DeployEvent, deploymentId: string | undefined, reason: readonly ReasonPart[]): Answer {
  const physicalResourceId = event.RequestType === 'Update'
    ? event.PhysicalResourceId
    : deploymentId ?? notDeployedId(event.LogicalResourceId);
  return { status: 'FAILED', physicalResourceId, reason };
}
