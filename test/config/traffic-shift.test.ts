import { App, Duration, Lazy, Stack, aws_lambda as lambda } from 'aws-cdk-lib';
import { ILambdaDeploymentConfig, LambdaDeploymentConfig, LambdaDeploymentGroup } from 'aws-cdk-lib/aws-codedeploy';
import { TrafficShift } from '../../src';
import { checkedApp, checkedSynth, CheckedSynth } from '../support/checked-synth';

describe('validation', () => {
  test.each([
    ['percentage above 99', TrafficShift.canary, { percentage: 150, interval: Duration.minutes(5) },
      'TrafficShift.canary: percentage must be an integer from 1 to 99, got 150'],
    ['percentage 0', TrafficShift.canary, { percentage: 0, interval: Duration.minutes(5) },
      'TrafficShift.canary: percentage must be an integer from 1 to 99, got 0'],
    ['fractional percentage', TrafficShift.linear, { percentage: 12.5, interval: Duration.minutes(5) },
      'TrafficShift.linear: percentage must be an integer from 1 to 99, got 12.5'],
    ['interval of a fraction of minutes', TrafficShift.canary, { percentage: 10, interval: Duration.seconds(90) },
      'TrafficShift.canary: interval must be a whole number of minutes from 1 to 2880, got 1.5 minutes'],
    ['interval 0', TrafficShift.linear, { percentage: 10, interval: Duration.seconds(0) },
      'TrafficShift.linear: interval must be a whole number of minutes from 1 to 2880, got 0 minutes'],
    ['interval above 2880 minutes', TrafficShift.canary, { percentage: 10, interval: Duration.minutes(5000) },
      'TrafficShift.canary: interval must be a whole number of minutes from 1 to 2880, got 5000 minutes'],
    ['linear shift longer than 2880 minutes', TrafficShift.linear, { percentage: 1, interval: Duration.minutes(30) },
      'TrafficShift.linear: the shift must reach 100% within 2880 minutes of its first step, got 100 steps of 1% every 30 minutes = 2970 minutes (raise percentage or shorten interval)'],
    ['token percentage', TrafficShift.canary, { percentage: Lazy.number({ produce: () => 10 }), interval: Duration.minutes(5) },
      'TrafficShift.canary: percentage must be a literal value, not a token: it names the shared deployment config'],
    ['token name', TrafficShift.linear, { percentage: 5, interval: Duration.minutes(5), deploymentConfigName: Lazy.string({ produce: () => 'x' }) },
      'TrafficShift.linear: deploymentConfigName must be a literal value, not a token: it names the shared deployment config'],
    ['empty name', TrafficShift.canary, { percentage: 5, interval: Duration.minutes(5), deploymentConfigName: '' },
      "TrafficShift.canary: deploymentConfigName must be 1 to 100 characters long, got 0 ('')"],
    ['name over 100 characters', TrafficShift.canary, { percentage: 5, interval: Duration.minutes(5), deploymentConfigName: 'a'.repeat(101) },
      `TrafficShift.canary: deploymentConfigName must be 1 to 100 characters long, got 101 ('${'a'.repeat(101)}')`],
    ['name with a space', TrafficShift.linear, { percentage: 5, interval: Duration.minutes(5), deploymentConfigName: 'my config' },
      "TrafficShift.linear: deploymentConfigName may contain only letters, digits and + = , . @ _ -, got 'my config'"],
    ['reserved name prefix', TrafficShift.canary, { percentage: 5, interval: Duration.minutes(5), deploymentConfigName: 'CodeDeployDefault.Mine' },
      "TrafficShift.canary: deploymentConfigName must not start with 'CodeDeployDefault.' (reserved for CodeDeploy's predefined configs), got 'CodeDeployDefault.Mine'"],
  ])('%s', (_name, factory, options, message) => {
    expect(() => factory(options)).toThrow(new Error(message));
  });

  test('every problem is reported at once', () => {
    expect(() => TrafficShift.canary({ percentage: 150, interval: Duration.minutes(5000), deploymentConfigName: 'CodeDeployDefault.X' })).toThrow(new Error([
      'TrafficShift.canary: percentage must be an integer from 1 to 99, got 150',
      'TrafficShift.canary: interval must be a whole number of minutes from 1 to 2880, got 5000 minutes',
      "TrafficShift.canary: deploymentConfigName must not start with 'CodeDeployDefault.' (reserved for CodeDeploy's predefined configs), got 'CodeDeployDefault.X'",
    ].join('\n')));
  });

  test('a linear shift that just fits 2880 minutes is accepted', () => {
    // 10% every 320 minutes: 10 steps, 9 waits of 320 minutes = 2880 minutes.
    expect(() => TrafficShift.linear({ percentage: 10, interval: Duration.minutes(320) })).not.toThrow();
    expect(() => TrafficShift.linear({ percentage: 10, interval: Duration.minutes(321) })).toThrow(
      /got 10 steps of 10% every 321 minutes = 2889 minutes/);
  });
});

