/**
 * The stacks the deployment model replays: N Lambda rollouts (each with its own function, every
 * one changed by the update, as a shared layer or environment change does) with one set of
 * options, and optionally a server fleet, synthesized with the library and read back.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { ScenarioOptions } from './simulate';
import { TemplateModel, templateModel } from './stack';
import { LambdaRollout, LambdaRolloutProps, Revision, ServerRollout, SmokeTest, TrafficShift } from '../../src';

export interface Scenario {
  readonly name: string;
  /** The rollout's props beyond its function. */
  readonly props: Omit<LambdaRolloutProps, 'function'>;
  readonly options?: ScenarioOptions;
  /** Adds a server fleet (a ServerRollout deploying a revision in the same update). */
  readonly fleet?: boolean;
  /** `LambdaRollout.staggerDeployments(stack, groupSize)`; undefined: the library's default. */
  readonly groupSize?: number;
  /**
   * Waves between aliases instead, drawn here (not a library option): the alias of the k-th rollout
   * waits for the alias of the (k - W)-th, so at most W deployments run at once. Used with `groupSize: 0`.
   */
  readonly aliasWaves?: number;
}

/** The options the model runs, the default first. */
export const SCENARIOS: Scenario[] = [
  { name: 'default', props: {} },
  { name: 'smokeTest (1 invocation)', props: { smokeTest: SmokeTest.invoke() } },
  { name: 'bakeTime 10 min', props: { bakeTime: Duration.minutes(10) } },
  { name: 'keepVersions, 1 to prune', props: { keepVersions: 5 }, options: { versions: 7, versionsToPrune: 1 } },
  { name: 'keepVersions, 50 to prune', props: { keepVersions: 5 }, options: { versions: 60, versionsToPrune: 50 } },
  {
    name: 'all three, 1 to prune',
    props: { smokeTest: SmokeTest.invoke(), bakeTime: Duration.minutes(10), keepVersions: 5 },
    options: { versions: 7, versionsToPrune: 1 },
  },
  { name: 'linear 10% every minute', props: { trafficShift: TrafficShift.linear({ percentage: 10, interval: Duration.minutes(1) }) } },
  { name: 'all at once', props: { trafficShift: TrafficShift.allAtOnce() } },
  { name: 'default + server fleet (10 instances)', props: {}, fleet: true },
];

export const SIZES = [1, 10, 40, 82];

/** The template of `n` rollouts of `scenario`, read back. */
export function scenarioModel(scenario: Scenario, n: number): TemplateModel {
  const app = new App({ context: { '@aws-cdk/core:stackResourceLimit': 0 }, builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Model');
  if (scenario.groupSize !== undefined) {
    LambdaRollout.staggerDeployments(stack, scenario.groupSize);
  }
  const rollouts: LambdaRollout[] = [];
  for (let i = 1; i <= n; i++) {
    const fn = new lambda.Function(stack, `Fn${i}`, {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(`exports.handler = async () => ${i};`),
    });
    rollouts.push(new LambdaRollout(stack, `Rollout${i}`, { function: fn, ...scenario.props }));
    const waves = scenario.aliasWaves ?? 0;
    if (waves > 0 && i > waves) {
      rollouts[i - 1].alias.node.addDependency(rollouts[i - 1 - waves].alias);
    }
  }
  if (scenario.fleet) {
    const fleet = new ServerRollout(stack, 'Fleet', { ec2InstanceTags: new codedeploy.InstanceTagSet({ app: ['web'] }) });
    fleet.addRevisionDeployment('Release', Revision.fromBucket(fleet.revisionBucket, 'release.zip'));
  }
  return templateModel(app.synth({ validateOnSynthesis: false }).getStackByName(stack.stackName).template);
}
