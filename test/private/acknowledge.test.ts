import { readdirSync, readFileSync } from 'fs';
import { join, relative } from 'path';
import { Acknowledgment, App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Construct, IConstruct } from 'constructs';
import { acknowledge } from '../../src/private/acknowledge';

const SSM_CORE = 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]';
const READ_ONLY = 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/ReadOnlyAccess]';

/** The acknowledged-rules metadata entries of a construct, as written. */
function entries(construct: IConstruct): unknown[] {
  return construct.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).map((m) => m.data);
}

/** A role with two AWS managed policies: two IAM4 findings of its own. */
function role(scope: Construct, id: string): iam.Role {
  return new iam.Role(scope, id, {
    assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
    managedPolicies: ['AmazonSSMManagedInstanceCore', 'ReadOnlyAccess'].map((name) => iam.ManagedPolicy.fromAwsManagedPolicyName(name)),
  });
}

describe('acknowledge', () => {
  test('writes the entry Validations.acknowledge writes, for ids with :: inside the bracket and for plain ids', () => {
    const stack = new Stack();
    const ids = [SSM_CORE, 'AwsSolutions-IAM5[Resource::*]', 'HIPAA.Security-LambdaDLQ', 'CodeDeployChecks::CodeDeploy-Notifications'];
    for (const id of ids) {
      const ours = new Construct(stack, `Ours${ids.indexOf(id)}`);
      const theirs = new Construct(stack, `Theirs${ids.indexOf(id)}`);
      acknowledge(ours, { id, reason: `why ${id}` });
      Validations.of(theirs).acknowledge({ id, reason: `why ${id}` });
      expect(entries(ours)).toEqual(entries(theirs));
      expect(entries(ours)).toHaveLength(1);
    }
    expect(entries(stack.node.findChild('Ours0'))).toEqual([{ [`Annotation::${SSM_CORE}`]: `why ${SSM_CORE}` }]);
  });

  test('cdk-nag drops the one acknowledged finding of the one acknowledged resource', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    const acknowledged = role(stack, 'Acknowledged');
    role(stack, 'Other');
    acknowledge(acknowledged, { id: SSM_CORE, reason: 'Systems Manager manages the instances' });

    const findings = new AwsSolutionsChecks().validateScope(app).violations
      .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`))
      .filter((f) => f.startsWith('AwsSolutions-IAM4'))
      .sort();
    expect(findings).toEqual([
      `${READ_ONLY} Stack/Acknowledged/Resource`,
      `${SSM_CORE} Stack/Other/Resource`,
      `${READ_ONLY} Stack/Other/Resource`,
    ].sort());
  });

  test('passes only ids with a namespace of their own to Validations: none with more than one :: (aws-cdk-lib 2.257.0 to 2.268.0 reject it), '
    + 'and no cdk-nag finding (Validations renders a stack trace per id)', () => {
    // What Validations.qualifyId of 2.257.0 checks before it records anything (core/lib/validation/validations.js).
    const passed: string[] = [];
    const spy = jest.spyOn(Validations.prototype, 'acknowledge').mockImplementation((...rules: Acknowledgment[]) => {
      for (const rule of rules) {
        if (rule.id.split('::').length > 2) {
          throw new Error(`Invalid validation rule ID '${rule.id}'`);
        }
        passed.push(rule.id);
      }
    });
    try {
      const construct = new Construct(new Stack(), 'Policy');
      acknowledge(construct,
        { id: SSM_CORE, reason: 'managed instances' },
        { id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:parameter/app/*]', reason: 'the app parameters' },
        { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'no resource-level permission' },
        { id: 'Serverless-LambdaTracing', reason: 'no X-Ray' },
        { id: 'NIST.800.53.R5-CloudWatchAlarmAction', reason: 'CodeDeploy polls it' },
        { id: 'CloudFormation-Validate::F0007', reason: 'a big stack' },
      );
      expect(passed).toEqual(['CloudFormation-Validate::F0007']);
      expect(entries(construct)).toEqual([
        { [`Annotation::${SSM_CORE}`]: 'managed instances' },
        { 'Annotation::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:parameter/app/*]': 'the app parameters' },
        { 'Annotation::AwsSolutions-IAM5[Resource::*]': 'no resource-level permission' },
        { 'Annotation::Serverless-LambdaTracing': 'no X-Ray' },
        { 'Annotation::NIST.800.53.R5-CloudWatchAlarmAction': 'CodeDeploy polls it' },
      ]);
    } finally {
      spy.mockRestore();
    }
  });
});

test('every acknowledgement in src goes through acknowledge()', () => {
  const root = join(__dirname, '..', '..', 'src');
  const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => join(root, f));
  const direct = files.filter((file) => relative(root, file) !== join('private', 'acknowledge.ts')).flatMap((file) =>
    readFileSync(file, 'utf-8').split('\n')
      .map((line, i) => ({ line, at: `${relative(root, file)}:${i + 1}` }))
      // Code, not the TSDoc that shows users the public API.
      .filter(({ line }) => !/^\s*(\*|\/\/)/.test(line) && /\.acknowledge\(/.test(line))
      .map(({ at }) => at));
  expect(files.length).toBeGreaterThan(20);
  expect(direct).toEqual([]);
});
