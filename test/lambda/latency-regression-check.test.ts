import { CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { seededUniform } from '../../bench/guard-sim/random';
import { alarmValue } from '../../bench/guard-sim/simulate';
import { alarmModel, guardOf } from '../../bench/guard-sim/template-guard';
import { HealthCheck, LambdaRollout } from '../../src';
import { spreadPercentiles } from '../../src/health/lambda-latency-regression-check';
import { checkedApp, checkedSynth, CheckedSynth } from '../support/checked-synth';
import { inlineFunction } from '../support/inline-function';
import { logicalId } from '../support/logical-id';

/** The expression of the default check, written out by hand from the formula in health/lambda-latency-regression-check.ts. */
const KEEP = '(old_count / all_count)';
const DEFAULT_EXPRESSION = `IF(new_count >= 20 && old_count > 0, IF(ratio >= (all_high / all_low) ^ (2 * ${KEEP} * (1 / new_count + 1 / old_count) ^ 0.5), `
  + `ratio ^ (1 / ${KEEP}), 0), 0)`;
const OPTIONS_ID = 'NewVersionLatencyAlarm-2m-p90-z3-50pc-100r-3of5';

let result: CheckedSynth;
const stacks: Record<string, Stack> = {};
const template = (name: string): Template => result.template(stacks[name]);
const alarmProps = (name: string, path: string): any => template(name).findResources('AWS::CloudWatch::Alarm')[logicalId(stacks[name], path)].Properties;

beforeAll(() => {
  const app = checkedApp();
  const one = stacks.One = new Stack(app, 'One');
  new LambdaRollout(one, 'Api', { function: inlineFunction(one, 'ApiFn'), healthChecks: [HealthCheck.lambdaLatencyRegression()] });

  const two = stacks.Two = new Stack(app, 'Two');
  new LambdaRollout(two, 'Api', {
    function: inlineFunction(two, 'ApiFn'),
    healthChecks: [
      HealthCheck.lambdaErrorRate(),
      HealthCheck.lambdaLatencyRegression(),
      HealthCheck.lambdaLatencyRegression({
        period: Duration.minutes(2),
        percentile: 90,
        minZScore: 3,
        minSlowdownPercent: 50,
        minRequests: 100,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
      }),
    ],
  });
  result = checkedSynth(app);
});

test('the alarms pass CloudFormation\'s validator, the five cdk-nag packs and CodeDeployChecks', () => {
  expect(result.templateFindings).toEqual([]);
  expect(result.nagFindings.filter((f) => !/\/ApiFn\b/.test(f.where))).toEqual([]);
  // The rollouts send no notifications here (a warning of its own, not about alarms).
  expect(result.guardrailFindings.filter((f) => f.rule !== 'CodeDeploy-Notifications')).toEqual([]);
});

describe('HealthCheck.lambdaLatencyRegression()', () => {
  test('one alarm, NewVersionLatencyAlarm, guards the deployment group and is created before the alias', () => {
    const stack = stacks.One;
    template('One').resourceCountIs('AWS::CloudWatch::Alarm', 1);
    template('One').hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      AlarmConfiguration: { Enabled: true, Alarms: [{ Name: { Ref: logicalId(stack, 'Api/NewVersionLatencyAlarm') } }] },
    });
    template('One').hasResource('AWS::Lambda::Alias', { DependsOn: Match.arrayWith([logicalId(stack, 'Api/NewVersionLatencyAlarm')]) });
  });

  test('six Duration statistics and three expressions (CloudWatch allows 10 of each per alarm), 2 of 3 one-minute periods, a slowdown of 1.2', () => {
    const alarm = alarmProps('One', 'Api/NewVersionLatencyAlarm');
    const stats = alarm.Metrics.filter((m: any) => m.MetricStat);
    const expressions = alarm.Metrics.filter((m: any) => m.Expression);
    expect([stats.length, expressions.length]).toEqual([6, 3]);
    expect(Object.fromEntries(stats.map((m: any) => [m.Id, [m.MetricStat.Metric.MetricName, m.MetricStat.Stat, m.MetricStat.Period]]))).toEqual({
      new_count: ['Duration', 'SampleCount', 60],
      new_latency: ['Duration', 'p50', 60],
      all_count: ['Duration', 'SampleCount', 60],
      all_latency: ['Duration', 'p50', 60],
      all_low: ['Duration', 'p25', 60],
      all_high: ['Duration', 'p75', 60],
    });
    expect(alarm).toMatchObject({
      Threshold: 1.2, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 3, DatapointsToAlarm: 2, TreatMissingData: 'notBreaching',
    });
    const byId = Object.fromEntries(alarm.Metrics.map((m: any) => [m.Id, m]));
    expect(byId.expr_1).toMatchObject({ Expression: DEFAULT_EXPRESSION });
    expect(byId.expr_1.ReturnData).not.toBe(false);
    expect(byId.old_count).toMatchObject({ Expression: 'all_count - new_count', ReturnData: false });
    expect(byId.ratio).toMatchObject({ Expression: 'new_latency / all_latency', ReturnData: false });
    expect(byId.expr_1.Expression.length).toBeLessThanOrEqual(2048);
  });

  test('the new version through ExecutedVersion, the alias\'s durations without it', () => {
    const stack = stacks.One;
    const alarm = alarmProps('One', 'Api/NewVersionLatencyAlarm');
    const dims = (id: string): string[] => alarm.Metrics.find((m: any) => m.Id === id).MetricStat.Metric.Dimensions.map((d: any) => d.Name).sort();
    for (const id of ['new_count', 'new_latency']) {
      expect(dims(id)).toEqual(['ExecutedVersion', 'FunctionName', 'Resource']);
    }
    for (const id of ['all_count', 'all_latency', 'all_low', 'all_high']) {
      expect(dims(id)).toEqual(['FunctionName', 'Resource']);
    }
    const resource = alarm.Metrics.find((m: any) => m.Id === 'all_latency').MetricStat.Metric.Dimensions.find((d: any) => d.Name === 'Resource').Value;
    expect(resource).toEqual({ 'Fn::Join': ['', [{ Ref: logicalId(stack, 'ApiFn') }, ':live']] });
  });

  test('the synthesized expression estimates the slowdown when it is significant (hand-computed cases)', () => {
    const alarm = guardOf(template('One').toJSON()).alarms[0];
    const value = (values: Record<string, number | undefined>): number | undefined => alarmValue(alarm, new Map(Object.entries(values)));
    const base = { new_count: 60, all_count: 600, new_latency: 120, all_latency: 84, all_low: 50, all_high: 130 };
    // Old: 540 of 600, keep = 0.9; ratio = 120 / 84 = 1.428571; the bound is
    // 2.6 ^ (2 x 0.9 x sqrt(1/60 + 1/540)) = 2.6 ^ 0.244949 = 1.263704: significant, and the
    // slowdown against the old version is 1.428571 ^ (1 / 0.9) = e^(0.356675 / 0.9) = 1.486323.
    expect(value(base)).toBeCloseTo(1.486323, 5);
    // 100 ms against 84: a ratio of 1.190476, under the bound.
    expect(value({ ...base, new_latency: 100 })).toBe(0);
    // A wider spread raises the bound: 5.2 ^ 0.244949 = 1.497 > 1.428571.
    expect(value({ ...base, all_low: 25 })).toBe(0);
    // 19 invocations of the new version are too few to judge; without old traffic there is nothing to compare with.
    expect(value({ ...base, new_count: 19 })).toBe(0);
    expect(value({ ...base, all_count: 60 })).toBe(0);
    // No invocation of the new version: no datapoint (the alarm treats it as not breaching).
    expect(value({ all_count: 600, all_latency: 84, all_low: 50, all_high: 130 })).toBeUndefined();
  });

  test('significance without a logarithm: the expression breaches exactly where the z-score reaches minZScore', () => {
    const alarm = guardOf(template('One').toJSON()).alarms[0];
    const random = seededUniform(26);
    let significant = 0;
    for (let i = 0; i < 2000; i++) {
      const newCount = 20 + Math.floor(random() * 500);
      const oldCount = 1 + Math.floor(random() * 5000);
      const allLatency = 20 + random() * 200;
      const values = {
        new_count: newCount,
        all_count: newCount + oldCount,
        new_latency: allLatency * Math.exp((random() - 0.4) * 0.6),
        all_latency: allLatency,
        all_low: allLatency * (0.3 + random() * 0.65),
        all_high: allLatency * (1.05 + random() * 3),
      };
      const keep = oldCount / (newCount + oldCount);
      const standardError = keep * Math.log(values.all_high / values.all_low) * Math.sqrt(1 / newCount + 1 / oldCount);
      const z = Math.log(values.new_latency / allLatency) / standardError;
      const slowdown = (values.new_latency / allLatency) ** (1 / keep);
      if (Math.abs(z - 2) < 1e-9) {
        continue; // on the boundary, rounding decides
      }
      const returned = alarmValue(alarm, new Map(Object.entries(values)));
      if (z >= 2) {
        expect(returned).toBeCloseTo(slowdown, 9);
        significant++;
      } else {
        expect(returned).toBe(0);
      }
    }
    expect(significant).toBeGreaterThan(200);
    expect(significant).toBeLessThan(1800);
  });
});

