/**
 * aws-cdk's server deployment-group scenarios: the integration tests under
 * packages/@aws-cdk-testing/framework-integ/test/aws-codedeploy/test/server/ and the unit tests of
 * packages/aws-cdk-lib/aws-codedeploy/test/server/deployment-group.test.ts, each written with
 * aws-cdk-lib and with the library over the same fleet.
 */
import {
  Duration, Stack, aws_autoscaling as autoscaling, aws_cloudwatch as cloudwatch, aws_ec2 as ec2, aws_elasticloadbalancing as elb,
  aws_elasticloadbalancingv2 as elbv2,
} from 'aws-cdk-lib';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import { AgentInstallation, AgentOperatingSystem, HealthCheck, HealthyHosts, HealthyHostsPerZone, Rollback, ServerRollout, ServerRolloutProps } from '../../../src';
import {
  AGENT_BY_SYSTEMS_MANAGER, EXACT_SERVICE_ROLE, libraryRefuses, NAMED_BY_SHAPE, peerRefuses, rollsBackMore,
} from '../support/explanations';
import { PeerScenario, scenario } from '../support/scenario';

const INTEG = 'packages/@aws-cdk-testing/framework-integ/test/aws-codedeploy/test/server';
const UNIT = 'packages/aws-cdk-lib/aws-codedeploy/test/server/deployment-group.test.ts';

