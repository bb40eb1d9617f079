import { CustomResource, Duration, Names, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { BlueGreenOptions } from './blue-green-options';
import { refuseUnsupportedOverrides } from './blue-green-overrides';
import { autoScalingGroupArn, AUTO_SCALING_HOOK_ACTIONS, AUTO_SCALING_PROCESS_ACTIONS } from './server-permissions';
import { copiedAutoScalingGroupPrefix, DEPLOYMENT_GROUP_RESOURCE_TYPE } from '../contract/deployment-group';
import { LibraryFunctionOptions } from '../functions/library-function-options';
import { ServerDeployer } from '../functions/server-deployer';
import { acknowledge } from '../private/acknowledge';
import { acknowledgeWildcardResource } from '../private/acknowledge-wildcard';
import { BLUE_GREEN } from '../private/codedeploy-limits';
import { DEFAULT_BLUE_GREEN_TERMINATION_WAIT } from '../private/defaults';
import { IAM_POLICY } from '../private/iam-limits';
import { boundedArn } from '../private/rollout-service-role';
import { Problems } from '../private/validation';

/** What a rollout needs to know to validate and render its blue/green options. */
interface BlueGreenTargets {
  readonly autoScalingGroups: autoscaling.IAutoScalingGroup[];
  readonly loadBalancers: codedeploy.LoadBalancer[];
  readonly hasTagSets: boolean;
  readonly suspendsProcesses: boolean;
}

/** Checks blue/green options against CodeDeploy's rules; returns the minutes a deployment waits on its own, when valid. */
export function checkBlueGreen(problems: Problems, options: BlueGreenOptions, targets: BlueGreenTargets): number | undefined {
  const groups = targets.autoScalingGroups;
  if (groups.length !== 1) {
    problems.add(`blueGreen needs exactly one Auto Scaling group to copy, got ${groups.length}`);
  } else if (!(groups[0] instanceof autoscaling.AutoScalingGroup)) {
    problems.add('blueGreen needs an Auto Scaling group defined in this app, got an imported one: the copies launch with its instance role, which the rollout must be allowed to pass');
  }
  if (targets.loadBalancers.length === 0) {
    problems.add('blueGreen needs loadBalancers, got none: traffic moves from the original instances to the copies through a load balancer');
  }
  if (targets.hasTagSets) {
    problems.add('blueGreen copies the Auto Scaling group and takes no ec2InstanceTags or onPremisesInstanceTags, got tag sets');
  }
  if (targets.suspendsProcesses) {
    problems.add('blueGreen takes no autoScalingProcessesToSuspend: the copies are new groups, not updated in place');
  }
  const minute = Duration.minutes(1).toMilliseconds();
  const approval = options.approvalTimeout === undefined
    ? 0
    : problems.wholeDuration('blueGreen.approvalTimeout', options.approvalTimeout, minute, BLUE_GREEN.approvalTimeout);
  if (options.keepOriginalInstances && options.terminationWait !== undefined) {
    problems.add('blueGreen.terminationWait applies only when the original instances are terminated, got keepOriginalInstances: true as well');
  }
  const termination = options.keepOriginalInstances
    ? 0
    : problems.wholeDuration('blueGreen.terminationWait', options.terminationWait ?? DEFAULT_BLUE_GREEN_TERMINATION_WAIT, minute, BLUE_GREEN.terminationWait);
  return approval === undefined || termination === undefined ? undefined : approval + termination;
}

/** The group's blue/green settings, in CloudFormation's shape. */
export function renderBlueGreen(options: BlueGreenOptions): codedeploy.CfnDeploymentGroup.BlueGreenDeploymentConfigurationProperty {
  return {
    deploymentReadyOption: options.approvalTimeout === undefined
      ? { actionOnTimeout: 'CONTINUE_DEPLOYMENT' }
      : { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: options.approvalTimeout.toMinutes() },
    greenFleetProvisioningOption: { action: 'COPY_AUTO_SCALING_GROUP' },
    terminateBlueInstancesOnDeploymentSuccess: options.keepOriginalInstances
      ? { action: 'KEEP_ALIVE' }
      : { action: 'TERMINATE', terminationWaitTimeInMinutes: (options.terminationWait ?? DEFAULT_BLUE_GREEN_TERMINATION_WAIT).toMinutes() },
  };
}

/**
 * A name for a blue/green deployment group, which the custom resource creates under a name known
 * at synth (CodeDeploy names the copied groups after it).
 */
export function blueGreenGroupName(scope: IConstruct): string {
  return Names.uniqueResourceName(scope, { maxLength: 100, separator: '-' });
}

/**
 * The deployment group as a custom resource, with CloudFormation's property names so that rules
 * reading deployment groups read it too. The handler keeps the copied Auto Scaling group when it
 * updates the group, and deletes the copies when the group is deleted. A property override of a
 * field the handler does not read is refused at synth (`refuseUnsupportedOverrides`).
 */
export function blueGreenDeploymentGroup(
  scope: Construct, id: string, deployerOptions: LibraryFunctionOptions | undefined, props: codedeploy.CfnDeploymentGroupProps,
): CustomResource {
  const deployer = ServerDeployer.of(scope, deployerOptions);
  const resource = new CustomResource(scope, id, {
    serviceToken: deployer.function.functionArn,
    resourceType: DEPLOYMENT_GROUP_RESOURCE_TYPE,
    properties: { DeploymentGroup: cloudFormationShape(props) },
  });
  resource.node.addDependency(deployer.basePolicy);
  refuseUnsupportedOverrides(resource, scope);
  return resource;
}

/**
 * The deployer's permissions to manage one blue/green group: the group itself, passing the
 * service role to CodeDeploy, and deleting the copies CodeDeploy made of the Auto Scaling group.
 */
export function grantGroupManagement(scope: Construct, applicationName: string, groupName: string, serviceRole: iam.IRole): iam.ManagedPolicy {
  const stack = Stack.of(scope);
  const groupArn = `arn:${stack.partition}:codedeploy:${stack.region}:${stack.account}:deploymentgroup:${applicationName}/${groupName}`;
  const copies = autoScalingGroupArn(scope, `${copiedAutoScalingGroupPrefix(groupName)}*`);
  const policy = ServerDeployer.of(scope).policies.grant({
    statements: [
      {
        actions: ['codedeploy:CreateDeploymentGroup', 'codedeploy:GetDeploymentGroup', 'codedeploy:UpdateDeploymentGroup', 'codedeploy:DeleteDeploymentGroup'],
        resources: [boundedArn(groupArn, IAM_POLICY.maxDeploymentGroupArnLength)],
      },
      // CreateDeploymentGroup and UpdateDeploymentGroup hand the service role to CodeDeploy.
      { actions: ['iam:PassRole'], resources: [boundedArn(serviceRole.roleArn, IAM_POLICY.maxRoleArnLength)] },
      { actions: ['autoscaling:DeleteAutoScalingGroup'], resources: [copies] },
    ],
  });
  acknowledgeWildcardResource(policy, copies.arn, 'The Auto Scaling groups CodeDeploy copied for this deployment group, named after it; deleted with it');
  return policy;
}

/**
 * The service role's permissions to copy the Auto Scaling group, launch and tag the copy's
 * instances with the group's instance role, move the group's settings and load balancers to the
 * copy, and retire the original (AWS managed policy AWSCodeDeployRole, and the user guide's
 * additions for launch templates: ec2:RunInstances, ec2:CreateTags and iam:PassRole). A policy of
 * its own, for the conditions it holds.
 */
export function blueGreenServicePolicy(
  scope: Construct, serviceRole: iam.IRole, group: autoscaling.AutoScalingGroup, groupName: string,
): iam.ManagedPolicy {
  const original = autoScalingGroupArn(scope, group.autoScalingGroupName);
  const copies = autoScalingGroupArn(scope, `${copiedAutoScalingGroupPrefix(groupName)}*`);
  const policy = new iam.ManagedPolicy(scope, 'BlueGreenPermissions', {
    description: 'Lets CodeDeploy copy the rollout\'s Auto Scaling group for blue/green deployments and retire the original',
    roles: [serviceRole],
    statements: [
      new iam.PolicyStatement({
        actions: [...BLUE_GREEN_AUTO_SCALING_ACTIONS, ...AUTO_SCALING_HOOK_ACTIONS, ...AUTO_SCALING_PROCESS_ACTIONS],
        resources: [original.arn, copies.arn],
      }),
      new iam.PolicyStatement({ actions: BLUE_GREEN_DISCOVERY, resources: ['*'] }),
      new iam.PolicyStatement({ actions: ['ec2:RunInstances'], resources: ['*'] }),
      new iam.PolicyStatement({ actions: ['ec2:CreateTags'], resources: ['*'], conditions: { StringEquals: { 'ec2:CreateAction': 'RunInstances' } } }),
      new iam.PolicyStatement({
        actions: ['ec2:TerminateInstances'],
        resources: ['*'],
        conditions: { StringLike: { 'ec2:ResourceTag/aws:autoscaling:groupName': [group.autoScalingGroupName, `${copiedAutoScalingGroupPrefix(groupName)}*`] } },
      }),
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [group.role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
      }),
    ],
  });
  acknowledge(policy, {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'ec2:RunInstances launches the copy\'s instances, whose ids, volumes and interfaces are not known in advance; ec2:CreateTags only while launching; '
      + 'ec2:TerminateInstances only on instances of the original group and its copies; Describe calls support no resource-level permission',
  });
  acknowledgeWildcardResource(policy, original.arn, 'An Auto Scaling group ARN holds an id CloudFormation does not expose; the name after it pins the group');
  acknowledgeWildcardResource(policy, copies.arn, 'The Auto Scaling groups CodeDeploy copies for this deployment group, named after it');
  return policy;
}

