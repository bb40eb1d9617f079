import { readFileSync } from 'fs';
import { join } from 'path';
import { Duration, Stack, Validations, aws_cloudwatch as cloudwatch, aws_lambda as lambda } from 'aws-cdk-lib';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import { CodeDeployChecks, HealthCheck, LambdaRollout, Notifications, ServerRollout, TrafficShift } from '../../src';
import { checkedApp, checkedSynth, CheckedSynth, Finding } from '../support/checked-synth';

function inlineFunction(scope: Stack, id: string): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline(`exports.handler = async () => '${id}';`),
  });
}

const summary = (findings: Finding[]) => findings.map((f) => `${f.rule} ${f.severity} ${f.where}`).sort();

let result: CheckedSynth;

beforeAll(() => {
  // Production-strength: all-at-once and missing notifications are errors here.
  const app = checkedApp({}, new CodeDeployChecks({ errors: ['CodeDeploy-NotAllAtOnce', 'CodeDeploy-Notifications'] }));

  // Plain aws-cdk-lib, written the obvious way.
  const obvious = new Stack(app, 'Obvious');
  const fn = inlineFunction(obvious, 'Fn');
  new codedeploy.LambdaDeploymentGroup(obvious, 'Group', {
    alias: new lambda.Alias(obvious, 'Live', { aliasName: 'live', version: fn.currentVersion }),
    deploymentConfig: codedeploy.LambdaDeploymentConfig.ALL_AT_ONCE,
  });

  // The same release with this library.
  const rollout = new Stack(app, 'Rollout');
  new LambdaRollout(rollout, 'Api', { function: inlineFunction(rollout, 'Fn'), notifications: Notifications.toNewTopic() });

  // A finding acknowledged on its construct.
  const acknowledged = new Stack(app, 'Acknowledged');
  const quiet = new LambdaRollout(acknowledged, 'Api', { function: inlineFunction(acknowledged, 'Fn') });
  Validations.of(quiet.deploymentGroup).acknowledge({
    id: 'CodeDeployChecks::CodeDeploy-Notifications',
    reason: 'the team watches the CodeDeploy console for this one; this test checks that an acknowledgement is honoured',
  });

  // A platform of two stacks in one account and Region, 51 custom configs between them (26 and 25
  // canary shapes, from 11%: 10% for 15 minutes is predefined and creates none).
  const env = { account: '111111111111', region: 'eu-west-1' };
  for (const [id, shapes] of [['QuotaApi', 26], ['QuotaWeb', 25]] as const) {
    const stack = new Stack(app, id, { env });
    for (let percentage = 11; percentage < 11 + shapes; percentage++) {
      TrafficShift.canary({ percentage, interval: Duration.minutes(15) }).bind(stack);
    }
  }
  // The same named config created in two stacks of one account and Region.
  for (const id of ['NamedApi', 'NamedWeb']) {
    const stack = new Stack(app, id, { env: { ...env, region: 'us-east-1' } });
    TrafficShift.canary({ percentage: 5, interval: Duration.minutes(15), deploymentConfigName: 'platform-canary-5-15' }).bind(stack);
  }

  // Both rollouts carrying on when their alarms cannot be read: still a warning.
  const blind = new Stack(app, 'PollIgnored');
  new LambdaRollout(blind, 'Api', { function: inlineFunction(blind, 'Fn'), ignorePollAlarmsFailure: true, notifications: Notifications.toNewTopic() });
  new ServerRollout(blind, 'Web', {
    ec2InstanceTags: new codedeploy.InstanceTagSet({ app: ['web'] }),
    healthChecks: [HealthCheck.alarm(cloudwatch.Alarm.fromAlarmName(blind, 'Errors', 'web-errors'))],
    ignorePollAlarmsFailure: true,
    notifications: Notifications.toNewTopic(),
  });

  result = checkedSynth(app);
});

test('CodeDeployChecks keeps warning about a rollout that carries on when its alarms cannot be read', () => {
  expect(summary(result.guardrailFindings.filter((f) => f.where.startsWith('PollIgnored/')))).toEqual([
    'CodeDeploy-PollAlarmFailure warning PollIgnored/Api/DeploymentGroup/Resource',
    'CodeDeploy-PollAlarmFailure warning PollIgnored/Web/DeploymentGroup',
  ]);
});

