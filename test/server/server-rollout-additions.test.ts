import { App, Stack, aws_autoscaling as autoscaling, aws_cloudwatch as cloudwatch, aws_ec2 as ec2, aws_elasticloadbalancingv2 as elbv2, aws_s3 as s3 } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { InstanceTagSet, LoadBalancer } from 'aws-cdk-lib/aws-codedeploy';
import { AgentInstallation, HealthCheck, Revision, ServerRollout } from '../../src';
import { checkedApp, checkedSynth, CheckedSynth } from '../support/checked-synth';
import { logicalId } from '../support/logical-id';

/**
 * What a user of aws-cdk-lib's ServerDeploymentGroup expects to add after construction
 * (`addAutoScalingGroup`, `addAlarm`), with the rollout's grants following.
 */
function fleet(stack: Stack, id: string, vpc: ec2.IVpc): autoscaling.AutoScalingGroup {
  return new autoscaling.AutoScalingGroup(stack, id, { vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023() });
}
function network(stack: Stack): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'app', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
}

describe('groups and checks added after construction', () => {
  let result: CheckedSynth;
  let stack: Stack;

  beforeAll(() => {
    const app = checkedApp();
    stack = new Stack(app, 'Added');
    const vpc = network(stack);
    const first = fleet(stack, 'First', vpc);
    const second = fleet(stack, 'Second', vpc);
    const targets = new elbv2.ApplicationTargetGroup(stack, 'Targets', { vpc, port: 80, targets: [first, second] });
    new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc }).addListener('Http', { port: 80, defaultTargetGroups: [targets] });
    // Created with no target and no check, as aws-cdk-lib's group can be.
    const rollout = new ServerRollout(stack, 'Rollout', { loadBalancers: [LoadBalancer.application(targets)] });
    rollout.addRevisionDeployment('Release', Revision.fromBucket(s3.Bucket.fromBucketName(stack, 'Releases', 'team-releases'), 'web/1.zip'));
    rollout.addAutoScalingGroup(first);
    rollout.addAutoScalingGroup(second);
    rollout.addHealthCheck(HealthCheck.targetGroup5xx(targets));
    rollout.addAlarm(new cloudwatch.Alarm(stack, 'Orders', {
      metric: new cloudwatch.Metric({ namespace: 'Shop', metricName: 'FailedOrders' }), threshold: 1, evaluationPeriods: 1,
    }));
    result = checkedSynth(app);
  });

  test('no finding of CloudFormation\'s validator or of cdk-nag about the rollout', () => {
    expect(result.templateFindings).toEqual([]);
    expect(result.nagFindings.filter((f) => /\/Rollout\/|RolloutsServiceRole/.test(f.where))).toEqual([]);
  });

  test('the group deploys to both Auto Scaling groups and stops on both alarms, rolling back on alarm by default', () => {
    result.template(stack).hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      AutoScalingGroups: [{ Ref: logicalId(stack, 'First/ASG') }, { Ref: logicalId(stack, 'Second/ASG') }],
      AlarmConfiguration: { Enabled: true, Alarms: [{ Name: { Ref: Match.stringLikeRegexp('^RolloutMetricAlarm') } }, { Name: { Ref: logicalId(stack, 'Orders') } }] },
      AutoRollbackConfiguration: { Enabled: true, Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST', 'DEPLOYMENT_STOP_ON_ALARM'] },
    });
  });

  test('the service role may manage the lifecycle hooks of both groups, and the group waits for it', () => {
    const template = result.template(stack).toJSON();
    const policies = Object.keys(template.Resources).filter((id) => template.Resources[id].Type === 'AWS::IAM::ManagedPolicy'
      && JSON.stringify(template.Resources[id].Properties.PolicyDocument).includes('autoscaling:PutLifecycleHook'));
    const granted = policies.map((id) => JSON.stringify(template.Resources[id].Properties.PolicyDocument)).join();
    for (const group of ['First/ASG', 'Second/ASG']) {
      expect(granted).toContain(`:autoScalingGroupName/",{"Ref":"${logicalId(stack, group)}"}`);
    }
    expect(template.Resources[logicalId(stack, 'Rollout/DeploymentGroup')].DependsOn).toEqual(expect.arrayContaining(policies));
  });

  test('both instance roles may read the revision, and the agent reaches both groups', () => {
    const template = result.template(stack);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Description: 'Lets the fleet download CodeDeploy revisions',
      Roles: [{ Ref: logicalId(stack, 'First/InstanceRole') }, { Ref: logicalId(stack, 'Second/InstanceRole') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['s3:GetObject', 's3:GetObjectVersion'] })]) },
    });
    template.hasResourceProperties('AWS::SSM::Association', {
      Targets: [{ Key: 'tag:aws:autoscaling:groupName', Values: [{ Ref: logicalId(stack, 'First/ASG') }, { Ref: logicalId(stack, 'Second/ASG') }] }],
    });
  });
});

