import { App, Duration, Stack, aws_lambda as lambda } from 'aws-cdk-lib';
import { alarmModel, guardOf, scheduleOf } from '../../bench/guard-sim/template-guard';
import { HealthCheck, LambdaRollout, TrafficShift } from '../../src';

function synth(build: (stack: Stack, fn: lambda.Function) => void): any {
  const app = new App();
  const stack = new Stack(app, 'S');
  const fn = new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => 1;'),
  });
  build(stack, fn);
  return app.synth().getStackByName('S').template;
}

describe('schedules', () => {
  test('predefined Lambda configs', () => {
    expect(scheduleOf('CodeDeployDefault.LambdaCanary10Percent5Minutes')).toEqual([{ atMinute: 0, percent: 10 }, { atMinute: 5, percent: 100 }]);
    expect(scheduleOf('CodeDeployDefault.LambdaAllAtOnce')).toEqual([{ atMinute: 0, percent: 100 }]);
    const linear = scheduleOf('CodeDeployDefault.LambdaLinear10PercentEvery1Minute');
    expect(linear).toHaveLength(10);
    expect(linear[0]).toEqual({ atMinute: 0, percent: 10 });
    expect(linear[9]).toEqual({ atMinute: 9, percent: 100 });
  });

  test('a custom config of the template, read through its Ref', () => {
    const template = synth((stack, fn) => new LambdaRollout(stack, 'R', {
      function: fn, trafficShift: TrafficShift.linear({ percentage: 30, interval: Duration.minutes(2) }),
    }));
    // 30% at 0, 60% at 2, 90% at 4, 100% at 6.
    expect(guardOf(template).schedule).toEqual([
      { atMinute: 0, percent: 30 }, { atMinute: 2, percent: 60 }, { atMinute: 4, percent: 90 }, { atMinute: 6, percent: 100 },
    ]);
  });

  test('anything else is refused', () => {
    expect(() => scheduleOf('CodeDeployDefault.OneAtATime')).toThrow('guard simulator: deployment config "CodeDeployDefault.OneAtATime" is not a Lambda traffic shift');
  });
});

describe('alarms read from the template', () => {
  test('the count alarm of lambdaErrors + lambdaThrottles: the new version, one expression', () => {
    const guard = guardOf(synth((stack, fn) => new LambdaRollout(stack, 'R', {
      function: fn, healthChecks: [HealthCheck.lambdaErrors(), HealthCheck.lambdaThrottles()],
    })));
    expect(guard.alarms).toHaveLength(1);
    const alarm = guard.alarms[0];
    expect([...alarm.metrics.entries()]).toEqual([
      ['errors', { series: 'new', metricName: 'Errors', statistic: 'Sum' }], ['throttles', { series: 'new', metricName: 'Throttles', statistic: 'Sum' }],
    ]);
    expect(alarm.expressions.map((e) => e.source)).toEqual(['IF(FILL(errors,0) >= 1 || FILL(throttles,0) >= 1, 1, 0)']);
    expect(alarm).toMatchObject({
      returnId: 'expr_1',
      periodMinutes: 1,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: 1,
      comparison: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
    });
  });

  test('the error-rate alarm: six metrics, the helper expressions before the one that reads them', () => {
    const alarm = guardOf(synth((stack, fn) => new LambdaRollout(stack, 'R', { function: fn, healthChecks: [HealthCheck.lambdaErrorRate()] }))).alarms[0];
    expect([...alarm.metrics.values()].map((m) => `${m.series}:${m.metricName}`).sort()).toEqual([
      'alias:Errors', 'alias:Invocations', 'alias:Throttles', 'new:Errors', 'new:Invocations', 'new:Throttles',
    ]);
    const order = alarm.expressions.map((e) => e.id);
    expect(order.indexOf('expr_1')).toBeGreaterThan(Math.max(order.indexOf('new_failures'), order.indexOf('new_requests')));
    expect([alarm.returnId, alarm.periodMinutes, alarm.threshold]).toEqual(['expr_1', 5, 4]);
  });

  test('a plain alarm on the alias, with CloudWatch\'s default for missing data', () => {
    const alarm = alarmModel('A', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 2,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'Fn' } }, { Name: 'Resource', Value: { 'Fn::Join': ['', [{ Ref: 'Fn' }, ':live']] } }],
    });
    expect([...alarm.metrics.values()]).toEqual([{ series: 'alias', metricName: 'Errors', statistic: 'Sum' }]);
    expect(alarm).toMatchObject({ evaluationPeriods: 2, datapointsToAlarm: 2, treatMissingData: 'missing' });
  });

  test('a latency check: the new version\'s Duration with its statistic', () => {
    const alarm = guardOf(synth((stack, fn) => new LambdaRollout(stack, 'R', {
      function: fn, healthChecks: [HealthCheck.lambdaLatency({ threshold: Duration.seconds(1), percentile: 90 })],
    }))).alarms[0];
    expect([...alarm.metrics.values()]).toEqual([{ series: 'new', metricName: 'Duration', statistic: 'p90' }]);
    expect([alarm.returnId, alarm.threshold]).toEqual(['m', 1000]);
  });

  test('what the simulator cannot replay is refused, not guessed', () => {
    const base = { Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanThreshold' };
    const lambdaMetric = { Namespace: 'AWS/Lambda', Dimensions: [{ Name: 'FunctionName', Value: 'f' }] };
    expect(() => alarmModel('A', { ...base, ...lambdaMetric, MetricName: 'Errors', Statistic: undefined, ExtendedStatistic: 'p99' }))
      .toThrow('guard simulator: A: statistic p99 of Errors is not modelled (Sum only for counts)');
    expect(() => alarmModel('A', { ...base, ...lambdaMetric, MetricName: 'Duration', Statistic: undefined, ExtendedStatistic: 'WM(10%:90%)' }))
      .toThrow('guard simulator: statistic WM(10%:90%) is not modelled');
    expect(() => alarmModel('A', { ...base, Namespace: 'AWS/ApplicationELB', MetricName: 'HTTPCode_Target_5XX_Count' }))
      .toThrow('guard simulator: A: metric AWS/ApplicationELB/HTTPCode_Target_5XX_Count is not modelled');
    expect(() => alarmModel('A', {
      ...base,
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: 'f' }, { Name: 'Resource', Value: { 'Fn::Join': ['', [{ Ref: 'Fn' }, ':', { Ref: 'V' }]] } }],
    })).toThrow(/Resource .* is not an alias/);
    expect(() => alarmModel('A', { ...base, Period: 90, Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: 'f' }] }))
      .toThrow('guard simulator: A: period 90 s is not whole minutes');
  });

  test('a template without exactly one deployment group is refused', () => {
    expect(() => guardOf({ Resources: {} })).toThrow('guard simulator: expected one deployment group, found 0');
  });
});
