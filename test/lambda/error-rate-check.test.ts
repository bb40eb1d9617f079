import { CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { alarmValue } from '../../bench/guard-sim/simulate';
import { alarmModel, guardOf } from '../../bench/guard-sim/template-guard';
import { HealthCheck, LambdaRollout } from '../../src';
import { checkedApp, checkedSynth, CheckedSynth } from '../support/checked-synth';
import { inlineFunction } from '../support/inline-function';
import { logicalId } from '../support/logical-id';

/** The expression of the default check, written out by hand from the formula in health/lambda-error-rate-check.ts. */
const ALL_FAILURES = '(FILL(all_errors,0) + FILL(all_throttles,0))';
const ALL_REQUESTS = '(FILL(all_invocations,0) + FILL(all_throttles,0))';
const OLD_REQUESTS = `(${ALL_REQUESTS} - new_requests)`;
const INCREASE = `(new_failures / new_requests - (${ALL_FAILURES} - new_failures) / ${OLD_REQUESTS})`;
const POOLED = `(${ALL_FAILURES} / ${ALL_REQUESTS})`;
const DEFAULT_EXPRESSION = `IF(new_requests > 0 && ${OLD_REQUESTS} > 0 && ${ALL_FAILURES} < ${ALL_REQUESTS}, `
  + `IF((new_failures >= 2 || (new_failures >= 1 && new_requests <= 13)) && ${INCREASE} >= 0.01, ${INCREASE} / (${POOLED} * (1 - ${POOLED}) * (1 / new_requests + 1 / ${OLD_REQUESTS})) ^ 0.5, 0), 0)`;

let result: CheckedSynth;
const stacks: Record<string, Stack> = {};
const template = (name: string): Template => result.template(stacks[name]);

beforeAll(() => {
  const app = checkedApp();
  const one = stacks.One = new Stack(app, 'One');
  new LambdaRollout(one, 'Api', { function: inlineFunction(one, 'ApiFn'), healthChecks: [HealthCheck.lambdaErrorRate()] });

  const two = stacks.Two = new Stack(app, 'Two');
  new LambdaRollout(two, 'Api', {
    function: inlineFunction(two, 'ApiFn'),
    healthChecks: [
      HealthCheck.lambdaErrors(),
      HealthCheck.lambdaErrorRate(),
      HealthCheck.lambdaErrorRate({
        period: Duration.minutes(2), minZScore: 3, minIncreasePercent: 0.5, minFailures: 5, singleFailureMaxRequests: 0,
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

describe('HealthCheck.lambdaErrorRate()', () => {
  test('one alarm, NewVersionErrorRateAlarm, guards the deployment group and is created before the alias', () => {
    const stack = stacks.One;
    template('One').resourceCountIs('AWS::CloudWatch::Alarm', 1);
    template('One').hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      AlarmConfiguration: { Enabled: true, Alarms: [{ Name: { Ref: logicalId(stack, 'Api/NewVersionErrorRateAlarm') } }] },
    });
    template('One').hasResource('AWS::Lambda::Alias', { DependsOn: Match.arrayWith([logicalId(stack, 'Api/NewVersionErrorRateAlarm')]) });
  });

  test('six metrics and three expressions (at most 10 per alarm), one period, the z-score against 4', () => {
    const alarm = template('One').findResources('AWS::CloudWatch::Alarm')[logicalId(stacks.One, 'Api/NewVersionErrorRateAlarm')].Properties;
    expect(alarm.Metrics.length).toBe(9);
    expect(alarm.Metrics.length).toBeLessThanOrEqual(10);
    expect(alarm.Metrics.map((m: any) => m.Id).sort()).toEqual([
      'all_errors', 'all_invocations', 'all_throttles', 'expr_1', 'new_errors', 'new_failures', 'new_invocations', 'new_requests', 'new_throttles',
    ]);
    expect(alarm.Metrics.filter((m: any) => m.MetricStat).map((m: any) => [m.MetricStat.Period, m.MetricStat.Stat])).toEqual(Array(6).fill([300, 'Sum']));
    expect(alarm).toMatchObject({
      Threshold: 4, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1, DatapointsToAlarm: 1, TreatMissingData: 'notBreaching',
    });
    const byId = Object.fromEntries(alarm.Metrics.map((m: any) => [m.Id, m]));
    expect(byId.expr_1).toMatchObject({ Expression: DEFAULT_EXPRESSION });
    expect(byId.expr_1.ReturnData).not.toBe(false);
    expect(byId.new_failures).toMatchObject({ Expression: 'FILL(new_errors,0) + FILL(new_throttles,0)', ReturnData: false });
    expect(byId.new_requests).toMatchObject({ Expression: 'FILL(new_invocations,0) + FILL(new_throttles,0)', ReturnData: false });
    // CloudWatch's limit on an expression's length (MetricDataQuery.Expression, 2048 characters).
    expect(byId.expr_1.Expression.length).toBeLessThanOrEqual(2048);
  });

  test('the new version through ExecutedVersion, the alias total without it', () => {
    const stack = stacks.One;
    const alarm = template('One').findResources('AWS::CloudWatch::Alarm')[logicalId(stack, 'Api/NewVersionErrorRateAlarm')].Properties;
    const dims = (id: string): string[] => alarm.Metrics.find((m: any) => m.Id === id).MetricStat.Metric.Dimensions.map((d: any) => d.Name).sort();
    const names = (id: string): string => alarm.Metrics.find((m: any) => m.Id === id).MetricStat.Metric.MetricName;
    for (const [id, metricName] of [['new_errors', 'Errors'], ['new_invocations', 'Invocations'], ['new_throttles', 'Throttles']]) {
      expect([names(id), dims(id)]).toEqual([metricName, ['ExecutedVersion', 'FunctionName', 'Resource']]);
    }
    for (const [id, metricName] of [['all_errors', 'Errors'], ['all_invocations', 'Invocations'], ['all_throttles', 'Throttles']]) {
      expect([names(id), dims(id)]).toEqual([metricName, ['FunctionName', 'Resource']]);
    }
    const resource = alarm.Metrics.find((m: any) => m.Id === 'all_errors').MetricStat.Metric.Dimensions.find((d: any) => d.Name === 'Resource').Value;
    expect(resource).toEqual({ 'Fn::Join': ['', [{ Ref: logicalId(stack, 'ApiFn') }, ':live']] });
  });

  test('the synthesized expression computes the pooled two-proportion z-score (hand-computed cases)', () => {
    const alarm = guardOf(template('One').toJSON()).alarms[0];
    const value = (counts: Record<string, number | undefined>): number | undefined => alarmValue(alarm, new Map(Object.entries(counts)));
    // new: 3 errors + 1 throttle of 101 requests; all: 5 errors + 1 throttle of 1001. f1 = 4, n1 = 101, f0 = 2, n0 = 900:
    // p1 = 0.039604, p0 = 0.002222, p = 6/1001, z = 0.037382 / sqrt(p (1 - p) (1/101 + 1/900)) = 4.61500.
    expect(value({ new_errors: 3, new_invocations: 100, new_throttles: 1, all_errors: 5, all_invocations: 1000, all_throttles: 1 }))
      .toBeCloseTo(4.6150, 4);
    // No throttle datapoints at all (FILL): f1 = 3 of 100, f0 = 2 of 900: p = 5/1000,
    // z = 0.027778 / sqrt(0.004975 (0.01 + 0.001111)) = 0.027778 / 0.0074347 = 3.73613.
    expect(value({ new_errors: 3, new_invocations: 100, all_errors: 5, all_invocations: 1000 })).toBeCloseTo(3.7361, 4);
    // One failure is too few whatever its z-score (3.003 here) after more than 13 requests...
    expect(value({ new_errors: 1, new_invocations: 50, all_errors: 1, all_invocations: 500 })).toBe(0);
    expect(value({ new_errors: 1, new_invocations: 14, all_errors: 1, all_invocations: 300 })).toBe(0);
    // ...and enough within the first 13: f1 = 1 of 12, f0 = 0 of 288, p = 1/300,
    // z = 0.083333 / sqrt(0.0033222 (1/12 + 1/288)) = 4.90716; of 10: z = 0.1 / sqrt(0.0033222 (0.1 + 1/290)) = 5.39416.
    expect(value({ new_errors: 1, new_invocations: 12, all_errors: 1, all_invocations: 300 })).toBeCloseTo(4.9072, 4);
    expect(value({ new_errors: 1, new_invocations: 10, all_errors: 1, all_invocations: 300 })).toBeCloseTo(5.3942, 4);
    // The z-score still has to hold: the old version failed twice in 290 (z = 2.909, returned as it is, below 4).
    expect(value({ new_errors: 1, new_invocations: 10, all_errors: 3, all_invocations: 300 })).toBeCloseTo(2.9093, 4);
    // Significant (z = 7.34) but only 0.8 percentage points worse: below the practical margin.
    expect(value({ new_errors: 180, new_invocations: 10000, all_errors: 1080, all_invocations: 100000 })).toBe(0);
    // No old traffic: nothing to compare with.
    expect(value({ new_errors: 5, new_invocations: 10, all_errors: 5, all_invocations: 10 })).toBe(0);
    // Every request failed: no variance, no judgement.
    expect(value({ new_errors: 10, new_invocations: 10, all_errors: 100, all_invocations: 100 })).toBe(0);
    // No request of the alias at all: no datapoint (no timestamp to FILL).
    expect(value({})).toBeUndefined();
  });
});

test('options set the period, the threshold, the margin and the failures; a second check gets its own alarm', () => {
  const stack = stacks.Two;
  const alarms = template('Two').findResources('AWS::CloudWatch::Alarm');
  expect(Object.keys(alarms).sort()).toEqual([
    logicalId(stack, 'Api/NewVersionAlarm'), logicalId(stack, 'Api/NewVersionErrorRateAlarm'), logicalId(stack, 'Api/NewVersionErrorRateAlarm-2m-z3-0.5pp-5f-0r'),
  ].sort());
  const second = alarmModel('second', alarms[logicalId(stack, 'Api/NewVersionErrorRateAlarm-2m-z3-0.5pp-5f-0r')].Properties);
  expect([second.periodMinutes, second.threshold]).toEqual([2, 3]);
  // singleFailureMaxRequests: 0 leaves the plain count.
  expect(second.expressions.find((e) => e.id === 'expr_1')!.source).toContain('IF(new_failures >= 5 && ');
  expect(second.expressions.find((e) => e.id === 'expr_1')!.source).toContain(' >= 0.005, ');
  template('Two').hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
    AlarmConfiguration: {
      Alarms: [
        { Name: { Ref: logicalId(stack, 'Api/NewVersionAlarm') } },
        { Name: { Ref: logicalId(stack, 'Api/NewVersionErrorRateAlarm') } },
        { Name: { Ref: logicalId(stack, 'Api/NewVersionErrorRateAlarm-2m-z3-0.5pp-5f-0r') } },
      ],
    },
  });
});

describe('validation', () => {
  test.each([
    ['a period of seconds', { period: Duration.seconds(90) }, 'HealthCheck.lambdaErrorRate: period must be a whole number of minutes from 1 to 10080, got 1.5 minutes'],
    ['a period over a week', { period: Duration.minutes(10081) }, 'HealthCheck.lambdaErrorRate: period must be a whole number of minutes from 1 to 10080, got 10081 minutes'],
    ['minZScore 0', { minZScore: 0 }, 'HealthCheck.lambdaErrorRate: minZScore must be greater than 0 and at most 10, got 0'],
    ['minZScore 11', { minZScore: 11 }, 'HealthCheck.lambdaErrorRate: minZScore must be greater than 0 and at most 10, got 11'],
    ['a negative margin', { minIncreasePercent: -1 }, 'HealthCheck.lambdaErrorRate: minIncreasePercent must be at least 0 and less than 100, got -1'],
    ['a margin of 100 points', { minIncreasePercent: 100 }, 'HealthCheck.lambdaErrorRate: minIncreasePercent must be at least 0 and less than 100, got 100'],
    ['0 failures', { minFailures: 0 }, 'HealthCheck.lambdaErrorRate: minFailures must be an integer of at least 1, got 0'],
    ['fractional failures', { minFailures: 1.5 }, 'HealthCheck.lambdaErrorRate: minFailures must be an integer of at least 1, got 1.5'],
    ['negative single-failure requests', { singleFailureMaxRequests: -1 }, 'HealthCheck.lambdaErrorRate: singleFailureMaxRequests must be an integer of at least 0, got -1'],
    ['fractional single-failure requests', { singleFailureMaxRequests: 2.5 }, 'HealthCheck.lambdaErrorRate: singleFailureMaxRequests must be an integer of at least 0, got 2.5'],
  ])('%s', (_, options, message) => {
    expect(() => HealthCheck.lambdaErrorRate(options)).toThrow(message);
  });

  test('every problem at once', () => {
    const options = { period: Duration.seconds(30), minZScore: -1, minIncreasePercent: 200, minFailures: 0, singleFailureMaxRequests: -1 };
    expect(() => HealthCheck.lambdaErrorRate(options)).toThrow([
      'HealthCheck.lambdaErrorRate: period must be a whole number of minutes from 1 to 10080, got 0.5 minutes',
      'HealthCheck.lambdaErrorRate: minZScore must be greater than 0 and at most 10, got -1',
      'HealthCheck.lambdaErrorRate: minIncreasePercent must be at least 0 and less than 100, got 200',
      'HealthCheck.lambdaErrorRate: minFailures must be an integer of at least 1, got 0',
      'HealthCheck.lambdaErrorRate: singleFailureMaxRequests must be an integer of at least 0, got -1',
    ].join('\n'));
  });

  test('values only known at deploy time are refused, each by name: they are computed into the alarm', () => {
    const stack = new Stack();
    const token = (name: string): number => new CfnParameter(stack, name, { type: 'Number' }).valueAsNumber;
    const refusal = (prop: string, why: string): string => `HealthCheck.lambdaErrorRate: ${prop} must be known at synth, got a token `
      + `(a value only known at deploy time, such as a CfnParameter's): ${why}`;
    const computed = 'the check computes its alarm\'s metric math and id from it';
    expect(() => HealthCheck.lambdaErrorRate({
      period: Duration.minutes(token('Period')),
      minZScore: token('MinZScore'),
      minIncreasePercent: token('MinIncreasePercent'),
      minFailures: token('MinFailures'),
      singleFailureMaxRequests: token('SingleFailureMaxRequests'),
    })).toThrow([
      refusal('period', 'it is the period of the alarm\'s six metrics and part of its id'),
      ...['minZScore', 'minIncreasePercent', 'minFailures', 'singleFailureMaxRequests'].map((prop) => refusal(prop, computed)),
    ].join('\n'));
  });

  test('the boundaries are allowed', () => {
    const options = { period: Duration.minutes(1), minZScore: 10, minIncreasePercent: 0, minFailures: 1, singleFailureMaxRequests: 0 };
    expect(() => HealthCheck.lambdaErrorRate(options)).not.toThrow();
  });
});
