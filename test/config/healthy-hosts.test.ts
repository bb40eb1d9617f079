import { App, Duration, Lazy, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { ServerDeploymentConfig, ServerDeploymentGroup } from 'aws-cdk-lib/aws-codedeploy';
import { HealthyHosts, HealthyHostsPerZone } from '../../src';
import { checkedApp, checkedSynth, CheckedSynth } from '../support/checked-synth';

describe('validation', () => {
  test.each([
    ['negative count', () => HealthyHosts.count(-1), 'HealthyHosts.count: count must be an integer from 0 to 2147483647, got -1'],
    ['fractional count', () => HealthyHosts.count(1.5), 'HealthyHosts.count: count must be an integer from 0 to 2147483647, got 1.5'],
    ['percent 100', () => HealthyHosts.percentage(100), 'HealthyHosts.percentage: percentage must be an integer from 0 to 99, got 100'],
    ['percent 150', () => HealthyHosts.percentage(150), 'HealthyHosts.percentage: percentage must be an integer from 0 to 99, got 150'],
    ['negative percent', () => HealthyHosts.percentage(-5), 'HealthyHosts.percentage: percentage must be an integer from 0 to 99, got -5'],
    ['fractional monitor duration', () => HealthyHosts.count(1, { zonal: { monitorDuration: Duration.millis(1500) } }),
      'HealthyHosts.count: zonal.monitorDuration must be a whole number of seconds of at least 0, got 1.5 seconds'],
    ['fractional first-zone duration', () => HealthyHosts.percentage(75, { zonal: { firstZoneMonitorDuration: Duration.millis(500) } }),
      'HealthyHosts.percentage: zonal.firstZoneMonitorDuration must be a whole number of seconds of at least 0, got 0.5 seconds'],
    ['reserved name prefix', () => HealthyHosts.count(2, { deploymentConfigName: 'CodeDeployDefault.Two' }),
      "HealthyHosts.count: deploymentConfigName must not start with 'CodeDeployDefault.' (reserved for CodeDeploy's predefined configs), got 'CodeDeployDefault.Two'"],
    ['token count', () => HealthyHosts.count(Lazy.number({ produce: () => 2 })),
      'HealthyHosts.count: count must be a literal value, not a token: it names the shared deployment config'],
    ['token monitor duration', () => HealthyHosts.percentage(75, { zonal: { monitorDuration: Duration.minutes(Lazy.number({ produce: () => 5 })) } }),
      'HealthyHosts.percentage: zonal.monitorDuration must be a literal value, not a token: it names the shared deployment config'],
    ['per-zone count below 0', () => HealthyHostsPerZone.count(-2), 'HealthyHostsPerZone.count: count must be an integer from 0 to 2147483647, got -2'],
    ['per-zone percent 100', () => HealthyHostsPerZone.percentage(100), 'HealthyHostsPerZone.percentage: percentage must be an integer from 0 to 99, got 100'],
    ['count past a 32-bit integer', () => HealthyHosts.count(2 ** 31), 'HealthyHosts.count: count must be an integer from 0 to 2147483647, got 2147483648'],
    ['per-zone count past a 32-bit integer', () => HealthyHostsPerZone.count(1e12),
      'HealthyHostsPerZone.count: count must be an integer from 0 to 2147483647, got 1000000000000'],
    ['token per-zone count', () => HealthyHostsPerZone.count(Lazy.number({ produce: () => 2 })),
      'HealthyHostsPerZone.count: count must be a literal value, not a token: it names the shared deployment config'],
    ['token per-zone percent', () => HealthyHostsPerZone.percentage(Lazy.number({ produce: () => 20 })),
      'HealthyHostsPerZone.percentage: percentage must be a literal value, not a token: it names the shared deployment config'],
  ])('%s', (_name, create, message) => {
    expect(create).toThrow(new Error(message));
  });

  test('every problem is reported at once', () => {
    expect(() => HealthyHosts.percentage(120, {
      zonal: { monitorDuration: Duration.millis(100), firstZoneMonitorDuration: Duration.millis(2500) },
      deploymentConfigName: 'two words',
    })).toThrow(new Error([
      'HealthyHosts.percentage: percentage must be an integer from 0 to 99, got 120',
      'HealthyHosts.percentage: zonal.monitorDuration must be a whole number of seconds of at least 0, got 0.1 seconds',
      'HealthyHosts.percentage: zonal.firstZoneMonitorDuration must be a whole number of seconds of at least 0, got 2.5 seconds',
      "HealthyHosts.percentage: deploymentConfigName may contain only letters, digits and + = , . @ _ -, got 'two words'",
    ].join('\n')));
  });
});

describe('predefined thresholds create no resource', () => {
  test.each([
    ['count(0)', HealthyHosts.count(0), ServerDeploymentConfig.ALL_AT_ONCE],
    ['percentage(0)', HealthyHosts.percentage(0), ServerDeploymentConfig.ALL_AT_ONCE],
    ['percentage(50)', HealthyHosts.percentage(50), ServerDeploymentConfig.HALF_AT_A_TIME],
    ['oneAtATime()', HealthyHosts.oneAtATime(), ServerDeploymentConfig.ONE_AT_A_TIME],
  ])('%s', (_name, threshold, expected) => {
    const stack = new Stack(new App(), 'Stack');
    expect(threshold.bind(stack).deploymentConfigName).toEqual(expected.deploymentConfigName);
    expect(stack.node.children).toHaveLength(0);
  });

  test('fromDeploymentConfig uses the config as it is', () => {
    const stack = new Stack(new App(), 'Stack');
    const config = ServerDeploymentConfig.fromServerDeploymentConfigName(stack, 'Existing', 'fleet-threshold');
    const threshold = HealthyHosts.fromDeploymentConfig(config);
    expect(threshold.bind(stack)).toBe(config);
    expect(threshold.shape).toEqual('fleet-threshold');
  });
});

describe('custom thresholds: one shared config per shape and stack', () => {
  let result: CheckedSynth;
  let stack: Stack;
  const zonal = HealthyHosts.percentage(75, {
    zonal: { perZone: HealthyHostsPerZone.count(1), monitorDuration: Duration.minutes(10), firstZoneMonitorDuration: Duration.minutes(30) },
  });

  beforeAll(() => {
    const app = checkedApp();
    stack = new Stack(app, 'Fleet');
    const group = (id: string, threshold: HealthyHosts) => new ServerDeploymentGroup(stack, id, { deploymentConfig: threshold.bind(stack) });
    group('CountA', HealthyHosts.count(2));
    group('CountB', HealthyHosts.count(2));
    group('Percent', HealthyHosts.percentage(75));
    group('Zonal', zonal);
    group('ZonalDefaults', HealthyHosts.percentage(50, { zonal: {} }));
    result = checkedSynth(app);
  });

  test('CloudFormation validates the template', () => {
    expect(result.templateFindings).toEqual([]);
  });

  test('a count becomes a HOST_COUNT config', () => {
    result.template(stack).hasResourceProperties('AWS::CodeDeploy::DeploymentConfig', {
      ComputePlatform: Match.absent(), // CloudFormation's default: Server
      DeploymentConfigName: 'Fleet-ServerMinHealthy2Hosts',
      MinimumHealthyHosts: { Type: 'HOST_COUNT', Value: 2 },
    });
  });

  test('a percentage becomes a FLEET_PERCENT config', () => {
    result.template(stack).hasResourceProperties('AWS::CodeDeploy::DeploymentConfig', {
      DeploymentConfigName: 'Fleet-ServerMinHealthy75Percent',
      MinimumHealthyHosts: { Type: 'FLEET_PERCENT', Value: 75 },
    });
  });

  test('a zonal rollout sets every zonal option in seconds', () => {
    expect(zonal.shape).toEqual('ServerMinHealthy75Percent-Zonal-PerZone1Host-Monitor600s-FirstZone1800s');
    result.template(stack).hasResourceProperties('AWS::CodeDeploy::DeploymentConfig', {
      DeploymentConfigName: 'Fleet-ServerMinHealthy75Percent-Zonal-PerZone1Host-Monitor600s-FirstZone1800s',
      MinimumHealthyHosts: { Type: 'FLEET_PERCENT', Value: 75 },
      ZonalConfig: {
        MinimumHealthyHostsPerZone: { Type: 'HOST_COUNT', Value: 1 },
        MonitorDurationInSeconds: 600,
        FirstZoneMonitorDurationInSeconds: 1800,
      },
    });
  });

  test('a zonal rollout is never a predefined config, even at 50 percent', () => {
    result.template(stack).hasResourceProperties('AWS::CodeDeploy::DeploymentConfig', {
      DeploymentConfigName: 'Fleet-ServerMinHealthy50Percent-Zonal',
      MinimumHealthyHosts: { Type: 'FLEET_PERCENT', Value: 50 },
      ZonalConfig: {},
    });
  });

  test('two groups with the same threshold share one config', () => {
    const template = result.template(stack);
    template.resourceCountIs('AWS::CodeDeploy::DeploymentConfig', 4);
    const [configId] = Object.keys(template.findResources('AWS::CodeDeploy::DeploymentConfig', {
      Properties: { DeploymentConfigName: 'Fleet-ServerMinHealthy2Hosts' },
    }));
    const groups = template.findResources('AWS::CodeDeploy::DeploymentGroup', { Properties: { DeploymentConfigName: { Ref: configId } } });
    expect(Object.keys(groups)).toHaveLength(2);
  });
});

test.each([
  [HealthyHosts.count(1), 'ServerMinHealthy1Host'],
  [HealthyHosts.count(2), 'ServerMinHealthy2Hosts'],
  [HealthyHosts.percentage(75, { zonal: { perZone: HealthyHostsPerZone.count(2) } }), 'ServerMinHealthy75Percent-Zonal-PerZone2Hosts'],
  [HealthyHosts.percentage(75, { zonal: { perZone: HealthyHostsPerZone.count(1) } }), 'ServerMinHealthy75Percent-Zonal-PerZone1Host'],
])('shape names say one host in the singular: %#', (threshold, shape) => {
  expect(threshold.shape).toEqual(shape);
});
