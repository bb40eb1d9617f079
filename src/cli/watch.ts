import { DeploymentGroupInfo, DeploymentInfo, GetDeploymentCommand, GetDeploymentGroupCommand, ListDeploymentsCommand } from '@aws-sdk/client-codedeploy';
import { AlarmInfo, describeAlarms, isErrorRateAlarm } from './alarms';
import { AwsClients, isAccessError } from './aws-clients';
import type { Clock } from './clock';
import { DeploymentConfigs } from './deployment-config';
import { diagnose, stateOf } from './diagnosis';
import { describeStack, discoverRollouts, Rollout, StackState } from './discovery';
import { duration } from './format';
import { readEvidence } from './guard-evidence';
import { LambdaTrack, readLambdaDeployment } from './lambda-deployment';
import { newServerTrack, readServerInstances, ServerTrack, serverView } from './server-deployment';
import { DeploymentView, Diagnosis, Evidence, isFinal, LambdaView, RolloutView, Snapshot } from './view';
import { ACTIVE_DEPLOYMENT_STATUSES } from '../handlers/shared/deployment';
import { describeError } from '../handlers/shared/errors';
import { isThrottling } from '../handlers/shared/retry';

export interface WatchOptions {
  readonly stacks: string[];
  readonly intervalSeconds: number;
  readonly waitStartSeconds: number;
  readonly clock: Clock;
}

/** Where the watch loop's snapshots go: a terminal's frames, plain lines or JSON events. */
export interface WatchOutput {
  snapshot(snapshot: Snapshot): void;
  finish(snapshot: Snapshot, verdicts: Verdict[], exitCode: number): void;
}

/** One line per rollout (and per stack that rolled back) at the end. */
export interface Verdict {
  readonly label: string;
  readonly outcome: 'succeeded' | 'failed' | 'none';
  readonly text: string;
  readonly diagnoses: Array<{ readonly deploymentId: string; readonly diagnosis: Diagnosis }>;
}

/** The guard's evidence is read at most once a minute per deployment: Lambda's metrics have one datapoint a minute. */
const EVIDENCE_INTERVAL_MS = 60_000;
/** After this many polls in a row that all failed (not throttling), the command gives up: exit 2. */
const MAX_FAILED_POLLS = 12;
/** The longest the loop waits between polls while AWS throttles it. */
const MAX_BACKOFF_MS = 60_000;
/** A throttled poll doubles the wait; this many clean polls in a row halve it again. */
const CLEAN_POLLS_TO_SPEED_UP = 3;

interface Tracked {
  readonly id: string;
  readonly rollbackOf?: string;
  /** Created while its stack was rolling back (CloudFormation reverting the alias): not judged. */
  readonly duringStackRollback: boolean;
  info?: DeploymentInfo;
  view?: DeploymentView;
  readonly lambda: LambdaTrack;
  readonly server: ServerTrack;
  evidence?: Evidence;
  evidenceAt?: number;
  diagnosis?: Diagnosis;
}

interface RolloutState {
  readonly rollout: Rollout;
  group?: DeploymentGroupInfo;
  readonly deployments: Tracked[];
}

/**
 * Follows the stacks' rollouts until no stack is updating and no deployment of theirs is active:
 * finds the rollouts (discovery.ts), attaches to active deployments, waits for new ones while a
 * stack updates, follows CodeDeploy's rollbacks, and diagnoses failures. Returns the exit code:
 * 0 when every deployment succeeded (or none ran), 1 when one failed or was stopped, or a stack
 * rolled back. Access errors and stacks that do not exist are thrown (exit code 2).
 *
 * Calls per poll, while a deployment is active: GetDeployment, and for Lambda GetAlias and
 * BatchGetDeploymentTargets, for servers one BatchGetDeploymentTargets of at most 25 unfinished
 * instances; GetMetricData once a minute (the guard's evidence); and per poll for all rollouts
 * together one DescribeAlarms and one DescribeStacks per stack. Once per deployment:
 * GetDeploymentGroup, ListDeploymentTargets, GetParameter (the hook's settings), and GetDeploymentConfig
 * once per config. A rollout with no active deployment costs one ListDeployments per poll while its
 * stack updates. A failure adds its diagnosis' calls once.
 */
