import type { DeploymentConfigInfo, DeploymentInfo, DeploymentTarget } from '@aws-sdk/client-codedeploy';
import type { AwsClients } from './aws-clients';
import { minimumHealthy } from './deployment-config';
import { getTargets, listTargets, TARGETS_PER_CALL } from './deployment-targets';
import type { InstanceView, ServerView } from './view';

/** Instance statuses CodeDeploy no longer changes within a deployment (TargetStatus). */
const DONE = new Set(['Succeeded', 'Failed', 'Skipped']);

/** What a server deployment keeps between polls: its instances and what each showed last. */
export interface ServerTrack {
  targetIds?: string[];
  /** How many instances the overview counted when the ids were listed (a change lists them again). */
  listedTotal?: number;
  instances: Map<string, InstanceView>;
  /** Where the next read of instances starts (the reads take turns over the unfinished ones). */
  cursor: number;
}

export function newServerTrack(): ServerTrack {
  return { instances: new Map(), cursor: 0 };
}

/**
 * Reads a server deployment's instances: each one's lifecycle events. A poll reads at most 25
 * unfinished instances (one BatchGetDeploymentTargets), taking turns, so a fleet of any size costs
 * one call per poll; instances that finished are not read again. The ids are listed when the
 * deployment is first seen and when the overview's count of instances changes.
 */
export async function readServerInstances(clients: AwsClients, deployment: DeploymentInfo, track: ServerTrack): Promise<void> {
  const total = overviewCounts(deployment).total;
  if (track.targetIds === undefined || track.listedTotal !== total) {
    track.targetIds = await listTargets(clients, deployment.deploymentId!);
    track.listedTotal = total;
  }
  const unfinished = track.targetIds.filter((id) => !DONE.has(track.instances.get(id)?.status ?? ''));
  if (unfinished.length > 0) {
    const start = track.cursor % unfinished.length;
    const batch = [...unfinished.slice(start), ...unfinished.slice(0, start)].slice(0, TARGETS_PER_CALL);
    track.cursor = start + batch.length;
    for (const target of await getTargets(clients, deployment.deploymentId!, batch)) {
      const view = instanceView(target);
      if (view) track.instances.set(view.id, view);
    }
  }
}

function overviewCounts(deployment: DeploymentInfo) {
  const overview = deployment.deploymentOverview ?? {};
  const counts = {
    pending: overview.Pending ?? 0,
    inProgress: overview.InProgress ?? 0,
    succeeded: overview.Succeeded ?? 0,
    failed: overview.Failed ?? 0,
    skipped: overview.Skipped ?? 0,
    ready: overview.Ready ?? 0,
  };
  return { ...counts, total: Object.values(counts).reduce((sum, n) => sum + n, 0) };
}

/**
 * A server deployment's progress: the instance counts of its overview (GetDeployment's
 * `deploymentOverview`), the healthy hosts against the config's minimum, and the instances read.
 */
export function serverView(deployment: DeploymentInfo, config: DeploymentConfigInfo | undefined, track: ServerTrack): ServerView {
  const { total, ...counts } = overviewCounts(deployment);
  // Blue/green: the minimum applies to the replacement (Green) instances, which are healthy once
  // installed (Ready, then Succeeded); in place: every instance not taken offline nor failed
  // (CodeDeploy User Guide, "CodeDeploy instance health": an instance being updated is offline).
  const instances = (track.targetIds ?? []).flatMap((id) => track.instances.get(id) ?? []);
  const replacement = instances.filter((instance) => instance.label === 'Green');
  const fleet = replacement.length > 0 ? replacement.length : total;
  const healthy = replacement.length > 0
    ? replacement.filter((instance) => instance.status === 'Ready' || instance.status === 'Succeeded').length
    : total - counts.inProgress - counts.failed;
  const minimum = minimumHealthy(config, fleet);
  return {
    total,
    succeeded: counts.succeeded,
    failed: counts.failed,
    inProgress: counts.inProgress,
    pending: counts.pending + counts.ready,
    skipped: counts.skipped,
    healthy,
    ...(replacement.length > 0 ? { replacement: replacement.length } : {}),
    ...(minimum ? { minimumHealthy: minimum } : {}),
    instances,
    waitingForReroute: deployment.status === 'Ready',
  };
}

function instanceView(target: DeploymentTarget): InstanceView | undefined {
  const instance = target.instanceTarget;
  if (!instance?.targetId) return undefined;
  const events = instance.lifecycleEvents ?? [];
  const current = events.find((event) => event.status === 'InProgress' || event.status === 'Failed')
    ?? [...events].reverse().find((event) => event.status !== 'Pending');
  return {
    id: instance.targetId,
    status: instance.status ?? 'Unknown',
    ...(instance.instanceLabel ? { label: instance.instanceLabel } : {}),
    ...(current?.lifecycleEventName ? { event: current.lifecycleEventName, eventStatus: current.status ?? 'Unknown' } : {}),
  };
}