describe('predefined shapes create no resource', () => {
  const predefined: Array<[TrafficShift, ILambdaDeploymentConfig]> = [
    [TrafficShift.canary({ percentage: 10, interval: Duration.minutes(5) }), LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES],
    [TrafficShift.canary({ percentage: 10, interval: Duration.minutes(10) }), LambdaDeploymentConfig.CANARY_10PERCENT_10MINUTES],
    [TrafficShift.canary({ percentage: 10, interval: Duration.minutes(15) }), LambdaDeploymentConfig.CANARY_10PERCENT_15MINUTES],
    [TrafficShift.canary({ percentage: 10, interval: Duration.minutes(30) }), LambdaDeploymentConfig.CANARY_10PERCENT_30MINUTES],
    [TrafficShift.linear({ percentage: 10, interval: Duration.minutes(1) }), LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTE],
    [TrafficShift.linear({ percentage: 10, interval: Duration.minutes(2) }), LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_2MINUTES],
    [TrafficShift.linear({ percentage: 10, interval: Duration.minutes(3) }), LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_3MINUTES],
    [TrafficShift.linear({ percentage: 10, interval: Duration.minutes(10) }), LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_10MINUTES],
    [TrafficShift.allAtOnce(), LambdaDeploymentConfig.ALL_AT_ONCE],
  ];
  test.each(predefined.map(([shift, expected]) => ({ name: expected.deploymentConfigName, shift, expected })))('$name', ({ shift, expected }) => {
    const stack = new Stack(new App(), 'Stack');
    expect(shift.bind(stack).deploymentConfigName).toEqual(expected.deploymentConfigName);
    expect(stack.node.children).toHaveLength(0);
  });

  test('fromDeploymentConfig uses the config as it is', () => {
    const stack = new Stack(new App(), 'Stack');
    const config = LambdaDeploymentConfig.fromLambdaDeploymentConfigName(stack, 'Existing', 'team-canary');
    const shift = TrafficShift.fromDeploymentConfig(config);
    expect(shift.bind(stack)).toBe(config);
    expect(shift.shape).toEqual('team-canary');
  });
});

