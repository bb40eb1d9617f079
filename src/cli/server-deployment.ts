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
 * A server deployment's progress: the instance counts of its overview (GetDeployment's
 * `deploymentOverview`), the healthy hosts against the config's minimum, and each instance's
 * lifecycle events. A poll reads at most 25 unfinished instances (one BatchGetDeploymentTargets),
 * taking turns, so a fleet of any size costs one call per poll; instances that finished are not
 * read again. The ids are listed when the deployment is first seen and when the overview's count changes.
 */
export async function readServerDeployment(
  clients: AwsClients, deployment: DeploymentInfo, config: DeploymentConfigInfo | undefined, track: ServerTrack,
): Promise<ServerView> {
  const overview = deployment.deploymentOverview ?? {};
  const counts = {
    pending: overview.Pending ?? 0, inProgress: overview.InProgress ?? 0, succeeded: overview.Succeeded ?? 0,
    failed: overview.Failed ?? 0, skipped: overview.Skipped ?? 0, ready: overview.Ready ?? 0,
  };
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
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
  const minimum = minimumHealthy(config, total);
  return {
    total,
    succeeded: counts.succeeded,
    failed: counts.failed,
    inProgress: counts.inProgress,
    pending: counts.pending + counts.ready,
    skipped: counts.skipped,
    healthy: total - counts.inProgress - counts.failed,
    ...(minimum ? { minimumHealthy: minimum } : {}),
    instances: track.targetIds.flatMap((id) => track.instances.get(id) ?? []),
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
