/**
 * The server guards the bench compares: a `ServerRollout` behind an Application Load Balancer,
 * guarded by `HealthCheck.targetGroup5xx` (the library's default options), under each
 * deployment config, each synthesized as a real stack and read back from its template.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { FleetGuard, fleetGuardOf } from './fleet';
import { HealthCheck, HealthyHosts, ServerRollout } from '../../src';

export interface NamedFleetGuard {
  readonly name: string;
  readonly guard: FleetGuard;
}

const CONFIGS: Array<[string, HealthyHosts]> = [
  ['OneAtATime', HealthyHosts.oneAtATime()],
  ['HalfAtATime', HealthyHosts.percentage(50)],
  ['percentage(75)', HealthyHosts.percentage(75)],
];

/** Synthesizes one rollout per deployment config (validation off: this is a measurement) and reads its guard. */
export function synthesizeFleetGuards(): NamedFleetGuard[] {
  const app = new App();
  const stacks = CONFIGS.map(([name, healthyHosts], i) => {
    const stack = new Stack(app, `Fleet${i}`);
    const targetGroup = elbv2.ApplicationTargetGroup.fromTargetGroupAttributes(stack, 'Web', {
      targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef',
      loadBalancerArns: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/front/fedcba9876543210',
    });
    new ServerRollout(stack, 'Rollout', {
      ec2InstanceTags: new codedeploy.InstanceTagSet({ app: ['web'] }),
      loadBalancers: [codedeploy.LoadBalancer.application(targetGroup)],
      healthyHosts,
      healthChecks: [HealthCheck.targetGroup5xx(targetGroup)],
    });
    return { name, stack };
  });
  const assembly = app.synth();
  return stacks.map(({ name, stack }) => ({ name, guard: fleetGuardOf(assembly.getStackByName(stack.stackName).template) }));
}