test('options set the period, the percentile, the thresholds and M of N; a second check gets its own alarm', () => {
  const stack = stacks.Two;
  const alarms = template('Two').findResources('AWS::CloudWatch::Alarm');
  expect(Object.keys(alarms).sort()).toEqual([
    logicalId(stack, 'Api/NewVersionErrorRateAlarm'), logicalId(stack, 'Api/NewVersionLatencyAlarm'), logicalId(stack, `Api/${OPTIONS_ID}`),
  ].sort());
  const props = alarmProps('Two', `Api/${OPTIONS_ID}`);
  expect(props).toMatchObject({ Threshold: 1.5, EvaluationPeriods: 5, DatapointsToAlarm: 3 });
  const second = alarmModel('second', props);
  expect(second.periodMinutes).toBe(2);
  expect(Object.fromEntries([...second.metrics].map(([id, m]) => [id, m.statistic]))).toEqual({
    new_count: 'SampleCount', new_latency: 'p90', all_count: 'SampleCount', all_latency: 'p90', all_low: 'p85', all_high: 'p95',
  });
  // p90 with p85 and p95 around it: c = sqrt(0.9 x 0.1) / (2 x 0.05) = 3, times minZScore 3.
  const expression = second.expressions.find((e) => e.id === 'expr_1')!.source;
  expect(expression).toContain('IF(new_count >= 100 && old_count > 0, ');
  expect(expression).toContain('^ (9 * (old_count / all_count) * ');
});

