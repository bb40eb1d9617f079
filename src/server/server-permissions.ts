import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { IAM_POLICY } from '../private/iam-limits';
import { BoundedArn, RolloutStatement } from '../private/rollout-service-role';

/**
 * Read-only calls CodeDeploy makes to find a server fleet's instances, groups and load balancer
 * targets, and to read alarms. None of them supports resource-level permissions.
 * (AWS managed policy AWSCodeDeployRole, reduced to what in-place deployments read.)
 */
export const SERVER_DISCOVERY: RolloutStatement = {
  actions: [
    'autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeLifecycleHooks',
    'cloudwatch:DescribeAlarms',
    'ec2:DescribeInstances', 'ec2:DescribeInstanceStatus',
    'elasticloadbalancing:DescribeInstanceHealth', 'elasticloadbalancing:DescribeLoadBalancerAttributes',
    'elasticloadbalancing:DescribeLoadBalancers', 'elasticloadbalancing:DescribeTargetGroupAttributes',
    'elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetHealth',
    'tag:GetResources',
  ],
  resources: [{ arn: '*', maxLength: 1 }],
};

/** Lifecycle hooks CodeDeploy installs on, and answers for, the fleet's Auto Scaling groups. */
export const AUTO_SCALING_HOOK_ACTIONS = [
  'autoscaling:CompleteLifecycleAction', 'autoscaling:DeleteLifecycleHook',
  'autoscaling:PutLifecycleHook', 'autoscaling:RecordLifecycleActionHeartbeat',
];

/** Suspending and resuming the Auto Scaling processes a rollout names during a deployment. */
export const AUTO_SCALING_PROCESS_ACTIONS = ['autoscaling:ResumeProcesses', 'autoscaling:SuspendProcesses'];

/** Taking instances out of a Classic Load Balancer and back while they are updated. */
export const CLASSIC_LOAD_BALANCER_ACTIONS = [
  'elasticloadbalancing:DeregisterInstancesFromLoadBalancer', 'elasticloadbalancing:RegisterInstancesWithLoadBalancer',
];

/** Taking targets out of a target group and back while they are updated. */
export const TARGET_GROUP_ACTIONS = ['elasticloadbalancing:DeregisterTargets', 'elasticloadbalancing:RegisterTargets'];

/**
 * ARNs whose last part cannot be known at synth time (an Auto Scaling group's id, a target group's
 * id), so they end or pass through a `*`; bounded by the longest name each part may have.
 */
function arnWithWildcard(scope: IConstruct, service: string, resource: string, maxNameLength: number, name: string): BoundedArn {
  const stack = Stack.of(scope);
  const arn = `arn:${stack.partition}:${service}:${stack.region}:${stack.account}:${resource}`;
  const nameLength = Token.isUnresolved(name) ? maxNameLength : name.length;
  return { arn, maxLength: IAM_POLICY.maxArnPrefixLength + service.length + resource.length - name.length + nameLength };
}

/** `arn:…:autoScalingGroup:*:autoScalingGroupName/NAME`: the group's id part is not known. Names are up to 255 characters. */
export function autoScalingGroupArn(scope: IConstruct, name: string): BoundedArn {
  return arnWithWildcard(scope, 'autoscaling', `autoScalingGroup:*:autoScalingGroupName/${name}`, 255, name);
}

/** `arn:…:targetgroup/NAME/*`: the group's id is not known from its name. Names are up to 32 characters. */
export function targetGroupArn(scope: IConstruct, name: string): BoundedArn {
  return arnWithWildcard(scope, 'elasticloadbalancing', `targetgroup/${name}/*`, 32, name);
}

/** `arn:…:loadbalancer/NAME` of a Classic Load Balancer. Names are up to 32 characters. */
export function classicLoadBalancerArn(scope: IConstruct, name: string): BoundedArn {
  return arnWithWildcard(scope, 'elasticloadbalancing', `loadbalancer/${name}`, 32, name);
}
