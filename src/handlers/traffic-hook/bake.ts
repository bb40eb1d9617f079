import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import type { Context } from 'aws-lambda';
import { hookRetry, TrafficHookDependencies } from './dependencies';
import { failed, LifecycleEvent, Verdict } from './lifecycle-event';
import { getDeployment, isActive } from '../shared/deployment';
import { Continuations } from '../shared/hand-over';
import { logEvent } from '../shared/log';
import { withRetry } from '../shared/retry';
import { BAKE_POLL_MS, REPORT_MARGIN_MS } from '../shared/timing';

/**
 * The bake's progress, carried from one invocation to the next: one Lambda invocation lasts at
 * most 15 minutes, a bake up to 50, so an invocation hands over before its time runs out.
 */
export interface BakeState {
  /** When the bake began (epoch ms). */
  readonly bakeStartedAt: number;
  /** 1 for the first invocation, then 2, 3, ... (for the logs). */
  readonly invocation: number;
}

/** Marks a hand-over payload (../shared/hand-over.ts); CodeDeploy's events never carry it. */
export const BAKE_CONTINUATION_MARKER = 'cdkCodeDeployRolloutsBake';

/** The bake's hand-overs from one invocation to the next. */
export const BAKE_CONTINUATIONS = new Continuations<LifecycleEvent, BakeState>(BAKE_CONTINUATION_MARKER, 1);

/** How a bake ended in this invocation. */
type BakeOutcome =
  | { readonly kind: 'passed' }
  | { readonly kind: 'failed'; readonly verdict: Verdict }
  /** The next invocation carries on. */
  | { readonly kind: 'handed-over' }
  /** CodeDeploy ended the deployment (an alarm it watches, or a person stopped it): nothing to report. */
  | { readonly kind: 'deployment-over'; readonly status: string };

/**
 * Keeps the AfterAllowTraffic event open for `bakeSeconds` after the last shift, reading the
 * rollout's alarms every minute, and fails on the first one in ALARM. CodeDeploy's documentation
 * says the deployment stops when an alarm of its group goes off (User Guide, "Monitoring
 * deployments with CloudWatch alarms in CodeDeploy",
 * https://docs.aws.amazon.com/codedeploy/latest/userguide/monitoring-create-alarms.html), but not
 * whether it still polls them while a hook of AfterAllowTraffic runs, so the hook reads them itself:
 * either way a release that degrades under full traffic is rolled back.
 */
export async function bake(
  deps: TrafficHookDependencies, context: Context, event: LifecycleEvent, state: BakeState, bakeSeconds: number, alarmNames: string[],
): Promise<BakeOutcome> {
  const retry = hookRetry(deps);
  const bakeMs = bakeSeconds * 1000;
  for (;;) {
    const deployment = await getDeployment(deps.codedeploy, event.DeploymentId, retry);
    if (!isActive(deployment.status)) {
      return { kind: 'deployment-over', status: deployment.status ?? 'unknown' };
    }
    const alarming = await alarmsInAlarm(deps, alarmNames);
    const elapsedMs = deps.clock.now() - state.bakeStartedAt;
    if (alarming.length > 0) {
      return {
        kind: 'failed',
        verdict: failed(`alarm ${alarming.join(', ')} went off ${Math.floor(elapsedMs / 60_000)} minute(s) into the ${bakeSeconds / 60}-minute bake time`),
      };
    }
    if (elapsedMs >= bakeMs) {
      logEvent('baked', { deploymentId: event.DeploymentId, minutes: bakeSeconds / 60, invocation: state.invocation });
      return { kind: 'passed' };
    }
    const waitMs = Math.min(BAKE_POLL_MS, bakeMs - elapsedMs);
    if (context.getRemainingTimeInMillis() - waitMs < REPORT_MARGIN_MS + BAKE_POLL_MS) {
      await BAKE_CONTINUATIONS.handOver(deps.lambda, context.invokedFunctionArn, { event, state }, retry, { deploymentId: event.DeploymentId });
      return { kind: 'handed-over' };
    }
    await deps.clock.sleep(waitMs);
  }
}

/** The names of the rollout's alarms that are in ALARM (metric and composite alarms alike). */
async function alarmsInAlarm(deps: TrafficHookDependencies, alarmNames: string[]): Promise<string[]> {
  if (alarmNames.length === 0) return [];
  const response = await withRetry('DescribeAlarms', (signal) => deps.cloudwatch.send(new DescribeAlarmsCommand({
    AlarmNames: alarmNames, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
  }), { abortSignal: signal }), hookRetry(deps));
  return [...(response.MetricAlarms ?? []), ...(response.CompositeAlarms ?? [])]
    .filter((alarm) => alarm.StateValue === 'ALARM').map((alarm) => alarm.AlarmName ?? '?');
}
