import { Stack, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import { ServerDeploymentGroup } from 'aws-cdk-lib/aws-codedeploy';
import { Rollback } from '../../src';
import { checkedApp, checkedSynth, CheckedSynth } from '../support/checked-synth';

test.each([
  ['onFailureAndAlarm()', Rollback.onFailureAndAlarm(), { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true }],
  ['never()', Rollback.never(), { failedDeployment: false, stoppedDeployment: false, deploymentInAlarm: false }],
  ['on({ failure })', Rollback.on({ failure: true }), { failedDeployment: true, stoppedDeployment: false, deploymentInAlarm: false }],
  ['on({ stop })', Rollback.on({ stop: true }), { failedDeployment: false, stoppedDeployment: true, deploymentInAlarm: false }],
  ['on({ alarm })', Rollback.on({ alarm: true }), { failedDeployment: false, stoppedDeployment: false, deploymentInAlarm: true }],
  ['on({ failure, alarm })', Rollback.on({ failure: true, alarm: true, stop: false }),
    { failedDeployment: true, stoppedDeployment: false, deploymentInAlarm: true }],
])('%s', (_name, rollback, expected) => {
  expect(rollback.toAutoRollbackConfig()).toEqual(expected);
  expect({ failedDeployment: rollback.failure, stoppedDeployment: rollback.stop, deploymentInAlarm: rollback.alarm }).toEqual(expected);
});

test.each([
  ['no event', {}],
  ['every event false', { failure: false, stop: false, alarm: false }],
])('on() with %s is an error', (_name, events) => {
  expect(() => Rollback.on(events)).toThrow(new Error(
    'Rollback.on: choose at least one of failure, stop or alarm, got none; use Rollback.never() to turn automatic rollback off'));
});

describe('with an aws-cdk-lib deployment group', () => {
  let result: CheckedSynth;
  let stack: Stack;

  beforeAll(() => {
    const app = checkedApp();
    stack = new Stack(app, 'Rollback');
    const alarm = new cloudwatch.Alarm(stack, 'Errors', {
      metric: new cloudwatch.Metric({ namespace: 'App', metricName: 'Errors' }),
      threshold: 1,
      evaluationPeriods: 1,
    });
    new ServerDeploymentGroup(stack, 'Everything', { alarms: [alarm], autoRollback: Rollback.onFailureAndAlarm().toAutoRollbackConfig() });
    new ServerDeploymentGroup(stack, 'Nothing', { autoRollback: Rollback.never().toAutoRollbackConfig() });
    result = checkedSynth(app);
  });

  test('CloudFormation validates the template', () => {
    expect(result.templateFindings).toEqual([]);
  });

  test('onFailureAndAlarm() enables the three rollback events', () => {
    result.template(stack).hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      AutoRollbackConfiguration: { Enabled: true, Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST', 'DEPLOYMENT_STOP_ON_ALARM'] },
      AlarmConfiguration: { Enabled: true },
    });
  });

  test('never() disables automatic rollback', () => {
    result.template(stack).hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      AutoRollbackConfiguration: { Enabled: false },
    });
  });
});
