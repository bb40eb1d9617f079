import { App, Duration, Stack, aws_cloudwatch as cloudwatch, aws_iam as iam, aws_sns as sns } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { HealthCheck, LambdaRollout, Rollback, SmokeTest } from '../../src';
import { checkedApp, checkedSynth, CheckedSynth } from '../support/checked-synth';
import { inlineFunction } from '../support/inline-function';
import { logicalId } from '../support/logical-id';

// Hooks and alarms given to `rollout.deploymentGroup` after construction: the rollout does its part.
let result: CheckedSynth;
let stack: Stack;
let template: Template;

beforeAll(() => {
  const app = checkedApp();
  stack = new Stack(app, 'Added');
  const rollout = new LambdaRollout(stack, 'Api', {
    function: inlineFunction(stack, 'ApiFn'),
    healthChecks: [],
    rollback: Rollback.on({ failure: true, stop: true }),
  });
  rollout.deploymentGroup.addPreHook(inlineFunction(stack, 'PreHook'));
  rollout.deploymentGroup.addPostHook(inlineFunction(stack, 'PostHook'));
  rollout.deploymentGroup.addAlarm(new cloudwatch.Alarm(stack, 'LaterAlarm', {
    metric: new cloudwatch.Metric({ namespace: 'Shop', metricName: 'FailedOrders' }), threshold: 1, evaluationPeriods: 1,
  }));
  result = checkedSynth(app);
  template = result.template(stack);
});

test('the template passes the five cdk-nag packs, CodeDeployChecks and the template validator', () => {
  expect(result.nagFindings.filter((finding) => !finding.where.startsWith('Added/PreHook') && !finding.where.startsWith('Added/PostHook')
    && !finding.where.startsWith('Added/ApiFn') && !finding.where.startsWith('Added/LaterAlarm'))).toEqual([]);
  expect(result.templateFindings).toEqual([]);
});

test('a hook added to the group: the alias update names it, the service role may invoke it, and the alias waits for both', () => {
  const alias = template.findResources('AWS::Lambda::Alias')[logicalId(stack, 'Api/Alias')];
  expect(alias.UpdatePolicy.CodeDeployLambdaAliasUpdate).toMatchObject({
    BeforeAllowTrafficHook: { Ref: logicalId(stack, 'PreHook') },
    AfterAllowTrafficHook: { Ref: logicalId(stack, 'PostHook') },
  });
  const statements = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(logicalId(stack, 'LambdaRolloutsServiceRole/Role')))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
  expect(statements).toContainEqual({
    Effect: 'Allow',
    Action: 'lambda:InvokeFunction',
    Resource: ['PreHook', 'PostHook'].map((hook) => ({ 'Fn::GetAtt': [logicalId(stack, hook), 'Arn'] })),
  });
  expect(alias.DependsOn).toEqual(expect.arrayContaining([logicalId(stack, 'PreHook'), logicalId(stack, 'PostHook')]));
  expect(statements).toContainEqual({ Effect: 'Allow', Action: 'cloudwatch:DescribeAlarms', Resource: '*' });
  expect(alias.DependsOn).toContain(logicalId(stack, 'LaterAlarm'));
  expect(alias.DependsOn).toContain(logicalId(stack, 'LambdaRolloutsServiceRole/Permissions/Policy1'));
});

test('an alarm added to the group: the deployment group lists it and the rollout\'s alarms hold it', () => {
  template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
    AlarmConfiguration: { Enabled: true, Alarms: [{ Name: { Ref: logicalId(stack, 'LaterAlarm') } }] },
  });
  const rollout = stack.node.findChild('Api') as LambdaRollout;
  expect(rollout.alarms.map((alarm) => alarm.node.path)).toEqual(['Added/LaterAlarm']);
});

describe('what the group refuses, with the reason', () => {
  const rollout = (props: Partial<ConstructorParameters<typeof LambdaRollout>[2]> = {}) => {
    const s = new Stack(new App(), 'Stack');
    return { stack: s, rollout: new LambdaRollout(s, 'Api', { function: inlineFunction(s, 'Fn'), ...props }) };
  };
  const alarm = (scope: Stack, id: string) => new cloudwatch.Alarm(scope, id, {
    metric: new cloudwatch.Metric({ namespace: 'Shop', metricName: id }), threshold: 1, evaluationPeriods: 1,
  });

  test('a pre-traffic hook where the smoke test runs', () => {
    const { stack: s, rollout: r } = rollout({ smokeTest: SmokeTest.invoke() });
    expect(() => r.deploymentGroup.addPreHook(inlineFunction(s, 'Hook'))).toThrow(
      'LambdaRollout at Stack/Api: deploymentGroup.addPreHook(Stack/Hook): the rollout\'s smokeTest already runs the library\'s hook in that event, '
      + 'and CodeDeploy runs one hook per event');
  });

  test('a post-traffic hook where keepVersions runs', () => {
    const { stack: s, rollout: r } = rollout({ keepVersions: 3 });
    expect(() => r.deploymentGroup.addPostHook(inlineFunction(s, 'Hook'))).toThrow(
      'LambdaRollout at Stack/Api: deploymentGroup.addPostHook(Stack/Hook): the rollout\'s keepVersions or bakeTime already runs the library\'s hook '
      + 'in that event, and CodeDeploy runs one hook per event');
  });

  test('a second pre-traffic hook: aws-cdk-lib\'s own message', () => {
    const { stack: s, rollout: r } = rollout({ preHook: inlineFunction(stack, 'First') });
    expect(() => r.deploymentGroup.addPreHook(inlineFunction(s, 'Hook'))).toThrow('A pre-hook function is already defined for this deployment group');
  });

  test('an alarm the bake would not watch', () => {
    const { stack: s, rollout: r } = rollout({ bakeTime: Duration.minutes(5) });
    expect(() => r.deploymentGroup.addAlarm(alarm(s, 'Later'))).toThrow(
      'LambdaRollout at Stack/Api: deploymentGroup.addAlarm: bakeTime watches the alarms the rollout was created with; '
      + 'pass the alarm in healthChecks as HealthCheck.alarm(alarm) instead');
  });

  test('an alarm over maxAlarms', () => {
    const { stack: s, rollout: r } = rollout({ healthChecks: [HealthCheck.lambdaErrorRate()], maxAlarms: 2 });
    r.deploymentGroup.addAlarm(alarm(s, 'Second'));
    expect(() => r.deploymentGroup.addAlarm(alarm(s, 'Third'))).toThrow(
      'LambdaRollout at Stack/Api: deploymentGroup.addAlarm: the deployment group would have 3 alarms, more than maxAlarms '
      + '(2; raise it if your CodeDeploy quota was raised)');
  });
});

