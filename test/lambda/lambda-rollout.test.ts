import { App, CfnParameter, Duration, Lazy, Stack, aws_cloudwatch as cloudwatch, aws_iam as iam, aws_sns as sns } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { LambdaApplication } from 'aws-cdk-lib/aws-codedeploy';
import { Construct } from 'constructs';
import { DeploymentEvent, HealthCheck, LambdaRollout, LambdaRolloutProps, Notifications, Rollback, TrafficShift } from '../../src';
import { checkedApp, checkedSynth, CheckedSynth } from '../support/checked-synth';
import { inlineFunction } from '../support/inline-function';
import { logicalId, metricAlarmPaths } from '../support/logical-id';

// One synthesis for every template assertion below.
let result: CheckedSynth;
const stacks: Record<string, Stack> = {};
const template = (name: string): Template => result.template(stacks[name]);

beforeAll(() => {
  const app = checkedApp();

  // Two rollouts with every default.
  const defaults = stacks.Defaults = new Stack(app, 'Defaults');
  new LambdaRollout(defaults, 'Api', { function: inlineFunction(defaults, 'ApiFn') });
  new LambdaRollout(defaults, 'Worker', { function: inlineFunction(defaults, 'WorkerFn') });

  // One rollout with every prop set.
  const custom = stacks.Custom = new Stack(app, 'Custom');
  const existingAlarm = new cloudwatch.Alarm(custom, 'ExistingAlarm', {
    metric: new cloudwatch.Metric({ namespace: 'Shop', metricName: 'FailedOrders' }), threshold: 1, evaluationPeriods: 1,
  });
  new LambdaRollout(custom, 'Api', {
    function: inlineFunction(custom, 'ApiFn'),
    aliasName: 'prod',
    trafficShift: TrafficShift.linear({ percentage: 20, interval: Duration.minutes(2) }),
    healthChecks: [
      HealthCheck.lambdaErrors({ threshold: 5 }),
      HealthCheck.lambdaThrottles(),
      HealthCheck.lambdaLatency({ threshold: Duration.millis(500), percentile: 99.9 }),
      HealthCheck.lambdaErrors({ period: Duration.minutes(5), evaluationPeriods: 3 }),
      HealthCheck.metric(new cloudwatch.Metric({ namespace: 'Shop', metricName: 'Checkouts5xx' }), { threshold: 10 }),
      HealthCheck.alarm(existingAlarm),
    ],
    rollback: Rollback.on({ failure: true }),
    preHook: inlineFunction(custom, 'PreHook'),
    postHook: inlineFunction(custom, 'PostHook'),
    notifications: Notifications.toTopic(new sns.Topic(custom, 'Team'), { events: [DeploymentEvent.FAILED, DeploymentEvent.ROLLED_BACK] }),
    ignoreAlarms: true,
    deploymentGroupName: 'api-prod',
  });

  // Application and service role passed in.
  const passedIn = stacks.PassedIn = new Stack(app, 'PassedIn');
  new LambdaRollout(passedIn, 'Api', {
    function: inlineFunction(passedIn, 'ApiFn'),
    application: new LambdaApplication(passedIn, 'TeamApplication'),
    serviceRole: new iam.Role(passedIn, 'TeamRole', { assumedBy: new iam.ServicePrincipal('codedeploy.amazonaws.com') }),
    preHook: inlineFunction(passedIn, 'PreHook'),
  });

  // Thirteen rollouts, one service role.
  const many = stacks.Many = new Stack(app, 'Many');
  for (let i = 1; i <= 13; i++) {
    new LambdaRollout(many, `Fn${i}Rollout`, { function: inlineFunction(many, `Fn${i}`) });
  }

  // Two rollouts notifying the topic the library creates.
  const topic = stacks.NewTopic = new Stack(app, 'NewTopic');
  const notifications = Notifications.toNewTopic();
  new LambdaRollout(topic, 'Api', { function: inlineFunction(topic, 'ApiFn'), notifications });
  new LambdaRollout(topic, 'Worker', { function: inlineFunction(topic, 'WorkerFn'), notifications: Notifications.toNewTopic() });

  // As many alarms as CodeDeploy's quota allows (50, the default maxAlarms): CloudFormation's validator takes them.
  const fullAlarms = stacks.FullAlarms = new Stack(app, 'FullAlarms');
  new LambdaRollout(fullAlarms, 'Api', {
    function: inlineFunction(fullAlarms, 'ApiFn'),
    healthChecks: Array.from({ length: 50 }, (_, i) => HealthCheck.alarm(cloudwatch.Alarm.fromAlarmName(fullAlarms, `Alarm${i + 1}`, `team-alarm-${i + 1}`))),
  });

  result = checkedSynth(app);
});

