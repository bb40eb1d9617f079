import { join } from 'path';
import {
  App, CfnResource, Duration, Stack, aws_autoscaling as autoscaling, aws_ec2 as ec2, aws_elasticloadbalancingv2 as elbv2,
} from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { InstanceTagSet, LoadBalancer } from 'aws-cdk-lib/aws-codedeploy';
import { AutoScalingProcess, BlueGreenOptions, HealthCheck, Revision, ServerRollout, ServerRolloutProps } from '../../src';
import { readGroupInput } from '../../src/handlers/server-deployer/deployment-group/group-input';
import { checkedApp, checkedSynth, CheckedSynth } from '../support/checked-synth';
import { logicalId, metricAlarmPaths } from '../support/logical-id';

const SITE_WITH_APPSPEC = join(__dirname, '..', 'revision', 'fixtures', 'site-with-appspec');

/** A VPC, one Auto Scaling group and an Application Load Balancer target group in front of it. */
function fleet(stack: Stack): { group: autoscaling.AutoScalingGroup; targetGroup: elbv2.ApplicationTargetGroup } {
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'app', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const group = new autoscaling.AutoScalingGroup(stack, 'Web', {
    vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
  });
  const targetGroup = new elbv2.ApplicationTargetGroup(stack, 'WebTargets', { vpc, port: 80, targets: [group] });
  new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc }).addListener('Http', { port: 80, defaultTargetGroups: [targetGroup] });
  return { group, targetGroup };
}

let result: CheckedSynth;
const stacks: Record<string, Stack> = {};
const template = (name: string): Template => result.template(stacks[name]);

beforeAll(() => {
  const app = checkedApp();

  // Approval before traffic moves, the original instances terminated 10 minutes later, a release deployed.
  const blueGreen = stacks.BlueGreen = new Stack(app, 'BlueGreen');
  const { group, targetGroup } = fleet(blueGreen);
  const rollout = new ServerRollout(blueGreen, 'WebRollout', {
    autoScalingGroups: [group],
    loadBalancers: [LoadBalancer.application(targetGroup)],
    healthChecks: [HealthCheck.targetGroup5xx(targetGroup)],
    blueGreen: { approvalTimeout: Duration.minutes(20), terminationWait: Duration.minutes(10) },
  });
  rollout.addRevisionDeployment('Release', Revision.fromAsset(SITE_WITH_APPSPEC), { timeout: Duration.minutes(45) });

  // Every default, without alarms: the guardrails read this group too.
  const defaults = stacks.Defaults = new Stack(app, 'Defaults');
  const plain = fleet(defaults);
  new ServerRollout(defaults, 'WebRollout', {
    autoScalingGroups: [plain.group],
    loadBalancers: [LoadBalancer.application(plain.targetGroup)],
    blueGreen: {},
    deploymentGroupName: 'web-blue-green',
  });

  result = checkedSynth(app);
});

