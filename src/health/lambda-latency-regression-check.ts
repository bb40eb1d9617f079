import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { aliasMetric, AliasTraffic } from './alias-metric';
import { checkEvaluation, checkMinZScore, knownAtSynth } from './check-evaluation';
import { aliasOf, AlarmPlace, HealthCheckContext, HealthCheckKind } from './health-check-kind';
import {
  DEFAULT_LATENCY_REGRESSION_DATAPOINTS_TO_ALARM, DEFAULT_LATENCY_REGRESSION_EVALUATION_PERIODS, DEFAULT_LATENCY_REGRESSION_MIN_REQUESTS,
  DEFAULT_LATENCY_REGRESSION_MIN_SLOWDOWN_PERCENT, DEFAULT_LATENCY_REGRESSION_MIN_Z_SCORE, DEFAULT_LATENCY_REGRESSION_PERCENTILE,
  DEFAULT_LATENCY_REGRESSION_PERIOD,
} from '../private/defaults';
import { Problems } from '../private/validation';

/**
 * Options of `HealthCheck.lambdaLatencyRegression`: when the new version's duration at a
 * percentile is judged slower than the old version's. A period breaches when all three
 * conditions hold; the deployment stops when `datapointsToAlarm` of the last `evaluationPeriods` do.
 */
export interface LambdaLatencyRegressionCheckOptions {
  /**
   * Length of one compared period, in whole minutes. Longer periods see more requests of a quiet
   * function, but need a canary long enough for `datapointsToAlarm` of them.
   *
   * @default Duration.minutes(1)
   */
  readonly period?: Duration;

  /**
   * The percentile of the duration both versions are compared at: an integer from 1 to 99. The
   * median sees a release that slows most requests and not the warm-up of new execution
   * environments; a higher percentile also sees a slower tail, and the warm-up too.
   *
   * @default 50
   */
  readonly percentile?: number;

  /**
   * How many standard errors (of the percentile, on a log scale, from the spread of the alias's
   * durations) the new version's percentile must lie above the old version's: greater than 0 and
   * at most 10.
   *
   * @default 2
   */
  readonly minZScore?: number;

  /**
   * The smallest slowdown worth a rollback, in percent of the old version's duration at the
   * percentile: at least 0 and at most 1000. It keeps a busy function, where a tiny real difference
   * (or the warm-up of its new environments) is significant, from being rolled back for it.
   *
   * @default 20
   */
  readonly minSlowdownPercent?: number;

  /**
   * The fewest invocations of the new version a period needs to be judged: an integer of at least 1.
   * A percentile of a few durations is mostly noise, and mostly the warm-up of the first
   * environments.
   *
   * @default 20
   */
  readonly minRequests?: number;

  /**
   * How many periods CloudWatch looks back over: an integer of at least 1.
   *
   * @default 3
   */
  readonly evaluationPeriods?: number;

  /**
   * How many of those periods must breach to stop the deployment: an integer from 1 to
   * `evaluationPeriods`. More than one keeps a single slow period, such as the first minutes of new
   * execution environments, from stopping a healthy release.
   *
   * @default 2
   */
  readonly datapointsToAlarm?: number;
}

/** The largest `minSlowdownPercent`: 11 times as slow. */
const MAX_SLOWDOWN_PERCENT = 1000;

/** Construct id of the latency-regression alarm with the default options; others carry theirs in the id. */
const ALARM_ID = 'NewVersionLatencyAlarm';

