import { Aspects, CfnCondition, CfnParameter, CfnResource, Fn, IAspect, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { LambdaRollout } from '../../src';
import { DEFAULT_DEPLOYMENT_GROUP_SIZE } from '../../src/private/defaults';
import { checkedApp, checkedSynth, CheckedSynth } from '../support/checked-synth';
import { inlineFunction } from '../support/inline-function';
import { conditionFindings } from '../support/template-conditions';

// One synthesis for every template assertion below.
let result: CheckedSynth;
const stacks: Record<string, Stack> = {};
const functions: Record<string, lambda.Function[]> = {};
const template = (name: string): Template => result.template(stacks[name]);

/** `count` functions with a default rollout each, in order. */
function rollouts(stack: Stack, count: number): lambda.Function[] {
  return Array.from({ length: count }, (_, i) => {
    const fn = inlineFunction(stack, `Fn${i + 1}`);
    new LambdaRollout(stack, `Rollout${i + 1}`, { function: fn });
    return fn;
  });
}

beforeAll(() => {
  const app = checkedApp();
  functions.Default = rollouts(stacks.Default = new Stack(app, 'Default'), 7);

  stacks.Off = new Stack(app, 'Off');
  LambdaRollout.staggerDeployments(stacks.Off, 0);
  functions.Off = rollouts(stacks.Off, 5);

  // Set after the rollouts exist: the chains follow the last setting.
  stacks.Late = new Stack(app, 'Late');
  functions.Late = rollouts(stacks.Late, 5);
  LambdaRollout.staggerDeployments(stacks.Late, 2);

  // Two rollouts (two aliases) of one function deploy one version, queued once.
  stacks.Shared = new Stack(app, 'Shared');
  LambdaRollout.staggerDeployments(stacks.Shared, 1);
  const shared = inlineFunction(stacks.Shared, 'SharedFn');
  const other = inlineFunction(stacks.Shared, 'OtherFn');
  new LambdaRollout(stacks.Shared, 'Live', { function: shared });
  new LambdaRollout(stacks.Shared, 'Beta', { function: shared, aliasName: 'beta' });
  new LambdaRollout(stacks.Shared, 'Other', { function: other });
  functions.Shared = [shared, other];

  // Functions created only under a condition, each with its rollout (the CDK way: an Aspect sets
  // every resource's condition, the versions' included, after the rollouts were created).
  stacks.Conditional = new Stack(app, 'Conditional');
  LambdaRollout.staggerDeployments(stacks.Conditional, 1);
  const environment = new CfnParameter(stacks.Conditional, 'Environment', { default: 'prod' });
  const isProd = new CfnCondition(stacks.Conditional, 'IsProd', { expression: Fn.conditionEquals(environment.valueAsString, 'prod') });
  functions.Conditional = ['Fn1', 'Fn2', 'Fn3', 'Fn4', 'Fn5'].map((id) => {
    const fn = inlineFunction(stacks.Conditional, id);
    const conditional = id === 'Fn1' || id === 'Fn4';
    if (conditional) Aspects.of(fn).add(new CreateIf(isProd));
    new LambdaRollout(stacks.Conditional, `Rollout${id}`, { function: fn, ...(conditional ? { condition: isProd } : {}) });
    return fn;
  });

  result = checkedSynth(app);
});

/** Creates a subtree only under a condition. */
class CreateIf implements IAspect {
  constructor(private readonly condition: CfnCondition) {}
  public visit(node: IConstruct): void {
    if (CfnResource.isCfnResource(node)) {
      node.cfnOptions.condition = this.condition;
    }
  }
}

/** The logical id of a function's current version. */
function versionId(stack: Stack, fn: lambda.Function): string {
  return stack.resolve((fn.currentVersion.node.defaultChild as lambda.CfnVersion).logicalId);
}

/** Each version's DependsOn on other versions, by the function's construct id. */
function versionChains(name: string): Record<string, string[]> {
  const resources = template(name).toJSON().Resources;
  const byVersion = new Map(functions[name].map((fn) => [versionId(stacks[name], fn), fn.node.id]));
  return Object.fromEntries(functions[name].map((fn) => {
    const dependsOn: string[] = resources[versionId(stacks[name], fn)].DependsOn ?? [];
    return [fn.node.id, dependsOn.filter((id) => byVersion.has(id)).map((id) => byVersion.get(id)!)];
  }));
}

test('by default the versions publish in chains of 3: each waits for the one 3 rollouts before it', () => {
  expect(DEFAULT_DEPLOYMENT_GROUP_SIZE).toBe(3);
  expect(versionChains('Default')).toEqual({
    Fn1: [], Fn2: [], Fn3: [], Fn4: ['Fn1'], Fn5: ['Fn2'], Fn6: ['Fn3'], Fn7: ['Fn4'],
  });
});

test('only versions wait: no alias waits for another alias, every alias still waits for its own alarm and policy', () => {
  const aliases = template('Default').findResources('AWS::Lambda::Alias');
  const aliasIds = new Set(Object.keys(aliases));
  for (const alias of Object.values(aliases)) {
    expect((alias.DependsOn as string[]).filter((id) => aliasIds.has(id))).toEqual([]);
    expect(alias.DependsOn).toHaveLength(2);
  }
});

test('group size 0 leaves every version free', () => {
  expect(versionChains('Off')).toEqual({ Fn1: [], Fn2: [], Fn3: [], Fn4: [], Fn5: [] });
});

test('the group size set after the rollouts were created applies to them', () => {
  expect(versionChains('Late')).toEqual({ Fn1: [], Fn2: [], Fn3: ['Fn1'], Fn4: ['Fn2'], Fn5: ['Fn3'] });
});

test('a function with two rollouts is queued once: its version neither waits for itself nor makes a cycle', () => {
  expect(versionChains('Shared')).toEqual({ SharedFn: [], OtherFn: ['SharedFn'] });
});

test('a version created under a condition waits only for, and is waited for only by, versions under the same condition', () => {
  // CloudFormation does not create a resource that depends on one it does not create.
  expect(versionChains('Conditional')).toEqual({ Fn1: [], Fn2: [], Fn3: ['Fn2'], Fn4: ['Fn1'], Fn5: ['Fn3'] });
  expect(conditionFindings(template('Conditional').toJSON())).toEqual([]);
});

test('the chains pass the CloudFormation validator, and cdk-nag finds nothing in the library\'s resources', () => {
  expect(result.templateFindings).toEqual([]);
  // The test's own functions (no tracing, no DLQ, ...) are not the library's.
  expect(result.nagFindings.filter((f) => !/\/(Fn\d+|SharedFn|OtherFn)\//.test(f.where))).toEqual([]);
});

test.each([
  [-1, 'LambdaRollout.staggerDeployments: groupSize must be an integer of at least 0, got -1'],
  [2.5, 'LambdaRollout.staggerDeployments: groupSize must be an integer of at least 0, got 2.5'],
  [Token.asNumber({ Ref: 'Size' }), 'LambdaRollout.staggerDeployments: groupSize must be a literal number, not a token: it decides which versions wait for which'],
])('groupSize %p is refused', (groupSize, message) => {
  const stack = new Stack();
  expect(() => LambdaRollout.staggerDeployments(stack, groupSize)).toThrow(message);
});
