import { AutoRollbackConfig } from 'aws-cdk-lib/aws-codedeploy';
import { Problems } from '../private/validation';

/** The events `Rollback.on` rolls a deployment back on. */
export interface RollbackEvents {
  /**
   * Roll back a deployment that fails.
   *
   * @default false
   */
  readonly failure?: boolean;

  /**
   * Roll back a deployment that someone stops.
   *
   * @default false
   */
  readonly stop?: boolean;

  /**
   * Roll back a deployment during which one of the deployment group's alarms goes off. A
   * deployment group that rolls back on alarm needs at least one alarm.
   *
   * @default false
   */
  readonly alarm?: boolean;
}

/**
 * When CodeDeploy puts the last good revision back automatically (CodeDeploy's automatic
 * rollback configuration).
 *
 * @example
 * new codedeploy.LambdaDeploymentGroup(this, 'Group', { alias, alarms, autoRollback: Rollback.onFailureAndAlarm().toAutoRollbackConfig() });
 */
export class Rollback {
  /** Roll back on failure, on a stop request and on alarm: the safe default. */
  public static onFailureAndAlarm(): Rollback {
    return new Rollback(true, true, true);
  }

  /** Never roll back automatically: a failed deployment leaves the new revision where it got to. */
  public static never(): Rollback {
    return new Rollback(false, false, false);
  }

  /** Roll back on the chosen events only; choose at least one (or use `Rollback.never()`). */
  public static on(events: RollbackEvents): Rollback {
    const failure = events.failure ?? false;
    const stop = events.stop ?? false;
    const alarm = events.alarm ?? false;
    const problems = new Problems('Rollback.on');
    if (!failure && !stop && !alarm) {
      problems.add('choose at least one of failure, stop or alarm, got none; use Rollback.never() to turn automatic rollback off');
    }
    problems.throwIfAny();
    return new Rollback(failure, stop, alarm);
  }

  /** Whether a failed deployment rolls back. */
  public readonly failure: boolean;

  /** Whether a stopped deployment rolls back. */
  public readonly stop: boolean;

  /** Whether a deployment rolls back when an alarm goes off. */
  public readonly alarm: boolean;

  private constructor(failure: boolean, stop: boolean, alarm: boolean) {
    this.failure = failure;
    this.stop = stop;
    this.alarm = alarm;
  }

  /** The same choice as aws-cdk-lib's `autoRollback` prop of a deployment group. */
  public toAutoRollbackConfig(): AutoRollbackConfig {
    return { failedDeployment: this.failure, stoppedDeployment: this.stop, deploymentInAlarm: this.alarm };
  }
}
