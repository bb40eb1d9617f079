import { App, Duration, Stack, Token, aws_iam as iam, aws_lambda as lambda } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { HealthCheck, LambdaRollout, LambdaRolloutProps, ResponseMatch, Rollback, SmokeTest } from '../../src';
import { checkedApp, checkedSynth, CheckedSynth } from '../support/checked-synth';
import { inlineFunction } from '../support/inline-function';
import { logicalId } from '../support/logical-id';

// One synthesis for every template assertion below.
let result: CheckedSynth;
const stacks: Record<string, Stack> = {};
const template = (name: string): Template => result.template(stacks[name]);

beforeAll(() => {
  const app = checkedApp();
  // The hook in both lifecycle events, in one, and beside a user's own pre-traffic hook.
  const hooks = stacks.Hooks = new Stack(app, 'Hooks');
  new LambdaRollout(hooks, 'Api', {
    function: inlineFunction(hooks, 'ApiFn'),
    smokeTest: SmokeTest.invoke({ payloads: ['{"path":"/health"}', '{"path":"/"}'], invocations: 4, expectedResponse: ResponseMatch.statusCode(200) }),
    keepVersions: 5,
    bakeTime: Duration.minutes(15),
  });
  new LambdaRollout(hooks, 'Worker', { function: inlineFunction(hooks, 'WorkerFn'), smokeTest: SmokeTest.invoke() });
  new LambdaRollout(hooks, 'Batch', { function: inlineFunction(hooks, 'BatchFn'), preHook: inlineFunction(hooks, 'PreHook'), keepVersions: 2 });
  // A smoke test only: the hook never needs to ask which lifecycle event runs.
  const smokeOnly = stacks.SmokeOnly = new Stack(app, 'SmokeOnly');
  new LambdaRollout(smokeOnly, 'Api', { function: inlineFunction(smokeOnly, 'ApiFn'), smokeTest: SmokeTest.invoke() });
  // The emergency switch: the bake is left out.
  const ignoring = stacks.Ignoring = new Stack(app, 'Ignoring');
  new LambdaRollout(ignoring, 'Api', { function: inlineFunction(ignoring, 'ApiFn'), bakeTime: Duration.minutes(10), keepVersions: 3, ignoreAlarms: true });
  result = checkedSynth(app);
});

test('CloudFormation validates every template, and the hook adds no cdk-nag finding', () => {
  expect(result.templateFindings).toEqual([]);
  expect(result.nagFindings.filter((f) => !/\/(ApiFn|WorkerFn|BatchFn|PreHook)\b/.test(f.where))).toEqual([]);
});

