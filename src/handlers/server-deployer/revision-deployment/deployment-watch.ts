import type { CodeDeployClient, DeploymentInfo } from '@aws-sdk/client-codedeploy';
import type { Clock } from '../../shared/clock';
import { getDeployment, isTerminal } from '../../shared/deployment';
import { logEvent } from '../../shared/log';
import { DEPLOYMENT_POLL_MS, INVOCATION_MARGIN_MS } from '../../shared/timing';
import { retryOptions } from '../dependencies';

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
type WatchResult =
  /** CodeDeploy's verdict: Succeeded, Failed or Stopped. */
  | { readonly kind: 'terminal'; readonly info: DeploymentInfo }
  /** `until` came with the deployment still running. */
  | { readonly kind: 'deadline'; readonly info: DeploymentInfo }
  /** This invocation is about to run out of time: the next one must go on watching. */
  | { readonly kind: 'hand-over'; readonly info: DeploymentInfo };

/**
 * Polls a deployment every `DEPLOYMENT_POLL_MS` until it is final, `until` (epoch ms) passes, or the
 * invocation must hand over. Logs each status change once.
 */
export async function watchDeployment(options: WatchOptions, deploymentId: string, until: number): Promise<WatchResult> {
  let lastStatus: string | undefined;
  for (;;) {
    const info = await getDeployment(options.codedeploy, deploymentId, retryOptions(options));
    if (info.status !== lastStatus) {
      logEvent('deployment-status', { deploymentId, status: info.status });
      lastStatus = info.status;
    }
    if (isTerminal(info.status)) return { kind: 'terminal', info };
    const now = options.clock.now();
    if (now >= until) return { kind: 'deadline', info };
    const wait = Math.min(DEPLOYMENT_POLL_MS, until - now);
    if (options.remainingTimeMs() - wait < INVOCATION_MARGIN_MS) return { kind: 'hand-over', info };
    await options.clock.sleep(wait);
  }
}
