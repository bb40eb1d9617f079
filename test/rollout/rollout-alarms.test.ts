import { App, Duration, Stack, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import { InstanceTagSet } from 'aws-cdk-lib/aws-codedeploy';
import { HealthCheck, LambdaRollout, ServerRollout } from '../../src';
import { inlineFunction } from '../support/inline-function';
import { metricAlarmPaths } from '../support/logical-id';

const metric = (name: string) => new cloudwatch.Metric({ namespace: 'Shop', metricName: name });
const tags = new InstanceTagSet({ app: ['shop'] });

/** The id of each metric alarm, by the metric it watches. */
function alarmIdsByMetric(checks: HealthCheck[]): Record<string, string> {
  const stack = new Stack(new App(), 'Stack');
  new ServerRollout(stack, 'Rollout', { ec2InstanceTags: tags, healthChecks: checks });
  return Object.fromEntries(metricAlarmPaths(stack, 'Rollout').map((path) => {
    const alarm = stack.node.findChild('Rollout').node.findChild(path.split('/')[1]) as cloudwatch.Alarm;
    return [(alarm.metric as cloudwatch.Metric).metricName, path];
  }));
}

test('alarm ids come from what a check watches: reordering or inserting checks keeps every alarm', () => {
  const orders = alarmIdsByMetric([HealthCheck.metric(metric('Orders5xx'), { threshold: 1 }), HealthCheck.metric(metric('Payments5xx'), { threshold: 1 })]);
  const reversed = alarmIdsByMetric([HealthCheck.metric(metric('Payments5xx'), { threshold: 1 }), HealthCheck.metric(metric('Orders5xx'), { threshold: 1 })]);
  const inserted = alarmIdsByMetric([
    HealthCheck.metric(metric('Carts5xx'), { threshold: 1 }),
    HealthCheck.metric(metric('Payments5xx'), { threshold: 1 }),
    HealthCheck.metric(metric('Orders5xx'), { threshold: 1 }),
  ]);
  expect(Object.keys(orders)).toEqual(['Orders5xx', 'Payments5xx']);
  expect(reversed).toEqual(orders);
  expect(inserted).toMatchObject(orders);
  expect(orders.Orders5xx).toMatch(/^Rollout\/MetricAlarm[0-9A-F]{8}$/);
  // A different threshold is a different check, and a different alarm.
  expect(alarmIdsByMetric([HealthCheck.metric(metric('Orders5xx'), { threshold: 2 })]).Orders5xx).not.toEqual(orders.Orders5xx);
});

test('the same check twice is refused, every duplicate at once', () => {
  const stack = new Stack(new App(), 'Stack');
  const existing = cloudwatch.Alarm.fromAlarmArn(stack, 'Existing', 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:orders');
  expect(() => new ServerRollout(stack, 'Rollout', {
    ec2InstanceTags: tags,
    healthChecks: [
      HealthCheck.metric(metric('Orders5xx'), { threshold: 1 }), HealthCheck.alarm(existing),
      HealthCheck.metric(metric('Orders5xx'), { threshold: 1 }), HealthCheck.alarm(existing),
    ],
  })).toThrow([
    'ServerRollout at Stack/Rollout: healthChecks 1 and 3 are the same HealthCheck.metric: give each check once',
    'ServerRollout at Stack/Rollout: healthChecks 2 and 4 are the same HealthCheck.alarm: give each check once',
  ].join('\n'));
  expect(() => new LambdaRollout(stack, 'Api', {
    function: inlineFunction(stack, 'Fn'),
    healthChecks: [HealthCheck.lambdaErrorRate(), HealthCheck.lambdaErrorRate()],
  })).toThrow('LambdaRollout at Stack/Api: healthChecks 1 and 2 are the same HealthCheck.lambdaErrorRate: give each check once');
  expect(() => new LambdaRollout(stack, 'Latency', {
    function: inlineFunction(stack, 'LatencyFn'),
    healthChecks: [HealthCheck.lambdaLatencyRegression(), HealthCheck.lambdaErrorRate(), HealthCheck.lambdaLatencyRegression({ minRequests: 20 })],
  })).toThrow('LambdaRollout at Stack/Latency: healthChecks 1 and 3 are the same HealthCheck.lambdaLatencyRegression: give each check once');
});

test('alarms stand in the order of their kind, whatever the order of healthChecks: the new version\'s, comparisons, metrics, then the ones passed in', () => {
  const stack = new Stack(new App(), 'Stack');
  const existing = cloudwatch.Alarm.fromAlarmArn(stack, 'Existing', 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:orders');
  const rollout = new LambdaRollout(stack, 'Api', {
    function: inlineFunction(stack, 'Fn'),
    healthChecks: [
      HealthCheck.alarm(existing),
      HealthCheck.lambdaLatencyRegression(),
      HealthCheck.metric(metric('Orders5xx'), { threshold: 1 }),
      HealthCheck.lambdaErrorRate(),
      HealthCheck.lambdaErrors(),
      HealthCheck.lambdaThrottles({ period: Duration.minutes(2) }),
      HealthCheck.lambdaLatency({ threshold: Duration.seconds(1) }),
    ],
  });
  expect(rollout.alarms.map((alarm) => (alarm === existing ? 'existing' : alarm.node.id))).toEqual([
    // lambdaErrors and lambdaLatency share the alarm of the default evaluation, in the order of their first check;
    // the two comparisons keep the order of healthChecks.
    'NewVersionAlarm', 'NewVersionAlarm-2m-x1', 'NewVersionLatencyAlarm', 'NewVersionErrorRateAlarm', expect.stringMatching(/^MetricAlarm[0-9A-F]{8}$/), 'existing',
  ]);
});