/** What CodeDeploy does to the Auto Scaling groups of a blue/green deployment (AWSCodeDeployRole). */
const BLUE_GREEN_AUTO_SCALING_ACTIONS = [
  'autoscaling:AttachLoadBalancers', 'autoscaling:AttachLoadBalancerTargetGroups', 'autoscaling:CreateAutoScalingGroup',
  'autoscaling:CreateOrUpdateTags', 'autoscaling:DeleteAutoScalingGroup', 'autoscaling:EnableMetricsCollection',
  'autoscaling:PutNotificationConfiguration', 'autoscaling:PutScalingPolicy', 'autoscaling:PutScheduledUpdateGroupAction',
  'autoscaling:PutWarmPool', 'autoscaling:UpdateAutoScalingGroup',
];

/** What CodeDeploy reads of the original group to copy it (AWSCodeDeployRole); no resource-level permission. */
const BLUE_GREEN_DISCOVERY = [
  'autoscaling:DescribeNotificationConfigurations', 'autoscaling:DescribePolicies', 'autoscaling:DescribeScalingActivities',
  'autoscaling:DescribeScheduledActions',
];

/** CDK L1 props (camelCase) as CloudFormation properties (PascalCase), without the absent ones. */
export function cloudFormationShape(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(cloudFormationShape);
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([key, v]) => [key.charAt(0).toUpperCase() + key.slice(1), cloudFormationShape(v)]));
  }
  return value;
}
