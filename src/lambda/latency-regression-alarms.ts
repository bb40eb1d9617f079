import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { LatencyRegressionSignal } from '../health/latency-regression-signal';
import {
  DEFAULT_LATENCY_REGRESSION_DATAPOINTS_TO_ALARM, DEFAULT_LATENCY_REGRESSION_EVALUATION_PERIODS, DEFAULT_LATENCY_REGRESSION_MIN_REQUESTS,
  DEFAULT_LATENCY_REGRESSION_MIN_SLOWDOWN_PERCENT, DEFAULT_LATENCY_REGRESSION_MIN_Z_SCORE, DEFAULT_LATENCY_REGRESSION_PERCENTILE,
  DEFAULT_LATENCY_REGRESSION_PERIOD,
} from '../private/defaults';
import { deploymentAlarm } from '../rollout/deployment-alarm';

/** Construct id of the latency-regression alarm with the default options; others carry theirs in the id. */
const ALARM_ID = 'NewVersionLatencyAlarm';

/**
 * The construct id of a check's alarm, from its options, never from its place in `healthChecks`:
 * reordering or adding checks keeps every alarm.
 */
export function latencyRegressionAlarmId(signal: LatencyRegressionSignal): string {
  const isDefault = signal.periodMinutes === DEFAULT_LATENCY_REGRESSION_PERIOD.toMinutes()
    && signal.percentile === DEFAULT_LATENCY_REGRESSION_PERCENTILE && signal.minZScore === DEFAULT_LATENCY_REGRESSION_MIN_Z_SCORE
    && signal.minSlowdownPercent === DEFAULT_LATENCY_REGRESSION_MIN_SLOWDOWN_PERCENT && signal.minRequests === DEFAULT_LATENCY_REGRESSION_MIN_REQUESTS
    && signal.evaluationPeriods === DEFAULT_LATENCY_REGRESSION_EVALUATION_PERIODS
    && signal.datapointsToAlarm === DEFAULT_LATENCY_REGRESSION_DATAPOINTS_TO_ALARM;
  return isDefault ? ALARM_ID
    : `${ALARM_ID}-${signal.periodMinutes}m-p${signal.percentile}-z${signal.minZScore}-${signal.minSlowdownPercent}pc-${signal.minRequests}r`
      + `-${signal.datapointsToAlarm}of${signal.evaluationPeriods}`;
}

/** A percentile as CloudWatch writes it (`p50`, `p98.5`). */
function percentileStatistic(percent: number): string {
  return `p${Number(percent.toFixed(4))}`;
}

/**
 * The alias percentiles around the compared one that measure the spread of the durations there:
 * q - d and q + d with d = min(25, q / 2, (100 - q) / 2), so p50 uses p25 and p75, p90 uses p85
 * and p95, p99 uses p98.5 and p99.5.
 */
export function spreadPercentiles(percentile: number): { low: number; high: number; halfWidth: number } {
  const halfWidth = Math.min(25, percentile / 2, (100 - percentile) / 2);
  return { low: percentile - halfWidth, high: percentile + halfWidth, halfWidth };
}

/** The statistics of one latency-regression check: which percentiles of `Duration` it reads. */
function latencyRegressionStatistics(signal: LatencyRegressionSignal): { compared: string; low: string; high: string } {
  const { low, high } = spreadPercentiles(signal.percentile);
  return { compared: percentileStatistic(signal.percentile), low: percentileStatistic(low), high: percentileStatistic(high) };
}