describe('one hook function per stack', () => {
  test('every rollout that uses it names the same function, in the lifecycle events it uses', () => {
    const stack = stacks.Hooks;
    const hook = { Ref: logicalId(stack, 'TrafficHook/Function') };
    const update = (rollout: string) => template('Hooks').findResources('AWS::Lambda::Alias', {
      Properties: { FunctionName: { Ref: logicalId(stack, `${rollout}Fn`) } },
    });
    expect(Object.values(update('Api'))[0].UpdatePolicy.CodeDeployLambdaAliasUpdate).toMatchObject({ BeforeAllowTrafficHook: hook, AfterAllowTrafficHook: hook });
    expect(Object.values(update('Worker'))[0].UpdatePolicy.CodeDeployLambdaAliasUpdate).toEqual(expect.objectContaining({ BeforeAllowTrafficHook: hook }));
    expect(Object.values(update('Worker'))[0].UpdatePolicy.CodeDeployLambdaAliasUpdate.AfterAllowTrafficHook).toBeUndefined();
    expect(Object.values(update('Batch'))[0].UpdatePolicy.CodeDeployLambdaAliasUpdate).toMatchObject({
      BeforeAllowTrafficHook: { Ref: logicalId(stack, 'PreHook') }, AfterAllowTrafficHook: hook,
    });
    template('Hooks').resourcePropertiesCountIs('AWS::Lambda::Function', {
      Handler: 'index.handler', Runtime: lambda.determineLatestNodeRuntime(stack).name, Timeout: 900,
    }, 1);
  });

  test('each rollout\'s settings are one SSM String parameter, named after its function and alias', () => {
    const stack = stacks.Hooks;
    template('Hooks').resourceCountIs('AWS::SSM::Parameter', 3);
    template('Hooks').hasResourceProperties('AWS::SSM::Parameter', {
      Name: { 'Fn::Join': ['', ['/cdk-codedeploy-rollouts/traffic-hook/Hooks/', { Ref: logicalId(stack, 'ApiFn') }, '/live']] },
      Type: 'String',
      Tier: 'Standard',
      Value: {
        'Fn::Join': ['', [
          '{"version":1,"beforeAllowTraffic":{"smokeTest":{"payloads":["{\\"path\\":\\"/health\\"}","{\\"path\\":\\"/\\"}"],"invocations":4,'
          + '"expectedResponse":{"match":"subset","value":{"statusCode":200}}}},"afterAllowTraffic":{"bakeSeconds":900,"alarmNames":["',
          { Ref: logicalId(stack, 'Api/NewVersionErrorRateAlarm') },
          '"],"keepVersions":5}}',
        ]],
      },
    });
    template('Hooks').hasResourceProperties('AWS::SSM::Parameter', {
      Name: { 'Fn::Join': ['', ['/cdk-codedeploy-rollouts/traffic-hook/Hooks/', { Ref: logicalId(stack, 'WorkerFn') }, '/live']] },
      Value: '{"version":1,"beforeAllowTraffic":{"smokeTest":{"payloads":["{}"],"invocations":1}}}',
    });
  });

  test('under ignoreAlarms the bake is left out, pruning stays', () => {
    template('Ignoring').hasResourceProperties('AWS::SSM::Parameter', { Value: '{"version":1,"afterAllowTraffic":{"keepVersions":3}}' });
  });

  test('the alias update waits for the settings, the hook and its permissions', () => {
    const stack = stacks.Hooks;
    const alias = Object.values(template('Hooks').findResources('AWS::Lambda::Alias', { Properties: { FunctionName: { Ref: logicalId(stack, 'ApiFn') } } }))[0];
    expect(alias.DependsOn).toEqual(expect.arrayContaining([
      logicalId(stack, 'Api/TrafficHookSettings'), logicalId(stack, 'TrafficHook/BasePolicy'),
      logicalId(stack, 'TrafficHook/RolloutPolicies/Policy1'), logicalId(stack, 'TrafficHook/Function'),
    ]));
  });
});

describe('permissions', () => {
  const statementsOf = (name: string, path: string) => {
    const policy = template(name).findResources('AWS::IAM::ManagedPolicy')[logicalId(stacks[name], path)];
    return policy.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>;
  };
  const fnArn = (stack: Stack, id: string) => ({ 'Fn::GetAtt': [logicalId(stack, id), 'Arn'] });
  const versionsOf = (stack: Stack, id: string) => ({ 'Fn::Join': ['', [fnArn(stack, id), ':*']] });

  test('per rollout: its group, its application, its parameter, and its function only as it needs', () => {
    const stack = stacks.Hooks;
    const statements = statementsOf('Hooks', 'TrafficHook/RolloutPolicies/Policy1');
    const actions = (resource: unknown) => statements
      .filter((s) => [s.Resource].flat().some((r) => JSON.stringify(r) === JSON.stringify(resource))).flatMap((s) => s.Action);
    expect(actions(versionsOf(stack, 'ApiFn'))).toEqual(['lambda:InvokeFunction', 'lambda:DeleteFunction']);
    expect(statements.filter((s) => [s.Resource].flat().some((r) => JSON.stringify(r) === JSON.stringify(versionsOf(stack, 'ApiFn'))))).toHaveLength(1);
    expect(actions(fnArn(stack, 'ApiFn'))).toEqual(['lambda:ListVersionsByFunction', 'lambda:ListAliases']);
    expect(actions(versionsOf(stack, 'WorkerFn'))).toEqual(['lambda:InvokeFunction']);
    expect(actions(fnArn(stack, 'WorkerFn'))).toEqual([]);
    expect(actions(versionsOf(stack, 'BatchFn'))).toEqual(['lambda:DeleteFunction']);
    expect(actions('*')).toEqual(['cloudwatch:DescribeAlarms']);
    // The groups of the stack's own application, the application, and (in the base policy) the stack's parameters.
    const application = { Ref: logicalId(stack, 'LambdaRolloutsApplication') };
    expect(statements).toContainEqual(expect.objectContaining({
      Action: ['codedeploy:GetDeployment', 'codedeploy:PutLifecycleEventHookExecutionStatus'],
      Resource: {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':codedeploy:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' },
          ':deploymentgroup:', application, '/*']],
      },
    }));
    expect(actions({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':codedeploy:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' },
        ':application:', application]],
    })).toEqual(['codedeploy:GetApplicationRevision']);
    expect(statementsOf('Hooks', 'TrafficHook/BasePolicy')).toContainEqual({
      Action: 'ssm:GetParameter',
      Effect: 'Allow',
      Resource: {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' },
          ':parameter/cdk-codedeploy-rollouts/traffic-hook/Hooks/*']],
      },
    });
    // Never the unqualified function with DeleteFunction: that would delete the function itself.
    expect(statements.filter((s) => [s.Action].flat().includes('lambda:DeleteFunction') && JSON.stringify(s.Resource).includes('"Arn"]}')
      && !JSON.stringify(s.Resource).includes(':*'))).toEqual([]);
  });

  test('the deployment-target reads (wildcard-only) only once a rollout uses the hook in both lifecycle events', () => {
    const lookup = ['codedeploy:ListDeploymentTargets', 'codedeploy:BatchGetDeploymentTargets'];
    expect(statementsOf('Hooks', 'TrafficHook/BasePolicy')).toContainEqual(expect.objectContaining({ Action: lookup, Resource: '*' }));
    expect(statementsOf('SmokeOnly', 'TrafficHook/BasePolicy').flatMap((s) => s.Action)).not.toContain(lookup[0]);
  });

  test('CodeDeploy may invoke the hook, through the rollout\'s service role', () => {
    const stack = stacks.SmokeOnly;
    template('SmokeOnly').hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: logicalId(stack, 'LambdaRolloutsServiceRole/Role') }],
      PolicyDocument: { Statement: Match.arrayWith([{ Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: fnArn(stack, 'TrafficHook/Function') }]) },
    });
  });
});

