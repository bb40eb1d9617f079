/**
 * aws-cdk's deployment-config scenarios: the integration test
 * packages/@aws-cdk-testing/framework-integ/test/aws-codedeploy/test/lambda/integ.deployment-config.ts
 * and the unit tests of packages/aws-cdk-lib/aws-codedeploy/test/{lambda/deployment-config,
 * lambda/custom-deployment-config, server/deployment-config}.test.ts. The library's configs are
 * value objects bound to a stack (`TrafficShift`, `HealthyHosts`), as a user of its plain
 * aws-cdk-lib groups would bind them.
 */
import { Duration, Stack, aws_lambda as lambda } from 'aws-cdk-lib';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import { HealthyHosts, HealthyHostsPerZone, LambdaRollout, Rollback, TrafficShift } from '../../../src';
import { EXACT_SERVICE_ROLE, NAMED_BY_SHAPE, PREDEFINED_CONFIG } from '../support/explanations';
import { Explanation, PeerScenario, scenario } from '../support/scenario';

const LAMBDA_INTEG = 'packages/@aws-cdk-testing/framework-integ/test/aws-codedeploy/test/lambda/integ.deployment-config.ts';
const LAMBDA_UNIT = 'packages/aws-cdk-lib/aws-codedeploy/test/lambda/deployment-config.test.ts';
const CUSTOM_UNIT = 'packages/aws-cdk-lib/aws-codedeploy/test/lambda/custom-deployment-config.test.ts';
const SERVER_UNIT = 'packages/aws-cdk-lib/aws-codedeploy/test/server/deployment-config.test.ts';

/** aws-cdk-lib's deprecated custom config: a custom resource that calls CreateDeploymentConfig; the library's, a CloudFormation resource. */
const RESOURCE_NOT_SDK_CALL: Explanation = {
  label: 'config resource, not an SDK call',
  aspect: 'configs',
  verdict: 'better',
  reason: 'an AWS::CodeDeploy::DeploymentConfig CloudFormation manages, instead of a custom resource whose Lambda function may create and delete any deployment config (`*`)',
  holds: (peer, library) => peer.length === library.length && peer.every((config: any, i: number) => config.resource.startsWith('Custom::AWS')
    && library[i].resource === 'AWS::CodeDeploy::DeploymentConfig' && JSON.stringify(config.shape) === JSON.stringify(library[i].shape)),
};

function fn(stack: Stack): lambda.Function {
  return new lambda.Function(stack, 'Handler', {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => 1;'),
  });
}

/** A group of aws-cdk-lib's tests on an alias, and the library's port with the same checks (none) and rollback (on failure). */
function peerGroup(stack: Stack, f: lambda.Function, deploymentConfig: codedeploy.ILambdaDeploymentConfig): void {
  new codedeploy.LambdaDeploymentGroup(stack, 'MyDG', { alias: new lambda.Alias(stack, 'Alias', { aliasName: 'my-alias', version: f.currentVersion }), deploymentConfig });
}
function rollout(stack: Stack, f: lambda.Function, trafficShift: TrafficShift): void {
  new LambdaRollout(stack, 'MyDG', { function: f, aliasName: 'my-alias', trafficShift, healthChecks: [], rollback: Rollback.on({ failure: true }) });
}

