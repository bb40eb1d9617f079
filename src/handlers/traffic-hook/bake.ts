import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { hookRetry, TrafficHookDependencies } from './dependencies';
import { getDeployment, isActive } from './deployment';
import { failed, LifecycleEvent, Verdict } from './lifecycle-event';
import { REPORT_MARGIN_MS } from './smoke-test';
import { describeError, errorName } from '../shared/errors';
import { logEvent } from '../shared/log';
import { withRetry } from '../shared/retry';

/** How often the bake reads the alarms: the generated alarms evaluate every minute. */
export const BAKE_POLL_MS = 60_000;

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

/** Marks a hand-over payload; CodeDeploy's events never carry it. */
export const BAKE_CONTINUATION_MARKER = 'cdkCodeDeployRolloutsBake';

export interface BakeContinuation {
  readonly [BAKE_CONTINUATION_MARKER]: 1;
  readonly event: LifecycleEvent;
  readonly state: BakeState;
}

export function isBakeContinuation(payload: unknown): payload is BakeContinuation {
  return typeof payload === 'object' && payload !== null
    && (payload as Record<string, unknown>)[BAKE_CONTINUATION_MARKER] === 1
    && typeof (payload as { state?: unknown }).state === 'object'
    && typeof (payload as { event?: unknown }).event === 'object';
}

/** How a bake ended in this invocation. */
export type BakeOutcome =
  /** The bake time passed, or (`promotedAfterMinutes`) `cdk-rollouts promote` ended it early, with no alarm. */
  | { readonly kind: 'passed'; readonly promotedAfterMinutes?: number }
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
 *
 * With each read of the alarms it reads the rollout's promote parameter (`promoteParameter`,
 * contract/traffic-hook.ts): when `cdk-rollouts promote` has written this deployment's id there,
 * the bake ends as passed at that check, unless an alarm is in ALARM.
 */
export async function bake(
  deps: TrafficHookDependencies, context: Context, event: LifecycleEvent, state: BakeState, bakeSeconds: number, alarmNames: string[],
  promoteParameter: string,
): Promise<BakeOutcome> {
  const retry = hookRetry(deps);
  const bakeMs = bakeSeconds * 1000;
  for (;;) {
    const deployment = await getDeployment(deps.codedeploy, event.DeploymentId, retry);
    if (!isActive(deployment)) {
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
    if (elapsedMs < bakeMs && await promoted(deps, promoteParameter, event.DeploymentId)) {
      const minutes = Math.floor(elapsedMs / 60_000);
      logEvent('promoted', { deploymentId: event.DeploymentId, parameter: promoteParameter, afterMinutes: minutes, invocation: state.invocation });
      return { kind: 'passed', promotedAfterMinutes: minutes };
    }
    if (elapsedMs >= bakeMs) {
      logEvent('baked', { deploymentId: event.DeploymentId, minutes: bakeSeconds / 60, invocation: state.invocation });
      return { kind: 'passed' };
    }
    const waitMs = Math.min(BAKE_POLL_MS, bakeMs - elapsedMs);
    if (context.getRemainingTimeInMillis() - waitMs < REPORT_MARGIN_MS + BAKE_POLL_MS) {
      await handOver(deps, context, event, state);
      return { kind: 'handed-over' };
    }
    await deps.clock.sleep(waitMs);
  }
}

/**
 * Whether the promote parameter holds this deployment's id. A missing parameter is no promote; a
 * parameter that cannot be read is logged and taken as no promote: the bake then runs its full time,
 * which never harms a healthy release.
 */
async function promoted(deps: TrafficHookDependencies, parameter: string, deploymentId: string): Promise<boolean> {
  try {
    const response = await withRetry('GetParameter', (signal) => deps.ssm.send(new GetParameterCommand({ Name: parameter }), { abortSignal: signal }), hookRetry(deps));
    return response?.Parameter?.Value === deploymentId;
  } catch (err) {
    if (errorName(err) !== 'ParameterNotFound') logEvent('promote-unreadable', { deploymentId, parameter, error: describeError(err) });
    return false;
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

/**
 * Invokes this same function asynchronously (`InvocationType: Event`) with the event and the
 * bake's progress, as the server deployer does (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html).
 */
async function handOver(deps: TrafficHookDependencies, context: Context, event: LifecycleEvent, state: BakeState): Promise<void> {
  const payload: BakeContinuation = { [BAKE_CONTINUATION_MARKER]: 1, event, state: { ...state, invocation: state.invocation + 1 } };
  await withRetry('Invoke', (signal) => deps.lambda.send(new InvokeCommand({
    FunctionName: context.invokedFunctionArn,
    InvocationType: 'Event',
    Payload: Buffer.from(JSON.stringify(payload), 'utf8'),
  }), { abortSignal: signal }), hookRetry(deps));
  logEvent('handed-over', { deploymentId: event.DeploymentId, nextInvocation: state.invocation + 1 });
}