test('a deployment group holds 50 alarms by default, CodeDeploy\'s quota', () => {
  template('FullAlarms').hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
    AlarmConfiguration: { Enabled: true, Alarms: Array.from({ length: 50 }, (_, i) => ({ Name: `team-alarm-${i + 1}` })) },
  });
});

test('CloudFormation validates every template', () => {
  expect(result.templateFindings).toEqual([]);
});

test('the library adds no cdk-nag finding of its own', () => {
  // What remains is about the plain test functions and the test's own topic and alarm.
  const library = result.nagFindings.filter((f) => !/\/(ApiFn|WorkerFn|Fn\d+|PreHook|PostHook|Team|ExistingAlarm)\b/.test(f.where));
  expect(library).toEqual([]);
});

describe('defaults', () => {
  test('an alias named live on the current version, driven by CodeDeploy', () => {
    const stack = stacks.Defaults;
    template('Defaults').hasResource('AWS::Lambda::Alias', {
      Properties: { Name: 'live', FunctionName: { Ref: logicalId(stack, 'ApiFn') } },
      UpdatePolicy: {
        CodeDeployLambdaAliasUpdate: {
          ApplicationName: { Ref: logicalId(stack, 'LambdaRolloutsApplication') },
          DeploymentGroupName: { Ref: logicalId(stack, 'Api/DeploymentGroup') },
        },
      },
    });
  });

  test('a canary of 10% for 5 minutes, rolling back on failure, stop and alarm', () => {
    template('Defaults').hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
      AutoRollbackConfiguration: { Enabled: true, Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST', 'DEPLOYMENT_STOP_ON_ALARM'] },
      AlarmConfiguration: { Enabled: true, Alarms: [{ Name: { Ref: logicalId(stacks.Defaults, 'Api/NewVersionErrorRateAlarm') } }] },
      TriggerConfigurations: Match.absent(),
    });
  });

  test('one alarm judging the new version\'s failure rate against the old version\'s (HealthCheck.lambdaErrorRate())', () => {
    const alarm = template('Defaults').findResources('AWS::CloudWatch::Alarm')[logicalId(stacks.Defaults, 'Api/NewVersionErrorRateAlarm')].Properties;
    expect(alarm.Metrics.map((m: any) => m.Id).sort()).toEqual([
      'all_errors', 'all_invocations', 'all_throttles', 'expr_1', 'new_errors', 'new_failures', 'new_invocations', 'new_requests', 'new_throttles',
    ]);
    const newErrors = alarm.Metrics.find((m: any) => m.Id === 'new_errors').MetricStat;
    expect(newErrors).toEqual({
      Metric: {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [
          { Name: 'ExecutedVersion', Value: expect.objectContaining({ 'Fn::GetAtt': [expect.stringMatching(/^ApiFnCurrentVersion/), 'Version'] }) },
          { Name: 'FunctionName', Value: { Ref: logicalId(stacks.Defaults, 'ApiFn') } },
          { Name: 'Resource', Value: { 'Fn::Join': ['', [{ Ref: logicalId(stacks.Defaults, 'ApiFn') }, ':live']] } },
        ],
      },
      Period: 300,
      Stat: 'Sum',
    });
    expect(alarm.Metrics.find((m: any) => m.Id === 'expr_1').Expression).toMatch(/^IF\(new_requests > 0 && .*IF\(\(new_failures >= 2 \|\| \(new_failures >= 1 && new_requests <= 13\)\) && .* >= 0\.01, /);
    expect(alarm).toMatchObject({
      Threshold: 4, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1, DatapointsToAlarm: 1, TreatMissingData: 'notBreaching',
    });
  });

  test('per function: the alias, the deployment group and one alarm (and the function\'s version)', () => {
    const t = template('Defaults');
    t.resourceCountIs('AWS::Lambda::Alias', 2);
    t.resourceCountIs('AWS::CodeDeploy::DeploymentGroup', 2);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    t.resourceCountIs('AWS::CodeDeploy::DeploymentConfig', 0);
  });

  test('two rollouts share one application and one service role', () => {
    const t = template('Defaults');
    t.resourceCountIs('AWS::CodeDeploy::Application', 1);
    t.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    const roleId = logicalId(stacks.Defaults, 'LambdaRolloutsServiceRole/Role');
    expect(Object.keys(t.findResources('AWS::CodeDeploy::DeploymentGroup', {
      Properties: { ServiceRoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] }, ApplicationName: { Ref: logicalId(stacks.Defaults, 'LambdaRolloutsApplication') } },
    }))).toHaveLength(2);
  });

  test('the service role has no AWS managed policy, only exact permissions', () => {
    const t = template('Defaults');
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'codedeploy.amazonaws.com' } }] },
      ManagedPolicyArns: Match.absent(),
    });
    const functionArn = (fn: string) => ({ 'Fn::GetAtt': [logicalId(stacks.Defaults, fn), 'Arn'] });
    const aliasArn = (fn: string) => ({ 'Fn::Join': ['', [functionArn(fn), ':live']] });
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: logicalId(stacks.Defaults, 'LambdaRolloutsServiceRole/Role') }],
      PolicyDocument: {
        Statement: [
          // Alias management authorizes against the unqualified function ARN; provisioned concurrency against the alias.
          { Action: ['lambda:GetAlias', 'lambda:UpdateAlias'], Effect: 'Allow', Resource: [functionArn('ApiFn'), functionArn('WorkerFn')] },
          { Action: 'lambda:GetProvisionedConcurrencyConfig', Effect: 'Allow', Resource: [aliasArn('ApiFn'), aliasArn('WorkerFn')] },
          { Action: 'cloudwatch:DescribeAlarms', Effect: 'Allow', Resource: '*' },
        ],
      },
    });
  });

  test('the alias waits for the alarm and the permissions, so both are ready when traffic moves', () => {
    template('Defaults').hasResource('AWS::Lambda::Alias', {
      Properties: { FunctionName: { Ref: logicalId(stacks.Defaults, 'ApiFn') } },
      DependsOn: Match.arrayWith([logicalId(stacks.Defaults, 'Api/NewVersionErrorRateAlarm'), logicalId(stacks.Defaults, 'LambdaRolloutsServiceRole/Permissions/Policy1')]),
    });
  });
});

