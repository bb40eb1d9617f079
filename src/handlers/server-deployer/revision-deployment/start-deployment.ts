import { CodeDeployClient, CreateDeploymentCommand, CreateDeploymentCommandInput, ListDeploymentsCommand } from '@aws-sdk/client-codedeploy';
import type { WaitingToStartState, WatchState } from './continuation';
import type { DeploymentSettings } from './deployment-properties';
import type { WatchOptions } from './deployment-watch';
import { requestDeadlines } from './follow-deployment';
import { carriesMarker, markedDescription } from './request-marker';
import { getDeployment, isActive } from '../../shared/deployment';
import { describeError, errorName, RetriesExhaustedError } from '../../shared/errors';
import { logEvent } from '../../shared/log';
import { isAmbiguous, isThrottling, RetryOptions, withRetry } from '../../shared/retry';
import { DEPLOYMENT_POLL_MS, REDELIVERY_SLACK_MS, RETRY_BASE_DELAY_MS, START_MARGIN_MS } from '../../shared/timing';
import { retryOptions } from '../dependencies';

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

/**
 * At most this many ListDeployments pages per look. CodeDeploy does not document its page size;
 * the group runs one deployment at a time, so the request's window rarely holds more than one page.
 */
export const MAX_LIST_PAGES = 5;
/** At most this many deployments read (GetDeployment, one call each) per invocation while looking for the request's marker. */
export const MAX_DEPLOYMENTS_READ = 50;

/** One attempt to start. */
type Attempt =
  | { readonly kind: 'created' | 'adopted'; readonly deploymentId: string }
  | { readonly kind: 'busy'; readonly heldBy: readonly string[]; readonly error: unknown }
  /** CreateDeployment got no answer (abandoned, or a network error): it may have created the deployment, so look again before retrying. */
  | { readonly kind: 'unanswered'; readonly error: unknown };

/** What one invocation learnt about the group's deployments: each is read once (a description never changes). */
interface Seen {
  /** Deployments without the request's marker, with the status they had when read. */
  readonly notOurs: Map<string, string | undefined>;
  reads: number;
}

/** CreateDeployment may go unanswered at most this many times in a row before the start fails. */
const MAX_UNANSWERED = 3;

/**
 * Starts the request's deployment, idempotently, and waits while the deployment group is busy.
 *
 * Each attempt first lists the group's deployments created since the request could have started
 * (ListDeployments with a `createTimeRange` and no status filter: one call, as CodeDeploy runs one
 * deployment per group at a time; `REDELIVERY_SLACK_MS`) and reads those not read before
 * (GetDeployment; a description never changes). One whose description carries the request's marker,
 * in any status, was started by an earlier delivery of this request: it is adopted and followed as
 * if just created (a finished one gives its verdict at once, so a request delivered again after its
 * answer gets the same answer and deploys nothing). Otherwise CreateDeployment, with the marker in
 * the description. A CreateDeployment that got no answer is not repeated blindly: it may have
 * created the deployment, so the next attempt looks again first.
 *
 * When CodeDeploy answers `DeploymentLimitExceededException` (the group already runs a deployment,
 * e.g. for an Auto Scaling scale-out or someone's manual deployment, or the account runs its
 * maximum of concurrent deployments), the handler tries again every `DEPLOYMENT_POLL_MS` until the
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
  const retry = retryOptions(options);
  const seen: Seen = { notOurs: new Map(), reads: 0 };
  const since = new Date(initial.startedAt - settings.serviceTimeoutSeconds * 1000 - REDELIVERY_SLACK_MS);
  let unanswered = 0;

  for (;;) {
    let attempt: Attempt;
    try {
      attempt = await attemptStart(options, input, requestId, since, seen, retry);
    } catch (error) {
      // Out of this invocation's time (held responses, throttling): the next invocation tries again.
      if (error instanceof RetriesExhaustedError && error.outOfTime) return { kind: 'hand-over', state: initial };
      return { kind: 'failed', error };
    }
    if (attempt.kind === 'unanswered') {
      unanswered++;
      logEvent('create-unanswered', { applicationName, deploymentGroupName, error: describeError(attempt.error), attempt: unanswered });
      if (unanswered >= MAX_UNANSWERED) return { kind: 'failed', error: new RetriesExhaustedError(unanswered, attempt.error) };
      if (options.remainingTimeMs() < START_MARGIN_MS) return { kind: 'hand-over', state: initial };
      await options.clock.sleep(RETRY_BASE_DELAY_MS * unanswered);
      continue;
    }
    unanswered = 0;
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
    const waitMs = Math.min(DEPLOYMENT_POLL_MS, deadline - now);
    if (options.remainingTimeMs() - waitMs < START_MARGIN_MS) return { kind: 'hand-over', state: initial };
    logEvent('waiting-to-start', { applicationName, deploymentGroupName, heldBy: attempt.heldBy, error: describeError(attempt.error), waitMs });
    await options.clock.sleep(waitMs);
  }
}

/**
 * Adopts the request's deployment, or creates one; `busy` when CodeDeploy refuses for the deployment
 * limit, `unanswered` when CreateDeployment got no answer. Other errors throw.
 */