// The revision bucket is created when first read, and the instance roles' read policy with its
// first grant: a group added after either still gets what the groups given as props get.
describe('the revision bucket and the read policy follow groups added later', () => {
  const readPolicies = (stack: Stack) => Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy', {
    Properties: { Description: 'Lets the fleet download CodeDeploy revisions' },
  });

  test('a bucket read before the group was added: the group\'s role may read its objects', () => {
    const stack = new Stack(new App(), 'Stack');
    const web = fleet(stack, 'Web', network(stack));
    const rollout = new ServerRollout(stack, 'Rollout', { ec2InstanceTags: new InstanceTagSet({ app: ['web'] }) });
    const bucket = rollout.revisionBucket;
    // No instance role yet: nothing to grant to.
    expect(rollout.node.tryFindChild('RevisionReadPolicy')).toBeUndefined();
    rollout.addAutoScalingGroup(web);
    const policies = Object.values(readPolicies(stack));
    expect(policies).toHaveLength(1);
    expect(policies[0].Properties.Roles).toEqual([{ Ref: logicalId(stack, 'Web/InstanceRole') }]);
    expect(policies[0].Properties.PolicyDocument.Statement).toEqual([{
      Action: ['s3:GetObject', 's3:GetObjectVersion'],
      Effect: 'Allow',
      Resource: stack.resolve(bucket.arnForObjects('*')),
    }]);
  });

  test('a group added to a rollout whose group already reads: one policy, attached to both roles', () => {
    const stack = new Stack(new App(), 'Stack');
    const vpc = network(stack);
    const rollout = new ServerRollout(stack, 'Rollout', { autoScalingGroups: [fleet(stack, 'First', vpc)] });
    rollout.revisionBucket;
    rollout.addAutoScalingGroup(fleet(stack, 'Second', vpc));
    const policies = Object.values(readPolicies(stack));
    expect(policies).toHaveLength(1);
    expect(policies[0].Properties.Roles).toEqual([{ Ref: logicalId(stack, 'First/InstanceRole') }, { Ref: logicalId(stack, 'Second/InstanceRole') }]);
  });

  test('nothing to read: a group added later gets no read policy, and no bucket is created', () => {
    const stack = new Stack(new App(), 'Stack');
    const rollout = new ServerRollout(stack, 'Rollout', { ec2InstanceTags: new InstanceTagSet({ app: ['web'] }) });
    rollout.addAutoScalingGroup(fleet(stack, 'Web', network(stack)));
    expect(readPolicies(stack)).toEqual({});
    Template.fromStack(stack).resourceCountIs('AWS::S3::Bucket', 0);
  });
});

test('ignorePollAlarmsFailure lets a deployment go on when CodeDeploy cannot read the alarms', () => {
  const stack = new Stack(new App(), 'Stack');
  new ServerRollout(stack, 'Rollout', {
    ec2InstanceTags: new InstanceTagSet({ app: ['web'] }),
    healthChecks: [HealthCheck.alarm(cloudwatch.Alarm.fromAlarmName(stack, 'Alarm', 'web-errors'))],
    ignorePollAlarmsFailure: true,
  });
  Template.fromStack(stack).hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
    AlarmConfiguration: { Enabled: true, IgnorePollAlarmFailure: true, Alarms: [{ Name: 'web-errors' }] },
  });
});

