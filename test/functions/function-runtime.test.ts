/**
 * The Node.js runtime of the library's own functions (the traffic hook, the server deployer):
 * aws-cdk-lib's latest for the stack's Region, and the cdk-nag packs told why whenever the app's
 * aws-cdk-lib knows a newer one. A bump of the aws-cdk-lib dev dependency that adds a runtime runs
 * these tests against it before users meet it.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { App, Stack, StackProps, Validations, aws_lambda as lambda } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { InstanceTagSet, ServerApplication, ServerDeploymentGroup } from 'aws-cdk-lib/aws-codedeploy';
import { Fact, FactName, RegionInfo } from 'aws-cdk-lib/region-info';
import { IConstruct } from 'constructs';
import { LambdaRollout, Revision, RevisionDeployment, ServerRollout } from '../../src';
import { LATEST_RUNTIME_RULES, LIBRARY_FUNCTION_MIN_NODE_VERSION, newestNodeRuntime } from '../../src/functions/function-runtime';
import { checkedApp, checkedSynth } from '../support/checked-synth';
import { inlineFunction } from '../support/inline-function';

/** The library's two functions, by their construct paths under the stack. */
const LIBRARY_FUNCTIONS = ['TrafficHook/Function', 'RevisionDeployer/Function'];

/** A stack with both of the library's functions: a rollout that prunes versions, and a revision deployment. */
function stackWithLibraryFunctions(app: App, id: string, props?: StackProps): Stack {
  const stack = new Stack(app, id, props);
  new LambdaRollout(stack, 'Api', { function: inlineFunction(stack, 'ApiFn'), keepVersions: 3 });
  const group = ServerDeploymentGroup.fromServerDeploymentGroupAttributes(stack, 'Group', {
    application: ServerApplication.fromServerApplicationName(stack, 'App', 'web'),
    deploymentGroupName: 'web-production',
  });
  new RevisionDeployment(stack, 'Release', { deploymentGroup: group, revision: Revision.fromGitHub('example-org/web', 'a'.repeat(40)) });
  return stack;
}

/** Each library function of a synthesized stack: its runtime in the template, and what cdk-nag's latest-runtime rules are told. */
function runtimeVerdicts(stack: Stack, template = Template.fromStack(stack)): Array<{
  function: string; runtime: unknown; acknowledged: Record<string, string | undefined>;
}> {
  const resources = template.toJSON().Resources as Record<string, { Properties: { Runtime: unknown } }>;
  return LIBRARY_FUNCTIONS.map((path) => {
    const fn = stack.node.findChild(path.split('/')[0]).node.findChild('Function') as lambda.Function;
    const cfn = fn.node.defaultChild as lambda.CfnFunction;
    return {
      function: path,
      runtime: resources[stack.getLogicalId(cfn)].Properties.Runtime,
      acknowledged: Object.fromEntries(LATEST_RUNTIME_RULES.map((rule) => [rule, acknowledgement(cfn, rule)])),
    };
  });
}

/** The reason given for a finding on a resource or any of its scopes, as cdk-nag looks for it. */
function acknowledgement(resource: IConstruct, rule: string): string | undefined {
  for (let current: IConstruct | undefined = resource; current; current = current.node.scope) {
    for (const entry of current.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)) {
      const found = Object.entries(entry.data as Record<string, string>).find(([id]) => id.replace(/^annotation::/i, '') === rule);
      if (found) {
        return found[1];
      }
    }
  }
  return undefined;
}

describe('on the installed aws-cdk-lib', () => {
  const newest = newestNodeRuntime();

  test.each([
    ['a stack whose Region is unknown at synth', undefined],
    ['a stack in us-east-1', { region: 'us-east-1' }],
    ['a stack in cn-north-1', { region: 'cn-north-1' }],
  ])('%s: the library\'s functions run on aws-cdk-lib\'s latest Node.js runtime for the Region, or say why not', (_, env) => {
    const app = new App();
    const stack = stackWithLibraryFunctions(app, 'Stack', { env });
    const regional = stack.resolve(lambda.determineLatestNodeRuntime(stack).name);
    // When this fails, the runtime of a library function is neither the newest the installed
    // aws-cdk-lib knows (`newest`) nor acknowledged with a reason that names both runtimes.
    expect(runtimeVerdicts(stack)).toEqual(LIBRARY_FUNCTIONS.map((path) => ({
      function: path,
      runtime: regional,
      acknowledged: Object.fromEntries(LATEST_RUNTIME_RULES.map((rule) => [rule, regional === newest
        ? undefined
        : expect.stringMatching(new RegExp(`^runs on ${regional}, aws-cdk-lib's latest Node\\.js runtime for this stack's Region .*; ${newest} is newer`))])),
    })));
  });

  test('the five cdk-nag packs find nothing on the library\'s resources', () => {
    const app = checkedApp();
    stackWithLibraryFunctions(app, 'Agnostic');
    stackWithLibraryFunctions(app, 'Virginia', { env: { region: 'us-east-1' } });
    const findings = checkedSynth(app).nagFindings.filter((f) => !f.where.includes('/ApiFn/'));
    expect(findings).toEqual([]);
  });

  test('the bundles target no Node.js newer than the lowest runtime aws-cdk-lib picks in any Region, or by default', () => {
    const tasks = JSON.parse(readFileSync(join(__dirname, '..', '..', '.projen', 'tasks.json'), 'utf-8')) as {
      tasks: Record<string, { steps?: Array<{ exec?: string; execArgs?: string[] }> }>;
    };
    const targets = Object.entries(tasks.tasks).filter(([name]) => /^bundle:handlers\/.*\.lambda$/.test(name))
      .map(([, task]) => (task.steps ?? []).flatMap((step) => step.execArgs ?? (step.exec ?? '').split(' ')).find((arg) => arg.startsWith('--target=')));
    expect(targets.length).toBe(LIBRARY_FUNCTIONS.length);
    // A Region aws-cdk-lib has no fact for gets determineLatestNodeRuntime's default.
    const unknownRegion = new Stack(new App(), 'Unknown', { env: { region: 'xx-nowhere-1' } });
    const regional = RegionInfo.regions.map((region) => Fact.find(region.name, FactName.LATEST_NODE_RUNTIME))
      .concat(lambda.determineLatestNodeRuntime(unknownRegion).name);
    const lowest = Math.min(...regional.filter((r): r is string => r !== undefined).map(nodeMajor));
    for (const target of targets) {
      expect(Number(/^--target=node(\d+)$/.exec(target ?? '')?.[1])).toBeLessThanOrEqual(lowest);
    }
  });
});