async function attemptStart(
  options: WatchOptions, input: CreateDeploymentCommandInput, requestId: string, since: Date, seen: Seen, retry: RetryOptions,
): Promise<Attempt> {
  const listed = await listDeployments(options.codedeploy, input.applicationName ?? '', input.deploymentGroupName ?? '', since, retry);
  const unread = listed.ids.filter((id) => !seen.notOurs.has(id));
  const readable = unread.slice(0, Math.max(0, MAX_DEPLOYMENTS_READ - seen.reads));
  if (listed.truncated || readable.length < unread.length) {
    logEvent('marker-search-incomplete', { listed: listed.ids.length, truncated: listed.truncated, unread: unread.length - readable.length });
  }
  for (const deploymentId of readable) {
    seen.reads++;
    const info = await getDeployment(options.codedeploy, deploymentId, retry);
    if (carriesMarker(info.description, requestId)) {
      logEvent('adopted', { deploymentId, status: info.status });
      return { kind: 'adopted', deploymentId };
    }
    seen.notOurs.set(deploymentId, info.status);
  }
  try {
    // Only throttling is retried here: after any other failure the deployment may exist.
    const output = await withRetry('CreateDeployment', (abortSignal) => options.codedeploy.send(new CreateDeploymentCommand(input), { abortSignal }), {
      ...retry, retryIf: isThrottling,
    });
    if (!output.deploymentId) throw new Error('CreateDeployment returned no deployment id');
    logEvent('deployment-created', { deploymentId: output.deploymentId, revisionType: input.revision?.revisionType });
    return { kind: 'created', deploymentId: output.deploymentId };
  } catch (error) {
    if (errorName(error) === 'DeploymentLimitExceededException') {
      const heldBy = listed.ids.filter((id) => isActive(seen.notOurs.get(id)));
      return { kind: 'busy', heldBy, error };
    }
    if (isAmbiguous(error)) return { kind: 'unanswered', error };
    throw error;
  }
}

/**
 * The ids of the group's deployments created since `since`, in every status (ListDeployments, at
 * most `MAX_LIST_PAGES` pages: `truncated` when there were more).
 */
async function listDeployments(
  codedeploy: CodeDeployClient, applicationName: string, deploymentGroupName: string, since: Date, retry: RetryOptions,
): Promise<{ readonly ids: string[]; readonly truncated: boolean }> {
  const ids: string[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_LIST_PAGES; page++) {
    const token = nextToken;
    const output = await withRetry('ListDeployments', (abortSignal) => codedeploy.send(new ListDeploymentsCommand({
      applicationName, deploymentGroupName, createTimeRange: { start: since }, ...(token ? { nextToken: token } : {}),
    }), { abortSignal }), retry);
    ids.push(...(output.deployments ?? []).filter((id) => !ids.includes(id)));
    nextToken = output.nextToken;
    if (!nextToken) return { ids, truncated: false };
  }
  return { ids, truncated: true };
}
