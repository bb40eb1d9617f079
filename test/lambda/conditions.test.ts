import { App, Aspects, CfnCondition, CfnParameter, CfnResource, Fn, IAspect, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { LambdaRollout, SmokeTest } from '../../src';
import { checkedApp, checkedSynth, CheckedSynth } from '../support/checked-synth';
import { inlineFunction } from '../support/inline-function';
import { logicalId } from '../support/logical-id';
import { conditionFindings } from '../support/template-conditions';

/** The CDK way to create a subtree only under a condition: an Aspect that sets each resource's condition. */
class CreateIf implements IAspect {
  constructor(private readonly condition: CfnCondition) {}
  public visit(node: IConstruct): void {
    if (CfnResource.isCfnResource(node)) {
      node.cfnOptions.condition = this.condition;
    }
  }
}

function conditionOf(stack: Stack, name: string): CfnCondition {
  const environment = new CfnParameter(stack, `${name}Environment`, { default: 'prod' });
  return new CfnCondition(stack, name, { expression: Fn.conditionEquals(environment.valueAsString, 'prod') });
}

describe('a rollout of a function created only under a condition', () => {
  let result: CheckedSynth;
  let stack: Stack;

  beforeAll(() => {
    const app = checkedApp();
    stack = new Stack(app, 'Conditional');
    const isProd = conditionOf(stack, 'IsProd');
    const isEu = conditionOf(stack, 'IsEu');
    // One function under each of two conditions, one always; hooks and the library's traffic hook on the first.
    const api = inlineFunction(stack, 'Api');
    Aspects.of(api).add(new CreateIf(isProd));
    const check = inlineFunction(stack, 'Check');
    Aspects.of(check).add(new CreateIf(isProd));
    new LambdaRollout(stack, 'ApiRollout', { function: api, condition: isProd, preHook: check, keepVersions: 3 });
    const worker = inlineFunction(stack, 'Worker');
    Aspects.of(worker).add(new CreateIf(isEu));
    new LambdaRollout(stack, 'WorkerRollout', { function: worker, condition: isEu, smokeTest: SmokeTest.invoke() });
    new LambdaRollout(stack, 'AlwaysRollout', { function: inlineFunction(stack, 'Always') });
    result = checkedSynth(app);
  });

  test('CloudFormation accepts the template for every value of the conditions: nothing names a resource that is not created', () => {
    expect(result.templateFindings).toEqual([]);
    expect(conditionFindings(result.template(stack).toJSON())).toEqual([]);
  });

  test('the alias, deployment group and alarms are created under the rollout\'s condition', () => {
    const template = result.template(stack).toJSON();
    for (const path of ['ApiRollout/Alias', 'ApiRollout/DeploymentGroup', 'ApiRollout/NewVersionErrorRateAlarm', 'WorkerRollout/TrafficHookSettings']) {
      expect([path, template.Resources[logicalId(stack, path)].Condition]).toEqual([path, path.startsWith('Api') ? 'IsProd' : 'IsEu']);
    }
    expect(template.Resources[logicalId(stack, 'AlwaysRollout/Alias')].Condition).toBeUndefined();
  });

  test('each condition\'s permissions are in policies of their own, under that condition', () => {
    const policies = Object.values<any>(result.template(stack).findResources('AWS::IAM::ManagedPolicy'));
    const byCondition = (condition: string | undefined) => policies.filter((p) => p.Condition === condition).map((p) => JSON.stringify(p.Properties));
    const api = { 'Fn::GetAtt': [logicalId(stack, 'Api'), 'Arn'] };
    const worker = { 'Fn::GetAtt': [logicalId(stack, 'Worker'), 'Arn'] };
    // The service role's and the hooks' statements on the function under IsProd are all in IsProd's policies.
    expect(byCondition('IsProd').join()).toContain(JSON.stringify(api));
    expect(byCondition('IsEu').join()).toContain(JSON.stringify(worker));
    expect(byCondition(undefined).join()).not.toContain(JSON.stringify(api));
    expect(byCondition(undefined).join()).not.toContain(JSON.stringify(worker));
    // The pre-traffic hook may report to its group under the same condition.
    expect(byCondition('IsProd').join()).toContain('codedeploy:PutLifecycleEventHookExecutionStatus');
  });

  test('the library adds no cdk-nag finding', () => {
    expect(result.nagFindings.filter((f) => /Rollout|RolloutsServiceRole|TrafficHook|HookReport/.test(f.where))).toEqual([]);
  });
});

describe('conditions the shared policies could not follow are refused at synth, naming the rollout and the way', () => {
  const WAY = 'condition a rollout with its condition prop (the same CfnCondition as its function\'s), '
    + 'which creates its alias, deployment group, alarms and permissions under it';

  function synthError(build: (stack: Stack, condition: CfnCondition) => void): string {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    build(stack, conditionOf(stack, 'IsProd'));
    try {
      app.synth();
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('expected synth to fail');
  }

  test('a conditional function, its rollout always', () => {
    const message = synthError((stack, isProd) => {
      const fn = inlineFunction(stack, 'Fn');
      Aspects.of(fn).add(new CreateIf(isProd));
      new LambdaRollout(stack, 'Rollout', { function: fn });
    });
    expect(message).toContain(`[Stack/Rollout] LambdaRollout at Stack/Rollout: function Stack/Fn is created only if condition IsProd holds, and the rollout, which names it, always: ${WAY}`);
    expect(message).toContain(`[Stack/Rollout] LambdaRollout at Stack/Rollout: its version Stack/Fn/CurrentVersion is created only if condition IsProd holds, and the rollout, which names it, always: ${WAY}`);
  });

  test('the rollout conditioned by an Aspect rather than its prop', () => {
    const message = synthError((stack, isProd) => {
      const fn = inlineFunction(stack, 'Fn');
      Aspects.of(fn).add(new CreateIf(isProd));
      Aspects.of(new LambdaRollout(stack, 'Rollout', { function: fn })).add(new CreateIf(isProd));
    });
    expect(message).toContain('[Stack/Rollout] LambdaRollout at Stack/Rollout: Stack/Rollout/Alias/Resource, Stack/Rollout/NewVersionErrorRateAlarm/Resource, '
      + 'Stack/Rollout/DeploymentGroup/Resource are created only if condition IsProd holds, and the rollout always: '
      + `the stack's shared policies name them and cannot follow that condition; ${WAY}`);
  });

  test('a function conditioned without its version', () => {
    const message = synthError((stack, isProd) => {
      const fn = inlineFunction(stack, 'Fn');
      (fn.node.defaultChild as CfnResource).cfnOptions.condition = isProd;
      new LambdaRollout(stack, 'Rollout', { function: fn, condition: isProd });
    });
    expect(message).toContain('[Stack/Rollout] LambdaRollout at Stack/Rollout: the version Stack/Fn/CurrentVersion is created always, and its function only if condition IsProd holds: '
      + 'give the function\'s versions its condition (an Aspect on the function\'s scope reaches them)');
  });

  test('an alarm under another condition', () => {
    const message = synthError((stack, isProd) => {
      const isEu = new CfnCondition(stack, 'IsEu', { expression: Fn.conditionEquals(stack.region, 'eu-west-1') });
      const fn = inlineFunction(stack, 'Fn');
      Aspects.of(fn).add(new CreateIf(isProd));
      const rollout = new LambdaRollout(stack, 'Rollout', { function: fn, condition: isProd });
      const alarm = new cloudwatch.Alarm(stack, 'EuAlarm', { metric: rollout.alias.metricErrors(), threshold: 1, evaluationPeriods: 1 });
      (alarm.node.defaultChild as CfnResource).cfnOptions.condition = isEu;
      rollout.deploymentGroup.addAlarm(alarm);
    });
    expect(message).toContain(`[Stack/Rollout] LambdaRollout at Stack/Rollout: alarm Stack/EuAlarm is created only if condition IsEu holds, and the rollout, which names it, only if condition IsProd holds: ${WAY}`);
  });

  test('a function that always exists may have a conditional rollout', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    new LambdaRollout(stack, 'Rollout', { function: inlineFunction(stack, 'Fn'), condition: conditionOf(stack, 'IsProd') });
    expect(() => app.synth()).not.toThrow();
    expect(conditionFindings(Template.fromStack(stack).toJSON())).toEqual([]);
  });

  test('a grant to the group\'s role after construction goes into a policy under the rollout\'s condition', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    const rollout = new LambdaRollout(stack, 'Rollout', { function: inlineFunction(stack, 'Fn'), condition: conditionOf(stack, 'IsProd') });
    rollout.deploymentGroup.role!.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['sns:Publish'], resources: ['arn:aws:sns:us-east-1:123456789012:deployments'],
    }));
    expect(() => app.synth()).not.toThrow();
    const template = Template.fromStack(stack).toJSON();
    expect(template.Resources[logicalId(stack, 'Rollout/DeploymentGroupRoleGrants')].Condition).toEqual('IsProd');
    expect(conditionFindings(template)).toEqual([]);
  });
});
