import { App, Duration, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LambdaRollout, ServerRollout, SmokeTest, TrafficShift } from '../../../src';
import type { Template } from '../../iam/template-world';

/**
 * The stacks `cdk-rollouts watch` is tested against, synthesized with the library, so that the
 * command reads the records, alarms, settings parameters and configs the library really writes:
 * - Canary: a 10 % canary over 2 minutes, a smoke test and a 3-minute bake (the library's hook);
 * - Guarded: every default (the error-rate guard, CodeDeployDefault.LambdaCanary10Percent5Minutes);
 * - Smoke: a smoke test;
 * - Fleet: three EC2 instances by tag, in place, one at a time;
 * - BlueGreen: an Auto Scaling group behind a load balancer, blue/green, rerouting on approval.
 */
export function watchStacks(): Record<string, Template> {
  const app = new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': false } });
  const fn = (stack: Stack) => new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({ ok: true });'),
  });
  const canary = new Stack(app, 'Canary');
  new LambdaRollout(canary, 'Api', {
    function: fn(canary),
    trafficShift: TrafficShift.canary({ percentage: 10, interval: Duration.minutes(2) }),
    smokeTest: SmokeTest.invoke({ payloads: ['{"path":"/health"}'] }),
    bakeTime: Duration.minutes(3),
  });
  const guarded = new Stack(app, 'Guarded');
  new LambdaRollout(guarded, 'Api', { function: fn(guarded) });
  const smoke = new Stack(app, 'Smoke');
  new LambdaRollout(smoke, 'Api', { function: fn(smoke), smokeTest: SmokeTest.invoke({ payloads: ['{"path":"/health"}'], invocations: 3 }) });
  const fleet = new Stack(app, 'Fleet');
  new ServerRollout(fleet, 'Web', { ec2InstanceTags: new codedeploy.InstanceTagSet({ app: ['web'] }) });
  const blueGreen = new Stack(app, 'BlueGreen', { env: { account: '123456789012', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(blueGreen, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'app', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const web = new autoscaling.AutoScalingGroup(blueGreen, 'Web', {
    vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
  });
  const targets = new elbv2.ApplicationTargetGroup(blueGreen, 'WebTargets', { vpc, port: 80, targets: [web] });
  new elbv2.ApplicationLoadBalancer(blueGreen, 'Alb', { vpc }).addListener('Http', { port: 80, defaultTargetGroups: [targets] });
  new ServerRollout(blueGreen, 'Fleet', {
    autoScalingGroups: [web], loadBalancers: [codedeploy.LoadBalancer.application(targets)], blueGreen: { approvalTimeout: Duration.minutes(20) },
  });
  const assembly = app.synth();
  return Object.fromEntries(['Canary', 'Guarded', 'Smoke', 'Fleet', 'BlueGreen'].map((name) => [name, assembly.getStackByName(name).template as Template]));
}
