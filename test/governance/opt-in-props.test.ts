/**
 * The props that make library resources pass Control Tower's costlier controls: what they render,
 * the permissions they add, and their validation messages. The library's two functions take the
 * same options (`LibraryFunctionOptions`): `deployer` of a `ServerRollout`, `trafficHook` of a
 * `LambdaRollout`; every test of them runs for both.
 */
import {
  App, Stack, aws_cloudwatch as cloudwatch, aws_cloudwatch_actions as actions, aws_ec2 as ec2, aws_kms as kms,
  aws_lambda as lambda, aws_s3 as s3, aws_sns as sns,
} from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { InstanceTagSet } from 'aws-cdk-lib/aws-codedeploy';
import { Construct } from 'constructs';
import { HealthCheck, LambdaRollout, LibraryFunctionOptions, Revision, ServerRollout } from '../../src';
import { inlineFunction } from '../support/inline-function';

const ENV = { account: '111111111111', region: 'eu-west-1' };

/** One of the library's functions, as a rollout asks for it. */
interface FunctionKind {
  /** The rollout prop that holds its options. */
  readonly prop: string;
  readonly owner: string;
  /** Its construct id under the stack. */
  readonly id: string;
  readonly title: string;
  readonly functionDescription: RegExp;
  readonly securityGroupDescription: string;
  /**
   * A rollout `id` in `stack` that uses the function with `options`: returns what creates or takes
   * the function (for the deployer, its first deployment; for the hook, the rollout itself).
   */
  use(stack: Stack, id: string, options?: LibraryFunctionOptions): () => void;
}

const KINDS: FunctionKind[] = [
  {
    prop: 'deployer',
    owner: 'ServerRollout',
    id: 'RevisionDeployer',
    title: 'server deployer',
    functionDescription: /^Server deployer of this stack: deploys the revisions of its RevisionDeployments during cdk deploy, creates, updates and deletes its blue\/green deployment groups/,
    securityGroupDescription: 'Server deployer: outbound HTTPS to CodeDeploy, Lambda and Amazon S3',
    use: (stack, id, options) => {
      const rollout = new ServerRollout(stack, id, { ec2InstanceTags: new InstanceTagSet({ app: [id] }), deployer: options });
      return () => rollout.addRevisionDeployment('Release', Revision.fromBucket(s3.Bucket.fromBucketName(stack, `${id}Releases`, 'releases'), `${id}.zip`));
    },
  },
  {
    prop: 'trafficHook',
    owner: 'LambdaRollout',
    id: 'TrafficHook',
    title: 'traffic hook',
    functionDescription: /^CodeDeploy hook of the Lambda rollouts of this stack/,
    securityGroupDescription: 'Traffic hook: outbound HTTPS to CodeDeploy, Lambda, Systems Manager and CloudWatch',
    use: (stack, id, options) => () => {
      new LambdaRollout(stack, id, { function: inlineFunction(stack, `${id}Fn`), keepVersions: 3, trafficHook: options });
    },
  },
];

/** A stack where `kind` is created by a rollout `Batch` with the options `options(stack)` gives. */
function stackWith(kind: FunctionKind, options?: (stack: Stack) => LibraryFunctionOptions) {
  const stack = new Stack(new App(), 'Stack', { env: ENV });
  const given = options?.(stack);
  kind.use(stack, 'Batch', given)();
  return { stack, options: given, template: () => Template.fromStack(stack) };
}

const isolatedVpc = (stack: Stack) => new ec2.Vpc(stack, 'Vpc', {
  maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
});

