/**
 * aws-cdk's Lambda deployment-group scenarios: the integration test
 * packages/@aws-cdk-testing/framework-integ/test/aws-codedeploy/test/lambda/integ.deployment-group.ts
 * and the unit tests of packages/aws-cdk-lib/aws-codedeploy/test/lambda/deployment-group.test.ts,
 * each written with aws-cdk-lib and with the library over the same function.
 */
import { Duration, Stack, aws_cloudwatch as cloudwatch, aws_iam as iam, aws_lambda as lambda } from 'aws-cdk-lib';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import { HealthCheck, LambdaRollout, LambdaRolloutProps, Rollback, TrafficShift } from '../../../src';
import {
  DEFAULT_GUARD, EXACT_GRANTS_ON_PASSED_ROLE, EXACT_SERVICE_ROLE, GUARD_ENABLED, NEW_VERSION_ONLY, rollsBackMore,
} from '../support/explanations';
import { PeerScenario, scenario } from '../support/scenario';

const INTEG = 'packages/@aws-cdk-testing/framework-integ/test/aws-codedeploy/test/lambda/integ.deployment-group.ts';
const UNIT = 'packages/aws-cdk-lib/aws-codedeploy/test/lambda/deployment-group.test.ts';

function fn(stack: Stack, id: string): lambda.Function {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline(`exports.handler = async () => '${id}';`),
  });
}

/** The function aws-cdk-lib's tests release, as an alias on its current version. */
interface Released { readonly fn: lambda.Function }
const released = (stack: Stack): Released => ({ fn: fn(stack, 'Handler') });
const withHooks = (stack: Stack) => ({ fn: fn(stack, 'Handler'), preHook: fn(stack, 'PreHook'), postHook: fn(stack, 'PostHook') });

/** aws-cdk-lib's alias, as the tests make it. */
function aliasOf(stack: Stack, f: lambda.Function, name: string): lambda.Alias {
  return new lambda.Alias(stack, 'Alias', { aliasName: name, version: f.currentVersion });
}

/** The errors alarm of aws-cdk-lib's tests, on the alias: more than one error in a minute. */
function aliasErrors(stack: Stack, alias: lambda.Alias): cloudwatch.Alarm {
  return new cloudwatch.Alarm(stack, 'Errors', {
    metric: alias.metricErrors(), comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD, threshold: 1, evaluationPeriods: 1,
  });
}

/** The library's port of that alarm: more than one error in 5 minutes (alias.metricErrors()'s period), i.e. at least two. */
const NEW_VERSION_ERRORS = HealthCheck.lambdaErrors({ threshold: 2, period: Duration.minutes(5) });

/** aws-cdk-lib's default rollback without alarms: failed deployments only; the port says the same. */
const ON_FAILURE = Rollback.on({ failure: true });

/** An aws-cdk-lib group on the alias `my-alias`, all at once, as the unit tests make it. */
function peerGroup(stack: Stack, f: lambda.Function, props: Partial<codedeploy.LambdaDeploymentGroupProps> = {}): codedeploy.LambdaDeploymentGroup {
  return new codedeploy.LambdaDeploymentGroup(stack, 'MyDG', {
    alias: aliasOf(stack, f, 'my-alias'), deploymentConfig: codedeploy.LambdaDeploymentConfig.ALL_AT_ONCE, ...props,
  });
}

/** The library's port: the same alias and shift, no check unless the scenario adds one, aws-cdk-lib's rollback on failure. */
function rollout(stack: Stack, f: lambda.Function, props: Partial<LambdaRolloutProps> = {}): LambdaRollout {
  return new LambdaRollout(stack, 'MyDG', {
    function: f, aliasName: 'my-alias', trafficShift: TrafficShift.allAtOnce(), healthChecks: [], rollback: ON_FAILURE, ...props,
  });
}

/** An alarm on the alias's errors, which the library's user adds to the rollout's group once the alias exists. */
function addAliasAlarm(stack: Stack, r: LambdaRollout): void {
  r.deploymentGroup.addAlarm(aliasErrors(stack, r.alias));
}

/** Both sides refuse the scenario: nothing to explain. */
const BOTH_REFUSE: never[] = [];