export async function watch(clients: AwsClients, options: WatchOptions, output: WatchOutput): Promise<number> {
  const { clock } = options;
  const started = clock.now();
  const configs = new DeploymentConfigs(clients);
  const baseInterval = options.intervalSeconds * 1000;
  let interval = baseInterval;
  let cleanPolls = 0;
  let failedPolls = 0;
  let lastError: unknown;
  const states = new Map<string, RolloutState>();
  const stackStatus = new Map<string, string>();
  const skipped: string[] = [];
  /** Stacks seen updating: their final status is judged. */
  const updatedStacks = new Set<string>();
  let alarms = new Map<string, AlarmInfo>();
  let snapshot: Snapshot | undefined;

  for (let poll = 0; ; poll++) {
    const notes: string[] = [];
    let throttled = false;
    let failed = false;
    const attempt = async <T>(what: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await what();
      } catch (err) {
        if (isAccessError(err)) throw err;
        if (isThrottling(err)) throttled = true;
        else failed = true;
        lastError = err;
        return undefined;
      }
    };

    // The stacks, and their rollouts when first seen or when the stack's status changed (an update may add one).
    const stacks = await Promise.all(options.stacks.map(async (name): Promise<StackState> => {
      const state = poll === 0 ? await describeStack(clients, name) : await attempt(() => describeStack(clients, name));
      const status = state?.status ?? stackStatus.get(name) ?? 'UNKNOWN';
      if (state && stackStatus.get(name) !== status) {
        const found = poll === 0 ? await discoverRollouts(clients, name) : await attempt(() => discoverRollouts(clients, name));
        if (found) {
          for (const rollout of found.rollouts) {
            if (!states.has(rollout.label)) states.set(rollout.label, { rollout, deployments: [] });
          }
          for (const note of found.skipped) if (!skipped.includes(note)) skipped.push(note);
        }
      }
      if (state) stackStatus.set(name, status);
      return { name, status };
    }));
    const updating = (stackName: string) => (stackStatus.get(stackName) ?? '').endsWith('_IN_PROGRESS');
    for (const name of options.stacks) if (updating(name)) updatedStacks.add(name);
    const rollingBack = (stackName: string) => (stackStatus.get(stackName) ?? '').includes('ROLLBACK');

    // Each rollout: its active deployment, or a new one (while the stack updates, and at the start).
    const now = () => clock.now();
    await Promise.all([...states.values()].map(async (state) => {
      let current = state.deployments.find((tracked) => !tracked.info || !isFinal(tracked.info.status ?? ''));
      if (!current && (poll === 0 || updating(state.rollout.stackName))) {
        const ids = await attempt(() => activeDeployments(clients, state.rollout));
        const id = ids?.find((candidate) => !state.deployments.some((tracked) => tracked.id === candidate));
        if (id) {
          current = track(state, id, undefined, rollingBack(state.rollout.stackName));
          state.group = undefined;
        }
      }
      if (current) await attempt(() => refresh(clients, configs, state, current!, now()));
      // A rollback CodeDeploy started is followed like the deployment it undoes.
      const last = state.deployments[state.deployments.length - 1];
      const rollbackId = last?.info?.rollbackInfo?.rollbackDeploymentId;
      if (last?.info && isFinal(last.info.status ?? '') && rollbackId && !state.deployments.some((tracked) => tracked.id === rollbackId)) {
        const rollback = track(state, rollbackId, last.id, false);
        await attempt(() => refresh(clients, configs, state, rollback, now()));
      }
    }));

    // Alarms of the rollouts that deploy (one DescribeAlarms for all), the guard's evidence, and diagnoses.
    const watched = [...states.values()]
      .filter((state) => state.deployments.some((tracked) => tracked.view && (!isFinal(tracked.view.status) || !tracked.diagnosis)));
    const alarmNames = watched.flatMap((state) => groupAlarmNames(state.group));
    if (alarmNames.length > 0) alarms = (await attempt(() => describeAlarms(clients, alarmNames))) ?? alarms;
    await Promise.all(watched.map(async (state) => {
      for (const tracked of state.deployments) {
        if (!tracked.info || !tracked.view) continue;
        // The guard judges the new version: a rollback's traffic goes the other way, so it has no evidence to show.
        const evidenceDue = tracked.evidenceAt === undefined || now() - tracked.evidenceAt >= EVIDENCE_INTERVAL_MS;
        if (!isFinal(tracked.view.status) && tracked.view.lambda && !tracked.rollbackOf && evidenceDue) {
          const alarm = groupAlarmNames(state.group).map((name) => alarms.get(name)).find(isErrorRateAlarm);
          if (alarm && tracked.view.lambda.events.some((event) => event.name === 'AllowTraffic' && event.status !== 'Pending')) {
            const evidence = await attempt(() => readEvidence(clients, alarm.alarm, now()));
            if (evidence) {
              tracked.evidence = evidence;
              tracked.evidenceAt = now();
            }
          }
        }
        const status = tracked.view.status;
        if ((status === 'Failed' || status === 'Stopped') && !tracked.diagnosis && !tracked.rollbackOf) {
          tracked.diagnosis = await attempt(() => diagnose(clients, state.rollout, tracked.info!, alarms, groupAlarmNames(state.group)));
        }
      }
    }));

    // Pace: slower while throttled, back to the chosen interval after clean polls; give up after a run of failures.
    if (throttled) {
      interval = Math.min(MAX_BACKOFF_MS, interval * 2);
      cleanPolls = 0;
    } else if (++cleanPolls >= CLEAN_POLLS_TO_SPEED_UP && interval > baseInterval) {
      interval = Math.max(baseInterval, interval / 2);
      cleanPolls = 0;
    }
    failedPolls = failed && !throttled ? failedPolls + 1 : 0;
    if (failedPolls >= MAX_FAILED_POLLS) throw new Error(`gave up after ${MAX_FAILED_POLLS} polls in a row failed: ${describeError(lastError)}`);
    if (interval > baseInterval) notes.push(`AWS is throttling the command's calls: polling every ${duration(interval)}`);
    if (failed) notes.push(`a call failed and is tried again at the next poll: ${describeError(lastError)}`);
    notes.push(...skipped);

    snapshot = {
      time: now(),
      stacks,
      rollouts: [...states.values()].map((state): RolloutView => ({
        rollout: state.rollout,
        deployments: state.deployments.flatMap((tracked) => (tracked.view ? [{
          ...tracked.view,
          ...(tracked.view.lambda && tracked.evidence ? { lambda: { ...tracked.view.lambda, evidence: tracked.evidence } } : {}),
          ...(tracked.diagnosis ? { diagnosis: tracked.diagnosis } : {}),
        }] : [])),
        alarms: state.deployments.some((tracked) => tracked.view)
          ? groupAlarmNames(state.group).map((name) => ({ name, state: stateOf(alarms.get(name)) })) : [],
      })),
      notes,
    };

    const active = [...states.values()].some((state) => state.deployments.some((tracked) => !tracked.view || !isFinal(tracked.view.status)
      || (['Failed', 'Stopped'].includes(tracked.view.status) && !tracked.rollbackOf && !tracked.diagnosis)));
    const waiting = [...states.values()].every((state) => state.deployments.length === 0) && now() - started < options.waitStartSeconds * 1000;
    const done = !active && !waiting && !options.stacks.some(updating);
    if (done) {
      const verdicts = judge(snapshot, [...states.values()], updatedStacks);
      const exitCode = verdicts.some((verdict) => verdict.outcome === 'failed') ? 1 : 0;
      output.finish(snapshot, verdicts, exitCode);
      return exitCode;
    }
    output.snapshot(snapshot);
    await clock.sleep(interval);
  }
}