/** The options of a latency-regression check, validated. */
interface LatencyRegressionThresholds {
  readonly periodMinutes: number;
  /** The percentile of `Duration` both versions are compared at (an integer from 1 to 99). */
  readonly percentile: number;
  /** Standard errors the new version's percentile must lie above the old one's (on a log scale). */
  readonly minZScore: number;
  /** How much slower, in percent, the new version must be at the percentile. */
  readonly minSlowdownPercent: number;
  /** Invocations of the new version a period needs to be judged. */
  readonly minRequests: number;
  /** Periods CloudWatch looks back over, and how many of them must breach. */
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
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

/** A percentile as CloudWatch writes it (`p50`, `p98.5`). */
function percentileStatistic(percent: number): string {
  return `p${Number(percent.toFixed(4))}`;
}

/**
 * `HealthCheck.lambdaLatencyRegression`: the new version's duration at a percentile judged against
 * the old version's over the same minutes, in one metric-math alarm per check.
 */
export class LambdaLatencyRegressionCheck implements HealthCheckKind {
  /** Validates the options of `factory`. */
  public static of(factory: string, options: LambdaLatencyRegressionCheckOptions): LambdaLatencyRegressionCheck {
    const problems = new Problems(factory);
    const { periodMinutes, evaluationPeriods } = checkEvaluation(problems, {
      period: options.period ?? DEFAULT_LATENCY_REGRESSION_PERIOD,
      evaluationPeriods: options.evaluationPeriods ?? DEFAULT_LATENCY_REGRESSION_EVALUATION_PERIODS,
    });
    const percentile = options.percentile ?? DEFAULT_LATENCY_REGRESSION_PERCENTILE;
    problems.integer('percentile', percentile, { min: 1, max: 99 });
    const minZScore = options.minZScore ?? DEFAULT_LATENCY_REGRESSION_MIN_Z_SCORE;
    checkMinZScore(problems, minZScore);
    const minSlowdownPercent = options.minSlowdownPercent ?? DEFAULT_LATENCY_REGRESSION_MIN_SLOWDOWN_PERCENT;
    if (!Token.isUnresolved(minSlowdownPercent) && !(minSlowdownPercent >= 0 && minSlowdownPercent <= MAX_SLOWDOWN_PERCENT)) {
      problems.add(`minSlowdownPercent must be at least 0 and at most ${MAX_SLOWDOWN_PERCENT}, got ${minSlowdownPercent}`);
    }
    const minRequests = options.minRequests ?? DEFAULT_LATENCY_REGRESSION_MIN_REQUESTS;
    problems.integer('minRequests', minRequests, { min: 1 });
    const datapointsToAlarm = options.datapointsToAlarm ?? DEFAULT_LATENCY_REGRESSION_DATAPOINTS_TO_ALARM;
    if (!Token.isUnresolved(evaluationPeriods) && Number.isInteger(evaluationPeriods) && evaluationPeriods >= 1) {
      problems.integer('datapointsToAlarm', datapointsToAlarm, { min: 1, max: evaluationPeriods });
    }
    const values = { percentile, minZScore, minSlowdownPercent, minRequests, evaluationPeriods, datapointsToAlarm };
    for (const [prop, value] of Object.entries(values)) {
      knownAtSynth(problems, prop, value, 'the check computes its alarm\'s metric math, threshold and id from it');
    }
    problems.throwIfAny();
    return new LambdaLatencyRegressionCheck(factory, {
      periodMinutes, percentile, minZScore, minSlowdownPercent, minRequests, evaluationPeriods, datapointsToAlarm,
    });
  }

  public readonly watchesLambdaAlias = true;
  public readonly place = AlarmPlace.NEW_AGAINST_OLD;

  private constructor(public readonly factory: string, private readonly thresholds: LatencyRegressionThresholds) {}

  /** The same options twice would be two identical alarms under one id. */
  public duplicateKey(): string {
    return `latencyRegression:${JSON.stringify(this.thresholds)}`;
  }

