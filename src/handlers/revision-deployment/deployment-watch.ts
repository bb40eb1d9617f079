import { CodeDeployClient, DeploymentInfo, GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { isTerminal } from './deployment-status';
import { Clock } from '../shared/clock';
import { retryOptions } from '../shared/dependencies';
import { logEvent } from '../shared/log';
import { withRetry } from '../shared/retry';

/** How often CodeDeploy is asked for the deployment's status. */
export const POLL_INTERVAL_MS = 15_000;

/**
 * Time kept at the end of each Lambda invocation: after the last poll there must be room for one
 * CodeDeploy call with its retries (`RETRY_WORST_CASE_BACKOFF_MS`, 31 s of backoff) and for handing over to the next
 * invocation (or answering CloudFormation) before Lambda stops the function. Held responses cannot
 * eat into it: each attempt is abandoned after `CALL_TIMEOUT_MS`, and a call's retries stop
 * `CALL_RESERVE_MS` before the invocation's end (shared/retry.ts), leaving the hand-over its time.
 */
export const INVOCATION_MARGIN_MS = 60_000;

export interface WatchOptions {
  readonly codedeploy: CodeDeployClient;
  readonly clock: Clock;
  readonly random?: () => number;
  /** The current Lambda invocation's remaining time (`context.getRemainingTimeInMillis`). */
  readonly remainingTimeMs: () => number;
  /** The longest one attempt of a call may take (ms). Default: `CALL_TIMEOUT_MS`. */
  readonly callTimeoutMs?: number;
}

/** Why watching stopped. */
export type WatchResult =
  /** CodeDeploy's verdict: Succeeded, Failed or Stopped. */
  | { readonly kind: 'terminal'; readonly info: DeploymentInfo }
  /** `until` came with the deployment still running. */
  | { readonly kind: 'deadline'; readonly info: DeploymentInfo }
  /** This invocation is about to run out of time: the next one must go on watching. */
  | { readonly kind: 'hand-over'; readonly info: DeploymentInfo };

/** GetDeployment, with retries. */
export async function getDeployment(
  options: Pick<WatchOptions, 'codedeploy' | 'clock' | 'random' | 'callTimeoutMs'> & { readonly remainingTimeMs?: () => number }, deploymentId: string,
): Promise<DeploymentInfo> {
  const output = await withRetry('GetDeployment', (abortSignal) => options.codedeploy.send(new GetDeploymentCommand({ deploymentId }), { abortSignal }), retryOptions(options));
  if (!output.deploymentInfo) throw new Error(`GetDeployment returned no information about ${deploymentId}`);
  return output.deploymentInfo;
}

/**
 * Polls a deployment every `POLL_INTERVAL_MS` until it is final, `until` (epoch ms) passes, or the
 * invocation must hand over. Logs each status change once.
 */
export async function watchDeployment(options: WatchOptions, deploymentId: string, until: number): Promise<WatchResult> {
  let lastStatus: string | undefined;
  for (;;) {
    const info = await getDeployment(options, deploymentId);
    if (info.status !== lastStatus) {
      logEvent('deployment-status', { deploymentId, status: info.status });
      lastStatus = info.status;
    }
    if (isTerminal(info.status)) return { kind: 'terminal', info };
    const now = options.clock.now();
    if (now >= until) return { kind: 'deadline', info };
    const wait = Math.min(POLL_INTERVAL_MS, until - now);
    if (options.remainingTimeMs() - wait < INVOCATION_MARGIN_MS) return { kind: 'hand-over', info };
    await options.clock.sleep(wait);
  }
}
