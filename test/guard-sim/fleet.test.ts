import { App, Stack } from 'aws-cdk-lib';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import {
  batchSizes, Fleet, FleetGuard, fleetGuardOf, fleetState, minimumHealthyHostsOf, simulateFleet, targetGroupErrorRate,
} from '../../bench/guard-sim/fleet';
import { SimulationOptions } from '../../bench/guard-sim/simulate';
import { HealthCheck, HealthyHosts, ServerRollout } from '../../src';

/** One ServerRollout per config, guarded by targetGroup5xx(), read back from the template. */
function guards(): Record<string, FleetGuard> {
  const app = new App();
  const build = (id: string, healthyHosts: HealthyHosts, trafficControl = true): Stack => {
    const stack = new Stack(app, id);
    const targetGroup = elbv2.ApplicationTargetGroup.fromTargetGroupAttributes(stack, 'Web', {
      targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef',
      loadBalancerArns: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/front/fedcba9876543210',
    });
    new ServerRollout(stack, 'Rollout', {
      ec2InstanceTags: new codedeploy.InstanceTagSet({ app: ['web'] }),
      loadBalancers: trafficControl ? [codedeploy.LoadBalancer.application(targetGroup)] : undefined,
      healthyHosts,
      healthChecks: [HealthCheck.targetGroup5xx(targetGroup)],
    });
    return stack;
  };
  const stacks = { one: build('One', HealthyHosts.oneAtATime()), percent: build('Percent', HealthyHosts.percentage(75)), blind: build('Blind', HealthyHosts.oneAtATime(), false) };
  const assembly = app.synth();
  templates.blind = assembly.getStackByName(stacks.blind.stackName).template;
  return {
    one: fleetGuardOf(assembly.getStackByName(stacks.one.stackName).template),
    percent: fleetGuardOf(assembly.getStackByName(stacks.percent.stackName).template),
  };
}
const templates: Record<string, any> = {};
let fleetGuards: Record<string, FleetGuard>;
beforeAll(() => {
  fleetGuards = guards();
});

const options = (runs: number): SimulationOptions => ({ runs, seed: 7, datapointDelayMinutes: 1, windows: 'rolling' });
const fleet = (overrides: Partial<Fleet>): Fleet => ({
  instances: 10, requestsPerInstancePerSecond: 100, oldErrorRate: 0, newErrorRate: 0.2, batchMinutes: 3, ...overrides,
});

describe('batches', () => {
  test('one at a time, half at a time, and minimums rounded up as CodeDeploy does', () => {
    expect(batchSizes({ type: 'MOST_CONCURRENCY', value: 1 }, 4)).toEqual([1, 1, 1, 1]);
    expect(batchSizes({ type: 'FLEET_PERCENT', value: 50 }, 2)).toEqual([1, 1]);
    expect(batchSizes({ type: 'FLEET_PERCENT', value: 50 }, 10)).toEqual([5, 5]);
    expect(batchSizes({ type: 'FLEET_PERCENT', value: 50 }, 5)).toEqual([2, 2, 1]);
    // The API reference's examples, nine instances: FLEET_PERCENT 40 deploys up to five at a time, HOST_COUNT 6 up to three.
    expect(batchSizes({ type: 'FLEET_PERCENT', value: 40 }, 9)).toEqual([5, 4]);
    expect(batchSizes({ type: 'HOST_COUNT', value: 6 }, 9)).toEqual([3, 3, 3]);
    // 75% of 10 is 7.5, rounded up to 8: two at a time. Of 2 it is 2: nothing may go offline.
    expect(batchSizes({ type: 'FLEET_PERCENT', value: 75 }, 10)).toEqual([2, 2, 2, 2, 2]);
    expect(batchSizes({ type: 'FLEET_PERCENT', value: 75 }, 2)).toEqual([]);
  });

  test('the fleet during a deployment: the updating batch is out of service', () => {
    const batches = [1, 1, 1, 1];
    expect(fleetState(batches, 3, -0.5)).toEqual({ updated: 0, old: 4 });
    expect(fleetState(batches, 3, 1)).toEqual({ updated: 0, old: 3 });
    expect(fleetState(batches, 3, 4)).toEqual({ updated: 1, old: 2 });
    expect(fleetState(batches, 3, 12)).toEqual({ updated: 4, old: 0 });
  });

  test('one bad instance among N is diluted by the others in service (hand-computed)', () => {
    const f = fleet({ oldErrorRate: 0.001 });
    const batches = batchSizes({ type: 'MOST_CONCURRENCY', value: 1 }, 10);
    expect(targetGroupErrorRate(f, batches, -1)).toBeCloseTo(0.001, 12);
    // Batch 0: the first instance is updating, nine old ones serve.
    expect(targetGroupErrorRate(f, batches, 1)).toBeCloseTo(0.001, 12);
    // Batch 1: one new instance among nine in service: (0.2 + 8 x 0.001) / 9 = 2.311%.
    expect(targetGroupErrorRate(f, batches, 4)).toBeCloseTo(0.208 / 9, 12);
    // Batch 3: three new, six old: (0.6 + 0.006) / 9 = 6.733%.
    expect(targetGroupErrorRate(f, batches, 10)).toBeCloseTo(0.606 / 9, 12);
    expect(targetGroupErrorRate(f, batches, 30)).toBeCloseTo(0.2, 12);
    // All at once: nobody serves.
    expect(targetGroupErrorRate(f, [10], 1)).toBeUndefined();
  });
});

