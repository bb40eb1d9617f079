import { CfnResource, Stack, Validations, aws_lambda as lambda, aws_s3 as s3 } from 'aws-cdk-lib';
import { checkedApp, checkedSynth, CheckedSynth } from './checked-synth';
import { controlId, controlTowerRuleFiles, ControlTowerRules } from './control-tower';
import { RevisionBucket } from '../../src';

// One synthesis, shared by every assertion: a stack with a deliberately broken template, and a
// stack with a plain bucket and a plain function that cdk-nag flags, one finding acknowledged, and
// a stack with a library construct, for Control Tower's controls.
let result: CheckedSynth;
let bucketStack: Stack;

beforeAll(() => {
  const app = checkedApp({}, undefined, new ControlTowerRules());
  const broken = new Stack(app, 'Broken');
  new CfnResource(broken, 'MissingRequired', {
    type: 'AWS::CodeDeploy::DeploymentGroup',
    properties: { ServiceRoleArn: 'arn:aws:iam::123456789012:role/codedeploy' },
  });
  new CfnResource(broken, 'WrongEnum', {
    type: 'AWS::CodeDeploy::DeploymentConfig',
    properties: { ComputePlatform: 'Lambda', TrafficRoutingConfig: { Type: 'CANARY' } },
  });
  new CfnResource(broken, 'UnknownProperty', {
    type: 'AWS::CodeDeploy::Application',
    properties: { ComputePlatform: 'Lambda', Colour: 'blue' },
  });

  bucketStack = new Stack(app, 'Bucket');
  const bucket = new s3.Bucket(bucketStack, 'Plain');
  Validations.of(bucket).acknowledge({ id: 'AwsSolutions-S10', reason: 'this test checks that an acknowledged finding is left out' });
  new lambda.CfnFunction(bucketStack, 'Function', {
    code: { zipFile: 'exports.handler = async () => {};' },
    handler: 'index.handler',
    role: 'arn:aws:iam::123456789012:role/function',
    runtime: 'nodejs22.x',
  });
  new RevisionBucket(new Stack(app, 'Library'), 'Revisions');
  result = checkedSynth(app);
});

describe('template validation', () => {
  test('a missing required property is a finding', () => {
    expect(result.templateFindings).toContainEqual(expect.objectContaining({
      rule: 'F3003',
      where: 'Broken/MissingRequired Properties',
      description: "Properties: 'ApplicationName' is a required property",
    }));
  });

  test('a wrong enum value, only a warning in the validator, is a finding', () => {
    expect(result.templateFindings).toContainEqual(expect.objectContaining({
      rule: 'W3030',
      severity: 'warning',
      where: 'Broken/WrongEnum Properties.TrafficRoutingConfig.Type',
    }));
  });

  test('an unknown property is a finding', () => {
    expect(result.templateFindings).toContainEqual(expect.objectContaining({
      rule: 'F3002',
      where: 'Broken/UnknownProperty Properties.Colour',
    }));
  });

  test('a valid template has no finding', () => {
    expect(result.templateFindings.filter((f) => f.where.startsWith('Bucket/'))).toEqual([]);
  });
});

describe('cdk-nag', () => {
  test.each([
    ['AwsSolutions', 'Bucket/Plain/Resource'],
    ['HIPAA.Security', 'Bucket/Plain/Resource'],
    ['NIST.800.53.R5', 'Bucket/Plain/Resource'],
    ['PCI.DSS.321', 'Bucket/Plain/Resource'],
    ['Serverless', 'Bucket/Function'],
  ])('the %s pack runs and reports on %s', (pack, where) => {
    expect(result.nagFindings.filter((f) => f.check === pack && f.where === where).length).toBeGreaterThan(0);
  });

  test('an acknowledged finding is left out, the others stay', () => {
    const awsSolutions = result.nagFindings.filter((f) => f.check === 'AwsSolutions').map((f) => f.rule);
    expect(awsSolutions).not.toContain('AwsSolutions-S10');
    expect(awsSolutions).toContain('AwsSolutions-S1');
  });

  test('templates stay readable', () => {
    result.template(bucketStack).resourceCountIs('AWS::S3::Bucket', 1);
  });
});

describe('Control Tower proactive controls', () => {
  test('a plain bucket fails the KMS encryption control, and is not the library\'s', () => {
    expect(result.controlTowerFindings).toContainEqual({
      control: 'CT.S3.PR.10', rule: 's3_bucket_default_encryption_kms_check', where: 'Bucket/Plain/Resource', byLibrary: false,
    });
  });

  test('a function outside a VPC fails CT.LAMBDA.PR.3', () => {
    expect(result.controlTowerFindings).toContainEqual(expect.objectContaining({ control: 'CT.LAMBDA.PR.3', where: 'Bucket/Function' }));
  });

  test('a resource below a library construct counts as the library\'s', () => {
    const library = result.controlTowerFindings.filter((f) => f.where.startsWith('Library/'));
    expect(library.length).toBeGreaterThan(0);
    expect(library.every((f) => f.byLibrary)).toBe(true);
  });

  test('an app made without Control Tower\'s rules refuses to report none', () => {
    const app = checkedApp();
    new Stack(app, 'Empty');
    expect(() => checkedSynth(app).controlTowerFindings).toThrow(new Error(
      'checkedApp ran without Control Tower\'s rules: pass new ControlTowerRules() as its controlTower argument'));
  });

  test('each resource is reported once per control', () => {
    const keys = result.controlTowerFindings.map((f) => `${f.where} ${f.control}`);
    expect(new Set(keys).size).toEqual(keys.length);
  });

  test('the rule set is the one the package ships, each file with the resource types it evaluates', () => {
    const rules = controlTowerRuleFiles();
    // @cdklabs/cdk-validator-cfnguard 0.0.62 (pinned) ships 237 rule files, one folder deep.
    expect(rules.length).toEqual(237);
    expect(rules.find((r) => r.path.endsWith('ct-s3-pr-10.guard'))?.resourceTypes).toEqual(['AWS::S3::Bucket']);
  });

  test.each([
    ['[CT.S3.PR.10]: Require an Amazon S3 bucket to have server-side encryption configured using an AWS KMS key', 'CT.S3.PR.10'],
    ['[CT.CLOUDWATCH.PR.1]: Require an Amazon CloudWatch alarm to have an action configured', 'CT.CLOUDWATCH.PR.1'],
    ['no control in this message', 'unknown'],
  ])('the control id of %s is %s', (description, id) => {
    expect(controlId(description)).toEqual(id);
  });
});