describe('a runtime chosen in the functions\' options', () => {
  test('the bundles target the oldest Node.js a chosen runtime may be', () => {
    const tasks = JSON.parse(readFileSync(join(__dirname, '..', '..', '.projen', 'tasks.json'), 'utf-8')) as {
      tasks: Record<string, { steps?: Array<{ execArgs?: string[] }> }>;
    };
    const targets = Object.entries(tasks.tasks).filter(([name]) => /^bundle:handlers\/.*\.lambda$/.test(name))
      .map(([, task]) => (task.steps ?? []).flatMap((step) => step.execArgs ?? []).find((arg) => arg.startsWith('--target=')));
    expect(targets).toEqual(LIBRARY_FUNCTIONS.map(() => `--target=node${LIBRARY_FUNCTION_MIN_NODE_VERSION}`));
  });

  test('runs the functions, and the library tells cdk-nag nothing about it: the latest-runtime findings are the user\'s', () => {
    const app = checkedApp();
    const stack = new Stack(app, 'Pinned', { env: { region: 'us-east-1' } });
    const options = { runtime: lambda.Runtime.NODEJS_22_X };
    new LambdaRollout(stack, 'Api', { function: inlineFunction(stack, 'ApiFn'), keepVersions: 3, trafficHook: options });
    new ServerRollout(stack, 'Web', { ec2InstanceTags: new InstanceTagSet({ app: ['web'] }), deployer: options })
      .addRevisionDeployment('Release', Revision.fromGitHub('example-org/web', 'a'.repeat(40)));
    const result = checkedSynth(app);
    expect(runtimeVerdicts(stack, result.template(stack))).toEqual(LIBRARY_FUNCTIONS.map((path) => ({
      function: path, runtime: 'nodejs22.x', acknowledged: { 'AwsSolutions-L1': undefined, 'Serverless-LambdaLatestVersion': undefined },
    })));
    const latestRuntimeFindings = result.nagFindings
      .filter((f) => LATEST_RUNTIME_RULES.some((rule) => f.rule.startsWith(rule)) && /\/(TrafficHook|RevisionDeployer)\/Function\//.test(f.where));
    expect(latestRuntimeFindings.map((f) => `${f.rule} ${f.where.split('/')[1]}`).sort())
      .toEqual(LIBRARY_FUNCTIONS.flatMap((path) => LATEST_RUNTIME_RULES.map((rule) => `${rule} ${path.split('/')[0]}`)).sort());
  });
});

describe('as aws-cdk-lib\'s Region facts move', () => {
  // The facts are process-wide: each test restores what it replaced.
  const replaced: Array<{ region: string; value: string }> = [];
  function setRegionalRuntime(region: string, value: string): void {
    replaced.push({ region, value: Fact.find(region, FactName.LATEST_NODE_RUNTIME)! });
    Fact.register({ region, name: FactName.LATEST_NODE_RUNTIME, value }, true);
  }
  afterEach(() => {
    for (const { region, value } of replaced.splice(0).reverse()) {
      Fact.register({ region, name: FactName.LATEST_NODE_RUNTIME, value }, true);
    }
  });

  test('once the newest runtime is the Region\'s latest, the functions run on it and nothing is acknowledged', () => {
    setRegionalRuntime('eu-west-1', newestNodeRuntime());
    const stack = stackWithLibraryFunctions(new App(), 'Ireland', { env: { region: 'eu-west-1' } });
    expect(runtimeVerdicts(stack)).toEqual(LIBRARY_FUNCTIONS.map((path) => ({
      function: path, runtime: newestNodeRuntime(), acknowledged: { 'AwsSolutions-L1': undefined, 'Serverless-LambdaLatestVersion': undefined },
    })));
  });

  test('Regions that disagree: a stack of unknown Region maps its Region to the runtime, and cdk-nag (which cannot read a mapping) is told why', () => {
    setRegionalRuntime('eu-west-1', newestNodeRuntime());
    const app = checkedApp();
    const stack = stackWithLibraryFunctions(app, 'Agnostic');
    const result = checkedSynth(app);
    const verdicts = runtimeVerdicts(stack, result.template(stack));
    expect(verdicts.map((v) => v.runtime)).toEqual(LIBRARY_FUNCTIONS.map(() => ({ 'Fn::FindInMap': [expect.any(String), { Ref: 'AWS::Region' }, 'value'] })));
    expect(verdicts.flatMap((v) => Object.values(v.acknowledged))).toEqual(LIBRARY_FUNCTIONS.flatMap(() => LATEST_RUNTIME_RULES.map(() =>
      expect.stringMatching(/^runs on the latest Node\.js runtime of the Region it is deployed to \(a mapping over Regions\)/))));
    expect(result.nagFindings.filter((f) => !f.where.includes('/ApiFn/'))).toEqual([]);
  });
});

function nodeMajor(runtime: string): number {
  return Number(/^nodejs(\d+)/.exec(runtime)?.[1]);
}