function track(state: RolloutState, id: string, rollbackOf: string | undefined, duringStackRollback: boolean): Tracked {
  const tracked: Tracked = { id, ...(rollbackOf ? { rollbackOf } : {}), duringStackRollback, lambda: {}, server: newServerTrack() };
  state.deployments.push(tracked);
  return tracked;
}

/** The group's active deployments, newest first (ListDeployments with the active statuses). */
async function activeDeployments(clients: AwsClients, rollout: Rollout): Promise<string[]> {
  const response = await clients.codedeploy.send(new ListDeploymentsCommand({
    applicationName: rollout.applicationName, deploymentGroupName: rollout.deploymentGroupName, includeOnlyStatuses: [...ACTIVE_DEPLOYMENT_STATUSES],
  }));
  return response.deployments ?? [];
}

/**
 * One poll of a deployment: the Lambda or server view, then GetDeployment. The status is read last
 * (after the first poll, which needs the deployment's AppSpec first), so that it is never older
 * than the traffic, events and instances read with it: a change that happens while a poll reads
 * shows in the status no later than in its details, and the outputs list changes in one order.
 */
async function refresh(clients: AwsClients, configs: DeploymentConfigs, state: RolloutState, tracked: Tracked, now: number): Promise<void> {
  const getDeployment = async () => (await clients.codedeploy.send(new GetDeploymentCommand({ deploymentId: tracked.id }))).deploymentInfo;
  const first = !tracked.info;
  if (first) tracked.info = await getDeployment();
  if (!tracked.info) return;
  if (!state.group) {
    state.group = (await clients.codedeploy.send(new GetDeploymentGroupCommand({
      applicationName: state.rollout.applicationName, deploymentGroupName: state.rollout.deploymentGroupName,
    }))).deploymentGroupInfo;
  }
  const config = await configs.get(tracked.info.deploymentConfigName);
  const isLambda = state.rollout.kind === 'lambda' || tracked.info.computePlatform === 'Lambda';
  const readTargets = async (deployment: DeploymentInfo): Promise<LambdaView | undefined> => {
    if (isLambda) return readLambdaDeployment(clients, state.rollout, deployment, config, tracked.lambda, now);
    await readServerInstances(clients, deployment, tracked.server);
    return undefined;
  };
  let lambda = await readTargets(tracked.info);
  const info = first ? tracked.info : (await getDeployment()) ?? tracked.info;
  // The targets were read before the status: a deployment that ended in between would keep the events
  // of before its end, and a final deployment is not read again. Its final targets are read once more.
  if (!first && isFinal(info.status ?? '') && !isFinal(tracked.info.status ?? '')) lambda = await readTargets(info);
  tracked.info = info;
  const server = !isLambda ? serverView(info, config, tracked.server) : undefined;
  const status = info.status ?? 'Unknown';
  const progress = status === 'Succeeded' ? 1
    : lambda ? lambda.share
      : server && server.total > 0 ? (server.succeeded + server.failed + server.skipped) / server.total : 0;
  tracked.view = {
    id: tracked.id,
    status,
    ...(tracked.rollbackOf ? { rollbackOf: tracked.rollbackOf } : {}),
    ...(info.rollbackInfo?.rollbackDeploymentId ? { rollbackDeploymentId: info.rollbackInfo.rollbackDeploymentId } : {}),
    ...(info.createTime ? { createdAt: info.createTime.getTime() } : {}),
    ...(info.completeTime ? { completedAt: info.completeTime.getTime() } : {}),
    ...(info.deploymentConfigName ? { configName: info.deploymentConfigName } : {}),
    progress,
    ...(info.errorInformation?.code ? { error: { code: info.errorInformation.code, message: info.errorInformation.message ?? '' } } : {}),
    ...(lambda ? { lambda } : {}),
    ...(server ? { server } : {}),
  };
}

