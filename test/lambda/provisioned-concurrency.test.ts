import { App, CfnParameter, Stack, aws_lambda as lambda } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { LambdaRollout, LambdaRolloutProps } from '../../src';
import { checkedApp, checkedSynth, CheckedSynth } from '../support/checked-synth';
import { inlineFunction } from '../support/inline-function';
import { logicalId } from '../support/logical-id';

describe('provisionedConcurrentExecutions', () => {
  let result: CheckedSynth;
  let stack: Stack;

  beforeAll(() => {
    const app = checkedApp();
    stack = new Stack(app, 'Provisioned');
    new LambdaRollout(stack, 'Api', { function: inlineFunction(stack, 'Fn'), provisionedConcurrentExecutions: 10 });
    // As SAM's inputs say it: a parameter's value, only known at deploy time.
    const executions = new CfnParameter(stack, 'ProvisionedConcurrency', { type: 'Number', default: 10 });
    new LambdaRollout(stack, 'Worker', { function: inlineFunction(stack, 'WorkerFn'), provisionedConcurrentExecutions: executions.valueAsNumber });
    result = checkedSynth(app);
  });

  test('the alias provisions concurrency for the version it points to, and CodeDeploy may read it', () => {
    expect(result.templateFindings).toEqual([]);
    const template = result.template(stack);
    template.hasResourceProperties('AWS::Lambda::Alias', {
      Name: 'live',
      FunctionVersion: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FnCurrentVersion'), 'Version'] },
      ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 10 },
    });
    template.hasResourceProperties('AWS::Lambda::Alias', {
      ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: { Ref: 'ProvisionedConcurrency' } },
    });
    // CodeDeploy reads the alias's provisioned concurrency while it shifts (AWSCodeDeployRoleForLambda grants the same action).
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Action: 'lambda:GetProvisionedConcurrencyConfig',
          Effect: 'Allow',
          Resource: [
            { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(stack, 'Fn'), 'Arn'] }, ':live']] },
            { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(stack, 'WorkerFn'), 'Arn'] }, ':live']] },
          ],
        }]),
      },
    });
  });

  test('the default guard still judges the new version by its own metrics, provisioned or not', () => {
    // Lambda publishes Invocations, Errors and Throttles per ExecutedVersion for provisioned and on-demand invocations alike.
    const alarm = Object.values<any>(result.template(stack).findResources('AWS::CloudWatch::Alarm'))[0];
    expect(JSON.stringify(alarm.Properties.Metrics)).toContain('ExecutedVersion');
  });
});

describe('refused where Lambda would refuse it', () => {
  const rollout = (props: Partial<LambdaRolloutProps>, fnProps: Partial<lambda.FunctionProps> = {}) => () => {
    const stack = new Stack(new App(), 'Stack');
    const fn = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.PYTHON_3_13, handler: 'index.handler', code: lambda.Code.fromInline('def handler(event, context): return 1'), ...fnProps,
    });
    return new LambdaRollout(stack, 'Rollout', { function: fn, ...props });
  };

  test.each([
    ['zero', { provisionedConcurrentExecutions: 0 }, {}, 'LambdaRollout at Stack/Rollout: provisionedConcurrentExecutions must be an integer of at least 1, got 0'],
    ['a fraction', { provisionedConcurrentExecutions: 2.5 }, {}, 'LambdaRollout at Stack/Rollout: provisionedConcurrentExecutions must be an integer of at least 1, got 2.5'],
    ['more than the reserved concurrency', { provisionedConcurrentExecutions: 20 }, { reservedConcurrentExecutions: 10 },
      'LambdaRollout at Stack/Rollout: provisionedConcurrentExecutions must be at most the reserved concurrency of function Stack/Fn (10), got 20: '
      + 'Lambda counts provisioned concurrency against it'],
    ['a SnapStart function', { provisionedConcurrentExecutions: 5 }, { snapStart: lambda.SnapStartConf.ON_PUBLISHED_VERSIONS },
      'LambdaRollout at Stack/Rollout: provisionedConcurrentExecutions cannot be used with function Stack/Fn, which has SnapStart: '
      + 'Lambda supports one or the other (leave out provisionedConcurrentExecutions, or SnapStart)'],
  ])('%s', (_name, props, fnProps, message) => {
    expect(rollout(props, fnProps)).toThrow(new Error(message));
  });

  test('two aliases provisioning the same version', () => {
    const stack = new Stack(new App(), 'Stack');
    const fn = inlineFunction(stack, 'Fn');
    new LambdaRollout(stack, 'Api', { function: fn, provisionedConcurrentExecutions: 5 });
    expect(() => new LambdaRollout(stack, 'Canary', { function: fn, aliasName: 'canary', provisionedConcurrentExecutions: 5 })).toThrow(new Error(
      'LambdaRollout at Stack/Canary: provisionedConcurrentExecutions: alias Stack/Api/Alias already provisions concurrency for the version of function Stack/Fn '
      + 'that this rollout releases, and Lambda allows one provisioned concurrency configuration per version (give it to one alias only)'));
    // Without provisioned concurrency on the second, both aliases may point to the version.
    expect(() => new LambdaRollout(stack, 'Other', { function: fn, aliasName: 'other' })).not.toThrow();
  });
});

test('a SnapStart function rolls out: its versions are published with a snapshot, and the alias shifts between them', () => {
  const app = checkedApp();
  const stack = new Stack(app, 'SnapStart');
  const fn = new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.PYTHON_3_13,
    handler: 'index.handler',
    code: lambda.Code.fromInline('def handler(event, context):\n    return 1'),
    snapStart: lambda.SnapStartConf.ON_PUBLISHED_VERSIONS,
  });
  new LambdaRollout(stack, 'Rollout', { function: fn });
  const result = checkedSynth(app);
  expect(result.templateFindings).toEqual([]);
  const template: Template = result.template(stack);
  template.hasResourceProperties('AWS::Lambda::Function', { SnapStart: { ApplyOn: 'PublishedVersions' } });
  template.hasResourceProperties('AWS::Lambda::Alias', {
    FunctionVersion: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FnCurrentVersion'), 'Version'] },
    ProvisionedConcurrencyConfig: Match.absent(),
  });
});