test('an app creating more custom configs for one account and Region than CodeDeploy allows is an error', () => {
  const quota = result.guardrailFindings.filter((f) => f.rule === 'CodeDeploy-CustomConfigQuota');
  expect(quota).toHaveLength(51);
  expect(new Set(quota.map((f) => `${f.severity} ${f.description}`))).toEqual(new Set([
    'error The app creates more custom deployment configs for one account and Region than CodeDeploy allows there, so a stack fails at deploy time. '
    + 'It creates 51 custom deployment configs for account 111111111111 in eu-west-1, in 2 stacks; CodeDeploy allows 50 per account and Region (not adjustable).',
  ]));
  expect(new Set(quota.map((f) => f.where.split('/')[0]))).toEqual(new Set(['QuotaApi', 'QuotaWeb']));
});

test('two stacks creating the same named config for one account and Region is an error', () => {
  expect(result.guardrailFindings.filter((f) => f.rule === 'CodeDeploy-UniqueConfigNames').map((f) => `${f.severity} ${f.where}: ${f.description}`)).toEqual([
    'error NamedApi/DeploymentConfigLambdaCanary5Percent15Minutes-platform-canary-5-15/Resource: ' + NAMED_DESCRIPTION,
    'error NamedWeb/DeploymentConfigLambdaCanary5Percent15Minutes-platform-canary-5-15/Resource: ' + NAMED_DESCRIPTION,
  ]);
});
const NAMED_DESCRIPTION = 'Two deployment configs of the app have the same name in one account and Region: CloudFormation fails to create the second. '
  + 'NamedApi (DeploymentConfigLambdaCanary5Percent15Minutesplatformcanary51568058A61), NamedWeb (DeploymentConfigLambdaCanary5Percent15Minutesplatformcanary51568058A61) '
  + 'each create \'platform-canary-5-15\' for account 111111111111 in us-east-1.';

test('plain aws-cdk-lib code written the obvious way is flagged where it is unsafe', () => {
  expect(summary(result.guardrailFindings.filter((f) => f.where.startsWith('Obvious/')))).toEqual([
    'CodeDeploy-AlarmsEnabled error Obvious/Group/Resource',
    'CodeDeploy-NotAllAtOnce error Obvious/Group/Resource',
    'CodeDeploy-Notifications error Obvious/Group/Resource',
    'CodeDeploy-ScopedServiceRole warning Obvious/Group/Resource',
  ]);
});

test('a LambdaRollout with notifications passes every rule', () => {
  expect(result.guardrailFindings.filter((f) => f.where.startsWith('Rollout/'))).toEqual([]);
});

test('an acknowledged finding is left out', () => {
  expect(result.guardrailFindings.filter((f) => f.where.startsWith('Acknowledged/'))).toEqual([]);
});

test('the pack reports every rule id it evaluates', () => {
  expect(new CodeDeployChecks().ruleIds).toEqual([
    'CodeDeploy-AlarmsEnabled', 'CodeDeploy-RollbackOnFailure', 'CodeDeploy-RollbackOnAlarm', 'CodeDeploy-PollAlarmFailure',
    'CodeDeploy-NotAllAtOnce', 'CodeDeploy-FleetStaysUp', 'CodeDeploy-Notifications', 'CodeDeploy-ScopedServiceRole',
    'CodeDeploy-CustomConfigQuota', 'CodeDeploy-UniqueConfigNames',
  ]);
});

test('the pack reports the library\'s own version', () => {
  const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf-8')) as { version: string };
  expect(new CodeDeployChecks().version).toEqual(version);
});

test('raising an unknown rule to an error is a mistake', () => {
  expect(() => new CodeDeployChecks({ errors: ['CodeDeploy-Alarms', 'CodeDeploy-Notifications'] })).toThrow(new Error(
    'CodeDeployChecks: errors must name rules of the pack (CodeDeploy-AlarmsEnabled, CodeDeploy-RollbackOnFailure, CodeDeploy-RollbackOnAlarm, '
    + 'CodeDeploy-PollAlarmFailure, CodeDeploy-NotAllAtOnce, CodeDeploy-FleetStaysUp, CodeDeploy-Notifications, CodeDeploy-ScopedServiceRole, '
    + 'CodeDeploy-CustomConfigQuota, CodeDeploy-UniqueConfigNames), got CodeDeploy-Alarms'));
});