/**
 * The metric-math expressions of a latency-regression check, over six metrics of one period, all
 * `Duration` of the alias: `new_count` and `new_latency` (its sample count and the compared
 * percentile, with `ExecutedVersion`: the new version), `all_count`, `all_latency`, and
 * `all_low` and `all_high` (percentiles either side of the compared one) over every request.
 *
 * Why this shape:
 * - Percentiles cannot be subtracted, so the old version's percentile is not available as the
 *   alias's minus the new version's, as counts are. But the alias's durations are a mixture, a
 *   share w = new_count / all_count from the new version and 1 - w from the old: when the new
 *   version is slower by a factor e^δ, the alias's percentile moves by about w δ (on a log scale),
 *   so ln(new_latency / all_latency) ≈ (1 - w) δ, and the old-version-based estimate of the
 *   slowdown is (new_latency / all_latency) ^ (1 / (1 - w)): first-order exact, exact for a
 *   healthy release (both estimate 1), and larger than the truth for a large slowdown.
 * - How surprising that ratio is depends on how spread the durations are: the sample percentile q of
 *   n durations has a log-scale standard error of about sqrt(q (1 - q)) / (f √n), f the density of
 *   ln(duration) there, and f is estimated from the alias's percentiles either side
 *   (f ≈ 2d / ln(all_high / all_low)): a distribution-free estimate that needs no assumption on
 *   the shape (for a lognormal at the median it overstates the error by 7.6%).
 * - The z-score of the slowdown, δ̂ / (c ln(all_high / all_low) sqrt(1 / new_count + 1 / old_count))
 *   with c = sqrt(q (1 - q)) / (2d), needs a logarithm; metric math has powers, so the test is
 *   written without one: new_latency / all_latency >= (all_high / all_low) ^ (minZScore c (1 - w) sqrt(…)).
 *
 * The value is the estimated slowdown (new over old, 1.5 = 50% slower) of a period in which the new
 * version served at least `minRequests` invocations, the old version some, and the difference is
 * significant; 0 otherwise; no datapoint without a request of the new version. The alarm compares
 * it with 1 + minSlowdownPercent / 100. Syntax:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html
 */
export function latencyRegressionExpression(signal: LatencyRegressionSignal): { expression: string; oldCount: string; ratio: string } {
  const { halfWidth } = spreadPercentiles(signal.percentile);
  const q = signal.percentile / 100;
  const c = Math.sqrt(q * (1 - q)) / (2 * halfWidth / 100);
  const keep = '(old_count / all_count)';
  const exponent = `${Number((signal.minZScore * c).toPrecision(12))} * ${keep} * (1 / new_count + 1 / old_count) ^ 0.5`;
  const significant = `ratio >= (all_high / all_low) ^ (${exponent})`;
  return {
    expression: `IF(new_count >= ${signal.minRequests} && old_count > 0, IF(${significant}, ratio ^ (1 / ${keep}), 0), 0)`,
    oldCount: 'all_count - new_count',
    ratio: 'new_latency / all_latency',
  };
}

/** One alarm per `HealthCheck.lambdaLatencyRegression` of a rollout. */
export function latencyRegressionAlarms(scope: Construct, alias: lambda.Alias, signals: LatencyRegressionSignal[]): cloudwatch.Alarm[] {
  return signals.map((signal) => {
    const period = Duration.minutes(signal.periodMinutes);
    const metric = (statistic: string, newVersionOnly: boolean): cloudwatch.Metric => new cloudwatch.Metric({
      namespace: 'AWS/Lambda',
      metricName: 'Duration',
      dimensionsMap: {
        FunctionName: alias.lambda.functionName,
        Resource: `${alias.lambda.functionName}:${alias.aliasName}`,
        ...(newVersionOnly ? { ExecutedVersion: alias.version.version } : {}),
      },
      statistic,
      period,
    });
    const statistics = latencyRegressionStatistics(signal);
    const counts = { new_count: metric('SampleCount', true), all_count: metric('SampleCount', false) };
    const latencies = { new_latency: metric(statistics.compared, true), all_latency: metric(statistics.compared, false) };
    const { expression, oldCount, ratio } = latencyRegressionExpression(signal);
    const slowdown = new cloudwatch.MathExpression({
      expression,
      usingMetrics: {
        ...counts,
        old_count: new cloudwatch.MathExpression({ expression: oldCount, usingMetrics: counts, period, label: 'Invocations of the old version' }),
        ratio: new cloudwatch.MathExpression({
          expression: ratio, usingMetrics: latencies, period, label: `${statistics.compared} duration, new version over all`,
        }),
        all_low: metric(statistics.low, false),
        all_high: metric(statistics.high, false),
      },
      period,
      label: `Significant slowdown of the new version at ${statistics.compared}`,
    });
    return deploymentAlarm(scope, latencyRegressionAlarmId(signal), {
      metric: slowdown,
      threshold: 1 + signal.minSlowdownPercent / 100,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: signal.evaluationPeriods,
      datapointsToAlarm: signal.datapointsToAlarm,
      // A period without a request of the new version is no evidence against it.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `Stops a CodeDeploy deployment of ${alias.lambda.functionName}:${alias.aliasName} when the new version's `
        + `${statistics.compared} duration is at least ${signal.minSlowdownPercent}% and ${signal.minZScore} standard errors above the old `
        + `version's, with at least ${signal.minRequests} invocations, in ${signal.datapointsToAlarm} of ${signal.evaluationPeriods} `
        + `${signal.periodMinutes}-minute periods`,
    });
  });
}