describe('what an addition cannot do is refused with what to do instead', () => {
  const setup = () => {
    const stack = new Stack(new App(), 'Stack');
    const vpc = network(stack);
    return { stack, vpc };
  };

  test('a second group for a blue/green rollout, the same group twice, an eleventh group', () => {
    const { stack, vpc } = setup();
    const web = fleet(stack, 'Web', vpc);
    const targets = new elbv2.ApplicationTargetGroup(stack, 'Targets', { vpc, port: 80, targets: [web] });
    const blueGreen = new ServerRollout(stack, 'BlueGreen', { autoScalingGroups: [web], loadBalancers: [LoadBalancer.application(targets)], blueGreen: {} });
    expect(() => blueGreen.addAutoScalingGroup(fleet(stack, 'Other', vpc))).toThrow(new Error(
      'ServerRollout at Stack/BlueGreen: addAutoScalingGroup(Stack/Other): a blue/green rollout copies the one Auto Scaling group it was created with, and takes no other'));

    const inPlace = new ServerRollout(stack, 'InPlace', { autoScalingGroups: [web] });
    expect(() => inPlace.addAutoScalingGroup(web)).toThrow(new Error(
      'ServerRollout at Stack/InPlace: addAutoScalingGroup(Stack/Web): the rollout already deploys to that group'));

    const groups = Array.from({ length: 10 }, (_, i) => autoscaling.AutoScalingGroup.fromAutoScalingGroupName(stack, `G${i}`, `g${i}`));
    const full = new ServerRollout(stack, 'Full', { autoScalingGroups: groups });
    expect(() => full.addAutoScalingGroup(autoscaling.AutoScalingGroup.fromAutoScalingGroupName(stack, 'G10', 'g10'))).toThrow(new Error(
      'ServerRollout at Stack/Full: addAutoScalingGroup(Stack/G10): autoScalingGroups must hold at most 10 groups, got 11'));
  });

  test('an imported group for an agent in user data', () => {
    const { stack, vpc } = setup();
    const rollout = new ServerRollout(stack, 'Rollout', { autoScalingGroups: [fleet(stack, 'Web', vpc)], agent: AgentInstallation.userData() });
    expect(() => rollout.addAutoScalingGroup(autoscaling.AutoScalingGroup.fromAutoScalingGroupName(stack, 'Legacy', 'legacy'))).toThrow(new Error(
      'ServerRollout at Stack/Rollout: agent: AgentInstallation.userData() needs Auto Scaling groups defined in this app, got imported Stack/Legacy '
      + '(use AgentInstallation.systemsManager(), or install the agent in their launch template)'));
  });

  test('a Lambda check, an alarm past maxAlarms, the same alarm twice', () => {
    const { stack } = setup();
    const alarm = cloudwatch.Alarm.fromAlarmName(stack, 'Alarm', 'web-errors');
    const rollout = new ServerRollout(stack, 'Rollout', { ec2InstanceTags: new InstanceTagSet({ app: ['web'] }), healthChecks: [HealthCheck.alarm(alarm)], maxAlarms: 1 });
    expect(() => rollout.addHealthCheck(HealthCheck.lambdaErrors())).toThrow(new Error([
      'ServerRollout at Stack/Rollout: addHealthCheck(HealthCheck.lambdaErrors): a Lambda check watches a Lambda alias, which a server rollout does not have',
      'ServerRollout at Stack/Rollout: addHealthCheck(HealthCheck.lambdaErrors): the deployment group would have 2 alarms, more than maxAlarms (1; raise it if your CodeDeploy quota was raised)',
    ].join('\n')));
    const roomy = new ServerRollout(stack, 'Roomy', { ec2InstanceTags: new InstanceTagSet({ app: ['web'] }), healthChecks: [HealthCheck.alarm(alarm)] });
    expect(() => roomy.addAlarm(alarm)).toThrow(new Error('ServerRollout at Stack/Roomy: healthChecks 1 and 2 are the same HealthCheck.alarm: give each check once'));
  });
});
