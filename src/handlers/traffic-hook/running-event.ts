import { BatchGetDeploymentTargetsCommand, CodeDeployClient, ListDeploymentTargetsCommand } from '@aws-sdk/client-codedeploy';
import type { HookLifecycleEvent } from './lifecycle-event';
import type { TrafficHookSettings } from '../../contract/traffic-hook';
import { RetryOptions, withRetry } from '../shared/retry';

/**
 * Which lifecycle event this invocation serves. A rollout that uses the hook in one event only
 * needs no call. One that uses it in both asks CodeDeploy: the deployment's Lambda target lists
 * its lifecycle events with their status, and the hook's own is the one `InProgress` (API
 * reference, LambdaTarget `lifecycleEvents`,
 * https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_LambdaTarget.html).
 */
export async function runningLifecycleEvent(
  codedeploy: CodeDeployClient, deploymentId: string, settings: TrafficHookSettings, retry: RetryOptions,
): Promise<HookLifecycleEvent> {
  if (settings.beforeAllowTraffic && !settings.afterAllowTraffic) return 'BeforeAllowTraffic';
  if (settings.afterAllowTraffic && !settings.beforeAllowTraffic) return 'AfterAllowTraffic';
  const listed = await withRetry('ListDeploymentTargets', (signal) => codedeploy.send(new ListDeploymentTargetsCommand({ deploymentId }), { abortSignal: signal }), retry);
  const targetIds = listed.targetIds ?? [];
  if (targetIds.length > 0) {
    const targets = await withRetry('BatchGetDeploymentTargets', (signal) => codedeploy.send(new BatchGetDeploymentTargetsCommand({
      deploymentId, targetIds,
    }), { abortSignal: signal }), retry);
    for (const target of targets.deploymentTargets ?? []) {
      const running = (target.lambdaTarget?.lifecycleEvents ?? []).find((event) => event.status === 'InProgress'
        && (event.lifecycleEventName === 'BeforeAllowTraffic' || event.lifecycleEventName === 'AfterAllowTraffic'));
      if (running) return running.lifecycleEventName as HookLifecycleEvent;
    }
  }
  throw new Error(`deployment ${deploymentId} has no BeforeAllowTraffic or AfterAllowTraffic event in progress`);
}