export const AWS_CDK_LAMBDA: PeerScenario[] = [
  scenario({
    id: 'cdk-lambda-integ-blue-green',
    peer: 'aws-cdk',
    source: `${INTEG} (BlueGreenDeployment)`,
    title: 'linear 10% a minute, an errors alarm, pre- and post-traffic hooks',
    user: withHooks,
    awsCdk: (stack, { fn: f, preHook, postHook }) => {
      const alias = aliasOf(stack, f, 'alias');
      new codedeploy.LambdaDeploymentGroup(stack, 'BlueGreenDeployment', {
        alias,
        deploymentConfig: codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTE,
        alarms: [aliasErrors(stack, alias)],
        preHook,
        postHook,
      });
    },
    library: (stack, { fn: f, preHook, postHook }) => {
      new LambdaRollout(stack, 'BlueGreenDeployment', {
        function: f,
        aliasName: 'alias',
        trafficShift: TrafficShift.linear({ percentage: 10, interval: Duration.minutes(1) }),
        healthChecks: [NEW_VERSION_ERRORS],
        preHook,
        postHook,
      });
    },
    differences: [NEW_VERSION_ONLY, EXACT_SERVICE_ROLE, rollsBackMore('a deployment someone stops')],
  }),
  scenario({
    id: 'cdk-lambda-integ-second-alias',
    peer: 'aws-cdk',
    source: `${INTEG} (SecondDeployment)`,
    title: 'a second alias of the same version, canary 10% for 5 minutes, no alarm (the library\'s defaults)',
    user: released,
    awsCdk: (stack, { fn: f }) => {
      new codedeploy.LambdaDeploymentGroup(stack, 'SecondDeployment', {
        alias: aliasOf(stack, f, 'secondAlias'), deploymentConfig: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
      });
    },
    library: (stack, { fn: f }) => {
      new LambdaRollout(stack, 'SecondDeployment', { function: f, aliasName: 'secondAlias' });
    },
    differences: [DEFAULT_GUARD, GUARD_ENABLED, EXACT_SERVICE_ROLE, rollsBackMore('a deployment someone stops, and one the guard\'s alarm stops')],
  }),
  scenario({
    id: 'cdk-lambda-all-at-once',
    peer: 'aws-cdk',
    source: `${UNIT} (can be created with default AllAtOnce IN_PLACE configuration)`,
    title: 'all at once, with the library\'s default guard and rollback',
    user: released,
    awsCdk: (stack, { fn: f }) => {
      peerGroup(stack, f, { application: new codedeploy.LambdaApplication(stack, 'MyApp') });
    },
    library: (stack, { fn: f }) => {
      new LambdaRollout(stack, 'MyDG', { function: f, aliasName: 'my-alias', trafficShift: TrafficShift.allAtOnce() });
    },
    differences: [DEFAULT_GUARD, GUARD_ENABLED, EXACT_SERVICE_ROLE, rollsBackMore('a deployment someone stops, and one the guard\'s alarm stops')],
  }),
  scenario({
    id: 'cdk-lambda-explicit-name',
    peer: 'aws-cdk',
    source: `${UNIT} (can be created with explicit name)`,
    title: 'a deployment group name',
    user: released,
    awsCdk: (stack, { fn: f }) => { peerGroup(stack, f, { deploymentGroupName: 'test' }); },
    library: (stack, { fn: f }) => { rollout(stack, f, { deploymentGroupName: 'test' }); },
    differences: [EXACT_SERVICE_ROLE],
  }),
  scenario({
    id: 'cdk-lambda-name-too-long',
    peer: 'aws-cdk',
    source: `${UNIT} (fail with more than 100 characters in name)`,
    title: 'a group name of 101 characters is refused',
    user: released,
    mayRefuse: true,
    awsCdk: (stack, { fn: f }) => { peerGroup(stack, f, { deploymentGroupName: 'a'.repeat(101) }); },
    library: (stack, { fn: f }) => { rollout(stack, f, { deploymentGroupName: 'a'.repeat(101) }); },
    differences: BOTH_REFUSE,
  }),
  scenario({
    id: 'cdk-lambda-name-characters',
    peer: 'aws-cdk',
    source: `${UNIT} (fail with unallowed characters in name)`,
    title: 'a group name with a space is refused',
    user: released,
    mayRefuse: true,
    awsCdk: (stack, { fn: f }) => { peerGroup(stack, f, { deploymentGroupName: 'my name' }); },
    library: (stack, { fn: f }) => { rollout(stack, f, { deploymentGroupName: 'my name' }); },
    differences: BOTH_REFUSE,
  }),
  scenario({
    id: 'cdk-lambda-explicit-role',
    peer: 'aws-cdk',
    source: `${UNIT} (can be created with explicit role)`,
    title: 'a service role passed in',
    user: (stack) => ({ fn: fn(stack, 'Handler'), role: new iam.Role(stack, 'MyRole', { assumedBy: new iam.ServicePrincipal('codedeploy.amazonaws.com') }) }),
    awsCdk: (stack, { fn: f, role }) => { peerGroup(stack, f, { role }); },
    library: (stack, { fn: f, role }) => { rollout(stack, f, { serviceRole: role }); },
    differences: [EXACT_GRANTS_ON_PASSED_ROLE],
  }),
  scenario({
    id: 'cdk-lambda-linear',
    peer: 'aws-cdk',
    source: `${UNIT} (can configure blue/green traffic shifting)`,
    title: 'linear 10% every minute',
    user: released,
    awsCdk: (stack, { fn: f }) => { peerGroup(stack, f, { deploymentConfig: codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTE }); },
    library: (stack, { fn: f }) => { rollout(stack, f, { trafficShift: TrafficShift.linear({ percentage: 10, interval: Duration.minutes(1) }) }); },
    differences: [EXACT_SERVICE_ROLE],
  }),
  scenario({
    id: 'cdk-lambda-rollback-on-alarm',
    peer: 'aws-cdk',
    source: `${UNIT} (can rollback on alarm)`,
    title: 'an alarm on the alias\'s errors, rollback on failure and alarm',
    user: released,
    awsCdk: (stack, { fn: f }) => {
      const alias = aliasOf(stack, f, 'my-alias');
      new codedeploy.LambdaDeploymentGroup(stack, 'MyDG', { alias, deploymentConfig: codedeploy.LambdaDeploymentConfig.ALL_AT_ONCE, alarms: [aliasErrors(stack, alias)] });
    },
    library: (stack, { fn: f }) => { addAliasAlarm(stack, rollout(stack, f, { rollback: Rollback.on({ failure: true, alarm: true }) })); },
    differences: [EXACT_SERVICE_ROLE],
  }),
  scenario({
    id: 'cdk-lambda-second-pre-hook',
    peer: 'aws-cdk',
    source: `${UNIT} (onPreHook throws error if pre-hook already defined)`,
    title: 'a second pre-traffic hook is refused',
    user: withHooks,
    mayRefuse: true,
    awsCdk: (stack, { fn: f, preHook, postHook }) => { peerGroup(stack, f, { preHook }).addPreHook(postHook); },
    library: (stack, { fn: f, preHook, postHook }) => { rollout(stack, f, { preHook }).deploymentGroup.addPreHook(postHook); },
    differences: BOTH_REFUSE,
  }),
  scenario({
    id: 'cdk-lambda-second-post-hook',
    peer: 'aws-cdk',
    source: `${UNIT} (onPostHook throws error if post-hook already defined)`,
    title: 'a second post-traffic hook is refused',
    user: withHooks,
    mayRefuse: true,
    awsCdk: (stack, { fn: f, preHook, postHook }) => { peerGroup(stack, f, { postHook }).addPostHook(preHook); },
    library: (stack, { fn: f, preHook, postHook }) => { rollout(stack, f, { postHook }).deploymentGroup.addPostHook(preHook); },
    differences: BOTH_REFUSE,
  }),
  scenario({
    id: 'cdk-lambda-pre-hook',
    peer: 'aws-cdk',
    source: `${UNIT} (can run pre hook lambda function before deployment)`,
    title: 'a pre-traffic hook',
    user: withHooks,
    awsCdk: (stack, { fn: f, preHook }) => { peerGroup(stack, f, { preHook }); },
    library: (stack, { fn: f, preHook }) => { rollout(stack, f, { preHook }); },
    differences: [EXACT_SERVICE_ROLE],
  }),
  scenario({
    id: 'cdk-lambda-pre-hook-added',
    peer: 'aws-cdk',
    source: `${UNIT} (can add pre hook lambda function after creating the deployment group)`,
    title: 'a pre-traffic hook added to the group later',
    user: withHooks,
    awsCdk: (stack, { fn: f, preHook }) => { peerGroup(stack, f).addPreHook(preHook); },
    library: (stack, { fn: f, preHook }) => { rollout(stack, f).deploymentGroup.addPreHook(preHook); },
    differences: [EXACT_SERVICE_ROLE],
  }),
  scenario({
    id: 'cdk-lambda-post-hook',
    peer: 'aws-cdk',
    source: `${UNIT} (can run post hook lambda function before deployment)`,
    title: 'a post-traffic hook',
    user: withHooks,
    awsCdk: (stack, { fn: f, postHook }) => { peerGroup(stack, f, { postHook }); },
    library: (stack, { fn: f, postHook }) => { rollout(stack, f, { postHook }); },
    differences: [EXACT_SERVICE_ROLE],
  }),
  scenario({
    id: 'cdk-lambda-post-hook-added',
    peer: 'aws-cdk',
    source: `${UNIT} (can add post hook lambda function after creating the deployment group)`,
    title: 'a post-traffic hook added to the group later',
    user: withHooks,
    awsCdk: (stack, { fn: f, postHook }) => { peerGroup(stack, f).addPostHook(postHook); },
    library: (stack, { fn: f, postHook }) => { rollout(stack, f).deploymentGroup.addPostHook(postHook); },
    differences: [EXACT_SERVICE_ROLE],
  }),
  scenario({
    id: 'cdk-lambda-ignore-poll-failure',
    peer: 'aws-cdk',
    source: `${UNIT} (can disable rollback when alarm polling fails)`,
    title: 'carry on when the alarms cannot be read (ignorePollAlarmsFailure)',
    user: withHooks,
    awsCdk: (stack, { fn: f, postHook }) => {
      const alias = aliasOf(stack, f, 'my-alias');
      new codedeploy.LambdaDeploymentGroup(stack, 'MyDG', {
        alias,
        postHook,
        deploymentConfig: codedeploy.LambdaDeploymentConfig.ALL_AT_ONCE,
        ignorePollAlarmsFailure: true,
        alarms: [aliasErrors(stack, alias)],
      });
    },
    library: (stack, { fn: f, postHook }) => {
      addAliasAlarm(stack, rollout(stack, f, {
        postHook,
        ignorePollAlarmsFailure: true,
        rollback: Rollback.on({ failure: true, alarm: true }),
      }));
    },
    differences: [EXACT_SERVICE_ROLE],
  }),
  scenario({
    id: 'cdk-lambda-no-rollback-on-failure',
    peer: 'aws-cdk',
    source: `${UNIT} (can disable rollback when deployment fails)`,
    title: 'no automatic rollback',
    user: withHooks,
    awsCdk: (stack, { fn: f, postHook }) => { peerGroup(stack, f, { postHook, autoRollback: { failedDeployment: false } }); },
    library: (stack, { fn: f, postHook }) => { rollout(stack, f, { postHook, rollback: Rollback.never() }); },
    differences: [EXACT_SERVICE_ROLE],
  }),
  scenario({
    id: 'cdk-lambda-rollback-on-stop',
    peer: 'aws-cdk',
    source: `${UNIT} (can enable rollback when deployment stops)`,
    title: 'rollback on failure and on stop',
    user: withHooks,
    awsCdk: (stack, { fn: f, postHook }) => { peerGroup(stack, f, { postHook, autoRollback: { stoppedDeployment: true } }); },
    library: (stack, { fn: f, postHook }) => {
      rollout(stack, f, {
        postHook,
        rollback: Rollback.on({
          failure: true,
          stop: true,
        }),
      });
    },
    differences: [EXACT_SERVICE_ROLE],
  }),
  scenario({
    id: 'cdk-lambda-no-rollback-on-alarm',
    peer: 'aws-cdk',
    source: `${UNIT} (can disable rollback when alarm in failure state)`,
    title: 'an alarm that stops without rolling back',
    user: withHooks,
    awsCdk: (stack, { fn: f, postHook }) => {
      const alias = aliasOf(stack, f, 'my-alias');
      new codedeploy.LambdaDeploymentGroup(stack, 'MyDG', {
        alias,
        postHook,
        deploymentConfig: codedeploy.LambdaDeploymentConfig.ALL_AT_ONCE,
        autoRollback: { deploymentInAlarm: false },
        alarms: [aliasErrors(stack, alias)],
      });
    },
    library: (stack, { fn: f, postHook }) => { addAliasAlarm(stack, rollout(stack, f, { postHook })); },
    differences: [EXACT_SERVICE_ROLE],
  }),
  scenario({
    id: 'cdk-lambda-isolated-region',
    peer: 'aws-cdk',
    source: `${UNIT} (uses the correct Service Principal in the us-isob-east-1 region)`,
    title: 'a stack in an isolated Region: CodeDeploy\'s service principal',
    env: { region: 'us-isob-east-1' },
    user: released,
    awsCdk: (stack, { fn: f }) => { new codedeploy.LambdaDeploymentGroup(stack, 'MyDG', { alias: aliasOf(stack, f, 'my-alias') }); },
    library: (stack, { fn: f }) => { new LambdaRollout(stack, 'MyDG', { function: f, aliasName: 'my-alias', healthChecks: [], rollback: ON_FAILURE }); },
    differences: [EXACT_SERVICE_ROLE],
  }),
  scenario({
    id: 'cdk-lambda-ignore-alarms',
    peer: 'aws-cdk',
    source: `${UNIT} (can ignore alarm status when alarms are present)`,
    title: 'alarms present but ignored (the emergency switch)',
    user: withHooks,
    awsCdk: (stack, { fn: f, postHook }) => {
      const alias = aliasOf(stack, f, 'my-alias');
      new codedeploy.LambdaDeploymentGroup(stack, 'MyDG', {
        alias,
        postHook,
        deploymentConfig: codedeploy.LambdaDeploymentConfig.ALL_AT_ONCE,
        ignoreAlarmConfiguration: true,
        alarms: [aliasErrors(stack, alias)],
      });
    },
    library: (stack, { fn: f, postHook }) => {
      addAliasAlarm(stack, rollout(stack, f, {
        postHook,
        ignoreAlarms: true,
        rollback: Rollback.on({
          failure: true,
          alarm: true,
        }),
      }));
    },
    differences: [EXACT_SERVICE_ROLE],
  }),
];