describe('every prop', () => {
  test('alias name, custom traffic shift, group name, rollback on failure only, alarms ignored', () => {
    template('Custom').hasResourceProperties('AWS::Lambda::Alias', { Name: 'prod' });
    template('Custom').hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      DeploymentGroupName: 'api-prod',
      DeploymentConfigName: { Ref: logicalId(stacks.Custom, 'DeploymentConfigLambdaLinear20PercentEvery2Minutes') },
      AutoRollbackConfiguration: { Enabled: true, Events: ['DEPLOYMENT_FAILURE'] },
      AlarmConfiguration: {
        Enabled: false,
        Alarms: [
          { Name: { Ref: logicalId(stacks.Custom, 'Api/NewVersionAlarm') } },
          { Name: { Ref: logicalId(stacks.Custom, 'Api/NewVersionAlarm-5m-x3') } },
          ...metricAlarmPaths(stacks.Custom, 'Api').map((path) => ({ Name: { Ref: logicalId(stacks.Custom, path) } })),
          { Name: { Ref: logicalId(stacks.Custom, 'ExistingAlarm') } },
        ],
      },
    });
  });

  test('checks with the same evaluation share one alarm, each with its own threshold', () => {
    template('Custom').hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        { Id: 'expr_1', Expression: 'IF(FILL(errors,0) >= 5 || FILL(throttles,0) >= 1 || FILL(latency_p99_9,0) >= 500, 1, 0)', Label: Match.anyValue(), ReturnData: true },
        Match.objectLike({ Id: 'latency_p99_9', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'Duration' }), Stat: 'p99.9' }) }),
      ]),
    });
  });

  test('a check with its own evaluation gets its own alarm', () => {
    template('Custom').hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors', Namespace: 'AWS/Lambda', Statistic: 'Sum', Period: 300, EvaluationPeriods: 3, DatapointsToAlarm: 3, Threshold: 1,
    });
  });

  test('a metric check becomes an alarm with the documented defaults', () => {
    template('Custom').hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Checkouts5xx',
      Namespace: 'Shop',
      Threshold: 10,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  test('hooks run before and after traffic moves', () => {
    template('Custom').hasResource('AWS::Lambda::Alias', {
      UpdatePolicy: {
        CodeDeployLambdaAliasUpdate: {
          BeforeAllowTrafficHook: { Ref: logicalId(stacks.Custom, 'PreHook') },
          AfterAllowTrafficHook: { Ref: logicalId(stacks.Custom, 'PostHook') },
        },
      },
    });
  });

  test('a hook gets exactly two grants: CodeDeploy may invoke it, it may report to this group only', () => {
    const t = template('Custom');
    const hookArn = (id: string) => ({ 'Fn::GetAtt': [logicalId(stacks.Custom, id), 'Arn'] });
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([{ Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: [hookArn('PreHook'), hookArn('PostHook')] }]) },
    });
    const groupArn = {
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':codedeploy:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' },
        ':deploymentgroup:', { Ref: logicalId(stacks.Custom, 'LambdaRolloutsApplication') }, '/', { Ref: logicalId(stacks.Custom, 'Api/DeploymentGroup') }]],
    };
    // In a customer managed policy attached to the hook's role from outside, which no function waits for.
    for (const hook of ['PreHook', 'PostHook']) {
      t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        Roles: [{ Ref: logicalId(stacks.Custom, `${hook}/ServiceRole`) }],
        PolicyDocument: { Statement: [{ Action: 'codedeploy:PutLifecycleEventHookExecutionStatus', Effect: 'Allow', Resource: groupArn }] },
      });
    }
    t.resourceCountIs('AWS::IAM::Policy', 0);
    // Nothing else may invoke the hooks: no resource policy was added to them.
    t.resourceCountIs('AWS::Lambda::Permission', 0);
  });

  test('notifications trigger the chosen events, and the service role may publish to the topic', () => {
    const t = template('Custom');
    const topicRef = { Ref: logicalId(stacks.Custom, 'Team') };
    t.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      TriggerConfigurations: [{ TriggerName: 'notifications', TriggerTargetArn: topicRef, TriggerEvents: ['DeploymentFailure', 'DeploymentRollback'] }],
    });
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([{ Action: 'sns:Publish', Effect: 'Allow', Resource: topicRef }]) },
    });
  });
});

