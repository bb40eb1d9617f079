/**
 * The props that make library resources pass Control Tower's costlier controls: what they render,
 * the permissions they add, and their validation messages.
 */
import {
  App, Stack, aws_cloudwatch as cloudwatch, aws_cloudwatch_actions as actions, aws_ec2 as ec2, aws_kms as kms,
  aws_lambda as lambda, aws_sns as sns,
} from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { InstanceTagSet } from 'aws-cdk-lib/aws-codedeploy';
import { HealthCheck, LambdaRollout, Revision, LibraryFunctionOptions, ServerRollout, ServerRolloutProps } from '../../src';

const ENV = { account: '111111111111', region: 'eu-west-1' };

function serverStack(deployer?: (stack: Stack) => LibraryFunctionOptions, extra: Partial<ServerRolloutProps> = {}) {
  const stack = new Stack(new App(), 'Stack', { env: ENV });
  const options = deployer?.(stack);
  const rollout = new ServerRollout(stack, 'Batch', { ec2InstanceTags: new InstanceTagSet({ app: ['batch'] }), deployer: options, ...extra });
  rollout.deploy('Release', Revision.fromBucket(rollout.revisionBucket, 'batch.zip'));
  return { stack, rollout, options, template: () => Template.fromStack(stack) };
}

const isolatedVpc = (stack: Stack) => new ec2.Vpc(stack, 'Vpc', {
  maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
});

describe('deployer.logGroupEncryptionKey', () => {
  const { stack, template } = serverStack((s) => ({ logGroupEncryptionKey: new kms.Key(s, 'LogsKey', { enableKeyRotation: true }) }));
  const keyId = () => stack.getLogicalId(stack.node.findChild('LogsKey').node.defaultChild as kms.CfnKey);
  const logGroupName = '/cdk-codedeploy-rollouts/Stack-RevisionDeployer-';

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

  test('the deployer role gets no KMS permission: CloudWatch Logs encrypts', () => {
    const policies = JSON.stringify([template().findResources('AWS::IAM::Policy'), template().findResources('AWS::IAM::ManagedPolicy')]);
    expect(policies).not.toContain('kms:');
  });

  test('an imported key: the rollout says what its policy must allow', () => {
    const imported = serverStack((s) => ({ logGroupEncryptionKey: kms.Key.fromKeyArn(s, 'Imported', 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab') }));
    Annotations.fromStack(imported.stack).hasWarning('/Stack/RevisionDeployer', Match.stringLikeRegexp(
      '^deployer.logGroupEncryptionKey is imported, so its key policy cannot be changed here: allow logs.eu-west-1.amazonaws.com '
      + 'kms:Encrypt\\*, kms:Decrypt\\*, kms:ReEncrypt\\* and kms:GenerateDataKey\\* with kms:EncryptionContext:aws:logs:arn '
      + 'the ARN of log group /cdk-codedeploy-rollouts/Stack-RevisionDeployer-[A-F0-9]{8}, or CloudWatch Logs cannot create the log group'));
  });
});

describe('deployer.vpc', () => {
  const { stack, rollout, template } = serverStack((s) => ({ vpc: isolatedVpc(s), vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }));
  const sgId = () => stack.getLogicalId(stack.node.findChild('RevisionDeployer').node.findChild('SecurityGroup').node.defaultChild as ec2.CfnSecurityGroup);

  test('the function runs in the subnets with a security group of its own', () => {
    const vpc = stack.node.findChild('Vpc') as ec2.Vpc;
    template().hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Server deployer of this stack: '),
      VpcConfig: {
        SubnetIds: vpc.isolatedSubnets.map((subnet) => ({ Ref: stack.getLogicalId(subnet.node.defaultChild as ec2.CfnSubnet) })),
        SecurityGroupIds: [{ 'Fn::GetAtt': [sgId(), 'GroupId'] }],
      },
    });
  });

  test('the security group allows outbound HTTPS only, and nothing inbound', () => {
    template().hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Server deployer: outbound HTTPS to CodeDeploy, Lambda and Amazon S3',
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', Description: 'HTTPS to the AWS APIs the server deployer calls', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 }],
      SecurityGroupIngress: Match.absent(),
    });
  });

  test('the role may create network interfaces only in these subnets and this security group, and the function waits for that', () => {
    const vpc = stack.node.findChild('Vpc') as ec2.Vpc;
    const arn = (resource: string) => stack.resolve(`arn:${stack.partition}:ec2:eu-west-1:111111111111:${resource}`);
    const eni = arn('network-interface/*');
    const policies = template().findResources('AWS::IAM::ManagedPolicy', {
      Properties: { Description: 'Lets the server deployer function create and delete its network interfaces in its subnets and security groups' },
    });
    const [[policyId, policy]] = Object.entries(policies);
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      {
        Action: 'ec2:CreateNetworkInterface',
        Effect: 'Allow',
        Resource: [
          eni,
          ...vpc.isolatedSubnets.map((subnet) => arn(`subnet/${subnet.subnetId}`)),
          arn(`security-group/${(stack.node.findChild('RevisionDeployer').node.findChild('SecurityGroup') as ec2.SecurityGroup).securityGroupId}`),
        ],
      },
      { Action: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'], Effect: 'Allow', Resource: eni },
      { Action: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], Effect: 'Allow', Resource: '*' },
    ]);
    const fn = Object.values(template().findResources('AWS::Lambda::Function'))[0];
    expect(fn.DependsOn).toContain(policyId);
    expect(rollout.node.tryFindChild('Release')).toBeDefined();
  });

  test('security groups of your own are used as they are', () => {
    const own = serverStack((s) => {
      const vpc = isolatedVpc(s);
      return { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, securityGroups: [new ec2.SecurityGroup(s, 'Mine', { vpc })] };
    });
    own.template().resourceCountIs('AWS::EC2::SecurityGroup', 1);
    expect(own.stack.node.findChild('RevisionDeployer').node.tryFindChild('SecurityGroup')).toBeUndefined();
  });
});

