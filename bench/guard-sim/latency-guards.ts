/**
 * The latency guards the bench compares, each synthesized as a real stack and read back from its
 * template: `HealthCheck.lambdaLatencyRegression` (defaults and variants), the absolute
 * `HealthCheck.lambdaLatency` at thresholds a careful user would pick from the old version's
 * numbers, and the comparative check the issue wrote by hand (the share of requests slower than a
 * fixed T, new version against the alias minus the new version, as `lambdaErrorRate` judges failures).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DurationDistribution, durationQuantile } from './durations';
import { NamedGuard, synthesizeEach } from './guards';
import { HealthCheck, LambdaLatencyRegressionCheckOptions, LambdaRollout } from '../../src';
import { LambdaErrorRateCheck } from '../../src/health/lambda-error-rate-check';

type Build = (stack: Stack, fn: lambda.Function) => HealthCheck[];

export const LATENCY_REGRESSION = 'lambdaLatencyRegression()';

/** `lambdaLatencyRegression` with the given options, named after them. */
export function regressionGuard(options: LambdaLatencyRegressionCheckOptions, name?: string): [string, Build] {
  const shown = Object.entries(options).map(([k, v]) => `${k}: ${v instanceof Duration ? `${v.toMinutes()} min` : v}`).join(', ');
  return [name ?? `lambdaLatencyRegression({ ${shown} })`, () => [HealthCheck.lambdaLatencyRegression(options)]];
}

/**
 * The issue's hand-written comparative check: slow requests (Duration above `slowMillis`) as
 * "failures" of a two-proportion z-test with `lambdaErrorRate`'s defaults, the new version's
 * against the alias minus the new version's (TC(T:) over SampleCount).
 */
function slowShareGuard(slowMillis: number): Build {
  return (_stack, fn) => {
    const alias = `${fn.functionName}:live`;
    const metric = (statistic: string, newVersionOnly: boolean, metricName = 'Duration'): cloudwatch.Metric => new cloudwatch.Metric({
      namespace: 'AWS/Lambda',
      metricName,
      dimensionsMap: { FunctionName: fn.functionName, Resource: alias, ...(newVersionOnly ? { ExecutedVersion: fn.currentVersion.version } : {}) },
      statistic,
      period: Duration.minutes(5),
    });
    const slow = `TC(${slowMillis}:)`;
    const newVersion = { new_errors: metric(slow, true), new_invocations: metric('SampleCount', true), new_throttles: metric('Sum', true, 'Throttles') };
    const { expression, newFailures, newRequests } = LambdaErrorRateCheck.of('HealthCheck.lambdaErrorRate', {
      period: Duration.minutes(5), minZScore: 4, minIncreasePercent: 1, minFailures: 2, singleFailureMaxRequests: 13,
    }).expression();
    const z = new cloudwatch.MathExpression({
      expression,
      usingMetrics: {
        new_failures: new cloudwatch.MathExpression({ expression: newFailures, usingMetrics: newVersion, period: Duration.minutes(5) }),
        new_requests: new cloudwatch.MathExpression({ expression: newRequests, usingMetrics: newVersion, period: Duration.minutes(5) }),
        all_errors: metric(slow, false),
        all_invocations: metric('SampleCount', false),
        all_throttles: metric('Sum', false, 'Throttles'),
      },
      period: Duration.minutes(5),
    });
    return [HealthCheck.metric(z, { threshold: 4 })];
  };
}

/** The guards of the latency table, for a function whose old version's durations are `old`. */
function latencyGuards(old: DurationDistribution): Array<[string, Build]> {
  const p90 = durationQuantile({ distribution: old }, 0.9);
  const round = (millis: number): number => Math.round(millis / 10) * 10;
  return [
    regressionGuard({}, LATENCY_REGRESSION),
    // The defaults' neighbours, one option at a time.
    regressionGuard({ minZScore: 1.75 }),
    regressionGuard({ minZScore: 2.5 }),
    regressionGuard({ minSlowdownPercent: 15 }),
    regressionGuard({ minRequests: 30 }),
    regressionGuard({ percentile: 90 }),
    regressionGuard({ evaluationPeriods: 4, datapointsToAlarm: 3 }),
    regressionGuard({ period: Duration.minutes(5), evaluationPeriods: 1, datapointsToAlarm: 1 }),
    regressionGuard({ evaluationPeriods: 1, datapointsToAlarm: 1 }),
    [`lambdaLatency({ threshold: ${round(2 * old.p99Millis)} ms }) (p99, 2x the old p99)`,
      () => [HealthCheck.lambdaLatency({ threshold: Duration.millis(round(2 * old.p99Millis)) })]],
    [`lambdaLatency({ percentile: 90, threshold: ${round(1.5 * p90)} ms }) (1.5x the old p90)`,
      () => [HealthCheck.lambdaLatency({ percentile: 90, threshold: Duration.millis(round(1.5 * p90)) })]],
    [`share slower than ${round(p90)} ms, z-test as lambdaErrorRate (hand-written, the issue's)`, slowShareGuard(round(p90))],
  ];
}

/** Synthesizes each guard (one stack each, validation off: this is a measurement) and reads its template. */
export function synthesizeLatencyGuards(old: DurationDistribution, builds: Array<[string, Build]> = latencyGuards(old)): NamedGuard[] {
  return synthesizeEach('Latency', builds.map(([name, build]) => [name, (stack, fn) => {
    new LambdaRollout(stack, 'Rollout', { function: fn, healthChecks: build(stack, fn) });
  }]));
}
