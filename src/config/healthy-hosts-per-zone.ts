import { Token } from 'aws-cdk-lib';
import { MinimumHealthyHostsPerZone } from 'aws-cdk-lib/aws-codedeploy';
import { counted } from './deployment-config-name';
import { ZONAL_CONFIG } from '../private/codedeploy-limits';
import { Problems } from '../private/validation';

/**
 * How many hosts of each Availability Zone must stay healthy while a zonal rollout deploys to
 * that zone (CodeDeploy's MinimumHealthyHostsPerZone).
 */
export class HealthyHostsPerZone {
  /** At least `count` hosts of the zone stay healthy: an integer from 0 to 2,147,483,647 (CodeDeploy's type). */
  public static count(count: number): HealthyHostsPerZone {
    const problems = new Problems('HealthyHostsPerZone.count');
    // The count names the shared deployment config's shape, as HealthyHosts.count's does.
    problems.literal('count', Token.isUnresolved(count));
    problems.integer('count', count, ZONAL_CONFIG.perZoneCount);
    problems.throwIfAny();
    return new HealthyHostsPerZone(counted(count, 'Host'), MinimumHealthyHostsPerZone.count(count));
  }

  /** At least `percentage` of the zone's hosts (rounded up) stay healthy: an integer from 0 to 99. */
  public static percentage(percentage: number): HealthyHostsPerZone {
    const problems = new Problems('HealthyHostsPerZone.percentage');
    problems.literal('percentage', Token.isUnresolved(percentage));
    problems.integer('percentage', percentage, ZONAL_CONFIG.perZonePercent);
    problems.throwIfAny();
    return new HealthyHostsPerZone(`${percentage}Percent`, MinimumHealthyHostsPerZone.percentage(percentage));
  }

  /** A readable name of the threshold, e.g. `1Host`, `2Hosts` or `50Percent`. */
  public readonly shape: string;

  /** @internal */
  public readonly _minimumHealthyHostsPerZone: MinimumHealthyHostsPerZone;

  private constructor(shape: string, minimumHealthyHostsPerZone: MinimumHealthyHostsPerZone) {
    this.shape = shape;
    this._minimumHealthyHostsPerZone = minimumHealthyHostsPerZone;
  }
}