describe('passed-in application and service role', () => {
  test('no shared application or role is created', () => {
    const t = template('PassedIn');
    t.resourceCountIs('AWS::CodeDeploy::Application', 1);
    t.resourceCountIs('AWS::IAM::Role', 3); // the team role, the function's and the hook's
    t.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      ApplicationName: { Ref: logicalId(stacks.PassedIn, 'TeamApplication') },
      ServiceRoleArn: { 'Fn::GetAtt': [logicalId(stacks.PassedIn, 'TeamRole'), 'Arn'] },
    });
  });

  test('the passed role gets the same exact permissions in a managed policy, and no AWS managed policy', () => {
    const t = template('PassedIn');
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'codedeploy.amazonaws.com' } }] },
      ManagedPolicyArns: Match.absent(),
    });
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: logicalId(stacks.PassedIn, 'TeamRole') }],
      PolicyDocument: {
        Statement: [
          { Action: ['lambda:GetAlias', 'lambda:UpdateAlias'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [logicalId(stacks.PassedIn, 'ApiFn'), 'Arn'] } },
          { Action: 'lambda:GetProvisionedConcurrencyConfig', Effect: 'Allow', Resource: Match.anyValue() },
          { Action: 'cloudwatch:DescribeAlarms', Effect: 'Allow', Resource: '*' },
          { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { 'Fn::GetAtt': [logicalId(stacks.PassedIn, 'PreHook'), 'Arn'] } },
        ],
      },
    });
  });
});

