import { Duration, Token } from 'aws-cdk-lib';
import { IServerDeploymentConfig, MinimumHealthyHosts, ServerDeploymentConfig } from 'aws-cdk-lib/aws-codedeploy';
import { IConstruct } from 'constructs';
import { checkDeploymentConfigName, counted } from './deployment-config-name';
import { HealthyHostsPerZone } from './healthy-hosts-per-zone';
import { sharedDeploymentConfig } from './shared-deployment-config';
import { MINIMUM_HEALTHY_HOSTS, ZONAL_CONFIG } from '../private/codedeploy-limits';
import { Problems, Range, SECOND_MILLIS } from '../private/validation';

/**
 * A zonal rollout: CodeDeploy deploys to one Availability Zone at a time, waiting after each zone
 * so that alarms can stop a bad release before it reaches the next zone.
 */
export interface ZonalRolloutOptions {
  /**
   * How many hosts of the zone being deployed must stay healthy.
   *
   * @default - CodeDeploy's default: 0 percent of the zone's hosts
   */
  readonly perZone?: HealthyHostsPerZone;

  /**
   * How long CodeDeploy waits after finishing a zone before it starts the next one, in whole seconds.
   *
   * @default - the next zone starts as soon as one finishes
   */
  readonly monitorDuration?: Duration;

  /**
   * How long CodeDeploy waits after the first zone, in whole seconds: a longer bake for the first
   * zone to see a release.
   *
   * @default - `monitorDuration`
   */
  readonly firstZoneMonitorDuration?: Duration;
}

/** Options of `HealthyHosts.count` and `HealthyHosts.percentage`. */
export interface HealthyHostsOptions {
  /**
   * Deploy to one Availability Zone at a time.
   *
   * @default - no zonal rollout: CodeDeploy picks hosts across the Region
   */
  readonly zonal?: ZonalRolloutOptions;

  /**
   * Name of the custom deployment config, when the shape has no `CodeDeployDefault` equivalent.
   * Letters, digits and `+ = , . @ _ -`, 1 to 100 characters, not starting with `CodeDeployDefault.`.
   *
   * @default - `<stack name>-<shape>`, e.g. `MyStack-ServerMinHealthy75Percent`
   */
  readonly deploymentConfigName?: string;
}

/**
 * The failure threshold of a server deployment: how many hosts must stay healthy while CodeDeploy
 * deploys to the others (CodeDeploy's minimum healthy hosts). The deployment fails as soon as
 * fewer hosts are healthy, and CodeDeploy deploys to as many hosts at once as the threshold allows.
 *
 * A threshold that matches a `CodeDeployDefault.*` config uses it and creates no resource; any
 * other shape creates one `AWS::CodeDeploy::DeploymentConfig` per stack, shared by everything in
 * the stack that asks for the same shape.
 *
 * @example
 * const threshold = HealthyHosts.percentage(75, { zonal: { monitorDuration: Duration.minutes(10) } });
 * new codedeploy.ServerDeploymentGroup(this, 'Group', { deploymentConfig: threshold.bind(this) });
 */
export class HealthyHosts {
  /**
   * At least `count` hosts stay healthy: an integer from 0 to 2,147,483,647 (CodeDeploy's type). `count(0)` without options is
   * `CodeDeployDefault.AllAtOnce`. Keep it below the number of hosts, or the deployment fails at once.
   */
  public static count(count: number, options: HealthyHostsOptions = {}): HealthyHosts {
    return HealthyHosts.threshold('count', count, MINIMUM_HEALTHY_HOSTS.count, options);
  }

  /**
   * At least `percentage` of the hosts (rounded up) stay healthy: an integer from 0 to 99.
   * `percentage(50)` without options is `CodeDeployDefault.HalfAtATime`, `percentage(0)` is
   * `CodeDeployDefault.AllAtOnce`.
   */
  public static percentage(percentage: number, options: HealthyHostsOptions = {}): HealthyHosts {
    return HealthyHosts.threshold('percentage', percentage, MINIMUM_HEALTHY_HOSTS.percent, options);
  }

