/**
 * Every app under examples/: synthesized once each, with zero unacknowledged findings in the five
 * cdk-nag packs, the CodeDeployChecks guardrails and CloudFormation's validator, and a snapshot that only a deliberate
 * `npx projen test:update` may change.
 */
import { App, Stack } from 'aws-cdk-lib';
import { DeploymentConfigsStack } from '../../examples/deployment-configs/stack';
import { Ec2FleetAlbStack } from '../../examples/ec2-fleet-alb/stack';
import { LambdaCanaryStack } from '../../examples/lambda-canary/stack';
import { OnPremisesStack } from '../../examples/on-premises/stack';
import { checkedApp, checkedSynth, CheckedSynth } from '../support/checked-synth';

const EXAMPLES: Array<[string, (app: App) => Stack]> = [
  ['deployment-configs', (app) => new DeploymentConfigsStack(app, 'DeploymentConfigsExample')],
  ['ec2-fleet-alb', (app) => new Ec2FleetAlbStack(app, 'Ec2FleetAlbExample')],
  ['lambda-canary', (app) => new LambdaCanaryStack(app, 'LambdaCanaryExample')],
  ['on-premises', (app) => new OnPremisesStack(app, 'OnPremisesExample')],
];

describe.each(EXAMPLES)('examples/%s', (_name, createStack) => {
  let result: CheckedSynth;
  let stack: Stack;

  beforeAll(() => {
    const app = checkedApp();
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

  test('matches the snapshot', () => {
    expect(result.template(stack).toJSON()).toMatchSnapshot();
  });
});