test('thirteen rollouts share one service role and one managed policy', () => {
  const t = template('Many');
  t.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
  t.resourceCountIs('AWS::IAM::Role', 14); // 13 functions and one service role
  t.resourceCountIs('AWS::CodeDeploy::Application', 1);
});

test('toNewTopic creates one encrypted, TLS-only topic per stack', () => {
  const t = template('NewTopic');
  t.resourceCountIs('AWS::SNS::Topic', 1);
  t.hasResourceProperties('AWS::SNS::Topic', {
    KmsMasterKeyId: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kms:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':alias/aws/sns']] },
  });
  t.hasResourceProperties('AWS::SNS::TopicPolicy', {
    PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
  });
  t.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
    TriggerConfigurations: [{
      TriggerName: 'notifications',
      TriggerTargetArn: Match.anyValue(),
      TriggerEvents: ['DeploymentStart', 'DeploymentSuccess', 'DeploymentFailure', 'DeploymentStop', 'DeploymentRollback'],
    }],
  });
});

test('two checks of one kind and evaluation read their metric once in the shared alarm', () => {
  const stack = new Stack(new App(), 'Stack');
  const rollout = new LambdaRollout(stack, 'Rollout', {
    function: inlineFunction(stack, 'Fn'),
    healthChecks: [HealthCheck.lambdaErrors(), HealthCheck.lambdaErrors({ threshold: 3 })],
  });
  const alarm = rollout.alarms[0].node.defaultChild as cloudwatch.CfnAlarm;
  const metrics = stack.resolve(alarm.metrics) as Array<{ id: string; expression?: string }>;
  expect(metrics.map((m) => m.id)).toEqual(['expr_1', 'errors']);
  expect(metrics[0].expression).toEqual('IF(FILL(errors,0) >= 1 || FILL(errors,0) >= 3, 1, 0)');
});