describe('the group\'s role: the rollout\'s service role, taking grants once the rollout is built', () => {
  const serviceRoleId = (s: Stack) => logicalId(s, 'LambdaRolloutsServiceRole/Role');
  const attachedTo = (t: Template, type: string, roleId: string) => Object.entries(t.findResources(type))
    .filter(([, policy]) => JSON.stringify(policy.Properties.Roles ?? []).includes(`"${roleId}"`));

  test('hooks given as props or added later, and the group itself, leave nothing on the role but the rollout\'s exact grants', () => {
    const role = template.findResources('AWS::IAM::Role')[serviceRoleId(stack)];
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(attachedTo(template, 'AWS::IAM::Policy', serviceRoleId(stack))).toEqual([]);
    expect(attachedTo(template, 'AWS::IAM::ManagedPolicy', serviceRoleId(stack)).map(([id]) => id))
      .toEqual([logicalId(stack, 'LambdaRolloutsServiceRole/Permissions/Policy1')]);
  });

  test('a grant to it goes into a customer managed policy of the rollout on the service role, which the alias waits for', () => {
    const s = new Stack(new App(), 'Stack');
    const r = new LambdaRollout(s, 'Api', { function: inlineFunction(s, 'Fn'), preHook: inlineFunction(s, 'PreHook') });
    const topic = new sns.Topic(s, 'Releases');
    const grant = topic.grantPublish(r.deploymentGroup.role!);
    r.deploymentGroup.addPostHook(inlineFunction(s, 'PostHook'));
    const t = Template.fromStack(s);
    expect(grant.success).toBe(true);
    const policyId = logicalId(s, 'Api/DeploymentGroupRoleGrants');
    expect(t.findResources('AWS::IAM::ManagedPolicy')[policyId].Properties).toEqual({
      Description: 'What was granted to the deployment group role of Stack/Api, on the rollout\'s CodeDeploy service role',
      Path: '/',
      PolicyDocument: {
        Statement: [{ Action: 'sns:Publish', Effect: 'Allow', Resource: { Ref: logicalId(s, 'Releases') } }],
        Version: '2012-10-17',
      },
      Roles: [{ Ref: serviceRoleId(s) }],
    });
    expect(t.findResources('AWS::Lambda::Alias')[logicalId(s, 'Api/Alias')].DependsOn).toContain(policyId);
    // The hooks' invoke grants stay in the rollout's own policies, as without the grant.
    expect(JSON.stringify(t.findResources('AWS::IAM::ManagedPolicy')[policyId])).not.toContain('lambda:InvokeFunction');
    expect(attachedTo(t, 'AWS::IAM::Policy', serviceRoleId(s))).toEqual([]);
  });

  test('a managed policy added to it is attached to the service role', () => {
    const s = new Stack(new App(), 'Stack');
    const r = new LambdaRollout(s, 'Api', { function: inlineFunction(s, 'Fn') });
    r.deploymentGroup.role!.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess'));
    const role = Template.fromStack(s).findResources('AWS::IAM::Role')[serviceRoleId(s)];
    expect(s.resolve(role.Properties.ManagedPolicyArns)).toEqual([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/ReadOnlyAccess']] },
    ]);
  });

  test('with a service role passed in, the grant lands on that role', () => {
    const s = new Stack(new App(), 'Stack');
    const own = new iam.Role(s, 'TeamRole', { assumedBy: new iam.ServicePrincipal('codedeploy.amazonaws.com') });
    const r = new LambdaRollout(s, 'Api', { function: inlineFunction(s, 'Fn'), serviceRole: own });
    new sns.Topic(s, 'Releases').grantPublish(r.deploymentGroup.role!);
    const [[, policy]] = attachedTo(Template.fromStack(s), 'AWS::IAM::ManagedPolicy', logicalId(s, 'TeamRole'))
      .filter(([id]) => id === logicalId(s, 'Api/DeploymentGroupRoleGrants'));
    expect(policy.Properties.PolicyDocument.Statement).toEqual([{ Action: 'sns:Publish', Effect: 'Allow', Resource: { Ref: logicalId(s, 'Releases') } }]);
  });
});
