import { Stack, aws_cloudwatch as cloudwatch, aws_iam as iam, aws_lambda as lambda } from 'aws-cdk-lib';
import { HealthCheck, LambdaRollout, Rollback } from '../../src';
import { checkedApp, checkedSynth, CheckedSynth } from '../support/checked-synth';
import { logicalId } from '../support/logical-id';

/**
 * A hook that shares the released function's role (SAM's function_with_disabled_traffic_hook: one
 * `lambda-role` for the function and its hook) must not close a dependency cycle: function ->
 * its role's policy -> the hook's report permission on the deployment group -> the group's alarms
 * on the new version -> the function. Every way a hook or an alarm can meet that role, one stack each.
 */
function fn(stack: Stack, id: string, role?: iam.IRole): lambda.Function {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline(`exports.handler = async () => '${id}';`), role,
  });
}

const SCENARIOS: Record<string, (stack: Stack) => void> = {
  // The function's own role object, for a pre-traffic hook, a post-traffic hook, and both.
  PreHookSharesRole: (stack) => {
    const api = fn(stack, 'Api');
    new LambdaRollout(stack, 'Rollout', { function: api, preHook: fn(stack, 'Hook', api.role) });
  },
  PostHookSharesRole: (stack) => {
    const api = fn(stack, 'Api');
    new LambdaRollout(stack, 'Rollout', { function: api, postHook: fn(stack, 'Hook', api.role) });
  },
  BothHooksShareRole: (stack) => {
    const api = fn(stack, 'Api');
    new LambdaRollout(stack, 'Rollout', { function: api, preHook: fn(stack, 'Hook', api.role), postHook: fn(stack, 'After', api.role) });
  },
  // One role imported by ARN for both (SAM's shortcut): aws-cdk-lib puts the grant in a policy under the import.
  ImportedRoleShared: (stack) => {
    const role = iam.Role.fromRoleArn(stack, 'LambdaRole', `arn:${stack.partition}:iam::${stack.account}:role/lambda-role`);
    new LambdaRollout(stack, 'Rollout', { function: fn(stack, 'Api', role), preHook: fn(stack, 'Hook', role) });
  },
  // Hooks given to the group after construction.
  AddedPreHookSharesRole: (stack) => {
    const api = fn(stack, 'Api');
    new LambdaRollout(stack, 'Rollout', { function: api }).deploymentGroup.addPreHook(fn(stack, 'Hook', api.role));
  },
  AddedPostHookSharesRole: (stack) => {
    const api = fn(stack, 'Api');
    new LambdaRollout(stack, 'Rollout', { function: api }).deploymentGroup.addPostHook(fn(stack, 'Hook', api.role));
  },
  // The released function as its own hook.
  FunctionIsItsOwnHook: (stack) => {
    const api = fn(stack, 'Api');
    new LambdaRollout(stack, 'Rollout', { function: api, postHook: api });
  },
  // An alarm of the user's on the alias (added later), and no alarm at all.
  AliasAlarmAndSharedRole: (stack) => {
    const api = fn(stack, 'Api');
    const rollout = new LambdaRollout(stack, 'Rollout', { function: api, healthChecks: [], preHook: fn(stack, 'Hook', api.role) });
    rollout.deploymentGroup.addAlarm(new cloudwatch.Alarm(stack, 'AliasErrors', { metric: rollout.alias.metricErrors(), threshold: 1, evaluationPeriods: 1 }));
  },
  NoAlarmSharedRole: (stack) => {
    const api = fn(stack, 'Api');
    new LambdaRollout(stack, 'Rollout', {
      function: api, healthChecks: [], rollback: Rollback.on({ failure: true, stop: true }), preHook: fn(stack, 'Hook', api.role),
    });
  },
  // The function's role as the CodeDeploy service role too.
  ServiceRoleIsFunctionRole: (stack) => {
    const role = new iam.Role(stack, 'SharedRole', {
      assumedBy: new iam.CompositePrincipal(new iam.ServicePrincipal('lambda.amazonaws.com'), new iam.ServicePrincipal('codedeploy.amazonaws.com')),
    });
    new LambdaRollout(stack, 'Rollout', {
      function: fn(stack, 'Api', role),
      serviceRole: role,
      preHook: fn(stack, 'Hook', role),
      healthChecks: [HealthCheck.lambdaErrors(), HealthCheck.lambdaErrorRate()],
    });
  },
  // Two rollouts whose hooks share one role, which is also the first function's.
  TwoRolloutsOneHookRole: (stack) => {
    const api = fn(stack, 'Api');
    const hook = fn(stack, 'Hook', api.role);
    new LambdaRollout(stack, 'Rollout', { function: api, preHook: hook });
    new LambdaRollout(stack, 'Other', { function: fn(stack, 'OtherFn', api.role), preHook: hook });
  },
};

let result: CheckedSynth;
const stacks: Record<string, Stack> = {};

beforeAll(() => {
  const app = checkedApp();
  for (const [name, build] of Object.entries(SCENARIOS)) {
    build(stacks[name] = new Stack(app, name));
  }
  result = checkedSynth(app);
});

test('no scenario has a dependency cycle, or any other finding of CloudFormation\'s validator', () => {
  // A cycle is the validator's F3004 ("Circular Dependencies for resource ...").
  expect(result.templateFindings).toEqual([]);
});

test.each(Object.keys(SCENARIOS))('%s: the hook\'s report permission is in a customer managed policy the alias waits for, and no function does', (name) => {
  const stack = stacks[name];
  const template = result.template(stack).toJSON();
  const reportPolicies = Object.entries<any>(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::IAM::ManagedPolicy'
      && JSON.stringify(resource.Properties.PolicyDocument).includes('codedeploy:PutLifecycleEventHookExecutionStatus'))
    .map(([id]) => id);
  expect(reportPolicies.length).toBeGreaterThan(0);
  const alias = template.Resources[logicalId(stack, 'Rollout/Alias')];
  expect(alias.DependsOn).toEqual(expect.arrayContaining(reportPolicies));
  for (const [id, resource] of Object.entries<any>(template.Resources)) {
    if (resource.Type === 'AWS::Lambda::Function') {
      expect([id, resource.DependsOn ?? []]).toEqual([id, expect.not.arrayContaining(reportPolicies)]);
    }
  }
  // No statement on a deployment group in an inline policy any function could depend on.
  for (const resource of Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::IAM::Policy')) {
    expect(JSON.stringify(resource.Properties.PolicyDocument)).not.toContain('deploymentgroup');
  }
});

test('two rollouts share one report policy for a hook role', () => {
  const stack = stacks.TwoRolloutsOneHookRole;
  const policies = Object.values<any>(result.template(stack).findResources('AWS::IAM::ManagedPolicy'))
    .filter((p) => JSON.stringify(p.Properties.PolicyDocument).includes('PutLifecycleEventHookExecutionStatus'));
  expect(policies).toHaveLength(1);
  expect(policies[0].Properties.Roles).toEqual([{ Ref: logicalId(stack, 'Api/ServiceRole') }]);
  expect(policies[0].Properties.PolicyDocument.Statement[0].Resource).toHaveLength(2);
});