describe('ServerRollout blue/green', () => {
  test('the library\'s resources pass the five cdk-nag packs and the template validator', () => {
    const library = /^[^/]+\/(RevisionDeployer|WebRollout)\//;
    expect(result.nagFindings.filter((finding) => library.test(finding.where))).toEqual([]);
    expect(result.templateFindings).toEqual([]);
  });

  test('the guardrails read a blue/green group like any deployment group', () => {
    expect(result.guardrailFindings.map((finding) => `${finding.rule} ${finding.where}`)).toEqual([
      'CodeDeploy-Notifications BlueGreen/WebRollout/DeploymentGroup/Default',
      'CodeDeploy-AlarmsEnabled Defaults/WebRollout/DeploymentGroup/Default',
      'CodeDeploy-Notifications Defaults/WebRollout/DeploymentGroup/Default',
    ]);
  });

  test('the deployment group is a custom resource with CloudFormation\'s properties, blue/green, copying the one Auto Scaling group', () => {
    const stack = stacks.BlueGreen;
    const name = deploymentGroupName(template('BlueGreen'));
    expect(name).toMatch(/^BlueGreen-WebRollout-[A-F0-9]{8}$/);
    template('BlueGreen').resourceCountIs('AWS::CodeDeploy::DeploymentGroup', 0);
    template('BlueGreen').hasResource('Custom::CodeDeployServerDeploymentGroup', {
      Properties: {
        ServiceToken: { 'Fn::GetAtt': [logicalId(stack, 'RevisionDeployer/Function'), 'Arn'] },
        DeploymentGroup: {
          ApplicationName: { Ref: logicalId(stack, 'ServerRolloutsApplication') },
          ServiceRoleArn: { 'Fn::GetAtt': [logicalId(stack, 'ServerRolloutsServiceRole/Role'), 'Arn'] },
          DeploymentGroupName: name,
          DeploymentConfigName: 'CodeDeployDefault.OneAtATime',
          AutoScalingGroups: [{ Ref: logicalId(stack, 'Web/ASG') }],
          DeploymentStyle: { DeploymentType: 'BLUE_GREEN', DeploymentOption: 'WITH_TRAFFIC_CONTROL' },
          LoadBalancerInfo: { TargetGroupInfoList: [{ Name: { 'Fn::GetAtt': [logicalId(stack, 'WebTargets'), 'TargetGroupName'] } }] },
          BlueGreenDeploymentConfiguration: {
            DeploymentReadyOption: { ActionOnTimeout: 'STOP_DEPLOYMENT', WaitTimeInMinutes: 20 },
            GreenFleetProvisioningOption: { Action: 'COPY_AUTO_SCALING_GROUP' },
            TerminateBlueInstancesOnDeploymentSuccess: { Action: 'TERMINATE', TerminationWaitTimeInMinutes: 10 },
          },
          AlarmConfiguration: { Enabled: true, Alarms: metricAlarmPaths(stack, 'WebRollout').map((path) => ({ Name: { Ref: logicalId(stack, path) } })) },
          AutoRollbackConfiguration: { Enabled: true, Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST', 'DEPLOYMENT_STOP_ON_ALARM'] },
          OutdatedInstancesStrategy: 'UPDATE',
          TerminationHookEnabled: false,
        },
      },
      DependsOn: [
        logicalId(stack, 'RevisionDeployer/BasePolicy'),
        logicalId(stack, 'RevisionDeployer/DeploymentPolicies/Policy1'),
        logicalId(stack, 'ServerRolloutsServiceRole/Permissions/Policy1'),
        logicalId(stack, 'WebRollout/BlueGreenPermissions'),
      ],
    });
  });

  test('defaults: traffic moves when the copy is ready, the original instances are terminated after 5 minutes', () => {
    const [group] = Object.values(template('Defaults').findResources('Custom::CodeDeployServerDeploymentGroup'));
    expect(group.Properties.DeploymentGroup.DeploymentGroupName).toBe('web-blue-green');
    expect(group.Properties.DeploymentGroup.BlueGreenDeploymentConfiguration).toEqual({
      DeploymentReadyOption: { ActionOnTimeout: 'CONTINUE_DEPLOYMENT' },
      GreenFleetProvisioningOption: { Action: 'COPY_AUTO_SCALING_GROUP' },
      TerminateBlueInstancesOnDeploymentSuccess: { Action: 'TERMINATE', TerminationWaitTimeInMinutes: 5 },
    });
  });

  test('keepOriginalInstances keeps them alive', () => {
    const stack = new Stack(new App(), 'Stack');
    const { group, targetGroup } = fleet(stack);
    new ServerRollout(stack, 'WebRollout', {
      autoScalingGroups: [group], loadBalancers: [LoadBalancer.application(targetGroup)], blueGreen: { keepOriginalInstances: true },
    });
    Template.fromStack(stack).hasResourceProperties('Custom::CodeDeployServerDeploymentGroup', {
      DeploymentGroup: { BlueGreenDeploymentConfiguration: { TerminateBlueInstancesOnDeploymentSuccess: { Action: 'KEEP_ALIVE' } } },
    });
  });

  test('the service role may copy the group, launch the copy\'s instances with the instance role, and retire the original', () => {
    const stack = stacks.BlueGreen;
    const name = deploymentGroupName(template('BlueGreen'));
    const [policy] = Object.entries(template('BlueGreen').findResources('AWS::IAM::ManagedPolicy'))
      .filter(([id]) => id.startsWith('WebRolloutBlueGreenPermissions')).map(([, r]) => r.Properties);
    expect(policy.Roles).toEqual([{ Ref: logicalId(stack, 'ServerRolloutsServiceRole/Role') }]);
    const statements = policy.PolicyDocument.Statement;
    expect(statements.map((s: any) => s.Action)).toEqual([
      [
        'autoscaling:AttachLoadBalancers', 'autoscaling:AttachLoadBalancerTargetGroups', 'autoscaling:CreateAutoScalingGroup',
        'autoscaling:CreateOrUpdateTags', 'autoscaling:DeleteAutoScalingGroup', 'autoscaling:EnableMetricsCollection',
        'autoscaling:PutNotificationConfiguration', 'autoscaling:PutScalingPolicy', 'autoscaling:PutScheduledUpdateGroupAction',
        'autoscaling:PutWarmPool', 'autoscaling:UpdateAutoScalingGroup',
        'autoscaling:CompleteLifecycleAction', 'autoscaling:DeleteLifecycleHook', 'autoscaling:PutLifecycleHook', 'autoscaling:RecordLifecycleActionHeartbeat',
        'autoscaling:ResumeProcesses', 'autoscaling:SuspendProcesses',
      ],
      ['autoscaling:DescribeNotificationConfigurations', 'autoscaling:DescribePolicies', 'autoscaling:DescribeScalingActivities', 'autoscaling:DescribeScheduledActions'],
      'ec2:RunInstances',
      'ec2:CreateTags',
      'ec2:TerminateInstances',
      'iam:PassRole',
    ]);
    expect(JSON.stringify(statements[0].Resource)).toContain(`autoScalingGroupName/CodeDeploy_${name}_*`);
    expect(JSON.stringify(statements[0].Resource)).toContain(`{"Ref":"${logicalId(stack, 'Web/ASG')}"}`);
    expect(statements[3].Condition).toEqual({ StringEquals: { 'ec2:CreateAction': 'RunInstances' } });
    expect(statements[4].Condition).toEqual({
      StringLike: { 'ec2:ResourceTag/aws:autoscaling:groupName': [{ Ref: logicalId(stack, 'Web/ASG') }, `CodeDeploy_${name}_*`] },
    });
    expect(statements[5]).toEqual({
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: { 'Fn::GetAtt': [logicalId(stack, 'Web/InstanceRole'), 'Arn'] },
      Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
    });
  });

  test('the deployer may manage exactly this group, pass exactly the service role, and delete the group\'s copies', () => {
    const stack = stacks.BlueGreen;
    const name = deploymentGroupName(template('BlueGreen'));
    const policies = Object.entries(template('BlueGreen').findResources('AWS::IAM::ManagedPolicy'))
      .filter(([id]) => id.startsWith('RevisionDeployerDeploymentPolicies')).map(([, r]) => r.Properties.PolicyDocument.Statement);
    const statements = policies.flat();
    const byAction = (action: string): any => statements.find((s: any) => [s.Action].flat().includes(action));
    expect(byAction('codedeploy:CreateDeploymentGroup').Action).toEqual([
      'codedeploy:CreateDeploymentGroup', 'codedeploy:GetDeploymentGroup', 'codedeploy:UpdateDeploymentGroup', 'codedeploy:DeleteDeploymentGroup',
    ]);
    expect(JSON.stringify(byAction('codedeploy:CreateDeploymentGroup').Resource)).toContain(`:deploymentgroup:",{"Ref":"${logicalId(stack, 'ServerRolloutsApplication')}"},"/${name}"`);
    expect(byAction('iam:PassRole').Resource).toEqual({ 'Fn::GetAtt': [logicalId(stack, 'ServerRolloutsServiceRole/Role'), 'Arn'] });
    expect(JSON.stringify(byAction('autoscaling:DeleteAutoScalingGroup').Resource)).toContain(`:autoScalingGroup:*:autoScalingGroupName/CodeDeploy_${name}_*"`);
  });

  test('a revision deployment names the group by its literal name', () => {
    template('BlueGreen').hasResourceProperties('Custom::CodeDeployRevisionDeployment', { DeploymentGroupName: deploymentGroupName(template('BlueGreen')) });
  });
});

describe('ServerRollout blue/green validation', () => {
  const rollout = (props: (stack: Stack) => Partial<ServerRolloutProps>, blueGreen: BlueGreenOptions = {}): (() => ServerRollout) => () => {
    const stack = new Stack(new App(), 'Stack');
    const { group, targetGroup } = fleet(stack);
    return new ServerRollout(stack, 'Rollout', {
      autoScalingGroups: [group], loadBalancers: [LoadBalancer.application(targetGroup)], blueGreen, ...props(stack),
    });
  };

  test.each([
    ['two Auto Scaling groups, tag sets and processes to suspend', rollout((stack) => ({
      autoScalingGroups: [autoscaling.AutoScalingGroup.fromAutoScalingGroupName(stack, 'A', 'a'), autoscaling.AutoScalingGroup.fromAutoScalingGroupName(stack, 'B', 'b')],
      ec2InstanceTags: new InstanceTagSet({ app: ['web'] }),
      autoScalingProcessesToSuspend: [AutoScalingProcess.TERMINATE],
    })), [
      'ServerRollout at Stack/Rollout: blueGreen needs exactly one Auto Scaling group to copy, got 2',
      'ServerRollout at Stack/Rollout: blueGreen copies the Auto Scaling group and takes no ec2InstanceTags or onPremisesInstanceTags, got tag sets',
      'ServerRollout at Stack/Rollout: blueGreen takes no autoScalingProcessesToSuspend: the copies are new groups, not updated in place',
    ]],
    ['an imported Auto Scaling group and no load balancer', rollout((stack) => ({
      autoScalingGroups: [autoscaling.AutoScalingGroup.fromAutoScalingGroupName(stack, 'A', 'a')], loadBalancers: [],
    })), [
      'ServerRollout at Stack/Rollout: blueGreen needs an Auto Scaling group defined in this app, got an imported one: the copies launch with its instance role, '
        + 'which the rollout must be allowed to pass',
      'ServerRollout at Stack/Rollout: blueGreen needs loadBalancers, got none: traffic moves from the original instances to the copies through a load balancer',
    ]],
    ['a fractional approval timeout and too long a termination wait', rollout(() => ({}), {
      approvalTimeout: Duration.seconds(90), terminationWait: Duration.minutes(2881),
    }), [
      'ServerRollout at Stack/Rollout: blueGreen.approvalTimeout must be a whole number of minutes of at least 1, got 1.5 minutes',
      'ServerRollout at Stack/Rollout: blueGreen.terminationWait must be a whole number of minutes from 0 to 2880, got 2881 minutes',
    ]],
    ['a termination wait for instances that are kept', rollout(() => ({}), { keepOriginalInstances: true, terminationWait: Duration.minutes(1) }), [
      'ServerRollout at Stack/Rollout: blueGreen.terminationWait applies only when the original instances are terminated, got keepOriginalInstances: true as well',
    ]],
  ])('%s', (_name, create, messages) => {
    expect(create).toThrow(messages.join('\n'));
  });

  test('a revision deployment must outlast the approval and termination waits', () => {
    const create = rollout(() => ({}), { approvalTimeout: Duration.minutes(30), terminationWait: Duration.minutes(15) });
    expect(() => create().addRevisionDeployment('Release', Revision.fromAsset(SITE_WITH_APPSPEC), { timeout: Duration.minutes(45) })).toThrow(
      'RevisionDeployment at Stack/Rollout/Release: timeout must be longer than the rollout\'s blue/green approvalTimeout and terminationWait together (45 minutes), got 45 minutes');
  });
});

describe('ServerRollout blue/green: the escape hatch', () => {
  /** A blue/green rollout and its group's CloudFormation resource. */
  const blueGreenGroup = () => {
    const stack = new Stack(new App(), 'Stack');
    const { group, targetGroup } = fleet(stack);
    const rollout = new ServerRollout(stack, 'WebRollout', { autoScalingGroups: [group], loadBalancers: [LoadBalancer.application(targetGroup)], blueGreen: {} });
    return { stack, cfn: rollout.blueGreenDeploymentGroup!.node.defaultChild as CfnResource };
  };
  /** The group's properties as the server deployer receives them: every value that is a reference stands for a string. */
  const delivered = (stack: Stack): Record<string, unknown> => {
    const [group] = Object.values(Template.fromStack(stack).findResources('Custom::CodeDeployServerDeploymentGroup'));
    return literal(group.Properties) as Record<string, unknown>;
  };

  test('an override of a field the server deployer reads is in the template, and the deployer reads it', () => {
    const { stack, cfn } = blueGreenGroup();
    cfn.addPropertyOverride('DeploymentGroup.AlarmConfiguration.IgnorePollAlarmFailure', 'true');
    cfn.addPropertyOverride('DeploymentGroup.TriggerConfigurations', [{ TriggerName: 'ops', TriggerTargetArn: 'arn:aws:sns:us-east-1:111111111111:ops', TriggerEvents: ['DeploymentFailure'] }]);
    const properties = delivered(stack);
    expect(properties.DeploymentGroup).toMatchObject({
      AlarmConfiguration: { IgnorePollAlarmFailure: 'true' },
      TriggerConfigurations: [{ TriggerName: 'ops' }],
    });
    expect(readGroupInput(properties)).toMatchObject({ ok: true, input: { alarmConfiguration: { ignorePollAlarmFailure: true } } });
  });

  const FIELDS = 'ApplicationName, DeploymentGroupName, ServiceRoleArn, DeploymentConfigName, AutoScalingGroups, LoadBalancerInfo, DeploymentStyle, '
    + 'BlueGreenDeploymentConfiguration, AlarmConfiguration, AutoRollbackConfiguration, TriggerConfigurations, OutdatedInstancesStrategy, TerminationHookEnabled';
  const refusal = (path: string, problem: string) => `ServerRollout at Stack/WebRollout: blueGreenDeploymentGroup cannot take the override of ${path}: ${problem}; `
    + 'the server deployer creates the group from the fields it reads only, and would fail the deployment';

  test.each([
    ['a field CloudFormation has but the deployer does not read', 'Properties.DeploymentGroup.Ec2TagFilters', [{ Key: 'app', Value: 'web', Type: 'KEY_AND_VALUE' }],
      `Properties.DeploymentGroup.Ec2TagFilters is not a field the server deployer reads (Properties.DeploymentGroup takes ${FIELDS})`],
    ['a nested field', 'Properties.DeploymentGroup.LoadBalancerInfo.TargetGroupPairInfoList', [],
      'Properties.DeploymentGroup.LoadBalancerInfo.TargetGroupPairInfoList is not a field the server deployer reads '
      + '(Properties.DeploymentGroup.LoadBalancerInfo takes ElbInfoList, TargetGroupInfoList)'],
    ['a field written as on a CfnDeploymentGroup, outside DeploymentGroup', 'Properties.ApplicationName', 'other',
      'Properties.ApplicationName is not a field the server deployer reads (Properties takes DeploymentGroup)'],
    ['an unknown field inside a value', 'Properties.DeploymentGroup.AlarmConfiguration', { Enabled: true, Alarms: [{ Name: 'a', Region: 'us-east-1' }] },
      'Properties.DeploymentGroup.AlarmConfiguration.Alarms.0.Region is not a field the server deployer reads (Properties.DeploymentGroup.AlarmConfiguration.Alarms.0 takes Name)'],
    ['a field of a list item', 'Properties.DeploymentGroup.AutoScalingGroups.0.Name', 'web',
      'Properties.DeploymentGroup.AutoScalingGroups.0 is a string, got the field Name'],
    ['deleting a required field', 'Properties.DeploymentGroup.ServiceRoleArn', undefined, 'Properties.DeploymentGroup.ServiceRoleArn is required'],
  ])('%s is refused at synth, as the deployer would refuse it at deploy time', (_name, path, value, problem) => {
    const { cfn } = blueGreenGroup();
    expect(() => cfn.addOverride(path, value)).toThrow(new Error(refusal(path, problem)));
    // The same override, past the check: the server deployer's own reader refuses it.
    const unchecked = blueGreenGroup();
    CfnResource.prototype.addOverride.call(unchecked.cfn, path, value);
    expect(readGroupInput(delivered(unchecked.stack))).toMatchObject({ ok: false });
  });

  test('addPropertyOverride and addPropertyDeletionOverride are checked too; overrides outside the properties are not', () => {
    const { cfn } = blueGreenGroup();
    expect(() => cfn.addPropertyOverride('DeploymentGroup.Tags', [])).toThrow(/^ServerRollout at Stack\/WebRollout: blueGreenDeploymentGroup cannot take the override of Properties\.DeploymentGroup\.Tags: /);
    expect(() => cfn.addPropertyDeletionOverride('DeploymentGroup.ApplicationName')).toThrow(/Properties\.DeploymentGroup\.ApplicationName is required/);
    expect(() => cfn.addPropertyDeletionOverride('DeploymentGroup.AlarmConfiguration')).not.toThrow();
    expect(() => cfn.addOverride('Metadata.Owner', 'team-web')).not.toThrow();
  });
});

/** A resolved CloudFormation value with every reference (`Ref`, `Fn::*`) replaced by a string, as CloudFormation delivers it. */
function literal(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(literal);
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1 && (entries[0][0] === 'Ref' || entries[0][0].startsWith('Fn::'))) {
      return 'resolved';
    }
    return Object.fromEntries(entries.map(([key, v]) => [key, literal(v)]));
  }
  return value;
}

/** The name of the template's one blue/green deployment group. */
function deploymentGroupName(t: Template): string {
  const [group] = Object.values(t.findResources('Custom::CodeDeployServerDeploymentGroup'));
  return group.Properties.DeploymentGroup.DeploymentGroupName;
}
