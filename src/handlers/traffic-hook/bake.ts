import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { hookRetry, TrafficHookDependencies } from './dependencies';
import { failed, LifecycleEvent, Verdict } from './lifecycle-event';
import { getDeployment, isActive } from '../shared/deployment';
import { describeError, errorName } from '../shared/errors';
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
    if (!isActive(deployment.status)) {
      return { kind: 'deployment-over', status: deployment.status ?? 'unknown' };
    }
    const { alarming, missing } = await readAlarms(deps, alarmNames);
    const elapsedMs = deps.clock.now() - state.bakeStartedAt;
    if (missing.length > 0) {
      logEvent('alarm-missing', { deploymentId: event.DeploymentId, alarmNames: missing });
      return { kind: 'failed', verdict: failed(missingAlarmsReason(missing, elapsedMs, bakeSeconds)) };
    }
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
      await BAKE_CONTINUATIONS.handOver(deps.lambda, context.invokedFunctionArn, { event, state }, retry, { deploymentId: event.DeploymentId });
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

/**
 * The rollout's alarms that are in ALARM (metric and composite alarms alike), and those CloudWatch
 * does not know: DescribeAlarms leaves out the names it does not find instead of failing
 * (CloudWatch API reference, DescribeAlarms, https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html).
 * At most 100 names per request and page (`AlarmNames`, `MaxRecords`); a rollout has at most 10
 * alarms (the deployment group's quota), so one page holds them all.
 */
async function readAlarms(deps: TrafficHookDependencies, alarmNames: string[]): Promise<{ alarming: string[]; missing: string[] }> {
  if (alarmNames.length === 0) return { alarming: [], missing: [] };
  const response = await withRetry('DescribeAlarms', (signal) => deps.cloudwatch.send(new DescribeAlarmsCommand({
    AlarmNames: alarmNames, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], MaxRecords: 100,
  }), { abortSignal: signal }), hookRetry(deps));
  const alarms = [...(response.MetricAlarms ?? []), ...(response.CompositeAlarms ?? [])];
  const known = new Set(alarms.map((alarm) => alarm.AlarmName));
  return {
    alarming: alarms.filter((alarm) => alarm.StateValue === 'ALARM').map((alarm) => alarm.AlarmName ?? '?'),
    missing: alarmNames.filter((name) => !known.has(name)),
  };
}

/**
 * Why a bake fails when an alarm it watches is gone (deleted or renamed outside the stack): a bake
 * that cannot see an alarm cannot say the release is healthy. CodeDeploy decides the same for the
 * group's own alarms: with `ignorePollAlarmFailure` false (the rollout's setting) "the deployment
 * stops if alarm status information can't be retrieved from Amazon CloudWatch" (API reference,
 * AlarmConfiguration, https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_AlarmConfiguration.html).
 */
function missingAlarmsReason(missing: string[], elapsedMs: number, bakeSeconds: number): string {
  return `alarm ${missing.join(', ')} does not exist in CloudWatch ${Math.floor(elapsedMs / 60_000)} minute(s) into the `
    + `${bakeSeconds / 60}-minute bake time (deleted or renamed outside the stack?): a bake cannot pass on an alarm it cannot read, `
    + 'as CodeDeploy stops a deployment whose alarms it cannot read';
}
