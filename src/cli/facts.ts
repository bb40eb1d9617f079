import { clockTime, duration, fmt, percent, points, rate } from './format';
import type { DeploymentView, Evidence, RolloutView, ServerView, Snapshot } from './view';

/**
 * The facts of a snapshot, each with a key: the line output prints a fact when its text changes,
 * the JSON output sends it as an event. Facts hold no countdown (a countdown changes every poll);
 * they name the moments instead (`next shift at 12:05:20Z`), which change only when the state does.
 */
export interface Fact {
  readonly key: string;
  readonly text: string;
  /** The fact as data, for `--json`. */
  readonly data: Record<string, unknown>;
}

export function snapshotFacts(snapshot: Snapshot): Fact[] {
  const facts: Fact[] = [];
  for (const stack of snapshot.stacks) {
    facts.push({ key: `stack:${stack.name}`, text: `${stack.name}: stack ${stack.status}`, data: { type: 'stack', stack: stack.name, status: stack.status } });
  }
  for (const note of snapshot.notes) facts.push({ key: `note:${note}`, text: `note: ${note}`, data: { type: 'note', note } });
  for (const view of snapshot.rollouts) {
    facts.push(...rolloutFacts(view));
  }
  return facts;
}

function rolloutFacts(view: RolloutView): Fact[] {
  const { label } = view.rollout;
  const base = { rollout: label, stack: view.rollout.stackName };
  const facts: Fact[] = [{
    key: `rollout:${label}`,
    text: `${label}: ${view.rollout.kind === 'lambda' ? 'Lambda' : view.rollout.blueGreen ? 'blue/green server' : 'server'} rollout, deployment group ${view.rollout.deploymentGroupName}`,
    data: { type: 'rollout', ...base, kind: view.rollout.kind, deploymentGroup: view.rollout.deploymentGroupName, application: view.rollout.applicationName },
  }];
  for (const deployment of view.deployments) facts.push(...deploymentFacts(label, base, deployment));
  const active = view.deployments.some((deployment) => !['Succeeded', 'Failed', 'Stopped'].includes(deployment.status));
  if (active) {
    for (const alarm of view.alarms) {
      facts.push({ key: `alarm:${label}:${alarm.name}`, text: `${label}: alarm ${alarm.name} ${alarm.state}`, data: { type: 'alarm', ...base, alarm: alarm.name, state: alarm.state } });
    }
  }
  return facts;
}