function network(stack: Stack): ec2.Vpc {
  return new ec2.Vpc(stack, 'VPC', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'app', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
}
function group(stack: Stack, vpc: ec2.IVpc, machineImage = ec2.MachineImage.latestAmazonLinux2023()): autoscaling.AutoScalingGroup {
  return new autoscaling.AutoScalingGroup(stack, 'ASG', { vpc, instanceType: ec2.InstanceType.of(ec2.InstanceClass.M5, ec2.InstanceSize.LARGE), machineImage });
}
function classic(stack: Stack, vpc: ec2.IVpc): elb.LoadBalancer {
  const lb = new elb.LoadBalancer(stack, 'ELB', { vpc, subnetSelection: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
  lb.addListener({ externalPort: 80 });
  return lb;
}
function albTargets(stack: Stack, vpc: ec2.IVpc): elbv2.ApplicationTargetGroup {
  return new elbv2.ApplicationLoadBalancer(stack, 'ALB', { vpc }).addListener('Listener', { protocol: elbv2.ApplicationProtocol.HTTP })
    .addTargets('Fleet', { protocol: elbv2.ApplicationProtocol.HTTP });
}
function nlbTargets(stack: Stack, vpc: ec2.IVpc): elbv2.NetworkTargetGroup {
  return new elbv2.NetworkLoadBalancer(stack, 'NLB', { vpc }).addListener('Listener', { port: 80 }).addTargets('Fleet', { port: 80 });
}
function errorsAlarm(stack: Stack): cloudwatch.Alarm {
  return new cloudwatch.Alarm(stack, 'Alarm1', { metric: new cloudwatch.Metric({ metricName: 'Errors', namespace: 'my.namespace' }), threshold: 1, evaluationPeriods: 1 });
}

/** A fleet of one Auto Scaling group. */
const fleet = (stack: Stack) => {
  const vpc = network(stack);
  return { vpc, asg: group(stack, vpc) };
};

/**
 * Instances by tag: the library refuses a group with no target at all, which aws-cdk-lib's tests of
 * load balancers and rollback create; both sides of those scenarios get the same tag set.
 */
const TAGS = () => new codedeploy.InstanceTagSet({ app: ['web'] });

/** aws-cdk-lib's default rollback: on failure, and on alarm once the group has one. */
const AWS_CDK_ROLLBACK = Rollback.on({ failure: true });
const AWS_CDK_ROLLBACK_WITH_ALARMS = Rollback.on({ failure: true, alarm: true });

/** The library's port of a unit test: aws-cdk-lib's rollback and agent installation (user data), unless the scenario is about them. */
function rollout(stack: Stack, props: ServerRolloutProps): ServerRollout {
  return new ServerRollout(stack, 'DeploymentGroup', { rollback: AWS_CDK_ROLLBACK, agent: AgentInstallation.userData(), ...props });
}
function taggedRollout(stack: Stack, props: Partial<ServerRolloutProps> = {}): ServerRollout {
  return new ServerRollout(stack, 'DeploymentGroup', { rollback: AWS_CDK_ROLLBACK, agent: AgentInstallation.none(), ec2InstanceTags: TAGS(), ...props });
}
function peerGroup(stack: Stack, props: codedeploy.ServerDeploymentGroupProps = {}): codedeploy.ServerDeploymentGroup {
  return new codedeploy.ServerDeploymentGroup(stack, 'DeploymentGroup', props);
}
function taggedPeerGroup(stack: Stack, props: codedeploy.ServerDeploymentGroupProps = {}): codedeploy.ServerDeploymentGroup {
  return peerGroup(stack, { ec2InstanceTags: TAGS(), ...props });
}

const BOTH_REFUSE: never[] = [];

export const AWS_CDK_SERVER: PeerScenario[] = [
  scenario({
    id: 'cdk-server-integ-classic',
    peer: 'aws-cdk',
    source: `${INTEG}/integ.deployment-group.ts`,
    title: 'an Auto Scaling group behind a Classic Load Balancer, all at once, an alarm, no automatic rollback',
    user: (stack) => {
      const { vpc, asg } = fleet(stack);
      return { asg, lb: classic(stack, vpc), alarm: errorsAlarm(stack) };
    },
    awsCdk: (stack, { asg, lb, alarm }) => {
      peerGroup(stack, {
        deploymentConfig: codedeploy.ServerDeploymentConfig.ALL_AT_ONCE,
        autoScalingGroups: [asg],
        loadBalancer: codedeploy.LoadBalancer.classic(lb),
        alarms: [alarm],
        autoRollback: { failedDeployment: false, deploymentInAlarm: false },
      });
    },
    library: (stack, { asg, lb, alarm }) => {
      new ServerRollout(stack, 'CodeDeployGroup', {
        healthyHosts: HealthyHosts.count(0),
        autoScalingGroups: [asg],
        loadBalancers: [codedeploy.LoadBalancer.classic(lb)],
        healthChecks: [HealthCheck.alarm(alarm)],
        rollback: Rollback.never(),
      });
    },
    differences: [AGENT_BY_SYSTEMS_MANAGER, EXACT_SERVICE_ROLE],
  }),
  scenario({
    id: 'cdk-server-integ-load-balancers',
    peer: 'aws-cdk',
    source: `${INTEG}/integ.deployment-group-multiple-load-balancers.ts`,
    title: 'one group behind a Classic, an Application and a Network Load Balancer, all at once',
    user: (stack) => {
      const { vpc, asg } = fleet(stack);
      return {
        asg,
        lbs: [codedeploy.LoadBalancer.classic(classic(stack, vpc)), codedeploy.LoadBalancer.application(albTargets(stack, vpc)),
          codedeploy.LoadBalancer.network(nlbTargets(stack, vpc))],
      };
    },
    awsCdk: (stack, { asg, lbs }) => {
      peerGroup(stack, { deploymentConfig: codedeploy.ServerDeploymentConfig.ALL_AT_ONCE, autoScalingGroups: [asg], loadBalancers: lbs });
    },
    library: (stack, { asg, lbs }) => {
      new ServerRollout(stack, 'DeploymentGroup', { healthyHosts: HealthyHosts.count(0), autoScalingGroups: [asg], loadBalancers: lbs, rollback: AWS_CDK_ROLLBACK });
    },
    differences: [AGENT_BY_SYSTEMS_MANAGER, EXACT_SERVICE_ROLE],
  }),
  scenario({
    id: 'cdk-server-integ-zonal',
    peer: 'aws-cdk',
    source: `${INTEG}/integ.deployment-group-zonal-config.ts`,
    title: 'a zonal rollout keeping one healthy host per zone, behind an ALB, an alarm, no automatic rollback',
    user: (stack) => {
      const { vpc, asg } = fleet(stack);
      return { asg, targets: albTargets(stack, vpc), alarm: errorsAlarm(stack) };
    },
    awsCdk: (stack, { asg, targets, alarm }) => {
      peerGroup(stack, {
        deploymentConfig: new codedeploy.ServerDeploymentConfig(stack, 'DeploymentConfig', {
          minimumHealthyHosts: codedeploy.MinimumHealthyHosts.count(1),
          zonalConfig: {
            monitorDuration: Duration.seconds(0),
            firstZoneMonitorDuration: Duration.minutes(0),
            minimumHealthyHostsPerZone: codedeploy.MinimumHealthyHostsPerZone.count(1),
          },
        }),
        autoScalingGroups: [asg],
        loadBalancers: [codedeploy.LoadBalancer.application(targets)],
        alarms: [alarm],
        autoRollback: { failedDeployment: false, deploymentInAlarm: false },
      });
    },
    library: (stack, { asg, targets, alarm }) => {
      new ServerRollout(stack, 'CodeDeployGroup', {
        healthyHosts: HealthyHosts.count(1, {
          zonal: {
            monitorDuration: Duration.seconds(0),
            firstZoneMonitorDuration: Duration.minutes(0),
            perZone: HealthyHostsPerZone.count(1),
          },
        }),
        autoScalingGroups: [asg],
        loadBalancers: [codedeploy.LoadBalancer.application(targets)],
        healthChecks: [HealthCheck.alarm(alarm)],
        rollback: Rollback.never(),
      });
    },
    differences: [NAMED_BY_SHAPE, AGENT_BY_SYSTEMS_MANAGER, EXACT_SERVICE_ROLE],
  }),
  scenario({
    id: 'cdk-server-no-target',
    peer: 'aws-cdk',
    source: `${UNIT} (can be created by explicitly passing an Application)`,
    title: 'a group with an application and nothing to deploy to',
    mayRefuse: true,
    user: (stack) => new codedeploy.ServerApplication(stack, 'MyApp'),
    awsCdk: (stack, application) => { peerGroup(stack, { application }); },
    library: (stack, application) => { rollout(stack, { application }); },
    differences: [libraryRefuses('a group that targets no instance deploys nothing: the library asks for an Auto Scaling group or a tag set, at synth (one can be added later)')],
  }),
  scenario({
    id: 'cdk-server-auto-scaling-group',
    peer: 'aws-cdk',
    source: `${UNIT} (created with ASGs contains the ASG names)`,
    title: 'an Auto Scaling group',
    user: fleet,
    awsCdk: (stack, { asg }) => { peerGroup(stack, { autoScalingGroups: [asg] }); },
    library: (stack, { asg }) => { rollout(stack, { autoScalingGroups: [asg] }); },
    differences: [EXACT_SERVICE_ROLE],
  }),
  scenario({
    id: 'cdk-server-auto-scaling-group-added',
    peer: 'aws-cdk',
    source: `${UNIT} (created without ASGs but adding them later contains the ASG names)`,
    title: 'an Auto Scaling group added to the group later',
    user: fleet,
    awsCdk: (stack, { asg }) => { peerGroup(stack).addAutoScalingGroup(asg); },
    library: (stack, { asg }) => { rollout(stack, {}).addAutoScalingGroup(asg); },
    differences: [EXACT_SERVICE_ROLE],
  }),
  scenario({
    id: 'cdk-server-alb',
    peer: 'aws-cdk',
    source: `${UNIT} (can be created with an ALB Target Group as the load balancer)`,
    title: 'an Application Load Balancer\'s target group controls traffic',
    user: (stack) => albTargets(stack, network(stack)),
    awsCdk: (stack, targets) => { taggedPeerGroup(stack, { loadBalancer: codedeploy.LoadBalancer.application(targets) }); },
    library: (stack, targets) => { taggedRollout(stack, { loadBalancers: [codedeploy.LoadBalancer.application(targets)] }); },
    differences: [EXACT_SERVICE_ROLE],
  }),
  scenario({
    id: 'cdk-server-nlb',
    peer: 'aws-cdk',
    source: `${UNIT} (can be created with an NLB Target Group as the load balancer)`,
    title: 'a Network Load Balancer\'s target group controls traffic',
    user: (stack) => nlbTargets(stack, network(stack)),
    awsCdk: (stack, targets) => { taggedPeerGroup(stack, { loadBalancer: codedeploy.LoadBalancer.network(targets) }); },
    library: (stack, targets) => { taggedRollout(stack, { loadBalancers: [codedeploy.LoadBalancer.network(targets)] }); },
    differences: [EXACT_SERVICE_ROLE],
  }),
  scenario({
    id: 'cdk-server-classic-and-nlb',
    peer: 'aws-cdk',
    source: `${UNIT} (can be created with multiple load balancers (CLB + NLB))`,
    title: 'a Classic Load Balancer and a Network Load Balancer\'s target group',
    user: (stack) => {
      const vpc = network(stack);
      return [codedeploy.LoadBalancer.classic(classic(stack, vpc)), codedeploy.LoadBalancer.network(nlbTargets(stack, vpc))];
    },
    awsCdk: (stack, loadBalancers) => { taggedPeerGroup(stack, { loadBalancers }); },
    library: (stack, loadBalancers) => { taggedRollout(stack, { loadBalancers }); },
    differences: [EXACT_SERVICE_ROLE],
  }),
  scenario({
    id: 'cdk-server-no-load-balancers',
    peer: 'aws-cdk',
    source: `${UNIT} (should throw error is empty array is passed to loadBalancers)`,
    title: 'an empty list of load balancers',
    mayRefuse: true,
    awsCdk: (stack) => { taggedPeerGroup(stack, { loadBalancers: [] }); },
    library: (stack) => { taggedRollout(stack, { loadBalancers: [] }); },
    differences: [peerRefuses('an empty list says what leaving the prop out says, no traffic control, and the library takes it so')],
  }),
  scenario({
    id: 'cdk-server-ec2-tags',
    peer: 'aws-cdk',
    source: `${UNIT} (can be created with a single EC2 instance tag set with a single or no value)`,
    title: 'EC2 instances by a key and value, or by a key with any value',
    // aws-cdk-lib says "any value" with an empty list, which the library refuses as a likely slip; [''] says it on purpose.
    awsCdk: (stack) => { peerGroup(stack, { ec2InstanceTags: new codedeploy.InstanceTagSet({ 'some-key': ['some-value'], 'other-key': [] }) }); },
    library: (stack) => { rollout(stack, { ec2InstanceTags: new codedeploy.InstanceTagSet({ 'some-key': ['some-value'], 'other-key': [''] }), agent: AgentInstallation.none() }); },
    differences: [EXACT_SERVICE_ROLE],
  }),
  scenario({
    id: 'cdk-server-on-premises-tags',
    peer: 'aws-cdk',
    source: `${UNIT} (can be created with two on-premise instance tag sets with multiple values or without a key)`,
    title: 'on-premises servers by two tag groups, one with a value under any key',
    awsCdk: (stack) => {
      peerGroup(stack, { onPremiseInstanceTags: new codedeploy.InstanceTagSet({ 'some-key': ['some-value', 'another-value'] }, { '': ['keyless-value'] }) });
    },
    library: (stack) => {
      rollout(stack, { onPremisesInstanceTags: new codedeploy.InstanceTagSet({ 'some-key': ['some-value', 'another-value'] }, { '': ['keyless-value'] }), agent: AgentInstallation.none() });
    },
    differences: [EXACT_SERVICE_ROLE],
  }),
  scenario({
    id: 'cdk-server-keyless-valueless-tag',
    peer: 'aws-cdk',
    source: `${UNIT} (cannot be created with an instance tag set containing a keyless, valueless filter)`,
    title: 'a tag with neither key nor value is refused',
    mayRefuse: true,
    awsCdk: (stack) => { peerGroup(stack, { onPremiseInstanceTags: new codedeploy.InstanceTagSet({ '': [] }) }); },
    library: (stack) => { rollout(stack, { onPremisesInstanceTags: new codedeploy.InstanceTagSet({ '': [] }), agent: AgentInstallation.none() }); },
    differences: BOTH_REFUSE,
  }),
  scenario({
    id: 'cdk-server-four-tag-groups',
    peer: 'aws-cdk',
    source: `${UNIT} (cannot be created with an instance tag set containing 4 instance tag groups)`,
    title: 'four tag groups are refused (CodeDeploy takes three)',
    mayRefuse: true,
    awsCdk: (stack) => { peerGroup(stack, { onPremiseInstanceTags: new codedeploy.InstanceTagSet({}, {}, {}, {}) }); },
    library: (stack) => {
      rollout(stack, {
        onPremisesInstanceTags: new codedeploy.InstanceTagSet({}, {}, {}, {}),
        agent: AgentInstallation.none(),
      });
    },
    differences: BOTH_REFUSE,
  }),
  scenario({
    id: 'cdk-server-alarm-added',
    peer: 'aws-cdk',
    source: `${UNIT} (can have alarms added to it after being created)`,
    title: 'an alarm added to the group later',
    user: errorsAlarm,
    awsCdk: (stack, alarm) => { taggedPeerGroup(stack).addAlarm(alarm); },
    library: (stack, alarm) => { taggedRollout(stack, { rollback: AWS_CDK_ROLLBACK_WITH_ALARMS }).addAlarm(alarm); },
    differences: [EXACT_SERVICE_ROLE],
  }),
  scenario({
    id: 'cdk-server-default-rollback',
    peer: 'aws-cdk',
    source: `${UNIT} (only automatically rolls back failed deployments by default)`,
    title: 'the default rollback of a group without alarms',
    awsCdk: (stack) => { taggedPeerGroup(stack); },
    library: (stack) => { new ServerRollout(stack, 'DeploymentGroup', { ec2InstanceTags: TAGS(), agent: AgentInstallation.none() }); },
    differences: [rollsBackMore('a deployment someone stops (a stopped deployment leaves part of the fleet on the new revision)'), EXACT_SERVICE_ROLE],
  }),
  scenario({
    id: 'cdk-server-rollback-on-alarm-only',
    peer: 'aws-cdk',
    source: `${UNIT} (rolls back alarmed deployments if at least one alarm has been added)`,
    title: 'rollback on alarm only, the alarm added later',
    user: errorsAlarm,
    awsCdk: (stack, alarm) => { taggedPeerGroup(stack, { autoRollback: { failedDeployment: false } }).addAlarm(alarm); },
    library: (stack, alarm) => { taggedRollout(stack, { rollback: Rollback.on({ alarm: true }) }).addAlarm(alarm); },
    differences: [EXACT_SERVICE_ROLE],
  }),
  scenario({
    id: 'cdk-server-rollback-on-alarm-without-alarm',
    peer: 'aws-cdk',
    source: `${UNIT} (setting to roll back on alarms without providing any results in an exception)`,
    title: 'rollback on alarm without an alarm is refused at synth',
    mayRefuse: true,
    awsCdk: (stack) => { taggedPeerGroup(stack, { autoRollback: { deploymentInAlarm: true } }); },
    library: (stack) => { taggedRollout(stack, { rollback: Rollback.on({ failure: true, alarm: true }) }); },
    differences: BOTH_REFUSE,
  }),
  scenario({
    id: 'cdk-server-no-rollback',
    peer: 'aws-cdk',
    source: `${UNIT} (disable automatic rollback when all options are false)`,
    title: 'no automatic rollback',
    awsCdk: (stack) => { taggedPeerGroup(stack, { autoRollback: { deploymentInAlarm: false, failedDeployment: false, stoppedDeployment: false } }); },
    library: (stack) => { taggedRollout(stack, { rollback: Rollback.never() }); },
    differences: [EXACT_SERVICE_ROLE],
  }),
  scenario({
    id: 'cdk-server-imported-target-group',
    peer: 'aws-cdk',
    source: `${UNIT} (can be used with an imported ALB Target Group as the load balancer)`,
    title: 'a target group imported by ARN',
    user: (stack) => elbv2.ApplicationTargetGroup.fromTargetGroupAttributes(stack, 'importedAlbTg', {
      targetGroupArn: 'arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/myAlbTargetGroup/73e2d6bc24d8a067',
    }),
    awsCdk: (stack, targets) => { taggedPeerGroup(stack, { loadBalancer: codedeploy.LoadBalancer.application(targets) }); },
    library: (stack, targets) => { taggedRollout(stack, { loadBalancers: [codedeploy.LoadBalancer.application(targets)] }); },
    differences: [EXACT_SERVICE_ROLE],
  }),
  scenario({
    id: 'cdk-server-name-characters',
    peer: 'aws-cdk',
    source: `${UNIT} (fail with unallowed characters in name)`,
    title: 'a group name with a space is refused',
    mayRefuse: true,
    awsCdk: (stack) => { taggedPeerGroup(stack, { deploymentGroupName: 'my name' }); },
    library: (stack) => { taggedRollout(stack, { deploymentGroupName: 'my name' }); },
    differences: BOTH_REFUSE,
  }),
  scenario({
    id: 'cdk-server-ignore-alarms',
    peer: 'aws-cdk',
    source: `${UNIT} (can ignore alarm status when alarms are present)`,
    title: 'an alarm present but ignored (the emergency switch)',
    user: errorsAlarm,
    awsCdk: (stack, alarm) => { taggedPeerGroup(stack, { alarms: [alarm], ignoreAlarmConfiguration: true }); },
    library: (stack, alarm) => {
      taggedRollout(stack, {
        healthChecks: [HealthCheck.alarm(alarm)],
        ignoreAlarms: true,
        rollback: AWS_CDK_ROLLBACK_WITH_ALARMS,
      });
    },
    differences: [EXACT_SERVICE_ROLE],
  }),
  scenario({
    id: 'cdk-server-termination-hook',
    peer: 'aws-cdk',
    source: `${UNIT} (set termination hook)`,
    title: 'the termination hook of an Auto Scaling group',
    user: fleet,
    awsCdk: (stack, { asg }) => { peerGroup(stack, { autoScalingGroups: [asg], terminationHook: true }); },
    library: (stack, { asg }) => { rollout(stack, { autoScalingGroups: [asg], terminationHook: true }); },
    differences: [EXACT_SERVICE_ROLE],
  }),
  scenario({
    id: 'cdk-server-agent-linux',
    peer: 'aws-cdk',
    source: `${UNIT} (uses good linux install agent script)`,
    title: 'the agent installed by user data on Linux',
    user: fleet,
    awsCdk: (stack, { asg }) => { peerGroup(stack, { autoScalingGroups: [asg], installAgent: true }); },
    library: (stack, { asg }) => { rollout(stack, { autoScalingGroups: [asg], agent: AgentInstallation.userData() }); },
    differences: [EXACT_SERVICE_ROLE],
  }),
  scenario({
    id: 'cdk-server-agent-windows',
    peer: 'aws-cdk',
    source: `${UNIT} (uses good windows install agent script)`,
    title: 'the agent installed by user data on Windows',
    user: (stack) => {
      const vpc = network(stack);
      return { asg: group(stack, vpc, ec2.MachineImage.latestWindows(ec2.WindowsVersion.WINDOWS_SERVER_2022_ENGLISH_FULL_BASE)) };
    },
    awsCdk: (stack, { asg }) => { peerGroup(stack, { autoScalingGroups: [asg], installAgent: true }); },
    library: (stack, { asg }) => {
      rollout(stack, {
        autoScalingGroups: [asg],
        agent: AgentInstallation.userData({ operatingSystem: AgentOperatingSystem.WINDOWS }),
      });
    },
    differences: [EXACT_SERVICE_ROLE],
  }),
];
