import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { InstanceTagSet } from 'aws-cdk-lib/aws-codedeploy';
import { LambdaRollout, Notifications, ServerRollout, HealthCheck } from '../../src';
import { checkedApp, checkedSynth } from '../support/checked-synth';
import { inlineFunction } from '../support/inline-function';

test('CodeDeployChecks keeps warning about a rollout that carries on when its alarms cannot be read', () => {
  const app = checkedApp();
  const stack = new Stack(app, 'Stack');
  new LambdaRollout(stack, 'Api', { function: inlineFunction(stack, 'Fn'), ignorePollAlarmsFailure: true, notifications: Notifications.toNewTopic() });
  new ServerRollout(stack, 'Web', {
    ec2InstanceTags: new InstanceTagSet({ app: ['web'] }),
    healthChecks: [HealthCheck.alarm(cloudwatch.Alarm.fromAlarmName(stack, 'Errors', 'web-errors'))],
    ignorePollAlarmsFailure: true,
    notifications: Notifications.toNewTopic(),
  });
  const findings = checkedSynth(app).guardrailFindings.filter((f) => f.rule === 'CodeDeploy-PollAlarmFailure');
  expect(findings.map((f) => [f.where, f.severity])).toEqual([
    ['Stack/Api/DeploymentGroup/Resource', 'warning'],
    ['Stack/Web/DeploymentGroup', 'warning'],
  ]);
});
