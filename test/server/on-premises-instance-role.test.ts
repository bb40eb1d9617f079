import { App, Duration, Stack, aws_iam as iam, aws_kms as kms, aws_s3 as s3 } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { rules } from 'cdk-nag';
import { Construct } from 'constructs';
import { OnPremisesInstanceRole, OnPremisesInstanceRoleProps } from '../../src/server/on-premises-instance-role';
import { checkedApp, checkedSynth, CheckedSynth } from '../support/checked-synth';
import { findConstruct, logicalId } from '../support/logical-id';

const KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const REFRESHER_ARN = 'arn:aws:iam::111122223333:role/credential-refresher';


/**
 * `<before>arn:<partition>:sts::<account>:assumed-role/<role name>/<INSTANCE_NAME><after>`, as the
 * template joins it (adjacent literals merged).
 */
function withSessionArn(before: string, roleName: unknown, after = ''): unknown {
  return {
    'Fn::Join': ['', [
      `${before}arn:`, { Ref: 'AWS::Partition' }, ':sts::', { Ref: 'AWS::AccountId' }, ':assumed-role/', roleName, `/<INSTANCE_NAME>${after}`,
    ]],
  };
}

// One synthesis for every template assertion below.
let result: CheckedSynth;
const stacks: Record<string, Stack> = {};
const template = (name: string): Template => result.template(stacks[name]);

beforeAll(() => {
  const app = checkedApp();

  // Every default.
  const defaults = stacks.Defaults = new Stack(app, 'Defaults');
  new OnPremisesInstanceRole(defaults, 'Servers', { assumedBy: new iam.AccountRootPrincipal() });

  // A KMS-encrypted bucket, a role name, 4-hour sessions, a credential refresher's role; and a
  // second role, nested, reading a bucket without a key.
  const custom = stacks.Custom = new Stack(app, 'Custom');
  new OnPremisesInstanceRole(custom, 'Servers', {
    assumedBy: iam.Role.fromRoleArn(custom, 'Refresher', REFRESHER_ARN),
    revisionBucket: s3.Bucket.fromBucketAttributes(custom, 'Revisions', {
      bucketName: 'team-revisions',
      encryptionKey: kms.Key.fromKeyArn(custom, 'RevisionsKey', KEY_ARN),
    }),
    roleName: 'CodeDeployOnPrem',
    maxSessionDuration: Duration.hours(4),
  });
  new OnPremisesInstanceRole(new Construct(custom, 'Fleet'), 'Servers', {
    assumedBy: new iam.AccountRootPrincipal(),
    revisionBucket: s3.Bucket.fromBucketName(custom, 'PlainRevisions', 'plain-revisions'),
  });

  // A bucket of another stack: the policy names it through an export.
  const shared = stacks.Shared = new Stack(app, 'Shared');
  const sharedBucket = new s3.Bucket(shared, 'Revisions');
  const consumer = stacks.Consumer = new Stack(app, 'Consumer');
  new OnPremisesInstanceRole(consumer, 'Servers', { assumedBy: new iam.AccountRootPrincipal(), revisionBucket: sharedBucket });

  result = checkedSynth(app);
});

