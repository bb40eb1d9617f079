import { App, Duration, RemovalPolicy, Stack, aws_lambda as lambda } from 'aws-cdk-lib';
import { SCHEMAS_SOURCE } from './support/schemas';
import { Interference, StackModel, Violation } from './support/stack-model';
import { copyTemplate, Template } from './support/template';
import { UPDATE_KINDS, UpdateKind, variant, withLaterFailure } from './support/variants';
import { LambdaRollout, SmokeTest } from '../../src';
import { DEPLOYMENT_GROUP_RESOURCE_TYPE } from '../../src/contract/deployment-group';
import { APPS } from '../iam/apps';
import { assemblyStacks } from '../iam/conformance';

/**
 * The CloudFormation lifecycle of every example and IAM-suite scenario stack, as CloudFormation,
 * CodeDeploy and the library's own functions would take it (support/stack-model.ts): create; an
 * update of each kind (new code, so a new version; changed configuration; a change that replaces
 * named resources) in which a later resource fails; the rollback; another update; delete. At every
 * step: every version an alias points to or a rollback returns to exists (pruning applied), no
 * resource is replaced under its own identifier, each custom resource answers the requests
 * CloudFormation sends (a RevisionDeployment's group holds the revision the stack says), and the
 * traffic hook reads the settings of the template that deploys the version.
 */

interface StackUnderTest {
  readonly app: string;
  readonly stackName: string;
  readonly template: Template;
}

interface Outcome {
  readonly stack: string;
  readonly kind: UpdateKind;
  readonly failed: string;
  readonly second: string;
  readonly violations: Violation[];
  readonly unplannedFailures: string[];
  readonly trace: string[];
}

/**
 * The lifecycle's own stack besides the examples and the IAM suite's: the smallest `keepVersions`
 * with a smoke test and a bake, on a function whose versions CloudFormation retains (so that old
 * versions pile up and pruning has work), where pruning after a shift would take the version a
 * stack rollback returns to (lumigo-io/SAR-Lambda-Janitor#58).
 */
function keepOneStack(app: App): void {
  const stack = new Stack(app, 'LifecycleKeepOne', { env: { account: '111111111111', region: 'us-east-1' } });
  const fn = new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
    currentVersionOptions: { removalPolicy: RemovalPolicy.RETAIN },
  });
  new LambdaRollout(stack, 'Api', { function: fn, smokeTest: SmokeTest.invoke(), keepVersions: 1, bakeTime: Duration.minutes(2) });
}

const stacks: StackUnderTest[] = [];
const outcomes: Outcome[] = [];

function synthesize(name: string, build: (app: App) => void): StackUnderTest[] {
  const app = new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': false } });
  build(app);
  return assemblyStacks(app.synth()).map((stack) => ({ app: name, stackName: stack.stackName, template: stack.template as Template }));
}

beforeAll(async () => {
  for (const [name, build] of [...APPS, ['lifecycle keepVersions 1', keepOneStack] as const]) stacks.push(...synthesize(name, build));
  for (const stack of stacks) {
    for (const kind of UPDATE_KINDS) outcomes.push({ stack: stack.stackName, kind, ...await walk(stack, kind) });
  }
  const all = outcomes.flatMap((outcome) => outcome.violations);
  const stuck = all.filter((v) => v.kind === 'stuck-rollback').length;
  const lost = all.filter((v) => v.kind === 'lost-version').length;
  // The count line the docs quote.
  process.stdout.write(`lifecycle: ${stacks.length} stacks × ${UPDATE_KINDS.length} paths: ${stuck} stuck rollbacks, ${lost} lost versions`
    + ` (${all.length} violations in all, ${outcomes.filter((o) => o.unplannedFailures.length > 0).length} paths with an update the library refuses;`
    + ` resource schemas: ${SCHEMAS_SOURCE})\n`);
}, 600_000);

/** One path: create, an update of `kind` that a later resource fails, its rollback, another update, delete. */
async function walk(stack: StackUnderTest, kind: UpdateKind, interference?: Interference): Promise<Omit<Outcome, 'stack' | 'kind'>> {
  const model = new StackModel(stack.stackName, undefined, interference);
  await model.create(stack.template);
  const failed = await model.update(withLaterFailure(variant(stack.template, kind, 1).template), `${kind} (a later resource fails)`);
  const next = kind === 'new-code' ? variant(stack.template, 'new-code', 2).template : variant(variant(stack.template, kind, 2).template, 'new-code', 3).template;
  const second = await model.update(next, `${kind}, then another update`);
  await model.delete();
  return { failed, second, violations: model.violations, unplannedFailures: model.unplannedFailures, trace: model.trace };
}