  /**
   * One host at a time: `CodeDeployDefault.OneAtATime`, the safest and slowest predefined config.
   * CodeDeploy implements it with a threshold users cannot set themselves (at most one host
   * deploying), so it has no `count` or `percentage` equivalent.
   */
  public static oneAtATime(): HealthyHosts {
    return new HealthyHosts('ServerOneAtATime', () => ServerDeploymentConfig.ONE_AT_A_TIME);
  }

  /** Uses an existing server deployment config, predefined or custom, as it is. */
  public static fromDeploymentConfig(config: IServerDeploymentConfig): HealthyHosts {
    return new HealthyHosts(config.deploymentConfigName, () => config);
  }

  private static threshold(kind: 'count' | 'percentage', value: number, range: Range, options: HealthyHostsOptions): HealthyHosts {
    const problems = new Problems(`HealthyHosts.${kind}`);
    problems.literal(kind, Token.isUnresolved(value));
    problems.integer(kind, value, range);
    const zonalShape = options.zonal ? checkZonal(problems, options.zonal) : '';
    if (options.deploymentConfigName !== undefined) {
      checkDeploymentConfigName(problems, 'deploymentConfigName', options.deploymentConfigName);
    }
    problems.throwIfAny();

    const minimumHealthyHosts = kind === 'count' ? MinimumHealthyHosts.count(value) : MinimumHealthyHosts.percentage(value);
    const shapeId = `ServerMinHealthy${kind === 'count' ? counted(value, 'Host') : `${value}Percent`}${zonalShape}`;
    const predefined = options.zonal || options.deploymentConfigName !== undefined ? undefined : predefinedServerConfig(kind, value);
    const zonal = options.zonal;
    return new HealthyHosts(shapeId, (scope) => predefined ?? sharedDeploymentConfig(
      scope, { shapeId, deploymentConfigName: options.deploymentConfigName },
      (stack, id, name) => new ServerDeploymentConfig(stack, id, {
        deploymentConfigName: name,
        minimumHealthyHosts,
        zonalConfig: zonal && {
          minimumHealthyHostsPerZone: zonal.perZone?._minimumHealthyHostsPerZone,
          monitorDuration: zonal.monitorDuration,
          firstZoneMonitorDuration: zonal.firstZoneMonitorDuration,
        },
      })));
  }

  /**
   * A readable name of the threshold, e.g. `ServerMinHealthy75Percent-Zonal-Monitor600s`, or the
   * config name of an imported config.
   */
  public readonly shape: string;

  private constructor(shape: string, private readonly toConfig: (scope: IConstruct) => IServerDeploymentConfig) {
    this.shape = shape;
  }

  /**
   * The deployment config for a server deployment group in `scope`'s stack: the predefined one
   * for the threshold, or the stack's shared custom config (created on first use).
   */
  public bind(scope: IConstruct): IServerDeploymentConfig {
    return this.toConfig(scope);
  }
}

/** `CodeDeployDefault.AllAtOnce` requires no healthy host; `HalfAtATime` half of them. */
function predefinedServerConfig(kind: 'count' | 'percentage', value: number): IServerDeploymentConfig | undefined {
  if (value === 0) {
    return ServerDeploymentConfig.ALL_AT_ONCE;
  }
  return kind === 'percentage' && value === 50 ? ServerDeploymentConfig.HALF_AT_A_TIME : undefined;
}

/** Checks the zonal options and returns their part of the shape id. */
function checkZonal(problems: Problems, zonal: ZonalRolloutOptions): string {
  const seconds = (prop: 'monitorDuration' | 'firstZoneMonitorDuration'): string => {
    const duration = zonal[prop];
    if (duration === undefined) {
      return '';
    }
    if (duration.isUnresolved()) {
      problems.literal(`zonal.${prop}`, true);
      return '';
    }
    const amount = problems.wholeDuration(`zonal.${prop}`, duration, SECOND_MILLIS, ZONAL_CONFIG.monitorDuration);
    return `-${prop === 'monitorDuration' ? 'Monitor' : 'FirstZone'}${amount}s`;
  };
  const perZone = zonal.perZone ? `-PerZone${zonal.perZone.shape}` : '';
  return `-Zonal${perZone}${seconds('monitorDuration')}${seconds('firstZoneMonitorDuration')}`;
}