describe('checks', () => {
  test('CloudFormation validator: no findings', () => {
    expect(result.templateFindings).toEqual([]);
  });

  test('cdk-nag, five packs: no findings but those of the fixture bucket of the Shared stack', () => {
    expect(result.nagFindings.filter((f) => !f.where.startsWith('Shared/Revisions/'))).toEqual([]);
  });

  test.each([
    ['Custom', 'Servers/RevisionReadPolicy', 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::team-revisions/*]'],
    ['Custom', 'Fleet/Servers/RevisionReadPolicy', 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::plain-revisions/*]'],
    ['Consumer', 'Servers/RevisionReadPolicy', 'AwsSolutions-IAM5[Resource::Shared:ExportsOutputFnGetAttRevisions44E8601FArn777C9E23/*]'],
  ])('%s/%s: the one wildcard finding, the objects of the bucket, is acknowledged on the policy', (name, path, finding) => {
    const policy = findConstruct(stacks[name], path);
    // What cdk-nag's rule finds on the synthesized policy (references resolved) ...
    const found = rules.iam.IAMNoWildcardPermissions(policy.node.defaultChild as iam.CfnManagedPolicy);
    expect(found).toEqual([finding.slice('AwsSolutions-IAM5['.length, -1)]);
    // ... is exactly what the policy acknowledges, and nothing more.
    const acknowledged = policy.node.metadata
      .filter((m) => m.type === 'aws:cdk:acknowledged-rules')
      .flatMap((m) => Object.keys(m.data as object).map((k) => k.replace(/^Annotation::/, '')));
    expect(acknowledged).toEqual([finding]);
  });
});

describe('defaults', () => {
  test('one role, trusted by the account, 1-hour sessions, no policy', () => {
    const t = template('Defaults');
    t.resourceCountIs('AWS::IAM::Role', 1);
    t.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    t.resourceCountIs('AWS::IAM::Policy', 0);
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } },
        }],
      },
      MaxSessionDuration: 3600,
      RoleName: Match.absent(),
      ManagedPolicyArns: Match.absent(),
      Policies: Match.absent(),
    });
  });

  test('outputs: role ARN, register and tag commands, agent configuration', () => {
    const t = template('Defaults');
    const role = { Ref: logicalId(stacks.Defaults, 'Servers/Role') };
    t.hasOutput('ServersRoleArn', { Value: { 'Fn::GetAtt': [role.Ref, 'Arn'] } });
    t.hasOutput('ServersRegisterCommand', {
      Value: withSessionArn('aws deploy register-on-premises-instance --instance-name <INSTANCE_NAME> --iam-session-arn ', role),
    });
    t.hasOutput('ServersTagCommand', {
      Value: 'aws deploy add-tags-to-on-premises-instances --instance-names <INSTANCE_NAME> --tags Key=<TAG_KEY>,Value=<TAG_VALUE>',
    });
    const config = withSessionArn('---\niam_session_arn: ', role, '\naws_credentials_file: <CREDENTIALS_FILE>\nregion: ') as { 'Fn::Join': [string, unknown[]] };
    t.hasOutput('ServersAgentConfig', { Value: { 'Fn::Join': ['', [...config['Fn::Join'][1], { Ref: 'AWS::Region' }]] } });
    expect(Object.keys(t.findOutputs('*'))).toEqual(['ServersRoleArn', 'ServersRegisterCommand', 'ServersTagCommand', 'ServersAgentConfig']);
  });
});

describe('every prop', () => {
  test('the refresher role may assume the named role, for up to 4 hours', () => {
    template('Custom').hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: REFRESHER_ARN } }] },
      MaxSessionDuration: 14400,
      RoleName: 'CodeDeployOnPrem',
    });
  });

  test('a customer managed policy reads the revisions and decrypts them with the bucket key, nothing else', () => {
    const t = template('Custom');
    t.resourceCountIs('AWS::IAM::ManagedPolicy', 2);
    t.resourceCountIs('AWS::IAM::Policy', 0);
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Action: ['s3:GetObject', 's3:GetObjectVersion'],
            Effect: 'Allow',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::team-revisions/*']] },
          },
          { Action: 'kms:Decrypt', Effect: 'Allow', Resource: KEY_ARN },
        ],
      },
      Roles: [{ Ref: logicalId(stacks.Custom, 'Servers/Role') }],
    });
  });

  test('a bucket without a key: no kms:Decrypt', () => {
    template('Custom').hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [{
          Action: ['s3:GetObject', 's3:GetObjectVersion'],
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::plain-revisions/*']] },
        }],
      },
      Roles: [{ Ref: logicalId(stacks.Custom, 'Fleet/Servers/Role') }],
    });
  });

  test('a bucket of another stack is read through its export', () => {
    template('Consumer').hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [{
          Action: ['s3:GetObject', 's3:GetObjectVersion'],
          Resource: { 'Fn::Join': ['', [{ 'Fn::ImportValue': Match.stringLikeRegexp('^Shared:ExportsOutputFnGetAttRevisions') }, '/*']] },
        }],
      },
    });
  });

  test('the register command names the role; outputs of a nested role carry its parents\' ids', () => {
    const t = template('Custom');
    t.hasOutput('ServersRegisterCommand', {
      Value: withSessionArn('aws deploy register-on-premises-instance --instance-name <INSTANCE_NAME> --iam-session-arn ',
        { Ref: logicalId(stacks.Custom, 'Servers/Role') }),
    });
    expect(Object.keys(t.findOutputs('*')).sort()).toEqual([
      'FleetServersAgentConfig', 'FleetServersRegisterCommand', 'FleetServersRoleArn', 'FleetServersTagCommand',
      'ServersAgentConfig', 'ServersRegisterCommand', 'ServersRoleArn', 'ServersTagCommand',
    ]);
  });
});

describe('validation', () => {
  const role = (props: Partial<OnPremisesInstanceRoleProps>) => () =>
    new OnPremisesInstanceRole(new Stack(new App(), 'Stack'), 'Servers', { assumedBy: new iam.AccountRootPrincipal(), ...props });

  test.each([
    ['role name of 65 characters', { roleName: 'r'.repeat(65) },
      `OnPremisesInstanceRole at Stack/Servers: roleName must be 1 to 64 characters long, got 65 ('${'r'.repeat(65)}')`],
    ['empty role name', { roleName: '' }, "OnPremisesInstanceRole at Stack/Servers: roleName must be 1 to 64 characters long, got 0 ('')"],
    ['role name with a space', { roleName: 'a b' }, "OnPremisesInstanceRole at Stack/Servers: roleName may contain only letters, digits and + = , . @ _ -, got 'a b'"],
    ['role name with a slash', { roleName: 'team/servers' },
      "OnPremisesInstanceRole at Stack/Servers: roleName may contain only letters, digits and + = , . @ _ -, got 'team/servers'"],
    ['sessions under 1 hour', { maxSessionDuration: Duration.minutes(30) },
      'OnPremisesInstanceRole at Stack/Servers: maxSessionDuration must be a whole number of seconds from 3600 to 43200, got 1800 seconds'],
    ['sessions over 12 hours', { maxSessionDuration: Duration.hours(13) },
      'OnPremisesInstanceRole at Stack/Servers: maxSessionDuration must be a whole number of seconds from 3600 to 43200, got 46800 seconds'],
    ['sessions of a fraction of a second', { maxSessionDuration: Duration.millis(3_600_500) },
      'OnPremisesInstanceRole at Stack/Servers: maxSessionDuration must be a whole number of seconds from 3600 to 43200, got 3600.5 seconds'],
  ])('%s', (_name, props, message) => {
    expect(role(props)).toThrow(new Error(message));
  });

  test('every problem is reported at once', () => {
    const name = `my role ${'x'.repeat(62)}`;
    expect(role({ roleName: name, maxSessionDuration: Duration.days(1) })).toThrow(new Error([
      `OnPremisesInstanceRole at Stack/Servers: roleName must be 1 to 64 characters long, got 70 ('${name}')`,
      `OnPremisesInstanceRole at Stack/Servers: roleName may contain only letters, digits and + = , . @ _ -, got '${name}'`,
      'OnPremisesInstanceRole at Stack/Servers: maxSessionDuration must be a whole number of seconds from 3600 to 43200, got 86400 seconds',
    ].join('\n')));
  });

  test('the limits themselves are allowed', () => {
    expect(role({ roleName: 'A1_+=,.@-'.padEnd(64, 'z'), maxSessionDuration: Duration.hours(12) })).not.toThrow();
    expect(role({ roleName: 'r', maxSessionDuration: Duration.hours(1) })).not.toThrow();
  });
});