function groupAlarmNames(group: DeploymentGroupInfo | undefined): string[] {
  return (group?.alarmConfiguration?.alarms ?? []).flatMap((alarm) => (alarm.name ? [alarm.name] : []));
}

/** The verdict of each rollout (its own deployments, not the rollbacks), and of each stack that rolled back. */
function judge(snapshot: Snapshot, states: RolloutState[], updated: Set<string>): Verdict[] {
  const verdicts: Verdict[] = states.map((state) => {
    const label = state.rollout.label;
    const judged = state.deployments.filter((tracked) => !tracked.rollbackOf && !tracked.duringStackRollback && tracked.view);
    if (judged.length === 0) return { label, outcome: 'none', text: `${label}: no deployment`, diagnoses: [] };
    const bad = judged.filter((tracked) => tracked.view!.status !== 'Succeeded');
    const shown = bad[0] ?? judged[judged.length - 1];
    const view = shown.view!;
    const took = view.createdAt !== undefined && view.completedAt !== undefined ? ` after ${duration(view.completedAt - view.createdAt)}` : '';
    if (bad.length === 0) {
      return { label, outcome: 'succeeded', text: `${label}: SUCCEEDED ${view.id}${took.replace(' after', ' in')}`, diagnoses: [] };
    }
    const rollback = state.deployments.find((tracked) => tracked.rollbackOf === view.id);
    const rolledBack = rollback?.view ? `; rolled back by ${rollback.id} (${rollback.view.status})` : '';
    const cause = shown.diagnosis?.alarms.length ? ` by alarm ${shown.diagnosis.alarms.map((alarm) => alarm.name).join(', ')}`
      : view.error ? ` (${view.error.code})` : '';
    return {
      label,
      outcome: 'failed',
      text: `${label}: FAILED ${view.id} ${view.status}${cause}${took}${rolledBack}`,
      diagnoses: bad.flatMap((tracked) => (tracked.diagnosis ? [{ deploymentId: tracked.id, diagnosis: tracked.diagnosis }] : [])),
    };
  });
  for (const stack of snapshot.stacks) {
    // Only a stack that updated while watched: an old rollback is not this run's failure.
    if (updated.has(stack.name) && /ROLLBACK|FAILED/.test(stack.status)) {
      verdicts.push({ label: stack.name, outcome: 'failed', text: `${stack.name}: FAILED, the stack ended ${stack.status}`, diagnoses: [] });
    }
  }
  return verdicts;
}