test('the spread is read from the alias\'s percentiles either side of the compared one', () => {
  expect(spreadPercentiles(50)).toEqual({ low: 25, high: 75, halfWidth: 25 });
  expect(spreadPercentiles(90)).toEqual({ low: 85, high: 95, halfWidth: 5 });
  expect(spreadPercentiles(99)).toEqual({ low: 98.5, high: 99.5, halfWidth: 0.5 });
  expect(spreadPercentiles(1)).toEqual({ low: 0.5, high: 1.5, halfWidth: 0.5 });
});

describe('validation', () => {
  const prefix = 'HealthCheck.lambdaLatencyRegression: ';
  test.each([
    ['a period of seconds', { period: Duration.seconds(90) }, 'period must be a whole number of minutes from 1 to 10080, got 1.5 minutes'],
    ['percentile 0', { percentile: 0 }, 'percentile must be an integer from 1 to 99, got 0'],
    ['percentile 100', { percentile: 100 }, 'percentile must be an integer from 1 to 99, got 100'],
    ['a fractional percentile', { percentile: 99.9 }, 'percentile must be an integer from 1 to 99, got 99.9'],
    ['minZScore 0', { minZScore: 0 }, 'minZScore must be greater than 0 and at most 10, got 0'],
    ['minZScore 11', { minZScore: 11 }, 'minZScore must be greater than 0 and at most 10, got 11'],
    ['a negative slowdown', { minSlowdownPercent: -5 }, 'minSlowdownPercent must be at least 0 and at most 1000, got -5'],
    ['a slowdown over 1000%', { minSlowdownPercent: 1001 }, 'minSlowdownPercent must be at least 0 and at most 1000, got 1001'],
    ['0 requests', { minRequests: 0 }, 'minRequests must be an integer of at least 1, got 0'],
    ['fractional requests', { minRequests: 2.5 }, 'minRequests must be an integer of at least 1, got 2.5'],
    ['0 evaluation periods', { evaluationPeriods: 0 }, 'evaluationPeriods must be an integer of at least 1, got 0'],
    ['more datapoints than periods', { datapointsToAlarm: 4 }, 'datapointsToAlarm must be an integer from 1 to 3, got 4'],
    ['0 datapoints', { evaluationPeriods: 5, datapointsToAlarm: 0 }, 'datapointsToAlarm must be an integer from 1 to 5, got 0'],
    ['a day of one-hour-long periods', { period: Duration.minutes(60), evaluationPeriods: 169, datapointsToAlarm: 1 },
      'period x evaluationPeriods must be at most 168 hours for a period of at least 1 hour, got 60 minutes x 169 = 169 hours'],
  ])('%s', (_, options, message) => {
    expect(() => HealthCheck.lambdaLatencyRegression(options)).toThrow(prefix + message);
  });

  test('every problem at once', () => {
    const options = { period: Duration.seconds(30), percentile: 0, minZScore: -1, minSlowdownPercent: -1, minRequests: 0, datapointsToAlarm: 9 };
    expect(() => HealthCheck.lambdaLatencyRegression(options)).toThrow([
      'period must be a whole number of minutes from 1 to 10080, got 0.5 minutes',
      'percentile must be an integer from 1 to 99, got 0',
      'minZScore must be greater than 0 and at most 10, got -1',
      'minSlowdownPercent must be at least 0 and at most 1000, got -1',
      'minRequests must be an integer of at least 1, got 0',
      'datapointsToAlarm must be an integer from 1 to 3, got 9',
    ].map((m) => prefix + m).join('\n'));
  });

  test('values only known at deploy time are refused, each by name: they are computed into the alarm', () => {
    const stack = new Stack();
    const token = (name: string): number => new CfnParameter(stack, name, { type: 'Number' }).valueAsNumber;
    const why = 'the check computes its alarm\'s metric math, threshold and id from it';
    const refusal = (prop: string): string => `${prefix}${prop} must be known at synth, got a token `
      + `(a value only known at deploy time, such as a CfnParameter's): ${prop === 'period' ? 'it is the period of the alarm and of its metrics' : why}`;
    expect(() => HealthCheck.lambdaLatencyRegression({
      period: Duration.minutes(token('Period')),
      percentile: token('Percentile'),
      minZScore: token('MinZScore'),
      minSlowdownPercent: token('MinSlowdownPercent'),
      minRequests: token('MinRequests'),
      evaluationPeriods: token('EvaluationPeriods'),
      datapointsToAlarm: token('DatapointsToAlarm'),
    })).toThrow(['period', 'percentile', 'minZScore', 'minSlowdownPercent', 'minRequests', 'evaluationPeriods', 'datapointsToAlarm'].map(refusal).join('\n'));
  });

  test('the boundaries are allowed', () => {
    expect(() => HealthCheck.lambdaLatencyRegression({
      period: Duration.minutes(1), percentile: 1, minZScore: 10, minSlowdownPercent: 0, minRequests: 1, evaluationPeriods: 1, datapointsToAlarm: 1,
    })).not.toThrow();
    const highest = { percentile: 99, minSlowdownPercent: 1000, evaluationPeriods: 10, datapointsToAlarm: 10 };
    expect(() => HealthCheck.lambdaLatencyRegression(highest)).not.toThrow();
  });
});