describe.each(KINDS)('$prop.logGroupEncryptionKey', (kind) => {
  const { stack, template } = stackWith(kind, (s) => ({ logGroupEncryptionKey: new kms.Key(s, 'LogsKey', { enableKeyRotation: true }) }));
  const keyId = () => stack.getLogicalId(stack.node.findChild('LogsKey').node.defaultChild as kms.CfnKey);
  const logGroupName = `/cdk-codedeploy-rollouts/Stack-${kind.id}-`;

  test('the log group has a name fixed at synth and the key', () => {
    template().hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: Match.stringLikeRegexp(`^${logGroupName}[A-F0-9]{8}$`),
      KmsKeyId: { 'Fn::GetAtt': [keyId(), 'Arn'] },
      RetentionInDays: 365,
    });
  });

  test('the key policy lets CloudWatch Logs of the Region use the key for that log group only', () => {
    const name = Object.values(template().findResources('AWS::Logs::LogGroup'))[0].Properties.LogGroupName;
    template().hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([{
          Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
          Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': stack.resolve(`arn:${stack.partition}:logs:eu-west-1:111111111111:log-group:${name}`) } },
          Effect: 'Allow',
          Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
          Resource: '*',
        }]),
      },
    });
  });

  test('the function\'s role gets no KMS permission: CloudWatch Logs encrypts', () => {
    const policies = JSON.stringify([template().findResources('AWS::IAM::Policy'), template().findResources('AWS::IAM::ManagedPolicy')]);
    expect(policies).not.toContain('kms:');
  });

  test('an imported key: the rollout says what its policy must allow', () => {
    const imported = stackWith(kind, (s) => ({ logGroupEncryptionKey: kms.Key.fromKeyArn(s, 'Imported', 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab') }));
    Annotations.fromStack(imported.stack).hasWarning(`/Stack/${kind.id}`, Match.stringLikeRegexp(
      `^${kind.prop}.logGroupEncryptionKey is imported, so its key policy cannot be changed here: allow logs.eu-west-1.amazonaws.com `
      + 'kms:Encrypt\\*, kms:Decrypt\\*, kms:ReEncrypt\\* and kms:GenerateDataKey\\* with kms:EncryptionContext:aws:logs:arn '
      + `the ARN of log group /cdk-codedeploy-rollouts/Stack-${kind.id}-[A-F0-9]{8}, or CloudWatch Logs cannot create the log group`));
  });
});

describe.each(KINDS)('$prop.vpc', (kind) => {
  const { stack, template } = stackWith(kind, (s) => ({ vpc: isolatedVpc(s), vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }));
  const ownGroup = () => stack.node.findChild(kind.id).node.findChild('SecurityGroup') as ec2.SecurityGroup;
  const sgId = () => stack.getLogicalId(ownGroup().node.defaultChild as ec2.CfnSecurityGroup);

  test('the function runs in the subnets with a security group of its own', () => {
    const vpc = stack.node.findChild('Vpc') as ec2.Vpc;
    template().hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp(kind.functionDescription.source),
      VpcConfig: {
        SubnetIds: vpc.isolatedSubnets.map((subnet) => ({ Ref: stack.getLogicalId(subnet.node.defaultChild as ec2.CfnSubnet) })),
        SecurityGroupIds: [{ 'Fn::GetAtt': [sgId(), 'GroupId'] }],
      },
    });
  });

  test('the security group allows outbound HTTPS only, and nothing inbound', () => {
    template().hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: kind.securityGroupDescription,
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', Description: `HTTPS to the AWS APIs the ${kind.title} calls`, FromPort: 443, IpProtocol: 'tcp', ToPort: 443 }],
      SecurityGroupIngress: Match.absent(),
    });
  });

  test('the role may create network interfaces only in these subnets and this security group, and the function waits for that', () => {
    const vpc = stack.node.findChild('Vpc') as ec2.Vpc;
    const arn = (resource: string) => stack.resolve(`arn:${stack.partition}:ec2:eu-west-1:111111111111:${resource}`);
    const eni = arn('network-interface/*');
    const policies = template().findResources('AWS::IAM::ManagedPolicy', {
      Properties: { Description: `Lets the ${kind.title} function create and delete its network interfaces in its subnets and security groups` },
    });
    const [[policyId, policy]] = Object.entries(policies);
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      {
        Action: 'ec2:CreateNetworkInterface',
        Effect: 'Allow',
        Resource: [
          eni,
          ...vpc.isolatedSubnets.map((subnet) => arn(`subnet/${subnet.subnetId}`)),
          arn(`security-group/${ownGroup().securityGroupId}`),
        ],
      },
      { Action: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'], Effect: 'Allow', Resource: eni },
      { Action: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], Effect: 'Allow', Resource: '*' },
    ]);
    const [fn] = Object.values(template().findResources('AWS::Lambda::Function', { Properties: { VpcConfig: Match.anyValue() } }));
    expect(fn.DependsOn).toContain(policyId);
  });

  test('security groups of your own are used as they are', () => {
    const own = stackWith(kind, (s) => {
      const vpc = isolatedVpc(s);
      return { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, securityGroups: [new ec2.SecurityGroup(s, 'Mine', { vpc })] };
    });
    own.template().resourceCountIs('AWS::EC2::SecurityGroup', 1);
    expect(own.stack.node.findChild(kind.id).node.tryFindChild('SecurityGroup')).toBeUndefined();
  });
});

