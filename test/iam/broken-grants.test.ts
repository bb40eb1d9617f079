/**
 * The IAM suite catches what CloudFormation and cdk-nag let through: each deliberately broken grant
 * below fails with an exact message that names the action, the resource and, for a call, the
 * actor and the role.
 */
import { Call } from './calls';
import { rolesWithPolicies } from './policies';
import { evaluate, simulateCalls } from './simulate';
import { statementProblems } from './statement-rules';
import { AppWorld } from './template-world';

const FUNCTION = 'arn:aws:lambda:us-east-1:111111111111:function:api';
const GROUP = 'arn:aws:codedeploy:us-east-1:111111111111:deploymentgroup:app/api';
const FUNCTION_FORMAT = 'arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}';

describe('statement rules', () => {
  test.each([
    ['an alias ARN for UpdateAlias', { Effect: 'Allow' as const, Action: 'lambda:UpdateAlias', Resource: `${FUNCTION}:live` }, [
      `lambda:UpdateAlias authorizes against ${FUNCTION_FORMAT}; no resource of the statement is of that type: ${FUNCTION}:live`,
      `resource ${FUNCTION}:live is of no resource type of lambda:UpdateAlias`,
    ]],
    ['a scoped ARN on a wildcard-only action', { Effect: 'Allow' as const, Action: 'codedeploy:StopDeployment', Resource: GROUP }, [
      `codedeploy:StopDeployment is wildcard-only (no resource type): it needs Resource "*", got ${GROUP}`,
      `resource ${GROUP} is of no resource type of codedeploy:StopDeployment`,
    ]],
    ['a misspelled action', { Effect: 'Allow' as const, Action: 'lambda:UpdateAliass', Resource: FUNCTION }, [
      'action lambda:UpdateAliass does not exist in the Service Authorization Reference',
    ]],
    ['a pattern that matches no action', { Effect: 'Allow' as const, Action: 'codedeploy:Deploy*', Resource: '*' }, [
      'action codedeploy:Deploy* does not exist in the Service Authorization Reference',
    ]],
    ['a condition key of another service', {
      Effect: 'Allow' as const, Action: 'ec2:TerminateInstances', Resource: '*', Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
    }, ['condition key iam:PassedToService does not apply to ec2:TerminateInstances']],
    ['a hook grant on the function instead of the deployment group', {
      Effect: 'Allow' as const, Action: 'codedeploy:PutLifecycleEventHookExecutionStatus', Resource: FUNCTION,
    }, [
      'codedeploy:PutLifecycleEventHookExecutionStatus authorizes against arn:${Partition}:codedeploy:${Region}:${Account}:deploymentgroup:${ApplicationName}/${DeploymentGroupName}; '
        + `no resource of the statement is of that type: ${FUNCTION}`,
      `resource ${FUNCTION} is of no resource type of codedeploy:PutLifecycleEventHookExecutionStatus`,
    ]],
  ])('%s', async (_name, statement, problems) => {
    expect(await statementProblems(statement)).toEqual(problems);
  });

  test.each([
    ['alias management on the function, provisioned concurrency on the alias', [
      { Effect: 'Allow' as const, Action: ['lambda:GetAlias', 'lambda:UpdateAlias'], Resource: FUNCTION },
      { Effect: 'Allow' as const, Action: 'lambda:GetProvisionedConcurrencyConfig', Resource: `${FUNCTION}:live` },
    ]],
    ['a version ARN for InvokeFunction (documented by Lambda)', [{ Effect: 'Allow' as const, Action: 'lambda:InvokeFunction', Resource: `${FUNCTION}:7` }]],
    ['the hook grant on its deployment group (documented by CodeDeploy)', [
      { Effect: 'Allow' as const, Action: 'codedeploy:PutLifecycleEventHookExecutionStatus', Resource: GROUP },
    ]],
    ['a log group ARN for its streams', [{
      Effect: 'Allow' as const, Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: 'arn:aws:logs:us-east-1:111111111111:log-group:/aws/lambda/api:*',
    }]],
    ['a global condition key and a tag key', [{
      Effect: 'Allow' as const,
      Action: 'ec2:TerminateInstances',
      Resource: '*',
      Condition: { StringLike: { 'ec2:ResourceTag/aws:autoscaling:groupName': 'web' }, Bool: { 'aws:SecureTransport': 'true' } },
    }]],
  ])('accepts %s', async (_name, statements) => {
    for (const statement of statements) {
      expect(await statementProblems(statement)).toEqual([]);
    }
  });
});