describe('cost', () => {
  /** Resources of a stack with `n` functions, each with or without a smoke test. */
  function resources(n: number, smokeTest: boolean): Record<string, number> {
    const app = new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': false } });
    const stack = new Stack(app, 'Cost');
    for (let i = 0; i < n; i++) {
      new LambdaRollout(stack, `Fn${i}Rollout`, { function: inlineFunction(stack, `Fn${i}`), ...(smokeTest ? { smokeTest: SmokeTest.invoke(), keepVersions: 3 } : {}) });
    }
    const counts: Record<string, number> = {};
    for (const resource of Object.values(Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string }>)) {
      counts[resource.Type] = (counts[resource.Type] ?? 0) + 1;
    }
    return counts;
  }
  const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0);

  test('5 resources per stack and 1 per rollout: the hook function, its role, log group and 2 policies; a parameter each', () => {
    const extra = (n: number) => total(resources(n, true)) - total(resources(n, false));
    expect(extra(1)).toBe(5 + 1);
    expect(extra(10)).toBe(5 + 10);
    expect(resources(10, true)['AWS::SSM::Parameter']).toBe(10);
    expect(resources(10, true)['AWS::Lambda::Function']).toBe(10 + 1);
  });

  test('the shared policies grow by one every 20 rollouts with a smoke test and pruning, not per rollout', () => {
    const stack = new Stack(new App(), 'Cost');
    const policies: number[] = [];
    for (let i = 0; i < 41; i++) {
      new LambdaRollout(stack, `Fn${i}Rollout`, { function: inlineFunction(stack, `Fn${i}`), smokeTest: SmokeTest.invoke(), keepVersions: 3 });
      const hook = stack.node.findChild('TrafficHook');
      policies.push(hook.node.findAll().filter((c) => c instanceof iam.ManagedPolicy).length);
    }
    // The base policy, then the rollouts' policies, filled to IAM's 6,144 characters at the longest their ARNs may resolve to.
    expect([policies[0], policies[19], policies[20], policies[39], policies[40]]).toEqual([2, 2, 3, 3, 4]);
  });
});