describe.each(KINDS)('one $prop per stack', (kind) => {
  const libraryFunctions = (stack: Stack) => Template.fromStack(stack).findResources('AWS::Lambda::Function', {
    Properties: { Description: Match.stringLikeRegexp(kind.functionDescription.source) },
  });

  test('a second rollout with the same options, or none, shares the function', () => {
    const { stack, options } = stackWith(kind, isolatedVpcOptions);
    kind.use(stack, 'Same', options)();
    kind.use(stack, 'None')();
    expect(Object.keys(libraryFunctions(stack))).toHaveLength(1);
  });

  test('the same subnet selection written twice is the same function; other subnets are not', () => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'A', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, { name: 'B', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    });
    kind.use(stack, 'First', { vpc, vpcSubnets: { subnetGroupName: 'A' } })();
    expect(kind.use(stack, 'Second', { vpc, vpcSubnets: { subnetGroupName: 'A' } })).not.toThrow();
    expect(kind.use(stack, 'Third', { vpc, vpcSubnets: { subnetGroupName: 'B' } }))
      .toThrow(new RegExp(`^${kind.owner} at Stack/Third: ${kind.prop} differs from the ${kind.prop} options of Stack/First`));
  });

  test('a second rollout with other options (a key, a runtime) is an error that names both', () => {
    for (const [id, other] of [
      ['OtherKey', (s: Stack) => ({ logGroupEncryptionKey: new kms.Key(s, 'AnotherLogsKey', { enableKeyRotation: true }) })],
      ['OtherRuntime', () => ({ runtime: lambda.Runtime.NODEJS_22_X })],
    ] as const) {
      const { stack } = stackWith(kind);
      expect(kind.use(stack, id, other(stack))).toThrow(new Error(
        `${kind.owner} at Stack/${id}: ${kind.prop} differs from the ${kind.prop} options of Stack/Batch, which created the one ${kind.title} of the stack; `
        + `give every rollout of a stack the same ${kind.prop} options (or none after the first)`));
    }
  });

  test('a construct of the stack that has the function\'s id is an error that names it', () => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    new Construct(stack, kind.id);
    expect(kind.use(stack, 'Batch')).toThrow(new Error(`Stack/Batch needs the library's function ${kind.id} directly under the stack, `
      + `and the stack already holds a construct of that id: rename Stack/${kind.id}`));
  });

  test('a rollout that does not use the function ignores its options', () => {
    const { stack } = stackWith(kind);
    const unused = kind.prop === 'deployer'
      ? () => new ServerRollout(stack, 'Idle', { ec2InstanceTags: new InstanceTagSet({ app: ['idle'] }), deployer: isolatedVpcOptions(stack) })
      : () => new LambdaRollout(stack, 'Idle', { function: inlineFunction(stack, 'IdleFn'), trafficHook: isolatedVpcOptions(stack) });
    expect(unused).not.toThrow();
    const [fn] = Object.values(libraryFunctions(stack));
    expect(fn.Properties.VpcConfig).toBeUndefined();
  });

  function isolatedVpcOptions(stack: Stack): LibraryFunctionOptions {
    const vpc = stack.node.tryFindChild('Vpc') as ec2.Vpc | undefined ?? isolatedVpc(stack);
    return { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } };
  }
});