describe('simulated calls', () => {
  const call = (action: string, resource: string): Call => ({
    actor: 'CodeDeploy for Stack/Group', roleArn: 'arn:aws:iam::111111111111:role/Stack-Role', action, resource,
  });

  test('a grant on the alias ARN does not let CodeDeploy update the alias', async () => {
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow' as const, Action: ['lambda:GetAlias', 'lambda:UpdateAlias'], Resource: `${FUNCTION}:live` }] };
    expect(await evaluate(call('lambda:UpdateAlias', FUNCTION), [policy])).toBe('ImplicitlyDenied');
    expect(await evaluate(call('lambda:UpdateAlias', FUNCTION), [{ ...policy, Statement: [{ ...policy.Statement[0], Resource: FUNCTION }] }])).toBe('Allowed');
  });

  test('a hook\'s status report is allowed on its group only, and an explicit deny wins', async () => {
    const allow = { Effect: 'Allow' as const, Action: 'codedeploy:PutLifecycleEventHookExecutionStatus', Resource: GROUP };
    expect(await evaluate(call('codedeploy:PutLifecycleEventHookExecutionStatus', GROUP), [{ Statement: [allow] }])).toBe('Allowed');
    expect(await evaluate(call('codedeploy:PutLifecycleEventHookExecutionStatus', `${GROUP}-other`), [{ Statement: [allow] }])).toBe('ImplicitlyDenied');
    expect(await evaluate(call('codedeploy:PutLifecycleEventHookExecutionStatus', GROUP), [{ Statement: [allow, { ...allow, Effect: 'Deny' }] }]))
      .toBe('ExplicitlyDenied');
  });

  test('a denied call names the actor, the action, the resource and the role', async () => {
    const app = new AppWorld([{
      stackName: 'Stack',
      template: {
        Resources: {
          Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } },
          Policy: {
            Type: 'AWS::IAM::ManagedPolicy',
            Properties: {
              Roles: [{ Ref: 'Role' }],
              PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'lambda:UpdateAlias', Resource: `${FUNCTION}:live` }] },
            },
          },
        },
      },
    }]);
    const { denied } = await simulateCalls([call('lambda:UpdateAlias', FUNCTION)], rolesWithPolicies(app));
    expect(denied.map((d) => `${d.call.actor}: ${d.call.action} on ${d.call.resource} with role ${d.role}: ${d.result}`)).toEqual([
      `CodeDeploy for Stack/Group: lambda:UpdateAlias on ${FUNCTION} with role Stack/Role: ImplicitlyDenied`,
    ]);
  });

  test('a KMS key is usable only when its key policy lets IAM policies grant it', async () => {
    const key = 'arn:aws:kms:us-east-1:111111111111:key/1234';
    const identity = { Statement: [{ Effect: 'Allow' as const, Action: 'kms:Decrypt', Resource: key }] };
    const delegating = { Statement: [{ Effect: 'Allow' as const, Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'kms:*', Resource: '*' }] };
    expect(await evaluate(call('kms:Decrypt', key), [identity])).toBe('ImplicitlyDenied');
    expect(await evaluate(call('kms:Decrypt', key), [identity], delegating)).toBe('Allowed');
  });

  test('an AWS managed policy other than CodeDeploy\'s hides no denied call', async () => {
    const app = new AppWorld([{
      stackName: 'Stack',
      template: {
        Resources: {
          Role: {
            Type: 'AWS::IAM::Role',
            Properties: { ManagedPolicyArns: ['arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore', 'arn:aws:iam::aws:policy/service-role/AWSCodeDeployRole'] },
          },
        },
      },
    }]);
    const agent: Call = { ...call('s3:GetObject', 'arn:aws:s3:::releases/app.zip'), actor: 'the CodeDeploy agent on Stack/Fleet' };
    const codeDeploy = call('autoscaling:PutLifecycleHook', 'arn:aws:autoscaling:us-east-1:111111111111:autoScalingGroup:1:autoScalingGroupName/fleet');
    const result = await simulateCalls([agent, codeDeploy], rolesWithPolicies(app));
    expect(result.denied.map((d) => `${d.call.actor}: ${d.call.action}`)).toEqual(['the CodeDeploy agent on Stack/Fleet: s3:GetObject']);
    expect(result.notEvaluated).toBe(1);
  });
});