/**
 * The updates the library refuses on purpose, with their reason: a blue/green deployment group
 * (a custom resource named at synth, `blueGreenGroupName`) cannot follow its application to a new
 * name under the same group name, because its physical id would not change and CloudFormation
 * would never delete the old group; the deployer fails the update, naming `DeploymentGroupName`,
 * and the stack rolls back cleanly.
 */
const BLUE_GREEN_GROUP_REFUSAL = /a deployment group moves to another application only under a new DeploymentGroupName/;

/** The reason the library refuses a path's updates, if it does: renaming the application of a stack with a blue/green group. */
function refusal(stackName: string, kind: UpdateKind): RegExp | undefined {
  const stack = stacks.find((s) => s.stackName === stackName)!;
  const blueGreen = Object.values(stack.template.Resources).some((resource) => resource.Type === DEPLOYMENT_GROUP_RESOURCE_TYPE);
  return kind === 'replaced-named-resource' && blueGreen ? BLUE_GREEN_GROUP_REFUSAL : undefined;
}

test('the model walks every example and IAM-suite stack, and its own keepVersions 1 stack', () => {
  expect(stacks.length).toBeGreaterThanOrEqual(34);
  expect(stacks.map((stack) => stack.stackName)).toEqual(expect.arrayContaining(['LambdaCanaryExample', 'Ec2FleetAlbExample', 'LambdaTrafficHook', 'ServerBlueGreen', 'LifecycleKeepOne']));
  expect(outcomes).toHaveLength(stacks.length * UPDATE_KINDS.length);
});

describe.each(UPDATE_KINDS)('%s', (kind) => {
  const ofKind = () => outcomes.filter((outcome) => outcome.kind === kind);

  test('every failed update rolls back, and the next update completes, but for the updates the library refuses', () => {
    const unexpected = ofKind().filter((o) => !refusal(o.stack, kind));
    expect(unexpected.filter((o) => o.failed !== 'rolled-back' || o.second !== 'complete' || o.unplannedFailures.length > 0)
      .map((o) => `${o.stack}: ${o.failed}, then ${o.second}\n${[...o.unplannedFailures, ...o.trace].join('\n')}`)).toEqual([]);
    const refused = ofKind().filter((o) => refusal(o.stack, kind));
    expect(refused.map((o) => o.stack).sort()).toEqual(kind === 'replaced-named-resource' ? expect.arrayContaining(['ServerBlueGreen']) : []);
    for (const outcome of refused) {
      expect([outcome.failed, outcome.second]).toEqual(['rolled-back', 'rolled-back']);
      expect(outcome.unplannedFailures).toEqual([expect.stringMatching(BLUE_GREEN_GROUP_REFUSAL), expect.stringMatching(BLUE_GREEN_GROUP_REFUSAL)]);
    }
  });

  test('no violation: no stuck rollback, no lost version, no replacement under its own name, settings and revisions as the stack says', () => {
    expect(ofKind().flatMap((o) => o.violations.map((v) => `${o.stack} ${v.step}: ${v.kind}: ${v.detail}`))).toEqual([]);
  });
});

test('the walk does what it says: deployments with the hook, versions CloudFormation deletes, custom resource requests on the rollback', () => {
  const keepOne = outcomes.find((o) => o.stack === 'LifecycleKeepOne' && o.kind === 'new-code')!;
  // Version 1 is the alias's. The failed update deploys 2, and pruning keeps 1 (where the rollback goes); the rollback
  // deploys 1 again; the next update deploys 3 and prunes 2, which the rollback left behind (the versions are retained).
  expect(keepOne.trace.filter((line) => /deployed|deleted version|pruned/.test(line))).toEqual([
    expect.stringMatching(/^new-code \(a later resource fails\): ApiAlias\w+ deployed \S+:1 -> 2: \{"BeforeAllowTraffic":"Succeeded","AfterAllowTraffic":"Succeeded"\}$/),
    expect.stringMatching(/^new-code \(a later resource fails\) rollback: ApiAlias\w+ deployed \S+:2 -> 1: \{"BeforeAllowTraffic":"Succeeded","AfterAllowTraffic":"Succeeded"\}$/),
    expect.stringMatching(/^new-code, then another update: ApiAlias\w+ deployed \S+:1 -> 3: \{"BeforeAllowTraffic":"Succeeded","AfterAllowTraffic":"Succeeded"\}$/),
    expect.stringMatching(/^new-code, then another update: pruned \S+:2$/),
  ]);
  // Without the retention, CloudFormation deletes the versions itself: the rollback deletes 2, the next update's cleanup 1.
  const canary = outcomes.find((o) => o.stack === 'LambdaCanaryExample' && o.kind === 'new-code')!;
  expect(canary.trace.filter((line) => /deleted version/.test(line))).toEqual([
    expect.stringMatching(/^new-code \(a later resource fails\) rollback: deleted version \S+:2 \(created by the failed update\)$/),
    expect.stringMatching(/^new-code, then another update: deleted version \S+:1 \(removed from the template\)$/),
    expect.stringMatching(/^delete: deleted version \S+:3 \(stack deleted\)$/),
  ]);
  const fleet = outcomes.find((o) => o.stack === 'Ec2FleetAlbExample' && o.kind === 'new-code')!;
  expect(fleet.trace.filter((line) => line.includes('Release'))).toEqual([
    expect.stringMatching(/^create: Create WebRolloutRelease\w+ -> SUCCESS (d-LIFE\d+)$/),
    expect.stringMatching(/^new-code \(a later resource fails\): Update WebRolloutRelease\w+ -> SUCCESS d-LIFE\d+$/),
    // The rollback: an Update with the old properties, which deploys the old revision again.
    expect.stringMatching(/^new-code \(a later resource fails\) rollback: Update WebRolloutRelease\w+ -> SUCCESS d-LIFE\d+$/),
    expect.stringMatching(/^new-code, then another update: Update WebRolloutRelease\w+ -> SUCCESS d-LIFE\d+$/),
    expect.stringMatching(/^delete: Delete WebRolloutRelease\w+ d-LIFE\d+ \(stack deleted\) -> SUCCESS$/),
  ]);
});

