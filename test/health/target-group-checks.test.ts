import { Duration, Stack, aws_elasticloadbalancingv2 as elbv2, aws_lambda as lambda } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { alarmValue } from '../../bench/guard-sim/simulate';
import { alarmModel } from '../../bench/guard-sim/template-guard';
import { HealthCheck, LambdaRollout } from '../../src';
import { checkedApp, checkedSynth, CheckedSynth } from '../support/checked-synth';

let result: CheckedSynth;
let stack: Stack;

beforeAll(() => {
  const app = checkedApp();
  stack = new Stack(app, 'TargetGroupChecks');
  const targetGroup = elbv2.ApplicationTargetGroup.fromTargetGroupAttributes(stack, 'Web', {
    targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef',
    loadBalancerArns: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/front/fedcba9876543210',
  });
  const fn = new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => 1;'),
  });
  new LambdaRollout(stack, 'Api', {
    function: fn,
    healthChecks: [
      HealthCheck.targetGroup5xx(targetGroup),
      HealthCheck.targetGroup5xx(targetGroup, { thresholdPercent: 2, minErrors: 10, period: Duration.minutes(5) }),
      HealthCheck.unhealthyHosts(targetGroup, { threshold: 2, period: Duration.minutes(2), evaluationPeriods: 3 }),
    ],
  });
  result = checkedSynth(app);
});

test('CloudFormation validates the template', () => {
  expect(result.templateFindings).toEqual([]);
});

test('targetGroup5xx alarms on the rate of 5XX responses, not their count', () => {
  const dimensions = [
    { Name: 'LoadBalancer', Value: 'app/front/fedcba9876543210' },
    { Name: 'TargetGroup', Value: 'targetgroup/web/0123456789abcdef' },
  ];
  result.template(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
    Metrics: [
      { Id: 'expr_1', Expression: 'IF(FILL(requests,0) > 0 && FILL(errors,0) >= 2, 100 * FILL(errors,0) / requests, 0)', Label: 'Target 5XX responses (% of requests)', ReturnData: true },
      { Id: 'errors', MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'HTTPCode_Target_5XX_Count', Dimensions: dimensions }, Period: 60, Stat: 'Sum' }, ReturnData: false },
      { Id: 'requests', MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCount', Dimensions: dimensions }, Period: 60, Stat: 'Sum' }, ReturnData: false },
    ],
    Threshold: 5,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    EvaluationPeriods: 1,
    TreatMissingData: 'notBreaching',
  });
});

test('minErrors and thresholdPercent set the floor and the threshold', () => {
  result.template(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
    Metrics: Match.arrayWith([
      Match.objectLike({ Id: 'expr_1', Expression: 'IF(FILL(requests,0) > 0 && FILL(errors,0) >= 10, 100 * FILL(errors,0) / requests, 0)' }),
      Match.objectLike({ Id: 'errors', MetricStat: Match.objectLike({ Period: 300 }) }),
    ]),
    Threshold: 2,
  });
});

test('the synthesized rate, evaluated (hand-computed cases)', () => {
  const alarms = result.template(stack).findResources('AWS::CloudWatch::Alarm');
  const [id] = Object.entries(alarms).find(([, a]) => a.Properties.Threshold === 5 && a.Properties.Metrics)!;
  const alarm = alarmModel(id, alarms[id].Properties, (_alarm, metric) => metric.MetricName as string);
  const value = (counts: Record<string, number>): number | undefined => alarmValue(alarm, new Map(Object.entries(counts)));
  // 2 of 10 requests: 20%; 1 of 10 is below the floor of 2 errors, whatever its rate.
  expect(value({ errors: 2, requests: 10 })).toBeCloseTo(20, 12);
  expect(value({ errors: 1, requests: 10 })).toBe(0);
  // No 5XX datapoint (the load balancer publishes none for a zero count): FILL makes it 0.
  expect(value({ requests: 100 })).toBe(0);
  // No datapoint at all: no request, no judgement.
  expect(value({})).toBeUndefined();
});

test('unhealthyHosts alarms on the most unhealthy targets in a period', () => {
  result.template(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
    Namespace: 'AWS/ApplicationELB',
    MetricName: 'UnHealthyHostCount',
    Statistic: 'Maximum',
    Period: 120,
    EvaluationPeriods: 3,
    Threshold: 2,
    TreatMissingData: 'notBreaching',
  });
});

test.each([
  ['5xx threshold 0', () => HealthCheck.targetGroup5xx(undefined as never, { thresholdPercent: 0 }),
    'HealthCheck.targetGroup5xx: thresholdPercent must be greater than 0 and at most 100, got 0'],
  ['5xx threshold above 100', () => HealthCheck.targetGroup5xx(undefined as never, { thresholdPercent: 150, evaluationPeriods: 0 }),
    'HealthCheck.targetGroup5xx: thresholdPercent must be greater than 0 and at most 100, got 150\n'
    + 'HealthCheck.targetGroup5xx: evaluationPeriods must be an integer of at least 1, got 0'],
  ['5xx min errors 0', () => HealthCheck.targetGroup5xx(undefined as never, { minErrors: 0 }),
    'HealthCheck.targetGroup5xx: minErrors must be an integer of at least 1, got 0'],
  ['5xx fractional min errors', () => HealthCheck.targetGroup5xx(undefined as never, { minErrors: 2.5, thresholdPercent: -1 }),
    'HealthCheck.targetGroup5xx: thresholdPercent must be greater than 0 and at most 100, got -1\n'
    + 'HealthCheck.targetGroup5xx: minErrors must be an integer of at least 1, got 2.5'],
  ['unhealthy threshold 0', () => HealthCheck.unhealthyHosts(undefined as never, { threshold: 0 }),
    'HealthCheck.unhealthyHosts: threshold must be an integer of at least 1, got 0'],
])('%s', (_name, create, message) => {
  expect(create).toThrow(new Error(message));
});