  public bind(context: HealthCheckContext): cloudwatch.IAlarm[] {
    const alias = aliasOf(context, this);
    const t = this.thresholds;
    const period = Duration.minutes(t.periodMinutes);
    const duration = (statistic: string, traffic: AliasTraffic): cloudwatch.Metric => aliasMetric(alias, 'Duration', traffic, statistic, t.periodMinutes);
    const spread = spreadPercentiles(t.percentile);
    const compared = percentileStatistic(t.percentile);
    const counts = { new_count: duration('SampleCount', AliasTraffic.NEW_VERSION), all_count: duration('SampleCount', AliasTraffic.ALL_VERSIONS) };
    const latencies = { new_latency: duration(compared, AliasTraffic.NEW_VERSION), all_latency: duration(compared, AliasTraffic.ALL_VERSIONS) };
    const { expression, oldCount, ratio } = this.expression();
    const slowdown = new cloudwatch.MathExpression({
      expression,
      usingMetrics: {
        ...counts,
        old_count: new cloudwatch.MathExpression({ expression: oldCount, usingMetrics: counts, period, label: 'Invocations of the old version' }),
        ratio: new cloudwatch.MathExpression({ expression: ratio, usingMetrics: latencies, period, label: `${compared} duration, new version over all` }),
        all_low: duration(percentileStatistic(spread.low), AliasTraffic.ALL_VERSIONS),
        all_high: duration(percentileStatistic(spread.high), AliasTraffic.ALL_VERSIONS),
      },
      period,
      label: `Significant slowdown of the new version at ${compared}`,
    });
    return [context.createAlarm(this.alarmId(), {
      metric: slowdown,
      threshold: 1 + t.minSlowdownPercent / 100,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: t.evaluationPeriods,
      datapointsToAlarm: t.datapointsToAlarm,
      // A period without a request of the new version is no evidence against it.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `Stops a CodeDeploy deployment of ${alias.lambda.functionName}:${alias.aliasName} when the new version's `
        + `${compared} duration is at least ${t.minSlowdownPercent}% and ${t.minZScore} standard errors above the old `
        + `version's, with at least ${t.minRequests} invocations, in ${t.datapointsToAlarm} of ${t.evaluationPeriods} `
        + `${t.periodMinutes}-minute periods`,
    })];
  }

  /**
   * The construct id of the check's alarm, from its options, never from its place in
   * `healthChecks`: reordering or adding checks keeps every alarm.
   */
  private alarmId(): string {
    const t = this.thresholds;
    const isDefault = t.periodMinutes === DEFAULT_LATENCY_REGRESSION_PERIOD.toMinutes()
      && t.percentile === DEFAULT_LATENCY_REGRESSION_PERCENTILE && t.minZScore === DEFAULT_LATENCY_REGRESSION_MIN_Z_SCORE
      && t.minSlowdownPercent === DEFAULT_LATENCY_REGRESSION_MIN_SLOWDOWN_PERCENT && t.minRequests === DEFAULT_LATENCY_REGRESSION_MIN_REQUESTS
      && t.evaluationPeriods === DEFAULT_LATENCY_REGRESSION_EVALUATION_PERIODS
      && t.datapointsToAlarm === DEFAULT_LATENCY_REGRESSION_DATAPOINTS_TO_ALARM;
    return isDefault ? ALARM_ID
      : `${ALARM_ID}-${t.periodMinutes}m-p${t.percentile}-z${t.minZScore}-${t.minSlowdownPercent}pc-${t.minRequests}r-${t.datapointsToAlarm}of${t.evaluationPeriods}`;
  }

  /**
   * The metric-math expressions of the check, over six metrics of one period, all `Duration` of
   * the alias: `new_count` and `new_latency` (its sample count and the compared percentile, with
   * `ExecutedVersion`: the new version), `all_count`, `all_latency`, and `all_low` and `all_high`
   * (percentiles either side of the compared one) over every request.
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
   * it with 1 + minSlowdownPercent / 100. `Duration` and its statistics:
   * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html; syntax:
   * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html
   */
  private expression(): { expression: string; oldCount: string; ratio: string } {
    const t = this.thresholds;
    const { halfWidth } = spreadPercentiles(t.percentile);
    const q = t.percentile / 100;
    const c = Math.sqrt(q * (1 - q)) / (2 * halfWidth / 100);
    const keep = '(old_count / all_count)';
    const exponent = `${Number((t.minZScore * c).toPrecision(12))} * ${keep} * (1 / new_count + 1 / old_count) ^ 0.5`;
    const significant = `ratio >= (all_high / all_low) ^ (${exponent})`;
    return {
      expression: `IF(new_count >= ${t.minRequests} && old_count > 0, IF(${significant}, ratio ^ (1 / ${keep}), 0), 0)`,
      oldCount: 'all_count - new_count',
      ratio: 'new_latency / all_latency',
    };
  }
}
