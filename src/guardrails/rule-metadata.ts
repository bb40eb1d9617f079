import { AppGuardrailRule } from './app-template';
import { alarmsEnabled } from './rules/alarms-enabled';
import { customConfigQuota } from './rules/custom-config-quota';
import { fleetStaysUp } from './rules/fleet-stays-up';
import { notAllAtOnce } from './rules/not-all-at-once';
import { notifies } from './rules/notifications';
import { pollAlarmFailureStops } from './rules/poll-alarm-failure';
import { rollbackOnAlarm } from './rules/rollback-on-alarm';
import { rollbackOnFailure } from './rules/rollback-on-failure';
import { scopedServiceRole } from './rules/scoped-service-role';
import { uniqueConfigNames } from './rules/unique-config-names';
import { GuardrailRule } from './template';

/** A rule with what the report says of it. Ids are stable: acknowledgements name them. */
interface RuleMetadata {
  readonly id: string;
  readonly level: 'error' | 'warning';
  /** What a finding means. */
  readonly description: string;
  /** How to comply. */
  readonly fix: string;
  readonly rule: GuardrailRule;
}

/** A rule over every stack the pack sees at once, with what the report says of it. */
interface AppRuleMetadata extends Omit<RuleMetadata, 'rule'> {
  readonly rule: AppGuardrailRule;
}

export const RULES: readonly RuleMetadata[] = [
  {
    id: 'CodeDeploy-AlarmsEnabled',
    level: 'error',
    description: 'The deployment group has no enabled alarm configuration: no signal stops a bad release.',
    fix: 'Give the group at least one alarm and keep the alarm configuration enabled (LambdaRollout and ServerRollout healthChecks).',
    rule: alarmsEnabled,
  },
  {
    id: 'CodeDeploy-RollbackOnFailure',
    level: 'error',
    description: 'The deployment group does not roll back automatically when a deployment fails.',
    fix: 'Enable automatic rollback with the DEPLOYMENT_FAILURE event (Rollback.onFailureAndAlarm()).',
    rule: rollbackOnFailure,
  },
  {
    id: 'CodeDeploy-RollbackOnAlarm',
    level: 'error',
    description: 'The deployment group has alarms but does not roll back when one goes off.',
    fix: 'Add the DEPLOYMENT_STOP_ON_ALARM rollback event (Rollback.onFailureAndAlarm()).',
    rule: rollbackOnAlarm,
  },
  {
    id: 'CodeDeploy-PollAlarmFailure',
    level: 'warning',
    description: 'The deployment group carries on when CodeDeploy cannot read its alarms (IgnorePollAlarmFailure).',
    fix: 'Leave IgnorePollAlarmFailure off, so that a deployment stops when its alarms cannot be read.',
    rule: pollAlarmFailureStops,
  },
  {
    id: 'CodeDeploy-NotAllAtOnce',
    level: 'warning',
    description: 'The deployment group deploys all at once: every user meets a bad release before any alarm can stop it.',
    fix: 'Use a canary or linear TrafficShift for Lambda, or a HealthyHosts threshold above zero for servers.',
    rule: notAllAtOnce,
  },
  {
    id: 'CodeDeploy-FleetStaysUp',
    level: 'error',
    description: 'The server deployment config needs no healthy host: the whole fleet can be down at once.',
    fix: 'Require at least one healthy host (HealthyHosts.count(1) or more, or a percentage above zero).',
    rule: fleetStaysUp,
  },
  {
    id: 'CodeDeploy-Notifications',
    level: 'warning',
    description: 'The deployment group has no notification trigger: nobody hears of a failed or rolled-back deployment.',
    fix: 'Add a trigger to an SNS topic (Notifications.toTopic or Notifications.toNewTopic).',
    rule: notifies,
  },
  {
    id: 'CodeDeploy-ScopedServiceRole',
    level: 'warning',
    description: 'The deployment group\'s service role holds an AWS managed policy, which grants CodeDeploy\'s actions on every resource.',
    fix: 'Grant the role least-privilege permissions on the group\'s own resources (the rollouts\' shared service role does).',
    rule: scopedServiceRole,
  },
];

/** Rules over the whole app: what no single template shows. */
export const APP_RULES: readonly AppRuleMetadata[] = [
  {
    id: 'CodeDeploy-CustomConfigQuota',
    level: 'error',
    description: 'The app creates more custom deployment configs for one account and Region than CodeDeploy allows there, so a stack fails at deploy time.',
    fix: 'Share configs across stacks: create each shape once (a TrafficShift or HealthyHosts with a deploymentConfigName, in one stack) '
      + 'and import it by name in the others (TrafficShift.fromDeploymentConfig, HealthyHosts.fromDeploymentConfig); or use fewer shapes.',
    rule: customConfigQuota,
  },
  {
    id: 'CodeDeploy-UniqueConfigNames',
    level: 'error',
    description: 'Two deployment configs of the app have the same name in one account and Region: CloudFormation fails to create the second.',
    fix: 'Create the config in one stack and import it by name in the others (TrafficShift.fromDeploymentConfig, HealthyHosts.fromDeploymentConfig), or give each its own name.',
    rule: uniqueConfigNames,
  },
];
