import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { aliasPermissions } from '../../src/lambda/alias-permissions';
import { IAM_POLICY } from '../../src/private/iam-limits';
import {
  DESCRIBE_ALARMS, functionArn, publishTo, RolloutPermissions, RolloutPolicies, topicArn,
} from '../../src/private/rollout-service-role';
import { statementProblems } from '../iam/statement-rules';

/** A literal ARN of exactly the longest length its kind can resolve to. */
function longest(kind: 'function' | 'topic', i: number): string {
  const prefix = kind === 'function'
    ? `arn:aws-us-gov:lambda:ap-southeast-4:123456789012:function:f${i}-`
    : `arn:aws-us-gov:sns:ap-southeast-4:123456789012:t${i}-`;
  const max = kind === 'function' ? IAM_POLICY.maxFunctionArnLength : IAM_POLICY.maxTopicArnLength;
  return prefix.padEnd(max, 'x');
}


function policiesOf(stack: Stack): iam.ManagedPolicy[] {
  return stack.node.findAll().filter((c): c is iam.ManagedPolicy => c instanceof iam.ManagedPolicy);
}

/** Characters of a policy document as IAM counts them: JSON without white space. */
function size(stack: Stack, policy: iam.ManagedPolicy): number {
  return JSON.stringify(stack.resolve(policy.document)).length;
}

test.each([
  ['an alias each', (i: number): RolloutPermissions => ({
    statements: [...aliasPermissions(longest('function', i), 'live'), DESCRIBE_ALARMS],
  })],
  ['an alias, two hooks and a topic each', (i: number): RolloutPermissions => ({
    statements: [
      ...aliasPermissions(longest('function', i), 'live'),
      DESCRIBE_ALARMS,
      { actions: ['lambda:InvokeFunction'], resources: [functionArn(longest('function', 1000 + i)), functionArn(longest('function', 2000 + i))] },
      publishTo([topicArn(longest('topic', i))]),
    ],
  })],
])('with the longest ARNs (%s), every policy stays within 6,144 characters, no policy could take one more rollout, and IAM accepts every statement', async (_name, permissions) => {
  const stack = new Stack(new App(), 'Stack');
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('codedeploy.amazonaws.com') });
  const policies = RolloutPolicies.forRole(stack, role);
  const rollouts = 100;
  for (let i = 0; i < rollouts; i++) {
    policies.grant(permissions(i));
  }
  const managed = policiesOf(stack);
  expect(managed.length).toBeGreaterThan(1);
  const sizes = managed.map((policy) => size(stack, policy));
  expect(Math.max(...sizes)).toBeLessThanOrEqual(IAM_POLICY.managedPolicyMaxCharacters);
  for (const statement of managed.flatMap((policy) => stack.resolve(policy.document).Statement)) {
    expect(await statementProblems(statement)).toEqual([]);
  }

  // Tight packing: what one more rollout of this shape adds would not have fitted in a full policy.
  const sizeWith = (count: number): number => {
    const fresh = new Stack(new App(), 'Fresh');
    const freshPolicies = RolloutPolicies.forRole(fresh, new iam.Role(fresh, 'Role', { assumedBy: new iam.ServicePrincipal('codedeploy.amazonaws.com') }));
    for (let i = 0; i < count; i++) {
      freshPolicies.grant(permissions(i));
    }
    return size(fresh, policiesOf(fresh)[0]);
  };
  const perRollout = sizeWith(2) - sizeWith(1);
  for (const used of sizes.slice(0, -1)) {
    // The estimate counts a few characters per statement more than IAM does; allow for that slack.
    expect(used + perRollout).toBeGreaterThan(IAM_POLICY.managedPolicyMaxCharacters - 4 * 10);
  }
});

test('unresolved ARNs are counted at their longest, resolved ones at their length', () => {
  const stack = new Stack(new App(), 'Stack');
  const token = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }).roleArn;
  expect(functionArn(token, 'live').maxLength).toEqual(IAM_POLICY.maxFunctionArnLength + 5);
  expect(functionArn('arn:aws:lambda:us-east-1:123456789012:function:f').maxLength).toEqual(48);
  expect(topicArn(token).maxLength).toEqual(IAM_POLICY.maxTopicArnLength);
});

test('a resource shared by rollouts is listed once', () => {
  const stack = new Stack(new App(), 'Stack');
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('codedeploy.amazonaws.com') });
  const policies = RolloutPolicies.forRole(stack, role);
  const topic = topicArn('arn:aws:sns:us-east-1:123456789012:deployments');
  for (const name of ['a', 'b']) {
    policies.grant({
      statements: [
        { actions: ['lambda:GetAlias'], resources: [functionArn(`arn:aws:lambda:us-east-1:123456789012:function:${name}`, 'live')] },
        publishTo([topic]),
      ],
    });
  }
  const [policy] = policiesOf(stack);
  expect(stack.resolve(policy.document)).toEqual({
    Version: '2012-10-17',
    Statement: [
      { Action: 'lambda:GetAlias', Effect: 'Allow', Resource: ['arn:aws:lambda:us-east-1:123456789012:function:a:live', 'arn:aws:lambda:us-east-1:123456789012:function:b:live'] },
      { Action: 'sns:Publish', Effect: 'Allow', Resource: 'arn:aws:sns:us-east-1:123456789012:deployments' },
    ],
  });
});