describe('validation', () => {
  const rollout = (props: Partial<LambdaRolloutProps>) => () => {
    const stack = new Stack(new App(), 'Stack');
    return new LambdaRollout(stack, 'Rollout', { function: inlineFunction(stack, 'Fn'), ...props });
  };
  const alarms = (n: number) => Array.from({ length: n }, (_, i) => HealthCheck.alarm(
    cloudwatch.Alarm.fromAlarmArn(new Stack(), `A${i}`, `arn:aws:cloudwatch:us-east-1:123456789012:alarm:a${i}`)));

  test.each([
    ['alias name with a space', { aliasName: 'my alias' }, "LambdaRollout at Stack/Rollout: aliasName may contain only letters, digits, - and _, got 'my alias'"],
    ['empty alias name', { aliasName: '' }, "LambdaRollout at Stack/Rollout: aliasName must be 1 to 128 characters long, got 0 ('')"],
    ['alias name of digits', { aliasName: '42' }, "LambdaRollout at Stack/Rollout: aliasName must not be only digits (that names a version), got '42'"],
    ['deployment group name with a slash', { deploymentGroupName: 'team/api' },
      "LambdaRollout at Stack/Rollout: deploymentGroupName may contain only letters, digits and + = , . @ _ -, got 'team/api'"],
    ['maxAlarms 0', { maxAlarms: 0 }, 'LambdaRollout at Stack/Rollout: maxAlarms must be an integer of at least 1, got 0'],
    ['51 alarms, over CodeDeploy\'s quota of 50', { healthChecks: alarms(51) },
      'LambdaRollout at Stack/Rollout: healthChecks need 51 alarms, more than the 50 a deployment group may have (maxAlarms; raise it if your CodeDeploy quota was raised, '
      + 'or give Lambda checks the same period and evaluationPeriods to share an alarm)'],
    ['instance events', { notifications: Notifications.toNewTopic({ events: [DeploymentEvent.FAILED, DeploymentEvent.INSTANCE_FAILED, DeploymentEvent.READY] }) },
      'LambdaRollout at Stack/Rollout: notifications.events InstanceFailure, DeploymentReady apply to server deployments only'],
    ['eleven metrics in the shared alarm', {
      healthChecks: [HealthCheck.lambdaErrors(), HealthCheck.lambdaErrors({ threshold: 5 }), HealthCheck.lambdaThrottles(),
        ...[50, 60, 70, 80, 90, 95, 99, 99.5, 99.9].map((percentile) => HealthCheck.lambdaLatency({ threshold: Duration.seconds(1), percentile }))],
    },
    'LambdaRollout at Stack/Rollout: healthChecks: the Lambda checks with a period of 1 minutes and 1 evaluation period(s) share one alarm, which can read at most 10 metrics, '
      + 'got 11 (Errors Sum, Throttles Sum, Duration p50, Duration p60, Duration p70, Duration p80, Duration p90, Duration p95, Duration p99, Duration p99.5, '
      + 'Duration p99.9): give some of them another period or evaluationPeriods'],
  ])('%s', (_name, props, message) => {
    expect(rollout(props as Partial<LambdaRolloutProps>)).toThrow(new Error(message));
  });

  describe('one alias of a name per function', () => {
    const conflict = (first: string, second: string) => `LambdaRollout at ${second}: ${first} already gives function Stack/Fn the alias 'live', `
      + 'and a function has one alias of a name (CloudFormation would fail to create the second): '
      + 'give this rollout another aliasName, or release the function with one rollout';

    test('two rollouts of one function with the default alias', () => {
      const stack = new Stack(new App(), 'Stack');
      const fn = inlineFunction(stack, 'Fn');
      new LambdaRollout(stack, 'Api', { function: fn });
      expect(() => new LambdaRollout(stack, 'Checkout', { function: fn, trafficShift: TrafficShift.allAtOnce() }))
        .toThrow(new Error(conflict('rollout Stack/Api', 'Stack/Checkout')));
    });

    test('a rollout nested in a construct, and the function\'s own alias', () => {
      const stack = new Stack(new App(), 'Stack');
      const fn = inlineFunction(stack, 'Fn');
      new LambdaRollout(new Construct(stack, 'Team'), 'Api', { function: fn, aliasName: 'live' });
      expect(() => new LambdaRollout(stack, 'Checkout', { function: fn })).toThrow(new Error(conflict('rollout Stack/Team/Api', 'Stack/Checkout')));

      const other = new Stack(new App(), 'Stack');
      const own = inlineFunction(other, 'Fn');
      own.addAlias('live');
      expect(() => new LambdaRollout(other, 'Api', { function: own })).toThrow(new Error(conflict('alias Stack/Fn/Aliaslive', 'Stack/Api')));
    });

    test('two rollouts of one function with different aliases, or of two functions with the same alias', () => {
      const stack = new Stack(new App(), 'Stack');
      const fn = inlineFunction(stack, 'Fn');
      new LambdaRollout(stack, 'Api', { function: fn });
      expect(() => new LambdaRollout(stack, 'Canary', { function: fn, aliasName: 'canary' })).not.toThrow();
      expect(() => new LambdaRollout(stack, 'Other', { function: inlineFunction(stack, 'OtherFn') })).not.toThrow();
    });
  });

  test('every problem is reported at once', () => {
    expect(rollout({ aliasName: '7', maxAlarms: 2, healthChecks: alarms(3) })).toThrow(new Error([
      "LambdaRollout at Stack/Rollout: aliasName must not be only digits (that names a version), got '7'",
      'LambdaRollout at Stack/Rollout: healthChecks need 3 alarms, more than the 2 a deployment group may have (maxAlarms; raise it if your CodeDeploy quota was raised, '
      + 'or give Lambda checks the same period and evaluationPeriods to share an alarm)',
    ].join('\n')));
  });

  test('eleven checks on ten metrics share one alarm', () => {
    const stack = new Stack(new App(), 'Stack');
    const shared = new LambdaRollout(stack, 'Rollout', {
      function: inlineFunction(stack, 'Fn'),
      healthChecks: [HealthCheck.lambdaErrors(), HealthCheck.lambdaErrors({ threshold: 5 }), HealthCheck.lambdaThrottles(),
        ...[50, 60, 70, 80, 90, 95, 99, 99.9].map((percentile) => HealthCheck.lambdaLatency({ threshold: Duration.seconds(1), percentile }))],
    });
    const metrics = stack.resolve((shared.alarms[0].node.defaultChild as cloudwatch.CfnAlarm).metrics) as unknown[];
    expect(shared.alarms).toHaveLength(1);
    expect(metrics).toHaveLength(11); // the expression and ten metrics
  });

  // Alarms can be added to the group after construction: rollback on alarm is checked when the app is synthesized.
  test('rollback on alarm without an alarm is refused at synth, and an alarm added later satisfies it', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    new LambdaRollout(stack, 'Rollout', { function: inlineFunction(stack, 'Fn'), healthChecks: [] });
    expect(() => app.synth()).toThrow('[Stack/Rollout] LambdaRollout at Stack/Rollout: rollback on alarm needs at least one alarm, got none: add a health check '
      + '(healthChecks, or deploymentGroup.addAlarm later), or choose Rollback.on({ failure: true, stop: true })');

    const later = new App();
    const other = new Stack(later, 'Stack');
    const bare = new LambdaRollout(other, 'Rollout', { function: inlineFunction(other, 'Fn'), healthChecks: [] });
    bare.deploymentGroup.addAlarm(new cloudwatch.Alarm(other, 'OnTheAlias', { metric: bare.alias.metricErrors(), threshold: 1, evaluationPeriods: 1 }));
    expect(() => later.synth()).not.toThrow();
    Template.fromStack(other).hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      AutoRollbackConfiguration: { Enabled: true, Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST', 'DEPLOYMENT_STOP_ON_ALARM'] },
      AlarmConfiguration: { Enabled: true, Alarms: [{ Name: { Ref: logicalId(other, 'OnTheAlias') } }] },
    });
  });

  test('ignorePollAlarmsFailure lets a deployment go on when CodeDeploy cannot read the alarms', () => {
    const stack = new Stack(new App(), 'Stack');
    new LambdaRollout(stack, 'Rollout', { function: inlineFunction(stack, 'Fn'), ignorePollAlarmsFailure: true });
    Template.fromStack(stack).hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      AlarmConfiguration: { Enabled: true, IgnorePollAlarmFailure: true, Alarms: Match.anyValue() },
    });
  });

  test('a raised quota allows more alarms, and no check is fine without rollback on alarm', () => {
    expect(rollout({ healthChecks: alarms(50) })).not.toThrow();
    expect(rollout({ healthChecks: alarms(51), maxAlarms: 60 })).not.toThrow();
    expect(rollout({ healthChecks: [], rollback: Rollback.on({ failure: true, stop: true }) })).not.toThrow();
  });

  test.each([
    ['errors threshold 0', () => HealthCheck.lambdaErrors({ threshold: 0 }), 'HealthCheck.lambdaErrors: threshold must be an integer of at least 1, got 0'],
    ['fractional throttles threshold', () => HealthCheck.lambdaThrottles({ threshold: 1.5 }), 'HealthCheck.lambdaThrottles: threshold must be an integer of at least 1, got 1.5'],
    ['period of seconds', () => HealthCheck.lambdaErrors({ period: Duration.seconds(90) }),
      'HealthCheck.lambdaErrors: period must be a whole number of minutes from 1 to 10080, got 1.5 minutes'],
    ['0 evaluation periods', () => HealthCheck.lambdaThrottles({ evaluationPeriods: 0 }), 'HealthCheck.lambdaThrottles: evaluationPeriods must be an integer of at least 1, got 0'],
    ['evaluation over a day for a short period', () => HealthCheck.lambdaErrors({ period: Duration.minutes(30), evaluationPeriods: 50 }),
      'HealthCheck.lambdaErrors: period x evaluationPeriods must be at most 24 hours for a period under 1 hour, got 30 minutes x 50 = 25 hours'],
    ['evaluation over a week', () => HealthCheck.lambdaErrors({ period: Duration.hours(2), evaluationPeriods: 85 }),
      'HealthCheck.lambdaErrors: period x evaluationPeriods must be at most 168 hours for a period of at least 1 hour, got 120 minutes x 85 = 170 hours'],
    ['percentile 0', () => HealthCheck.lambdaLatency({ threshold: Duration.seconds(1), percentile: 0 }),
      'HealthCheck.lambdaLatency: percentile must be greater than 0 and at most 100, got 0'],
    ['percentile above 100', () => HealthCheck.lambdaLatency({ threshold: Duration.seconds(1), percentile: 101 }),
      'HealthCheck.lambdaLatency: percentile must be greater than 0 and at most 100, got 101'],
    ['latency threshold below a millisecond', () => HealthCheck.lambdaLatency({ threshold: Duration.millis(0.5) }),
      'HealthCheck.lambdaLatency: threshold must be a whole number of milliseconds from 1 to 900000, got 0.5 milliseconds'],
    ['latency threshold past the longest invocation', () => HealthCheck.lambdaLatency({ threshold: Duration.minutes(20) }),
      'HealthCheck.lambdaLatency: threshold must be a whole number of milliseconds from 1 to 900000, got 1200000 milliseconds'],
    ['token period', () => HealthCheck.lambdaErrors({ period: Duration.minutes(new CfnParameter(new Stack(), 'P', { type: 'Number' }).valueAsNumber) }),
      'HealthCheck.lambdaErrors: period must be known at synth, got a token (a value only known at deploy time, such as a CfnParameter\'s): '
      + 'it is the period of the alarm and of its metrics'],
    ['token evaluation periods', () => HealthCheck.lambdaThrottles({ evaluationPeriods: Lazy.number({ produce: () => 2 }) }),
      'HealthCheck.lambdaThrottles: evaluationPeriods must be known at synth, got a token (a value only known at deploy time, such as a CfnParameter\'s): '
      + 'Lambda checks with the same evaluation share one alarm, named after it'],
    ['token error-rate period', () => HealthCheck.lambdaErrorRate({ period: Duration.minutes(Lazy.number({ produce: () => 5 })) }),
      'HealthCheck.lambdaErrorRate: period must be known at synth, got a token (a value only known at deploy time, such as a CfnParameter\'s): '
      + 'it is the period of the alarm\'s six metrics and part of its id'],
    ['token latency threshold', () => HealthCheck.lambdaLatency({ threshold: Duration.millis(Lazy.number({ produce: () => 500 })) }),
      'HealthCheck.lambdaLatency: threshold must be known at synth, got a token (a value only known at deploy time, such as a CfnParameter\'s): '
      + 'it is written into the alarm\'s expression and description'],
    ['metric check with 0 evaluation periods', () => HealthCheck.metric(new cloudwatch.Metric({ namespace: 'N', metricName: 'M' }), { threshold: 1, evaluationPeriods: 0 }),
      'HealthCheck.metric: evaluationPeriods must be an integer of at least 1, got 0'],
    ['notifications without events', () => Notifications.toNewTopic({ events: [] }), 'Notifications.toNewTopic: events must name at least one event, got none'],
  ])('%s', (_name, create, message) => {
    expect(create).toThrow(new Error(message));
  });
});
