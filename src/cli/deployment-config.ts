import { DeploymentConfigInfo, GetDeploymentConfigCommand } from '@aws-sdk/client-codedeploy';
import type { AwsClients } from './aws-clients';

/**
 * How a Lambda deployment config moves traffic: the new version's share after each shift, and the
 * minutes between shifts (API reference, TrafficRoutingConfig: TimeBasedCanary moves
 * `canaryPercentage` first and the rest `canaryInterval` minutes later; TimeBasedLinear moves
 * `linearPercentage` every `linearInterval` minutes; AllAtOnce moves everything;
 * https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_TrafficRoutingConfig.html).
 */
export interface TrafficSchedule {
  /** `canary 10% then 100% after 5 min`, for the output. */
  readonly description: string;
  /** The new version's share after each shift, ascending, the last 1. */
  readonly shares: number[];
  readonly intervalMinutes: number;
}

export function trafficSchedule(config: DeploymentConfigInfo | undefined): TrafficSchedule | undefined {
  const routing = config?.trafficRoutingConfig;
  if (!routing) return undefined;
  if (routing.type === 'TimeBasedCanary' && routing.timeBasedCanary) {
    const { canaryPercentage = 0, canaryInterval = 0 } = routing.timeBasedCanary;
    return { description: `canary ${canaryPercentage}%, then 100% after ${canaryInterval} min`, shares: [canaryPercentage / 100, 1], intervalMinutes: canaryInterval };
  }
  if (routing.type === 'TimeBasedLinear' && routing.timeBasedLinear) {
    const { linearPercentage = 100, linearInterval = 0 } = routing.timeBasedLinear;
    const shares: number[] = [];
    for (let share = linearPercentage; share < 100; share += linearPercentage) shares.push(share / 100);
    shares.push(1);
    return { description: `linear ${linearPercentage}% every ${linearInterval} min`, shares, intervalMinutes: linearInterval };
  }
  return { description: 'all at once', shares: [1], intervalMinutes: 0 };
}

/**
 * The least number of healthy instances a server deployment keeps, of `total` (API reference,
 * MinimumHealthyHosts: HOST_COUNT is a number, FLEET_PERCENT a share of the instances, and
 * CodeDeployDefault.OneAtATime answers MOST_CONCURRENCY 1: all instances but one;
 * https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_MinimumHealthyHosts.html).
 */
export function minimumHealthy(config: DeploymentConfigInfo | undefined, total: number): { count: number; description: string } | undefined {
  const hosts = config?.minimumHealthyHosts;
  if (!hosts || hosts.value === undefined) return undefined;
  switch (hosts.type) {
    case 'HOST_COUNT':
      return { count: hosts.value, description: `${hosts.value} host${hosts.value === 1 ? '' : 's'}` };
    case 'FLEET_PERCENT':
      return { count: Math.ceil((total * hosts.value) / 100), description: `${hosts.value}% of the fleet` };
    default:
      return { count: Math.max(0, total - 1), description: 'all but one' };
  }
}

/** Deployment configs by name, read once per run: they cannot change (a config is immutable once created). */
export class DeploymentConfigs {
  private readonly cache = new Map<string, Promise<DeploymentConfigInfo | undefined>>();
  public constructor(private readonly clients: AwsClients) {}

  public get(name: string | undefined): Promise<DeploymentConfigInfo | undefined> {
    if (!name) return Promise.resolve(undefined);
    let found = this.cache.get(name);
    if (!found) {
      found = this.clients.codedeploy.send(new GetDeploymentConfigCommand({ deploymentConfigName: name }))
        .then((response) => response.deploymentConfigInfo);
      // A failed read is tried again at the next poll.
      found.catch(() => this.cache.delete(name));
      this.cache.set(name, found);
    }
    return found;
  }
}
