import { Token } from 'aws-cdk-lib';
import { Rollback } from '../health/rollback';
import { RolloutOptions } from '../health/rollout-options';
import { ALARM_ACTIONS } from '../private/cloudwatch-limits';
import { DEPLOYMENT_GROUP } from '../private/codedeploy-limits';
import { DEFAULT_MAX_ALARMS } from '../private/defaults';
import { Problems } from '../private/validation';

/**
 * The checks every rollout makes of its deployment group at construction: its name, its alarms
 * against the quota, and their actions.
 *
 * @param alarmHint what to suggest when there are too many alarms, after raising the quota
 */
export function checkDeploymentGroup(problems: Problems, options: RolloutOptions, alarmCount: number, alarmHint = ''): void {
  if (options.deploymentGroupName !== undefined) {
    problems.text('deploymentGroupName', options.deploymentGroupName, DEPLOYMENT_GROUP.name);
  }
  const maxAlarms = options.maxAlarms ?? DEFAULT_MAX_ALARMS;
  if (Token.isUnresolved(maxAlarms)) {
    problems.add('maxAlarms must be known at synth, got a token (a value only known at deploy time, such as a CfnParameter\'s): '
      + 'the rollout counts its alarms against it');
  }
  problems.integer('maxAlarms', maxAlarms, { min: 1 });
  if (Number.isInteger(maxAlarms) && maxAlarms >= 1 && alarmCount > maxAlarms) {
    problems.add(`healthChecks need ${alarmCount} alarms, more than the ${maxAlarms} a deployment group may have `
      + `(maxAlarms; raise it if your CodeDeploy quota was raised${alarmHint})`);
  }
  const actions = options.alarmActions;
  if (actions !== undefined && (actions.length < ALARM_ACTIONS.min || actions.length > ALARM_ACTIONS.max)) {
    problems.add(`alarmActions must hold ${ALARM_ACTIONS.min} to ${ALARM_ACTIONS.max} actions, got ${actions.length}`);
  }
}

/**
 * Rollback on alarm needs an alarm; alarms can be added after construction, so this is checked
 * when the app is synthesized (a construct validation).
 *
 * @param addedWith how alarms are added to the rollout after construction, for the message
 */
export function rollbackNeedsAlarm(rollback: Rollback, alarmCount: number, addedWith: string): string[] {
  return rollback.alarm && alarmCount === 0
    ? [`rollback on alarm needs at least one alarm, got none: add a health check (healthChecks, or ${addedWith} later), `
      + 'or choose Rollback.on({ failure: true, stop: true })']
    : [];
}
