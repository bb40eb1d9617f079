import type { DeploymentInfo } from '@aws-sdk/client-codedeploy';
import type { WatchState } from './continuation';
import type { DeploymentSettings } from './deployment-properties';
import { watchDeployment, WatchOptions } from './deployment-watch';
import type { RollbackOutcome } from './failure-reason';
import { stopDeployment } from './stop-deployment';
import { getDeployment } from '../../shared/deployment';
import { RetriesExhaustedError } from '../../shared/errors';
import { logEvent } from '../../shared/log';
import { ANSWER_MARGIN_MS } from '../../shared/timing';
import { retryOptions } from '../dependencies';

/** How following a deployment ended, in this invocation. */
type FollowOutcome =
  | { readonly kind: 'succeeded'; readonly state: WatchState }
  /**
   * The deployment failed, was stopped by someone, or timed out and was stopped by the handler.
   * `deployment` is its last known information; `stopFinished` is false when a stop requested by
   * the handler had not finished when CloudFormation had to be answered.
   */
  | {
    readonly kind: 'failed';
    readonly state: WatchState;
    readonly deployment: DeploymentInfo;
    readonly rollback: RollbackOutcome;
    readonly stopFinished: boolean;
  }
  /** This invocation's time is running out (or a call's retries ran out of it): a new one must carry on from `state`. */
  | { readonly kind: 'hand-over'; readonly state: WatchState }
  /** A call kept failing (after all its retries): the deployment can no longer be followed. */
  | { readonly kind: 'lost-track'; readonly state: WatchState; readonly error: unknown };

/**
 * The request's deadlines (epoch ms), counted from its first invocation (`startedAt`):
 * - `deployment`: the deployment may run (and wait to start) until `TimeoutSeconds` after it;
 * - `answer`: stops and rollbacks are waited for until `ANSWER_MARGIN_MS` before CloudFormation's
 *   `ServiceTimeout` (the deployment timeout plus `ROLLBACK_ALLOWANCE_SECONDS`).
 */
export function requestDeadlines(settings: DeploymentSettings, startedAt: number): { readonly deployment: number; readonly answer: number } {
  const answer = startedAt + settings.serviceTimeoutSeconds * 1000 - ANSWER_MARGIN_MS;
  return { deployment: Math.min(startedAt + settings.timeoutSeconds * 1000, answer), answer };
}

/**
 * Follows a deployment from `initial` until CodeDeploy's verdict (and, after a failure, its
 * automatic rollback), the deployment's timeout (then stops it and waits for the stop and any
 * rollback), or the end of this invocation's time. Deadlines count from `initial.startedAt`, the
 * request's first invocation (`requestDeadlines`).
 */
export async function followDeployment(options: WatchOptions, settings: DeploymentSettings, initial: WatchState): Promise<FollowOutcome> {
  const { deployment: deploymentDeadline, answer: answerDeadline } = requestDeadlines(settings, initial.startedAt);
  const retry = retryOptions(options);
  let state = initial;
  const enter = (next: WatchState): void => {
    state = next;
    logEvent('phase', { deploymentId: state.deploymentId, phase: state.phase, rollbackDeploymentId: state.rollbackDeploymentId });
  };

  /** After CodeDeploy's verdict on the deployment itself: done, or wait for its rollback. */
  const verdict = (deployment: DeploymentInfo): FollowOutcome | undefined => {
    if (deployment.status === 'Succeeded') return { kind: 'succeeded', state };
    const rollbackDeploymentId = deployment.rollbackInfo?.rollbackDeploymentId;
    if (rollbackDeploymentId) {
      enter({ ...state, phase: 'rolling-back', rollbackDeploymentId });
      return undefined;
    }
    const rollback: RollbackOutcome = state.stoppedOnTimeout && !settings.rollbackOnStop
      ? { kind: 'not-requested' }
      : { kind: 'none', ...(deployment.rollbackInfo?.rollbackMessage ? { message: deployment.rollbackInfo.rollbackMessage } : {}) };
    return { kind: 'failed', state, deployment, rollback, stopFinished: true };
  };

  try {
    for (;;) {
      switch (state.phase) {
        case 'deploying': {
          const watched = await watchDeployment(options, state.deploymentId, deploymentDeadline);
          if (watched.kind === 'hand-over') return { kind: 'hand-over', state };
          if (watched.kind === 'deadline') {
            await stopDeployment(options.codedeploy, state.deploymentId, settings.rollbackOnStop, retry);
            enter({ ...state, phase: 'stopping', stoppedOnTimeout: true });
            break;
          }
          const outcome = verdict(watched.info);
          if (outcome) return outcome;
          break;
        }
        case 'stopping': {
          const watched = await watchDeployment(options, state.deploymentId, answerDeadline);
          if (watched.kind === 'hand-over') return { kind: 'hand-over', state };
          if (watched.kind === 'deadline') {
            const rollback: RollbackOutcome = settings.rollbackOnStop ? { kind: 'not-yet' } : { kind: 'not-requested' };
            return { kind: 'failed', state, deployment: watched.info, rollback, stopFinished: false };
          }
          const outcome = verdict(watched.info);
          if (outcome) return outcome;
          break;
        }
        case 'rolling-back': {
          const rollbackDeploymentId = state.rollbackDeploymentId;
          if (!rollbackDeploymentId) throw new Error('rolling-back phase without a rollback deployment id');
          const watched = await watchDeployment(options, rollbackDeploymentId, answerDeadline);
          if (watched.kind === 'hand-over') return { kind: 'hand-over', state };
          const deployment = await getDeployment(options.codedeploy, state.deploymentId, retry);
          const rollback: RollbackOutcome = watched.kind === 'terminal'
            ? { kind: 'finished', deploymentId: rollbackDeploymentId, status: watched.info.status ?? 'Unknown' }
            : { kind: 'unfinished', deploymentId: rollbackDeploymentId, status: watched.info.status ?? 'Unknown' };
          return { kind: 'failed', state, deployment, rollback, stopFinished: true };
        }
      }
    }
  } catch (error) {
    // A call that ran out of this invocation's time (held responses, throttling) is the next invocation's to make.
    if (error instanceof RetriesExhaustedError && error.outOfTime) {
      logEvent('call-out-of-time', { deploymentId: state.deploymentId, phase: state.phase, error: error.message });
      return { kind: 'hand-over', state };
    }
    return { kind: 'lost-track', state, error };
  }
}
