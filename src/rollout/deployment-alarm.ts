import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { MetricCheckOptions } from '../health/health-check';
import { acknowledge } from '../private/acknowledge';
import { DEFAULT_EVALUATION_PERIODS } from '../private/defaults';

/**
 * An alarm that guards deployments: CodeDeploy polls its state to stop and roll back a bad
 * release, so it needs no action of its own, and the cdk-nag rule asking for one is acknowledged
 * on this alarm only.
 */
export function deploymentAlarm(scope: Construct, id: string, props: cloudwatch.AlarmProps): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, props);
  acknowledge(alarm, ...['HIPAA.Security', 'NIST.800.53.R5'].map((pack) => ({
    id: `${pack}-CloudWatchAlarmAction`,
    reason: 'CodeDeploy polls this alarm during deployments to stop and roll back a bad release; the alarm needs no action of its own',
  })));
  return alarm;
}

/** The alarm of a `HealthCheck.metric`, with the documented defaults. */
export function metricCheckAlarm(
  scope: Construct, id: string, metric: cloudwatch.IMetric, options: MetricCheckOptions, description: string,
): cloudwatch.Alarm {
  return deploymentAlarm(scope, id, {
    metric,
    threshold: options.threshold,
    comparisonOperator: options.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: options.evaluationPeriods ?? DEFAULT_EVALUATION_PERIODS,
    treatMissingData: options.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: description,
  });
}

/**
 * Adds `actions` to the ALARM state of each alarm the rollout created. CodeDeploy polls the alarms
 * and needs none; governed accounts may require one (Control Tower CT.CLOUDWATCH.PR.1).
 */
export function addAlarmActions(alarms: cloudwatch.Alarm[], actions: cloudwatch.IAlarmAction[] | undefined): void {
  for (const alarm of alarms) {
    alarm.addAlarmAction(...(actions ?? []));
  }
}
