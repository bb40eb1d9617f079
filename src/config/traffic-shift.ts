import { Duration, Token } from 'aws-cdk-lib';
import { ILambdaDeploymentConfig, LambdaDeploymentConfig, TrafficRouting } from 'aws-cdk-lib/aws-codedeploy';
import { IConstruct } from 'constructs';
import { checkDeploymentConfigName, counted } from './deployment-config-name';
import { sharedDeploymentConfig } from './shared-deployment-config';
import { LAMBDA_TRAFFIC_SHIFT } from '../private/codedeploy-limits';
import { MINUTE_MILLIS, Problems } from '../private/validation';

/** Options of `TrafficShift.canary` and `TrafficShift.linear`. */
export interface TrafficShiftOptions {
  /**
   * Percentage of traffic moved to the new version in each step: the first step of a canary, or
   * every step of a linear shift. An integer from 1 to 99.
   */
  readonly percentage: number;

  /**
   * Time between steps, in whole minutes from 1 to 2880. For a canary, how long the first step
   * runs before all traffic moves; for a linear shift, the time between two steps, and the whole
   * shift (steps - 1 intervals) must also fit in 2880 minutes.
   */
  readonly interval: Duration;

  /**
   * Name of the custom deployment config, when the shape has no `CodeDeployDefault` equivalent.
   * Letters, digits and `+ = , . @ _ -`, 1 to 100 characters, not starting with `CodeDeployDefault.`.
   *
   * @default - `<stack name>-<shape>`, e.g. `MyStack-LambdaCanary5Percent15Minutes`
   */
  readonly deploymentConfigName?: string;
}

/** The two time-based shapes, as they appear in config names. */
enum ShiftType {
  CANARY = 'Canary',
  LINEAR = 'Linear',
}

/** The predefined Lambda configs, by the shape they implement. */
const PREDEFINED: Record<string, ILambdaDeploymentConfig> = {
  'Canary-10-5': LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
  'Canary-10-10': LambdaDeploymentConfig.CANARY_10PERCENT_10MINUTES,
  'Canary-10-15': LambdaDeploymentConfig.CANARY_10PERCENT_15MINUTES,
  'Canary-10-30': LambdaDeploymentConfig.CANARY_10PERCENT_30MINUTES,
  'Linear-10-1': LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTE,
  'Linear-10-2': LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_2MINUTES,
  'Linear-10-3': LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_3MINUTES,
  'Linear-10-10': LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_10MINUTES,
};

/**
 * How Lambda traffic moves from the old version to the new one during a deployment.
 *
 * A shape that matches a `CodeDeployDefault.*` config uses it and creates no resource; any other
 * shape creates one `AWS::CodeDeploy::DeploymentConfig` per stack, shared by everything in the
 * stack that asks for the same shape. Every factory checks CodeDeploy's limits at once and reports
 * all problems in one error.
 *
 * @example
 * const shift = TrafficShift.canary({ percentage: 5, interval: Duration.minutes(15) });
 * new codedeploy.LambdaDeploymentGroup(this, 'Group', { alias, deploymentConfig: shift.bind(this) });
 */
export class TrafficShift {
  /**
   * Moves `percentage` of traffic to the new version, then the rest after `interval`.
   * `canary({ percentage: 10, interval: Duration.minutes(5) })` is `CodeDeployDefault.LambdaCanary10Percent5Minutes`
   * (likewise 10, 15 and 30 minutes).
   */
  public static canary(options: TrafficShiftOptions): TrafficShift {
    return TrafficShift.timeBased(ShiftType.CANARY, options);
  }

  /**
   * Moves `percentage` more of the traffic every `interval` until all of it runs on the new version.
   * `linear({ percentage: 10, interval: Duration.minutes(1) })` is `CodeDeployDefault.LambdaLinear10PercentEvery1Minute`
   * (likewise 2, 3 and 10 minutes).
   */
  public static linear(options: TrafficShiftOptions): TrafficShift {
    return TrafficShift.timeBased(ShiftType.LINEAR, options);
  }

  /** Moves all traffic at once: `CodeDeployDefault.LambdaAllAtOnce`. No alarm can stop a bad version first. */
  public static allAtOnce(): TrafficShift {
    return new TrafficShift('LambdaAllAtOnce', () => LambdaDeploymentConfig.ALL_AT_ONCE);
  }

  /** Uses an existing deployment config, predefined or custom, as it is. */
  public static fromDeploymentConfig(config: ILambdaDeploymentConfig): TrafficShift {
    return new TrafficShift(config.deploymentConfigName, () => config);
  }

  private static timeBased(type: ShiftType, options: TrafficShiftOptions): TrafficShift {
    const problems = new Problems(`TrafficShift.${type === ShiftType.CANARY ? 'canary' : 'linear'}`);
    const { percentage, interval, deploymentConfigName } = options;
    // The shape names the shared config, so it must be known at synth time.
    problems.literal('percentage', Token.isUnresolved(percentage));
    problems.literal('interval', interval.isUnresolved());
    problems.integer('percentage', percentage, LAMBDA_TRAFFIC_SHIFT.percentage);
    const minutes = problems.wholeDuration('interval', interval, MINUTE_MILLIS, LAMBDA_TRAFFIC_SHIFT.interval);
    if (type === ShiftType.LINEAR && minutes !== undefined && Number.isInteger(percentage)) {
      checkLinearSpan(problems, percentage, minutes);
    }
    if (deploymentConfigName !== undefined) {
      checkDeploymentConfigName(problems, 'deploymentConfigName', deploymentConfigName);
    }
    problems.throwIfAny();

    const shapeId = `Lambda${type}${percentage}Percent${type === ShiftType.LINEAR ? 'Every' : ''}${counted(interval.toMinutes(), 'Minute')}`;
    const predefined = deploymentConfigName === undefined ? PREDEFINED[`${type}-${percentage}-${interval.toMinutes()}`] : undefined;
    return new TrafficShift(shapeId, (scope) => predefined ?? sharedDeploymentConfig(scope, { shapeId, deploymentConfigName },
      (stack, id, name) => new LambdaDeploymentConfig(stack, id, {
        deploymentConfigName: name,
        trafficRouting: type === ShiftType.CANARY
          ? TrafficRouting.timeBasedCanary({ percentage, interval })
          : TrafficRouting.timeBasedLinear({ percentage, interval }),
      })));
  }

  /**
   * A readable name of the shape, e.g. `LambdaCanary5Percent15Minutes`, or the config name of an
   * imported config.
   */
  public readonly shape: string;

  private constructor(
    shape: string,
    private readonly toConfig: (scope: IConstruct) => ILambdaDeploymentConfig,
  ) {
    this.shape = shape;
  }

  /**
   * The deployment config for a deployment group in `scope`'s stack: the predefined one for the
   * shape, or the stack's shared custom config (created on first use).
   */
  public bind(scope: IConstruct): ILambdaDeploymentConfig {
    return this.toConfig(scope);
  }
}

/** A linear shift of p% takes ceil(100 / p) steps; the span from first to last step is capped. */
function checkLinearSpan(problems: Problems, percentage: number, intervalMinutes: number): void {
  const steps = Math.ceil(100 / percentage);
  const span = (steps - 1) * intervalMinutes;
  if (span > LAMBDA_TRAFFIC_SHIFT.maxShiftSpanMinutes) {
    problems.add(`the shift must reach 100% within ${LAMBDA_TRAFFIC_SHIFT.maxShiftSpanMinutes} minutes of its first step, `
      + `got ${steps} steps of ${percentage}% every ${intervalMinutes} minutes = ${span} minutes (raise percentage or shorten interval)`);
  }
}
