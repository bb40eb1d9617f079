import { Stack, Validations, aws_lambda as lambda } from 'aws-cdk-lib';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import { CodeDeployChecks, LambdaRollout, Notifications } from '../../src';
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

  result = checkedSynth(app);
});

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
  ]);
});

test('raising an unknown rule to an error is a mistake', () => {
  expect(() => new CodeDeployChecks({ errors: ['CodeDeploy-Alarms', 'CodeDeploy-Notifications'] })).toThrow(new Error(
    'CodeDeployChecks: errors must name rules of the pack (CodeDeploy-AlarmsEnabled, CodeDeploy-RollbackOnFailure, CodeDeploy-RollbackOnAlarm, '
    + 'CodeDeploy-PollAlarmFailure, CodeDeploy-NotAllAtOnce, CodeDeploy-FleetStaysUp, CodeDeploy-Notifications, CodeDeploy-ScopedServiceRole), got CodeDeploy-Alarms'));
});
