/**
 * Every app under examples/: synthesized once each, with zero unacknowledged findings in the five
 * cdk-nag packs, the CodeDeployChecks guardrails and CloudFormation's validator, Control Tower's
 * proactive controls failed on library resources only where the table of docs/governed-accounts.md says (and on none
 * in the governed variant of ec2-fleet-alb), and a snapshot that only a deliberate
 * `npx projen test:update` may change.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DeploymentConfigsStack } from '../../examples/deployment-configs/stack';
import { Ec2FleetAlbStack } from '../../examples/ec2-fleet-alb/stack';
import { LambdaCanaryStack } from '../../examples/lambda-canary/stack';
import { OnPremisesStack } from '../../examples/on-premises/stack';
import { PlatformPipelineStack, ReleaseStage } from '../../examples/platform-pipeline/stack';
import { NEVER_BY_DEFAULT, unexpectedByDefault } from '../governance/documented-controls';
import { checkedApp, checkedSynth, CheckedSynth } from '../support/checked-synth';
import { ControlTowerRules } from '../support/control-tower';

const EXAMPLES: Array<[string, (app: App) => Stack]> = [
  ['deployment-configs', (app) => new DeploymentConfigsStack(app, 'DeploymentConfigsExample')],
  ['ec2-fleet-alb', (app) => new Ec2FleetAlbStack(app, 'Ec2FleetAlbExample')],
  ['ec2-fleet-alb (governed)', (app) => new Ec2FleetAlbStack(app, 'Ec2FleetAlbGovernedExample', { governed: true })],
  ['lambda-canary', (app) => new LambdaCanaryStack(app, 'LambdaCanaryExample')],
  ['on-premises', (app) => new OnPremisesStack(app, 'OnPremisesExample')],
  ['platform-pipeline', (app) => new PlatformPipelineStack(app, 'PlatformPipeline', { env: { account: '111111111111', region: 'us-east-1' } })],
];

/** Examples whose every library resource passes every Control Tower control. */
const GOVERNED = ['ec2-fleet-alb (governed)'];

describe.each(EXAMPLES)('examples/%s', (name, createStack) => {
  let result: CheckedSynth;
  let stack: Stack;

  beforeAll(() => {
    const app = checkedApp({}, undefined, new ControlTowerRules());
    stack = createStack(app);
    result = checkedSynth(app);
  });

  test('passes all five cdk-nag packs', () => {
    expect(result.nagFindings).toEqual([]);
  });

  test('passes the CodeDeployChecks guardrails', () => {
    expect(result.guardrailFindings).toEqual([]);
  });

  test('passes CloudFormation validation', () => {
    expect(result.templateFindings).toEqual([]);
  });

  test('Control Tower: library resources fail only the documented controls, and no CT.S3.PR.3 or CT.S3.PR.6', () => {
    const library = result.controlTowerFindings.filter((f) => f.byLibrary);
    expect(unexpectedByDefault(library)).toEqual([]);
    expect(library.filter((f) => NEVER_BY_DEFAULT.includes(f.control))).toEqual([]);
  });

  if (GOVERNED.includes(name)) {
    test('Control Tower: no library resource fails any control', () => {
      expect(result.controlTowerFindings.filter((f) => f.byLibrary)).toEqual([]);
    });
  }

  test('matches the snapshot', () => {
    expect(result.template(stack).toJSON()).toMatchSnapshot();
  });
});

// The stages of the pipeline are nested assemblies: the checks above cover their stacks (the
// plugins run on every stack of the app), and each stage gets a snapshot of its own.
test('examples/platform-pipeline: every stage matches its snapshot', () => {
  const app = checkedApp();
  const pipeline = new PlatformPipelineStack(app, 'PlatformPipeline', { env: { account: '111111111111', region: 'us-east-1' } });
  checkedSynth(app);
  const stages = pipeline.node.findAll().filter((c): c is ReleaseStage => c instanceof ReleaseStage);
  expect(stages.map((stage) => stage.node.id)).toEqual(['Test', 'Production-us-east-1', 'Production-eu-west-1']);
  const templates = Object.fromEntries(stages.map((stage) => [
    stage.node.id, Template.fromJSON(stage.synth().getStackByName(stage.application.stackName).template).toJSON(),
  ]));
  expect(templates).toMatchSnapshot();
});