describe.each(KINDS)('$prop validation', (kind) => {
  const build = (options: (stack: Stack) => LibraryFunctionOptions) => () => stackWith(kind, options);
  test.each([
    ['subnets without a VPC', () => ({ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }),
      `${kind.prop}.vpcSubnets and ${kind.prop}.securityGroups need ${kind.prop}.vpc, got no vpc`],
    ['no security group', (s: Stack) => ({ vpc: isolatedVpc(s), securityGroups: [] }),
      `${kind.prop}.securityGroups must hold 1 to 5 security groups, got 0`],
    ['six security groups', (s: Stack) => {
      const vpc = isolatedVpc(s);
      return { vpc, securityGroups: [1, 2, 3, 4, 5, 6].map((i) => new ec2.SecurityGroup(s, `Group${i}`, { vpc })) };
    }, `${kind.prop}.securityGroups must hold 1 to 5 security groups, got 6`],
    ['a runtime older than Node.js 22', () => ({ runtime: lambda.Runtime.NODEJS_20_X }),
      `${kind.prop}.runtime must be a Node.js runtime of version 22 or later (the function's code is built for Node.js 22), got nodejs20.x`],
    ['a runtime of another language', () => ({ runtime: lambda.Runtime.PYTHON_3_12 }),
      `${kind.prop}.runtime must be a Node.js runtime of version 22 or later (the function's code is built for Node.js 22), got python3.12`],
    ['an unversioned Node.js runtime', () => ({ runtime: new lambda.Runtime('nodejs', lambda.RuntimeFamily.NODEJS) }),
      `${kind.prop}.runtime must be a Node.js runtime of version 22 or later (the function's code is built for Node.js 22), got nodejs`],
  ])('%s', (_name, options, message) => {
    expect(build(options)).toThrow(new Error(`${kind.owner} at Stack/Batch: ${message}`));
  });

  test('security groups without a VPC: both problems at once', () => {
    expect(build(() => ({ securityGroups: [] }))).toThrow(new Error([
      `${kind.owner} at Stack/Batch: ${kind.prop}.vpcSubnets and ${kind.prop}.securityGroups need ${kind.prop}.vpc, got no vpc`,
      `${kind.owner} at Stack/Batch: ${kind.prop}.securityGroups must hold 1 to 5 security groups, got 0`,
    ].join('\n')));
  });

  test.each([lambda.Runtime.NODEJS_22_X, lambda.Runtime.NODEJS_24_X, lambda.Runtime.NODEJS_LATEST])('%s is accepted, and runs the function', (runtime) => {
    const { template } = stackWith(kind, () => ({ runtime }));
    template().hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp(kind.functionDescription.source),
      Runtime: runtime.name,
    });
  });
});

describe('alarmActions', () => {
  const stack = new Stack(new App(), 'Alarms', { env: ENV });
  const topic = new sns.Topic(stack, 'Pager');
  const own = new cloudwatch.Alarm(stack, 'Own', { metric: new cloudwatch.Metric({ namespace: 'App', metricName: 'Errors' }), threshold: 1, evaluationPeriods: 1 });
  const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};') });
  const lambdaRollout = new LambdaRollout(stack, 'Api', {
    function: fn,
    healthChecks: [HealthCheck.lambdaErrors(), HealthCheck.metric(fn.metricDuration(), { threshold: 1000 }), HealthCheck.alarm(own)],
    alarmActions: [new actions.SnsAction(topic)],
  });
  const serverRollout = new ServerRollout(stack, 'Batch', {
    ec2InstanceTags: new InstanceTagSet({ app: ['batch'] }),
    healthChecks: [HealthCheck.metric(new cloudwatch.Metric({ namespace: 'Batch', metricName: 'Failures' }), { threshold: 1 })],
    alarmActions: [new actions.SnsAction(topic)],
  });
  const template = Template.fromStack(stack);
  const topicRef = { Ref: stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic) };

  test.each([
    ['the Lambda rollout\'s new-version alarm', () => lambdaRollout.alarms[0]],
    ['the Lambda rollout\'s metric alarm', () => lambdaRollout.alarms[1]],
    ['the server rollout\'s metric alarm', () => serverRollout.alarms[0]],
  ])('%s notifies the topic on ALARM', (_name, alarm) => {
    const resource = (alarm() as cloudwatch.Alarm).node.defaultChild as cloudwatch.CfnAlarm;
    expect(template.toJSON().Resources[stack.getLogicalId(resource)].Properties.AlarmActions).toEqual([topicRef]);
  });

  test('an alarm passed with HealthCheck.alarm is left as it is', () => {
    expect(template.toJSON().Resources[stack.getLogicalId(own.node.defaultChild as cloudwatch.CfnAlarm)].Properties.AlarmActions).toBeUndefined();
    expect(lambdaRollout.alarms[2]).toBe(own);
  });

  test.each([
    [0, 'LambdaRollout at S/R: alarmActions must hold 1 to 5 actions, got 0'],
    [6, 'LambdaRollout at S/R: alarmActions must hold 1 to 5 actions, got 6'],
  ])('%d actions are rejected', (count, message) => {
    const s = new Stack(new App(), 'S');
    const t = new sns.Topic(s, 'T');
    const f = new lambda.Function(s, 'F', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};') });
    expect(() => new LambdaRollout(s, 'R', { function: f, alarmActions: Array.from({ length: count }, () => new actions.SnsAction(t)) })).toThrow(new Error(message));
  });

  test('the server rollout checks the same range', () => {
    const s = new Stack(new App(), 'S');
    expect(() => new ServerRollout(s, 'R', { ec2InstanceTags: new InstanceTagSet({ app: ['x'] }), alarmActions: [] }))
      .toThrow(new Error('ServerRollout at S/R: alarmActions must hold 1 to 5 actions, got 0'));
  });
});
