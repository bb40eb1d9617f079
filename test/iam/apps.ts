/**
 * The apps the IAM suite checks, and the lifecycle model walks (test/lifecycle/): every example, the
 * scenario matrix of every construct and option, and the governance matrix with every opt-in of a
 * governed account.
 */
import { App, Stack } from 'aws-cdk-lib';
import { buildScenarios } from './scenarios';
import { DeploymentConfigsStack } from '../../examples/deployment-configs/stack';
import { Ec2FleetAlbStack } from '../../examples/ec2-fleet-alb/stack';
import { LambdaCanaryStack } from '../../examples/lambda-canary/stack';
import { OnPremisesStack } from '../../examples/on-premises/stack';
import { PlatformPipelineStack } from '../../examples/platform-pipeline/stack';
import { governance, SCENARIOS } from '../governance/scenarios';

export const APPS: Array<[string, (app: App) => void]> = [
  ['examples/deployment-configs', (app) => new DeploymentConfigsStack(app, 'DeploymentConfigsExample')],
  ['examples/ec2-fleet-alb', (app) => new Ec2FleetAlbStack(app, 'Ec2FleetAlbExample')],
  ['examples/ec2-fleet-alb (governed)', (app) => new Ec2FleetAlbStack(app, 'Ec2FleetAlbGovernedExample', { governed: true })],
  ['examples/lambda-canary', (app) => new LambdaCanaryStack(app, 'LambdaCanaryExample')],
  ['examples/on-premises', (app) => new OnPremisesStack(app, 'OnPremisesExample')],
  ['examples/platform-pipeline', (app) => new PlatformPipelineStack(app, 'PlatformPipeline', { env: { account: '111111111111', region: 'us-east-1' } })],
  ['scenario matrix', (app) => buildScenarios(app)],
  // The governance matrix with every opt-in of a governed account: the deployer in a VPC, its logs
  // under a customer managed key, Object Lock, alarm actions.
  ['governed scenario matrix', (app) => SCENARIOS.forEach((scenario, i) => {
    const stack = new Stack(app, `Governed${i}`, { env: { account: '111111111111', region: 'us-east-1' } });
    scenario.build(stack, governance(stack));
  })],
];