function deploymentFacts(label: string, base: Record<string, unknown>, deployment: DeploymentView): Fact[] {
  const prefix = `${label} ${deployment.id}`;
  const key = `deployment:${deployment.id}`;
  const data = { ...base, deploymentId: deployment.id };
  const facts: Fact[] = [{
    key: `${key}:status`,
    text: `${prefix}: ${deployment.status}${deployment.rollbackOf ? ` (CodeDeploy's rollback of ${deployment.rollbackOf})` : ''}`
      + `${deployment.lambda?.schedule ? `, ${deployment.lambda.schedule.description}` : deployment.configName ? `, ${deployment.configName}` : ''}`
      + `${deployment.error ? `: ${deployment.error.code}${deployment.error.message ? ` (${deployment.error.message})` : ''}` : ''}`,
    data: {
      type: 'deployment',
      ...data,
      status: deployment.status,
      config: deployment.configName,
      ...(deployment.rollbackOf ? { rollbackOf: deployment.rollbackOf } : {}),
      ...(deployment.error ? { error: deployment.error } : {}),
    },
  }];
  const lambda = deployment.lambda;
  if (lambda) {
    const schedule = lambda.schedule;
    const shift = schedule && lambda.shiftsDone > 0 ? ` (shift ${lambda.shiftsDone} of ${schedule.shares.length}` + `${lambda.nextShiftAt !== undefined ? `, next at ${clockTime(lambda.nextShiftAt)}` : ''})` : '';
    facts.push({
      key: `${key}:traffic`,
      text: `${prefix}: traffic ${percent(lambda.share)} on version ${lambda.targetVersion} of ${lambda.functionName}:${lambda.alias}${shift}`,
      data: {
        type: 'traffic',
        ...data,
        share: lambda.share,
        targetVersion: lambda.targetVersion,
        currentVersion: lambda.currentVersion,
        shiftsDone: lambda.shiftsDone,
        ...(lambda.nextShiftAt !== undefined ? { nextShiftAt: new Date(lambda.nextShiftAt).toISOString() } : {}),
      },
    });
    for (const event of lambda.events) {
      const hook = lambda.hook?.event === event.name ? lambda.hook : undefined;
      const step = hook ? ` (${hook.step}${hook.bakeEndsAt !== undefined ? ` until ${clockTime(hook.bakeEndsAt)}` : ''})` : '';
      facts.push({
        key: `${key}:event:${event.name}`,
        text: `${prefix}: ${event.name} ${event.status}${step}`,
        data: {
          type: 'lifecycle-event',
          ...data,
          event: event.name,
          status: event.status,
          ...(hook ? { hookStep: hook.step, ...(hook.bakeEndsAt !== undefined ? { bakeEndsAt: new Date(hook.bakeEndsAt).toISOString() } : {}) } : {}),
        },
      });
    }
    if (lambda.evidence) facts.push(evidenceFact(key, prefix, data, lambda.evidence));
  }
  if (deployment.server) facts.push(...serverFacts(key, prefix, data, deployment.server));
  return facts;
}

/** The guard's evidence in words: `new 9/120 (7.5%), old 2/1080 (0.2%), +7.3 pp, z 5.12 (alarm at 4)`. */
export function evidenceText(evidence: Evidence): string {
  return `new ${rate(evidence.newFailures, evidence.newRequests)}, old ${rate(evidence.oldFailures, evidence.oldRequests)}`
    + `${evidence.difference !== undefined ? `, ${points(evidence.difference)}` : ''}`
    + `, z ${evidence.z !== undefined ? evidence.z.toFixed(2) : '-'}${evidence.threshold !== undefined ? ` (alarm at ${fmt(evidence.threshold)})` : ''}`;
}

function evidenceFact(key: string, prefix: string, data: Record<string, unknown>, evidence: Evidence): Fact {
  return {
    key: `${key}:evidence`,
    // The window's end is left out of the text (it moves every minute); the JSON event carries it.
    text: `${prefix}: guard (${duration(evidence.periodSeconds * 1000)} period): ${evidenceText(evidence)}`,
    data: {
      type: 'evidence',
      ...data,
      alarm: evidence.alarmName,
      periodSeconds: evidence.periodSeconds,
      windowEnd: new Date(evidence.windowEnd).toISOString(),
      newRequests: evidence.newRequests,
      newFailures: evidence.newFailures,
      oldRequests: evidence.oldRequests,
      oldFailures: evidence.oldFailures,
      ...(evidence.difference !== undefined ? { difference: evidence.difference } : {}),
      ...(evidence.z !== undefined ? { z: evidence.z } : {}),
      ...(evidence.threshold !== undefined ? { threshold: evidence.threshold } : {}),
    },
  };
}

/** `healthy 3 of 4 (minimum 3, all but one)`. */
export function healthyText(server: ServerView): string {
  return `${server.replacement !== undefined ? 'replacement ' : ''}healthy ${server.healthy} of ${server.replacement ?? server.total}${server.minimumHealthy ? ` (minimum ${server.minimumHealthy.count}, ${server.minimumHealthy.description})` : ''}`;
}

function serverFacts(key: string, prefix: string, data: Record<string, unknown>, server: ServerView): Fact[] {
  const facts: Fact[] = [{
    key: `${key}:hosts`,
    text: `${prefix}: ${server.succeeded + server.failed + server.skipped} of ${server.total} instances done, ${healthyText(server)}`,
    data: {
      type: 'hosts',
      ...data,
      total: server.total,
      succeeded: server.succeeded,
      failed: server.failed,
      inProgress: server.inProgress,
      pending: server.pending,
      skipped: server.skipped,
      healthy: server.healthy,
      ...(server.minimumHealthy ? { minimumHealthy: server.minimumHealthy.count } : {}),
    },
  }];
  for (const instance of server.instances) {
    facts.push({
      key: `${key}:instance:${instance.id}`,
      text: `${prefix}: instance ${instance.id}${instance.label ? ` (${instance.label})` : ''} ${instance.status}${instance.event ? `, ${instance.event} ${instance.eventStatus}` : ''}`,
      data: {
        type: 'instance',
        ...data,
        instance: instance.id,
        status: instance.status,
        ...(instance.label ? { label: instance.label } : {}),
        ...(instance.event ? { event: instance.event, eventStatus: instance.eventStatus } : {}),
      },
    });
  }
  if (server.waitingForReroute) {
    facts.push({
      key: `${key}:reroute`,
      text: `${prefix}: the replacement instances are ready and wait for traffic: cdk-rollouts promote reroutes it now`,
      data: { type: 'waiting-for-reroute', ...data },
    });
  }
  return facts;
}
