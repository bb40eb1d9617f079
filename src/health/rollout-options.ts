import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Notifications } from './notifications';

/** Options every rollout takes, Lambda or server: its deployment group, alarms, notifications and service role. */
export interface RolloutOptions {
  /**
   * Deployment notifications to an SNS topic.
   *
   * @default - no notifications
   */
  readonly notifications?: Notifications;

  /**
   * Emergency switch: deploy even while the health-check alarms are in ALARM (CodeDeploy's
   * "ignore alarm configuration"). Use it to ship the fix for an incident that keeps the alarms
   * firing; turn it off again in the next deployment, because while it is on no alarm stops a bad
   * release.
   *
   * @default false
   */
  readonly ignoreAlarms?: boolean;

  /**
   * Let a deployment go on when CodeDeploy cannot read its alarms' state from CloudWatch (CodeDeploy's
   * `IgnorePollAlarmFailure`, under aws-cdk-lib's name).
   *
   * Off, a deployment whose alarms cannot be read stops, since nothing would then stop a bad
   * release; on, it carries on blind. `CodeDeployChecks` warns when it is on (`CodeDeploy-PollAlarmFailure`).
   *
   * @default false
   */
  readonly ignorePollAlarmsFailure?: boolean;

  /**
   * The CodeDeploy service role. A role you pass gets the rollout's exact permissions in customer
   * managed policies attached to it, shared by every rollout that uses the role.
   *
   * @default - one service role per stack and platform, shared by its rollouts, with permissions scoped to each rollout
   */
  readonly serviceRole?: iam.IRole;

  /**
   * Name of the deployment group: letters, digits and `+ = , . @ _ -`, 1 to 100 characters.
   *
   * @default - a name CloudFormation generates
   */
  readonly deploymentGroupName?: string;

  /**
   * Actions for the ALARM state of every alarm the rollout creates (not of alarms passed with
   * `HealthCheck.alarm`), e.g. an `SnsAction` that pages someone; at most 5. CodeDeploy itself
   * needs none, it polls the alarms; governed accounts that enforce CT.CLOUDWATCH.PR.1 need one.
   * An encrypted topic's key must let `cloudwatch.amazonaws.com` use it.
   *
   * @default - no actions: CodeDeploy polls the alarms during deployments
   */
  readonly alarmActions?: cloudwatch.IAlarmAction[];

  /**
   * How many alarms the deployment group may have: CodeDeploy's quota of associated alarms per
   * deployment group, 50 unless you had it raised (then say so here) or lowered.
   *
   * @default 50
   */
  readonly maxAlarms?: number;
}