export const AWS_CDK_CONFIGS: PeerScenario[] = [
  scenario({
    id: 'cdk-config-integ-linear',
    peer: 'aws-cdk',
    source: `${LAMBDA_INTEG} (LinearConfig)`,
    title: 'a Lambda config, linear 5% every minute',
    awsCdk: (stack) => {
      new codedeploy.LambdaDeploymentConfig(stack, 'LinearConfig', {
        trafficRouting: codedeploy.TrafficRouting.timeBasedLinear({ interval: Duration.minutes(1), percentage: 5 }),
      });
    },
    library: (stack) => { TrafficShift.linear({ percentage: 5, interval: Duration.minutes(1) }).bind(stack); },
    differences: [NAMED_BY_SHAPE],
  }),
  scenario({
    id: 'cdk-config-integ-custom-named',
    peer: 'aws-cdk',
    source: `${LAMBDA_INTEG} (CustomConfig)`,
    title: 'a named Lambda config, linear 5% every minute (aws-cdk-lib\'s deprecated CustomLambdaDeploymentConfig)',
    awsCdk: (stack) => {
      new codedeploy.CustomLambdaDeploymentConfig(stack, 'CustomConfig', {
        interval: Duration.minutes(1), percentage: 5, type: codedeploy.CustomLambdaDeploymentConfigType.LINEAR, deploymentConfigName: 'hello',
      });
    },
    library: (stack) => { TrafficShift.linear({ percentage: 5, interval: Duration.minutes(1), deploymentConfigName: 'hello' }).bind(stack); },
    differences: [RESOURCE_NOT_SDK_CALL],
  }),
  scenario({
    id: 'cdk-config-default-all-at-once',
    peer: 'aws-cdk',
    source: `${LAMBDA_UNIT} (can create default config)`,
    title: 'a Lambda config that shifts all at once',
    awsCdk: (stack) => { new codedeploy.LambdaDeploymentConfig(stack, 'MyConfig'); },
    library: (stack) => { TrafficShift.allAtOnce().bind(stack); },
    differences: [PREDEFINED_CONFIG],
  }),
  scenario({
    id: 'cdk-config-canary',
    peer: 'aws-cdk',
    source: `${LAMBDA_UNIT} (can create canary config)`,
    title: 'a Lambda config, canary 5% for a minute',
    awsCdk: (stack) => {
      new codedeploy.LambdaDeploymentConfig(stack, 'MyConfig', { trafficRouting: codedeploy.TrafficRouting.timeBasedCanary({ interval: Duration.minutes(1), percentage: 5 }) });
    },
    library: (stack) => { TrafficShift.canary({ percentage: 5, interval: Duration.minutes(1) }).bind(stack); },
    differences: [NAMED_BY_SHAPE],
  }),
  scenario({
    id: 'cdk-config-named-canary',
    peer: 'aws-cdk',
    source: `${LAMBDA_UNIT} (can create a config with a specific name)`,
    title: 'a named Lambda config, canary 5% for a minute',
    awsCdk: (stack) => {
      new codedeploy.LambdaDeploymentConfig(stack, 'MyConfig', {
        deploymentConfigName: 'MyCanaryConfig', trafficRouting: codedeploy.TrafficRouting.timeBasedCanary({ interval: Duration.minutes(1), percentage: 5 }),
      });
    },
    library: (stack) => { TrafficShift.canary({ percentage: 5, interval: Duration.minutes(1), deploymentConfigName: 'MyCanaryConfig' }).bind(stack); },
    differences: [],
  }),
  scenario({
    id: 'cdk-config-name-too-long',
    peer: 'aws-cdk',
    source: `${LAMBDA_UNIT} (fail with more than 100 characters in name)`,
    title: 'a config name of 101 characters is refused',
    mayRefuse: true,
    awsCdk: (stack) => {
      new codedeploy.LambdaDeploymentConfig(stack, 'MyConfig', {
        deploymentConfigName: 'a'.repeat(101), trafficRouting: codedeploy.TrafficRouting.timeBasedCanary({ interval: Duration.minutes(1), percentage: 5 }),
      });
    },
    library: (stack) => { TrafficShift.canary({ percentage: 5, interval: Duration.minutes(1), deploymentConfigName: 'a'.repeat(101) }).bind(stack); },
    differences: [],
  }),
  scenario({
    id: 'cdk-config-custom-canary-group',
    peer: 'aws-cdk',
    source: `${CUSTOM_UNIT} (can create canary custom config)`,
    title: 'a group on a custom canary of 5% for a minute (deprecated CustomLambdaDeploymentConfig)',
    user: fn,
    awsCdk: (stack, f) => {
      peerGroup(stack, f, new codedeploy.CustomLambdaDeploymentConfig(stack, 'CustomConfig', {
        type: codedeploy.CustomLambdaDeploymentConfigType.CANARY, interval: Duration.minutes(1), percentage: 5,
      }));
    },
    library: (stack, f) => { rollout(stack, f, TrafficShift.canary({ percentage: 5, interval: Duration.minutes(1), deploymentConfigName: 'CustomConfig.LambdaCanary5Percent1Minutes' })); },
    differences: [RESOURCE_NOT_SDK_CALL, EXACT_SERVICE_ROLE],
  }),
  scenario({
    id: 'cdk-config-custom-linear-group',
    peer: 'aws-cdk',
    source: `${CUSTOM_UNIT} (can create linear custom config)`,
    title: 'a group on a custom linear shift of 5% every minute (deprecated CustomLambdaDeploymentConfig)',
    user: fn,
    awsCdk: (stack, f) => {
      peerGroup(stack, f, new codedeploy.CustomLambdaDeploymentConfig(stack, 'CustomConfig', {
        type: codedeploy.CustomLambdaDeploymentConfigType.LINEAR, interval: Duration.minutes(1), percentage: 5,
      }));
    },
    library: (stack, f) => {
      rollout(stack, f, TrafficShift.linear({ percentage: 5, interval: Duration.minutes(1), deploymentConfigName: 'CustomConfig.LambdaLinear5PercentEvery1Minutes' }));
    },
    differences: [RESOURCE_NOT_SDK_CALL, EXACT_SERVICE_ROLE],
  }),
  scenario({
    id: 'cdk-config-server-count',
    peer: 'aws-cdk',
    source: `${SERVER_UNIT} (can be created by specifying only minHealthyHostCount)`,
    title: 'a server config: at least one healthy host',
    awsCdk: (stack) => { new codedeploy.ServerDeploymentConfig(stack, 'DeploymentConfig', { minimumHealthyHosts: codedeploy.MinimumHealthyHosts.count(1) }); },
    library: (stack) => { HealthyHosts.count(1).bind(stack); },
    differences: [NAMED_BY_SHAPE],
  }),
  scenario({
    id: 'cdk-config-server-percentage',
    peer: 'aws-cdk',
    source: `${SERVER_UNIT} (can be created by specifying only minHealthyHostPercentage)`,
    title: 'a server config: at least 75% healthy hosts',
    awsCdk: (stack) => { new codedeploy.ServerDeploymentConfig(stack, 'DeploymentConfig', { minimumHealthyHosts: codedeploy.MinimumHealthyHosts.percentage(75) }); },
    library: (stack) => { HealthyHosts.percentage(75).bind(stack); },
    differences: [NAMED_BY_SHAPE],
  }),
  scenario({
    id: 'cdk-config-server-zonal-default',
    peer: 'aws-cdk',
    source: `${SERVER_UNIT} (zonal configuration: default value)`,
    title: 'a zonal server config with CodeDeploy\'s defaults',
    awsCdk: (stack) => {
      new codedeploy.ServerDeploymentConfig(stack, 'DeploymentConfig', { minimumHealthyHosts: codedeploy.MinimumHealthyHosts.count(1), zonalConfig: {} });
    },
    library: (stack) => { HealthyHosts.count(1, { zonal: {} }).bind(stack); },
    differences: [NAMED_BY_SHAPE],
  }),
  scenario({
    id: 'cdk-config-server-zonal',
    peer: 'aws-cdk',
    source: `${SERVER_UNIT} (zonal configuration: configure optional properties)`,
    title: 'a zonal server config: 10 minutes between zones, an hour after the first, two healthy hosts per zone',
    awsCdk: (stack) => {
      new codedeploy.ServerDeploymentConfig(stack, 'DeploymentConfig', {
        minimumHealthyHosts: codedeploy.MinimumHealthyHosts.count(1),
        zonalConfig: {
          monitorDuration: Duration.minutes(10),
          firstZoneMonitorDuration: Duration.hours(1),
          minimumHealthyHostsPerZone: codedeploy.MinimumHealthyHostsPerZone.count(2),
        },
      });
    },
    library: (stack) => {
      HealthyHosts.count(1, {
        zonal: {
          monitorDuration: Duration.minutes(10),
          firstZoneMonitorDuration: Duration.hours(1),
          perZone: HealthyHostsPerZone.count(2),
        },
      }).bind(stack);
    },
    differences: [NAMED_BY_SHAPE],
  }),
];
