import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { acknowledge } from '../private/acknowledge';

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
