import type { DeploymentConfigInfo, DeploymentInfo, LifecycleEvent } from '@aws-sdk/client-codedeploy';
import { GetAliasCommand } from '@aws-sdk/client-lambda';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import type { AwsClients } from './aws-clients';
import { trafficSchedule } from './deployment-config';
import { getTargets, listTargets } from './deployment-targets';
import type { Rollout } from './discovery';
import type { HookView, LambdaView } from './view';
import type { TrafficHookSettings } from '../contract/traffic-hook';
import { appSpecTarget, DeploymentTarget } from '../handlers/traffic-hook/app-spec-target';

/** What a Lambda deployment keeps between polls: its target (read once) and the hook's settings. */
export interface LambdaTrack {
  target?: DeploymentTarget;
  targetIds?: string[];
  settings?: TrafficHookSettings | null;
}

/**
 * A Lambda deployment's progress: the function and versions from its AppSpec (CloudFormation passes
 * it inline), the new version's share from the alias's routing (GetAlias: the alias's version and
 * `AdditionalVersionWeights`), the schedule from the deployment config, and CodeDeploy's lifecycle
 * events of the function (BatchGetDeploymentTargets, `lambdaTarget.lifecycleEvents`). Three calls per
 * poll after the first (GetAlias, BatchGetDeploymentTargets, and the GetDeployment before it).
 */
export async function readLambdaDeployment(
  clients: AwsClients, rollout: Rollout, deployment: DeploymentInfo, config: DeploymentConfigInfo | undefined, track: LambdaTrack, now: number,
): Promise<LambdaView | undefined> {
  if (!track.target) {
    const content = deployment.revision?.appSpecContent?.content ?? deployment.revision?.string?.content;
    if (content === undefined) return undefined;
    try {
      track.target = appSpecTarget(content);
    } catch {
      return undefined;
    }
  }
  const target = track.target;
  if (track.targetIds === undefined) track.targetIds = await listTargets(clients, deployment.deploymentId!);
  const [alias, targets, settings] = await Promise.all([
    clients.lambda.send(new GetAliasCommand({ FunctionName: target.functionName, Name: target.alias })),
    getTargets(clients, deployment.deploymentId!, track.targetIds),
    hookSettings(clients, rollout, track),
  ]);
  const events = targets.flatMap((t) => t.lambdaTarget?.lifecycleEvents ?? []);
  const weights = alias.RoutingConfig?.AdditionalVersionWeights ?? {};
  const otherWeights = Object.entries(weights).filter(([version]) => version !== target.targetVersion).reduce((sum, [, weight]) => sum + weight, 0);
  const share = alias.FunctionVersion === target.targetVersion ? 1 - otherWeights : weights[target.targetVersion] ?? 0;
  const schedule = trafficSchedule(config);
  const shiftsDone = schedule ? schedule.shares.filter((step) => share >= step - 1e-9).length : share >= 1 ? 1 : 0;
  const allowTraffic = events.find((event) => event.lifecycleEventName === 'AllowTraffic');
  const nextShiftAt = schedule && allowTraffic?.status === 'InProgress' && allowTraffic.startTime && shiftsDone >= 1 && shiftsDone < schedule.shares.length
    ? allowTraffic.startTime.getTime() + shiftsDone * schedule.intervalMinutes * 60_000
    : undefined;
  const hook = hookView(events, settings ?? undefined, now);
  return {
    functionName: target.functionName,
    alias: target.alias,
    currentVersion: target.currentVersion,
    targetVersion: target.targetVersion,
    share,
    ...(schedule ? { schedule } : {}),
    shiftsDone,
    ...(nextShiftAt !== undefined ? { nextShiftAt } : {}),
    events: events.map((event) => ({ name: event.lifecycleEventName ?? '?', status: event.status ?? 'Unknown' })),
    ...(hook ? { hook } : {}),
  };
}

/** The rollout's settings for the library's hook (GetParameter, once per deployment): what its hook steps are. */
async function hookSettings(clients: AwsClients, rollout: Rollout, track: LambdaTrack): Promise<TrafficHookSettings | null> {
  if (track.settings !== undefined) return track.settings;
  if (!rollout.hookSettingsParameter) return (track.settings = null);
  try {
    const response = await clients.ssm.send(new GetParameterCommand({ Name: rollout.hookSettingsParameter }));
    track.settings = JSON.parse(response.Parameter?.Value ?? 'null') as TrafficHookSettings | null;
  } catch {
    // Without its settings, the hook's step is shown by its lifecycle event alone.
    track.settings = null;
  }
  return track.settings;
}

/** The hook step in progress: the library's smoke test or bake (with the bake's end), or a hook of the user's. */
function hookView(events: LifecycleEvent[], settings: TrafficHookSettings | undefined, now: number): HookView | undefined {
  const running = events.find((event) => (event.lifecycleEventName === 'BeforeAllowTraffic' || event.lifecycleEventName === 'AfterAllowTraffic')
    && event.status === 'InProgress');
  if (!running) return undefined;
  const event = running.lifecycleEventName!;
  if (event === 'BeforeAllowTraffic') {
    return { event, status: 'InProgress', step: settings?.beforeAllowTraffic ? 'smoke test' : 'hook' };
  }
  const after = settings?.afterAllowTraffic;
  if (after?.bakeSeconds && running.startTime) {
    const bakeEndsAt = running.startTime.getTime() + after.bakeSeconds * 1000;
    if (now < bakeEndsAt || !after.keepVersions) return { event, status: 'InProgress', step: 'bake', bakeEndsAt };
  }
  return { event, status: 'InProgress', step: after?.keepVersions ? 'version pruning' : after ? 'bake' : 'hook' };
}