describe('the template', () => {
  test('the alarm of targetGroup5xx and the deployment config, read back', () => {
    const { one, percent } = fleetGuards;
    expect(one.minimumHealthyHosts).toEqual({ type: 'MOST_CONCURRENCY', value: 1 });
    expect(percent.minimumHealthyHosts).toEqual({ type: 'FLEET_PERCENT', value: 75 });
    expect(one.alarms).toHaveLength(1);
    const alarm = one.alarms[0];
    expect([...alarm.metrics.values()].map((m) => m.metricName).sort()).toEqual(['HTTPCode_Target_5XX_Count', 'RequestCount']);
    expect([alarm.periodMinutes, alarm.evaluationPeriods, alarm.threshold, alarm.comparison]).toEqual([1, 1, 5, 'GreaterThanOrEqualToThreshold']);
  });

  test('what it cannot replay is refused', () => {
    expect(() => fleetGuardOf(templates.blind)).toThrow('fleet simulator: only in-place deployments with traffic control are modelled');
    expect(() => minimumHealthyHostsOf('CodeDeployDefault.LambdaAllAtOnce')).toThrow('is not a server minimum-healthy-hosts config');
  });
});

describe('replay', () => {
  test('a healthy fleet that never fails is never stopped; a config that cannot deploy is reported', () => {
    expect(simulateFleet(fleetGuards.one, fleet({ newErrorRate: 0 }), options(200)).stopped).toBe(0);
    const none = simulateFleet(fleetGuards.percent, fleet({ instances: 2 }), options(10));
    expect([none.deployable, none.stopped]).toEqual([false, 0]);
  });

  test('two instances, the new one always fails: stopped in batch 1, when the whole fleet has the new revision', () => {
    // Batch 1 sends all traffic to the updated instance: 100% 5XX, stopped before batch 1 ends (minute 6).
    const r = simulateFleet(fleetGuards.one, fleet({ instances: 2, newErrorRate: 1 }), options(200));
    expect([r.stopped, r.exposedWhenStopped, r.durationMinutes]).toEqual([1, 1, 6]);
  });

  test('instances failing 20% among ten: the alarm waits for the third bad instance (hand-computed)', () => {
    // Rates by batch: 0.2 k / 9 for k new instances in service: 2.2%, 4.4%, then 6.7% >= 5% in batch 3,
    // [s + 9, s + 12). Minute 9 mixes batch 2 for s and batch 3 for 1 - s: 4.44% + 2.22% (1 - s) >= 5% when
    // s <= 0.75; it is seen at minute 11, or minute 10's at minute 12: either way inside batch 3, with
    // 3 updated and 1 updating instance: 40% of the fleet. At 60,000 requests a minute the noise is far below the margins.
    const r = simulateFleet(fleetGuards.one, fleet({}), options(300));
    expect(r.stopped).toBe(1);
    expect(r.exposedWhenStopped).toBeCloseTo(0.4, 12);
    expect(r.durationMinutes).toBe(30);
  });

  test('instances failing 5% reach the 5% threshold only when every instance in service has them', () => {
    const r = simulateFleet(fleetGuards.one, fleet({ newErrorRate: 0.05 }), options(300));
    // Only in the last batch (nine new of nine in service: exactly 5%, half the minutes by noise), if ever.
    expect(r.stopped).toBeGreaterThan(0);
    expect(r.exposedWhenStopped).toBe(1);
  });
});
