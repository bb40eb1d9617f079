import { CodeDeployClient, CreateDeploymentCommand, CreateDeploymentCommandInput, ListDeploymentsCommand } from '@aws-sdk/client-codedeploy';
import type { WaitingToStartState, WatchState } from './continuation';
import type { DeploymentSettings } from './deployment-properties';
import { ACTIVE_STATUSES } from './deployment-status';
import { getDeployment, POLL_INTERVAL_MS, WatchOptions } from './deployment-watch';
import { requestDeadlines } from './follow-deployment';
import { carriesMarker, markedDescription } from './request-marker';
import { describeError, errorName } from '../shared/errors';
import { logEvent } from '../shared/log';
import { RetryOptions, withRetry } from '../shared/retry';

/**
 * Time kept at the end of an invocation that waits to start: one more attempt makes up to three
 * CodeDeploy calls (ListDeployments, GetDeployment of a deployment not read before, CreateDeployment),
 * each with up to 31 s of backoff, before it hands over to the next invocation or answers.
 */
export const START_MARGIN_MS = 120_000;

/** How starting the request's deployment ended, in this invocation. */
export type StartOutcome =
  /** The request's deployment runs: created now, or adopted (an earlier delivery of the request created it). */
  | { readonly kind: 'started'; readonly state: WatchState }
  /** The group is still busy and this invocation's time is running out: a new one must go on trying. */
  | { readonly kind: 'hand-over'; readonly state: WaitingToStartState }
  /**
   * The group was still busy when the deployment's timeout passed. `heldBy`: the group's active
   * deployments at the last attempt; `error`: CreateDeployment's last `DeploymentLimitExceededException`.
   */
  | { readonly kind: 'timed-out'; readonly heldBy: readonly string[]; readonly error: unknown }
  /** Any other error (after retries): no deployment was started. */
  | { readonly kind: 'failed'; readonly error: unknown };

/** One attempt to start. */
type Attempt =
  | { readonly kind: 'created' | 'adopted'; readonly deploymentId: string }
  | { readonly kind: 'busy'; readonly heldBy: readonly string[]; readonly error: unknown };

/**
 * Starts the request's deployment, idempotently, and waits while the deployment group is busy.
 *
 * Each attempt first lists the group's active deployments (ListDeployments filtered on the active
 * statuses: one call, as CodeDeploy runs one deployment per group at a time) and reads those not
 * read before (GetDeployment; a description never changes). One whose description carries the
 * request's marker was started by an earlier delivery of this request: it is adopted and followed
 * as if just created. Otherwise CreateDeployment, with the marker in the description.
 *
 * When CodeDeploy answers `DeploymentLimitExceededException` (the group already runs a deployment,
 * e.g. for an Auto Scaling scale-out or someone's manual deployment, or the account runs its
 * maximum of concurrent deployments), the handler tries again every `POLL_INTERVAL_MS` until the
 * deployment's timeout, counted from the request's first invocation, handing over to a new
 * invocation when this one runs out of time. Two deliveries of the same request that start at the
 * same moment meet here too: the later one finds the group busy with the earlier one's deployment
 * and adopts it at its next attempt.
 */
export async function startDeployment(
  options: WatchOptions, settings: DeploymentSettings, requestId: string, initial: WaitingToStartState,
): Promise<StartOutcome> {
  const deadline = requestDeadlines(settings, initial.startedAt).deployment;
  const input: CreateDeploymentCommandInput = {
    ...settings.createDeployment,
    description: markedDescription(settings.createDeployment.description, requestId),
  };
  const { applicationName, deploymentGroupName } = input;
  const retry: RetryOptions = { sleep: options.clock.sleep, random: options.random };
  const notOurs = new Set<string>();

  for (;;) {
    let attempt: Attempt;
    try {
      attempt = await attemptStart(options, input, requestId, notOurs, retry);
    } catch (error) {
      return { kind: 'failed', error };
    }
    if (attempt.kind !== 'busy') {
      return {
        kind: 'started',
        state: { deploymentId: attempt.deploymentId, startedAt: initial.startedAt, phase: 'deploying', invocation: initial.invocation },
      };
    }
    const now = options.clock.now();
    if (now >= deadline) {
      logEvent('start-timed-out', { applicationName, deploymentGroupName, heldBy: attempt.heldBy, error: describeError(attempt.error) });
      return { kind: 'timed-out', heldBy: attempt.heldBy, error: attempt.error };
    }
    const waitMs = Math.min(POLL_INTERVAL_MS, deadline - now);
    if (options.remainingTimeMs() - waitMs < START_MARGIN_MS) return { kind: 'hand-over', state: initial };
    logEvent('waiting-to-start', { applicationName, deploymentGroupName, heldBy: attempt.heldBy, error: describeError(attempt.error), waitMs });
    await options.clock.sleep(waitMs);
  }
}

/** Adopts the request's active deployment, or creates one; `busy` when CodeDeploy refuses for the deployment limit. Other errors throw. */
async function attemptStart(
  options: WatchOptions, input: CreateDeploymentCommandInput, requestId: string, notOurs: Set<string>, retry: RetryOptions,
): Promise<Attempt> {
  const active = await listActiveDeployments(options.codedeploy, input.applicationName ?? '', input.deploymentGroupName ?? '', retry);
  for (const deploymentId of active) {
    if (notOurs.has(deploymentId)) continue;
    const info = await getDeployment(options, deploymentId);
    if (carriesMarker(info.description, requestId)) {
      logEvent('adopted', { deploymentId, status: info.status });
      return { kind: 'adopted', deploymentId };
    }
    notOurs.add(deploymentId);
  }
  try {
    const output = await withRetry('CreateDeployment', () => options.codedeploy.send(new CreateDeploymentCommand(input)), retry);
    if (!output.deploymentId) throw new Error('CreateDeployment returned no deployment id');
    logEvent('deployment-created', { deploymentId: output.deploymentId, revisionType: input.revision?.revisionType });
    return { kind: 'created', deploymentId: output.deploymentId };
  } catch (error) {
    if (errorName(error) === 'DeploymentLimitExceededException') return { kind: 'busy', heldBy: active, error };
    throw error;
  }
}

/** The ids of the group's active deployments (ListDeployments, every page). */
async function listActiveDeployments(
  codedeploy: CodeDeployClient, applicationName: string, deploymentGroupName: string, retry: RetryOptions,
): Promise<string[]> {
  const ids: string[] = [];
  let nextToken: string | undefined;
  do {
    const token = nextToken;
    const output = await withRetry('ListDeployments', () => codedeploy.send(new ListDeploymentsCommand({
      applicationName, deploymentGroupName, includeOnlyStatuses: [...ACTIVE_STATUSES], ...(token ? { nextToken: token } : {}),
    })), retry);
    ids.push(...(output.deployments ?? []));
    nextToken = output.nextToken;
  } while (nextToken);
  return ids;
}
