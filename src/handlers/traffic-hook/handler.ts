import type { Context } from 'aws-lambda';
import { bake, BAKE_CONTINUATIONS, BakeState } from './bake';
import { hookRetry, TrafficHookDependencies } from './dependencies';
import { deploymentTarget } from './deployment-target';
import { claimExecution } from './execution-claim';
import { failed, isLifecycleEvent, LifecycleEvent, succeeded, Verdict } from './lifecycle-event';
import { pruneVersions } from './prune-versions';
import { reportVerdict } from './report';
import { runningLifecycleEvent } from './running-event';
import { loadSettings } from './settings';
import { runSmokeTest } from './smoke-test';
import { promoteParameterName } from '../../contract/traffic-hook';
import { getDeployment, isActive } from '../shared/deployment';
import { describeError } from '../shared/errors';
import { logEvent } from '../shared/log';

/** The Lambda handler: invoked by CodeDeploy (asynchronously) in a lifecycle event, or by itself to carry on a bake. */
export type TrafficHookHandler = (payload: unknown, context: Context) => Promise<void>;

/** What one invocation ends with: a verdict to report, or nothing (handed over, or the deployment is over). */
type Outcome = { readonly verdict: Verdict } | { readonly none: string };

/**
 * The library's hook of every rollout in a stack that uses `smokeTest`, `keepVersions` or `bakeTime`:
 * finds the deployment's target in its AppSpec, the rollout's settings in its parameter and the
 * lifecycle event it serves, does that event's work and reports the verdict, once per execution
 * however often Lambda delivers it (execution-claim.ts). It never throws: a
 * throw would make Lambda retry the event, and CodeDeploy would wait out its hour on a failed hook;
 * any error of its own is reported as Failed at once.
 */
export function createTrafficHookHandler(deps: TrafficHookDependencies): TrafficHookHandler {
  return async (payload, context) => {
    const continuation = BAKE_CONTINUATIONS.read(payload);
    const event = continuation ? continuation.event : payload;
    if (!isLifecycleEvent(event)) {
      logEvent('ignored', { reason: 'neither a CodeDeploy lifecycle event nor a bake continuation' });
      return;
    }
    const invocation = continuation?.state.invocation ?? 1;
    logEvent('lifecycle-event', { deploymentId: event.DeploymentId, invocation });
    // A second delivery of an execution (or of a bake's hand-over) does nothing: execution-claim.ts.
    if (await claimExecution(deps, event, invocation) === 'duplicate') return;
    let outcome: Outcome;
    try {
      outcome = await serve(deps, context, event, continuation?.state);
    } catch (err) {
      logEvent('internal-error', { error: describeError(err), stack: err instanceof Error ? err.stack : undefined });
      outcome = { verdict: failed(`the traffic hook failed: ${describeError(err)}`) };
    }
    if ('verdict' in outcome) {
      await reportVerdict(deps.codedeploy, event, outcome.verdict, hookRetry(deps));
    } else {
      logEvent('no-report', { deploymentId: event.DeploymentId, reason: outcome.none });
    }
  };
}

async function serve(deps: TrafficHookDependencies, context: Context, event: LifecycleEvent, bakeState?: BakeState): Promise<Outcome> {
  const retry = hookRetry(deps);
  const deployment = await getDeployment(deps.codedeploy, event.DeploymentId, retry);
  if (!isActive(deployment.status)) {
    return { none: `deployment ${event.DeploymentId} is ${deployment.status}` };
  }
  const target = await deploymentTarget(deps.codedeploy, deployment, retry);
  const settings = await loadSettings(deps.ssm, deps.settingsPrefix, target, retry);
  const lifecycle = bakeState ? 'AfterAllowTraffic' : await runningLifecycleEvent(deps.codedeploy, event.DeploymentId, settings, retry);
  logEvent('serving', { deploymentId: event.DeploymentId, lifecycle, functionName: target.functionName, alias: target.alias, targetVersion: target.targetVersion });

  if (lifecycle === 'BeforeAllowTraffic') {
    const smokeTest = settings.beforeAllowTraffic?.smokeTest;
    if (!smokeTest) throw new Error(`the settings of ${target.functionName}:${target.alias} have no BeforeAllowTraffic step`);
    return { verdict: await runSmokeTest(deps, context, target, smokeTest) };
  }

  const after = settings.afterAllowTraffic;
  if (!after) throw new Error(`the settings of ${target.functionName}:${target.alias} have no AfterAllowTraffic step`);
  let promotedAfter: number | undefined;
  if (after.bakeSeconds) {
    const outcome = await bake(deps, context, event, bakeState ?? { bakeStartedAt: deps.clock.now(), invocation: 1 },
      after.bakeSeconds, after.alarmNames ?? [], promoteParameterName(deps.settingsPrefix, target.functionName, target.alias));
    if (outcome.kind === 'failed') return { verdict: outcome.verdict };
    if (outcome.kind === 'handed-over') return { none: 'the bake continues in the next invocation' };
    if (outcome.kind === 'deployment-over') return { none: `deployment ${event.DeploymentId} is ${outcome.status}` };
    promotedAfter = outcome.promotedAfterMinutes;
  }
  if (after.keepVersions) {
    // Pruning is housekeeping: a version it could not delete never rolls back a healthy release.
    const pruned = await pruneVersions(deps, target, after.keepVersions);
    return {
      verdict: succeeded(`kept the newest ${after.keepVersions} version(s); deleted ${pruned.deleted.length}`
      + (pruned.error ? `, then stopped: ${pruned.error}` : '') + (pruned.left.length > 0 ? `; ${pruned.left.length} left for later runs` : '')),
    };
  }
  return {
    verdict: succeeded(promotedAfter !== undefined
      ? `baked ${promotedAfter} of ${(after.bakeSeconds ?? 0) / 60} minute(s) without an alarm, then cdk-rollouts promote ended the bake`
      : `baked ${(after.bakeSeconds ?? 0) / 60} minute(s) without an alarm`),
  };
}