describe('one deployer per stack', () => {
  test('a second rollout with the same options, or none, shares the deployer', () => {
    const { stack, options } = serverStack(isolatedVpcOptions);
    for (const [id, deployer] of [['Same', options], ['None', undefined]] as const) {
      const rollout = new ServerRollout(stack, id, { ec2InstanceTags: new InstanceTagSet({ app: [id] }), deployer });
      rollout.deploy('Release', Revision.fromBucket(rollout.revisionBucket, 'app.zip'));
    }
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Function', 1);
  });

  test('the same subnet selection written twice is the same deployer; other subnets are not', () => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'A', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, { name: 'B', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    });
    const rollout = (id: string, groupName: string) => {
      const r = new ServerRollout(stack, id, {
        ec2InstanceTags: new InstanceTagSet({ app: [id] }),
        deployer: { vpc, vpcSubnets: { subnetGroupName: groupName } },
      });
      return () => r.deploy('Release', Revision.fromBucket(r.revisionBucket, 'app.zip'));
    };
    rollout('First', 'A')();
    expect(rollout('Second', 'A')).not.toThrow();
    expect(rollout('Third', 'B')).toThrow(/^ServerRollout: deployer of Stack\/Third differs from the deployer options of Stack\/First/);
  });

  test('a second rollout with other options is an error that names both', () => {
    const { stack } = serverStack(isolatedVpcOptions);
    const other = new ServerRollout(stack, 'Other', {
      ec2InstanceTags: new InstanceTagSet({ app: ['other'] }),
      deployer: { logGroupEncryptionKey: new kms.Key(stack, 'OtherKey', { enableKeyRotation: true }) },
    });
    expect(() => other.deploy('Release', Revision.fromBucket(other.revisionBucket, 'other.zip'))).toThrow(new Error(
      'ServerRollout: deployer of Stack/Other differs from the deployer options of Stack/Batch, which created the one server deployer of the stack; '
      + 'give every rollout of a stack the same deployer options (or none after the first)'));
  });

  function isolatedVpcOptions(stack: Stack): LibraryFunctionOptions {
    return { vpc: isolatedVpc(stack), vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } };
  }
});

describe('deployer validation', () => {
  const build = (deployer: (stack: Stack) => LibraryFunctionOptions) => () => serverStack(deployer);
  test.each([
    ['subnets without a VPC', () => ({ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }),
      'ServerRollout: deployer.vpcSubnets and deployer.securityGroups need deployer.vpc, got no vpc'],
    ['no security group', (s: Stack) => ({ vpc: isolatedVpc(s), securityGroups: [] }),
      'ServerRollout: deployer.securityGroups must hold 1 to 5 security groups, got 0'],
    ['six security groups', (s: Stack) => {
      const vpc = isolatedVpc(s);
      return { vpc, securityGroups: [1, 2, 3, 4, 5, 6].map((i) => new ec2.SecurityGroup(s, `Group${i}`, { vpc })) };
    }, 'ServerRollout: deployer.securityGroups must hold 1 to 5 security groups, got 6'],
  ])('%s', (_name, deployer, message) => {
    expect(build(deployer)).toThrow(new Error(message));
  });

  test('security groups without a VPC: both problems at once', () => {
    expect(build(() => ({ securityGroups: [] }))).toThrow(new Error([
      'ServerRollout: deployer.vpcSubnets and deployer.securityGroups need deployer.vpc, got no vpc',
      'ServerRollout: deployer.securityGroups must hold 1 to 5 security groups, got 0',
    ].join('\n')));
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
    [0, 'LambdaRollout: alarmActions must hold 1 to 5 actions, got 0'],
    [6, 'LambdaRollout: alarmActions must hold 1 to 5 actions, got 6'],
  ])('%d actions are rejected', (count, message) => {
    const s = new Stack(new App(), 'S');
    const t = new sns.Topic(s, 'T');
    const f = new lambda.Function(s, 'F', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};') });
    expect(() => new LambdaRollout(s, 'R', { function: f, alarmActions: Array.from({ length: count }, () => new actions.SnsAction(t)) })).toThrow(new Error(message));
  });

  test('the server rollout checks the same range', () => {
    const s = new Stack(new App(), 'S');
    expect(() => new ServerRollout(s, 'R', { ec2InstanceTags: new InstanceTagSet({ app: ['x'] }), alarmActions: [] }))
      .toThrow(new Error('ServerRollout: alarmActions must hold 1 to 5 actions, got 0'));
  });
});