describe('custom shapes: one shared config per shape and stack', () => {
  let result: CheckedSynth;
  let shared: Stack;
  let other: Stack;
  const canary = TrafficShift.canary({ percentage: 5, interval: Duration.minutes(15) });

  beforeAll(() => {
    const app = checkedApp();
    shared = new Stack(app, 'Shared');
    const fn = new lambda.Function(shared, 'Fn', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {};'),
    });
    const group = (id: string, shift: TrafficShift) => new LambdaDeploymentGroup(shared, id, {
      alias: new lambda.Alias(shared, `${id}Alias`, { aliasName: id.toLowerCase(), version: fn.currentVersion }),
      deploymentConfig: shift.bind(shared),
    });
    group('First', canary);
    group('Second', TrafficShift.canary({ percentage: 5, interval: Duration.minutes(15) }));
    group('Linear', TrafficShift.linear({ percentage: 20, interval: Duration.minutes(2) }));
    group('Named', TrafficShift.canary({ percentage: 5, interval: Duration.minutes(15), deploymentConfigName: 'team.canary-5' }));

    other = new Stack(app, 'Other');
    canary.bind(other);
    result = checkedSynth(app);
  });

  test('CloudFormation validates the template', () => {
    expect(result.templateFindings).toEqual([]);
  });

  test('a canary becomes a TimeBasedCanary config named after the stack and the shape', () => {
    result.template(shared).hasResourceProperties('AWS::CodeDeploy::DeploymentConfig', {
      ComputePlatform: 'Lambda',
      DeploymentConfigName: 'Shared-LambdaCanary5Percent15Minutes',
      TrafficRoutingConfig: { Type: 'TimeBasedCanary', TimeBasedCanary: { CanaryPercentage: 5, CanaryInterval: 15 } },
    });
  });

  test('a linear shift becomes a TimeBasedLinear config', () => {
    result.template(shared).hasResourceProperties('AWS::CodeDeploy::DeploymentConfig', {
      ComputePlatform: 'Lambda',
      DeploymentConfigName: 'Shared-LambdaLinear20PercentEvery2Minutes',
      TrafficRoutingConfig: { Type: 'TimeBasedLinear', TimeBasedLinear: { LinearPercentage: 20, LinearInterval: 2 } },
    });
  });

  test('a chosen name makes its own config', () => {
    result.template(shared).hasResourceProperties('AWS::CodeDeploy::DeploymentConfig', {
      DeploymentConfigName: 'team.canary-5',
      TrafficRoutingConfig: { Type: 'TimeBasedCanary', TimeBasedCanary: { CanaryPercentage: 5, CanaryInterval: 15 } },
    });
  });

  test('two groups with the same shape share one config', () => {
    const template = result.template(shared);
    template.resourceCountIs('AWS::CodeDeploy::DeploymentConfig', 3);
    const configs = template.findResources('AWS::CodeDeploy::DeploymentConfig', {
      Properties: { DeploymentConfigName: 'Shared-LambdaCanary5Percent15Minutes' },
    });
    const [configId] = Object.keys(configs);
    const groups = template.findResources('AWS::CodeDeploy::DeploymentGroup', {
      Properties: { DeploymentConfigName: { Ref: configId } },
    });
    expect(Object.keys(groups)).toHaveLength(2);
  });

  test('another stack gets its own config, under its own name', () => {
    const template = result.template(other);
    template.resourceCountIs('AWS::CodeDeploy::DeploymentConfig', 1);
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentConfig', { DeploymentConfigName: 'Other-LambdaCanary5Percent15Minutes' });
  });

  test('the construct id names the shape, so a changed shape is a new resource', () => {
    expect(shared.node.tryFindChild('DeploymentConfigLambdaCanary5Percent15Minutes')).toBeDefined();
    expect(canary.shape).toEqual('LambdaCanary5Percent15Minutes');
  });
});

test('one name for two different shapes in a stack is an error', () => {
  const stack = new Stack(new App(), 'Stack');
  TrafficShift.canary({ percentage: 5, interval: Duration.minutes(15), deploymentConfigName: 'team-config' }).bind(stack);
  expect(() => TrafficShift.linear({ percentage: 5, interval: Duration.minutes(1), deploymentConfigName: 'team-config' }).bind(stack))
    .toThrow(new Error("deploymentConfigName 'team-config' of Stack is already used in stack Stack by a different deployment config shape (DeploymentConfigLambdaCanary5Percent15Minutes-team-config); choose another name"));
});

test.each([
  [TrafficShift.linear({ percentage: 25, interval: Duration.minutes(1) }), 'LambdaLinear25PercentEvery1Minute'],
  [TrafficShift.linear({ percentage: 25, interval: Duration.minutes(2) }), 'LambdaLinear25PercentEvery2Minutes'],
  [TrafficShift.canary({ percentage: 5, interval: Duration.minutes(1) }), 'LambdaCanary5Percent1Minute'],
  [TrafficShift.canary({ percentage: 5, interval: Duration.hours(1) }), 'LambdaCanary5Percent60Minutes'],
])('shape names say one minute in the singular, as CodeDeploy\'s own names do: %#', (shift, shape) => {
  expect(shift.shape).toEqual(shape);
});
