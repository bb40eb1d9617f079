import { Stack } from 'aws-cdk-lib';
import { DeploymentConfigsStack } from '../../examples/deployment-configs/stack';
import { checkedApp, checkedSynth, CheckedSynth } from '../support/checked-synth';

let result: CheckedSynth;
let stack: Stack;

beforeAll(() => {
  const app = checkedApp();
  stack = new DeploymentConfigsStack(app, 'DeploymentConfigsExample');
  result = checkedSynth(app);
});

test('passes all five cdk-nag packs', () => {
  expect(result.nagFindings).toEqual([]);
});

test('passes CloudFormation validation', () => {
  expect(result.templateFindings).toEqual([]);
});

test('matches the snapshot', () => {
  expect(result.template(stack).toJSON()).toMatchSnapshot();
});