describe('validation', () => {
  const rollout = (props: Partial<LambdaRolloutProps>) => () => {
    const stack = new Stack();
    new LambdaRollout(stack, 'Api', { function: inlineFunction(stack, 'Fn'), ...props });
  };

  test.each<[string, () => unknown, string]>([
    ['no payloads', () => SmokeTest.invoke({ payloads: [] }), 'SmokeTest.invoke: payloads must hold at least one JSON document, got none'],
    ['payloads that are not JSON, all reported',
      () => SmokeTest.invoke({ payloads: ['{"a":', '{}', 'hello'] }),
      "SmokeTest.invoke: payloads[0] must be a JSON document, got '{\"a\":'\nSmokeTest.invoke: payloads[2] must be a JSON document, got 'hello'"],
    ['a payload that is a token', () => SmokeTest.invoke({ payloads: [Token.asString({ Ref: 'Payload' })] }),
      'SmokeTest.invoke: payloads[0] must be JSON written in the app, not a token: it is stored at synth'],
    ['no invocation', () => SmokeTest.invoke({ invocations: 0 }), 'SmokeTest.invoke: invocations must be an integer from 1 to 100, got 0'],
    ['too many invocations', () => SmokeTest.invoke({ invocations: 101 }), 'SmokeTest.invoke: invocations must be an integer from 1 to 100, got 101'],
    ['half an invocation', () => SmokeTest.invoke({ invocations: 1.5 }), 'SmokeTest.invoke: invocations must be an integer from 1 to 100, got 1.5'],
    ['a status code out of range', () => ResponseMatch.statusCode(42), 'ResponseMatch.statusCode: code must be an integer from 100 to 599, got 42'],
    ['contains of a JSON array', () => ResponseMatch.contains('[1]'), "ResponseMatch.contains: json must be a JSON object, got '[1]'"],
    ['contains of text that is not JSON', () => ResponseMatch.contains('ok'), "ResponseMatch.contains: json must be a JSON document written in the app, got 'ok'"],
    ['exactly of text that is not JSON', () => ResponseMatch.exactly('{'), "ResponseMatch.exactly: json must be a JSON document written in the app, got '{'"],
    ['smokeTest with preHook', rollout({ smokeTest: SmokeTest.invoke(), preHook: lambda.Function.fromFunctionName(new Stack(), 'Hook', 'hook') }),
      'LambdaRollout at Default/Api: smokeTest and preHook both need the BeforeAllowTraffic hook, and CodeDeploy runs one per lifecycle event: test in preHook, or leave it out'],
    ['keepVersions and bakeTime with postHook, both reported',
      rollout({ keepVersions: 3, bakeTime: Duration.minutes(5), postHook: lambda.Function.fromFunctionName(new Stack(), 'Hook', 'hook') }),
      'LambdaRollout at Default/Api: keepVersions and postHook both need the AfterAllowTraffic hook, and CodeDeploy runs one per lifecycle event: leave out postHook, or keepVersions\n'
        + 'LambdaRollout at Default/Api: bakeTime and postHook both need the AfterAllowTraffic hook, and CodeDeploy runs one per lifecycle event: leave out postHook, or bakeTime'],
    ['keepVersions of 0', rollout({ keepVersions: 0 }), 'LambdaRollout at Default/Api: keepVersions must be an integer of at least 1, got 0'],
    ['a bake time of 0 minutes', rollout({ bakeTime: Duration.minutes(0) }), 'LambdaRollout at Default/Api: bakeTime must be a whole number of minutes from 1 to 50, got 0 minutes'],
    ['a bake time past the hook\'s hour', rollout({ bakeTime: Duration.hours(1) }), 'LambdaRollout at Default/Api: bakeTime must be a whole number of minutes from 1 to 50, got 60 minutes'],
    ['a bake time in seconds', rollout({ bakeTime: Duration.seconds(90) }), 'LambdaRollout at Default/Api: bakeTime must be a whole number of minutes from 1 to 50, got 1.5 minutes'],
    ['a bake time without a health check', rollout({ bakeTime: Duration.minutes(5), healthChecks: [], rollback: Rollback.on({ failure: true }) }),
      'LambdaRollout at Default/Api: bakeTime needs at least one health check: the bake watches the rollout\'s alarms'],
    ['settings past an SSM parameter', rollout({ smokeTest: SmokeTest.invoke({ payloads: [JSON.stringify({ data: 'x'.repeat(4000) })] }), bakeTime: Duration.minutes(5) }),
      'LambdaRollout at Default/Api: the traffic hook\'s settings (smokeTest payloads, and 255 characters per alarm name bakeTime watches) must fit the 4096 bytes of an SSM parameter, got 4410 bytes'],
  ])('%s', (_name, build, message) => {
    expect(build).toThrow(new Error(message));
  });

  test('the largest settings that fit are accepted', () => {
    expect(rollout({ smokeTest: SmokeTest.invoke({ payloads: [JSON.stringify({ data: 'x'.repeat(3900) })] }) })).not.toThrow();
  });

  test('a lambda check counts as the health check a bake needs', () => {
    expect(rollout({ bakeTime: Duration.minutes(50), healthChecks: [HealthCheck.lambdaErrors()] })).not.toThrow();
  });
});