describe('each check catches what it is for', () => {
  const stack = (name: string) => stacks.find((s) => s.stackName === name)!;

  test('a version deleted behind CloudFormation\'s back (what keepVersions 1 did to CurrentVersion): a stuck rollback and a lost version', async () => {
    const outcome = await walk(stack('LifecycleKeepOne'), 'new-code', {
      afterDeployment: (account, deployment) => {
        if (deployment.targetVersion > deployment.currentVersion) account.fn(deployment.functionName).versions.delete(deployment.currentVersion);
      },
    });

    expect(outcome.failed).toBe('rollback-failed');
    expect(outcome.violations.map((v) => v.kind)).toEqual(expect.arrayContaining(['stuck-rollback', 'lost-version']));
    expect(outcome.violations.find((v) => v.kind === 'stuck-rollback')?.detail)
      .toMatch(/^ApiAlias\w+ \(AWS::Lambda::Alias\): Function not found: \S+:1 \(the alias cannot point at a version that does not exist\)$/);
  });

  test('a provider that answers an Update with a new physical id (the deployer before this check): the rollback redeploys nothing', async () => {
    const outcome = await walk(stack('Ec2FleetAlbExample'), 'new-code', {
      deployerUpdateAnswer: (answer) => ({ ...answer, PhysicalResourceId: answer.Data?.DeploymentId ?? answer.PhysicalResourceId }),
    });

    expect(outcome.failed).toBe('rolled-back');
    expect(outcome.violations).toEqual([expect.objectContaining({ kind: 'revision-not-restored', step: 'new-code (a later resource fails) rollback' })]);
  });

  test('settings that are not the deploying template\'s: a settings mismatch', async () => {
    const outcome = await walk(stack('LifecycleKeepOne'), 'new-code', {
      beforeDeployment: (account) => {
        for (const name of account.parameters.keys()) account.parameters.set(name, account.parameters.get(name)!.replace('"keepVersions":1', '"keepVersions":9'));
      },
    });

    expect(outcome.violations.map((v) => v.kind)).toEqual(['settings-mismatch', 'settings-mismatch', 'settings-mismatch', 'settings-mismatch', 'settings-mismatch', 'settings-mismatch']);
  });

  test('a named resource replaced under its own name: refused, and the update rolls back', async () => {
    const original = stack('LambdaCanaryExample').template;
    const [configId] = Object.entries(original.Resources).find(([, r]) => r.Type === 'AWS::CodeDeploy::DeploymentConfig')!;
    const changed = copyTemplate(original);
    // A create-only property changes and the name does not (what a fixed name would do).
    changed.Resources[configId].Properties!.TrafficRoutingConfig.TimeBasedLinear.LinearPercentage = 50;
    const model = new StackModel('LambdaCanaryExample');
    await model.create(original);

    expect(await model.update(changed, 'a config changed under its name')).toBe('rolled-back');
    expect(model.violations).toEqual([expect.objectContaining({
      kind: 'replaced-under-own-name', detail: `${configId} (AWS::CodeDeploy::DeploymentConfig) replaced under the identifier ["LambdaCanaryExample-LambdaLinear25PercentEvery1Minute"] that ${configId} holds`,
    })]);
  });
});
