import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { aliasMetric, AliasTraffic } from './alias-metric';
import { checkMinZScore, knownAtSynth } from './check-evaluation';
import { aliasOf, AlarmPlace, HealthCheckContext, HealthCheckKind } from './health-check-kind';
import { ALARM_EVALUATION } from '../private/cloudwatch-limits';
import {
  DEFAULT_ERROR_RATE_MIN_FAILURES, DEFAULT_ERROR_RATE_MIN_INCREASE_PERCENT, DEFAULT_ERROR_RATE_MIN_Z_SCORE, DEFAULT_ERROR_RATE_PERIOD,
  DEFAULT_ERROR_RATE_SINGLE_FAILURE_MAX_REQUESTS,
} from '../private/defaults';
import { MINUTE_MILLIS, Problems } from '../private/validation';

/**
 * Options of `HealthCheck.lambdaErrorRate`: when the new version's failure rate is judged worse
 * than the old version's. All three conditions must hold in one period.
 */
export interface LambdaErrorRateCheckOptions {
  /**
   * Length of the window both versions are compared over, in whole minutes. CloudWatch slides the
   * window at every evaluation (once a minute), so a long window still judges every minute; it
   * sees more of a quiet function's requests, and forgets a bad minute later.
   *
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;

  /**
   * How many standard errors the new version's failure rate must lie above the old version's
   * (the two-proportion z-score, pooled), greater than 0 and at most 10. 4 leaves a healthy
   * release about 1 chance in 30,000 per look on the normal approximation (small counts fare
   * worse; the guard simulator measures whole deployments).
   *
   * @default 4
   */
  readonly minZScore?: number;

  /**
   * The smallest increase of the failure rate worth a rollback, in percentage points (new rate
   * minus old rate): at least 0 and less than 100. It keeps a busy function, where a tiny real
   * difference is significant, from being rolled back for it.
   *
   * @default 1
   */
  readonly minIncreasePercent?: number;

  /**
   * The fewest failures (errors plus throttles) of the new version in the period that can stop the
   * deployment: an integer of at least 1. The z-score is unreliable on one or two events.
   * `singleFailureMaxRequests` makes an exception for very few requests.
   *
   * @default 2
   */
  readonly minFailures?: number;

  /**
   * Up to this many requests of the new version in the period, a single failure is enough
   * evidence (the z-score and the margin must still hold): an integer of at least 0, 0 for never.
   * One failure among the first few requests is rare for a healthy release (at most 1.3% with a
   * 0.1% baseline and 13 requests) and likely for a bad one, and for a quiet function those first
   * requests are most of what the canary shows: without it no guard needing two failures stops
   * 95% of releases failing 20% at 1 request/s in a 10% canary (the guard simulator).
   *
   * @default 13
   */
  readonly singleFailureMaxRequests?: number;
}

/**
 * Construct id of the error-rate alarm with the default thresholds; others carry theirs in the id
 * after it (so a `RolloutDashboard` finds the guard by this prefix).
 */
export const ERROR_RATE_ALARM_ID = 'NewVersionErrorRateAlarm';

/** The thresholds of an error-rate check, validated. */
interface ErrorRateThresholds {
  readonly periodMinutes: number;
  /** Standard errors the new rate must lie above the old one. */
  readonly minZScore: number;
  /** Percentage points the new rate must lie above the old one. */
  readonly minIncreasePercent: number;
  /** Failures of the new version needed in the period. */
  readonly minFailures: number;
  /** Up to this many requests of the new version in the period, one failure is enough (0: never). */
  readonly singleFailureMaxRequests: number;
}

/**
 * `HealthCheck.lambdaErrorRate`: the new version's failure rate judged against the old version's
 * over the same minutes, in one metric-math alarm per check.
 */
export class LambdaErrorRateCheck implements HealthCheckKind {
  /** Validates the options of `factory`. */
  public static of(factory: string, options: LambdaErrorRateCheckOptions): LambdaErrorRateCheck {
    const problems = new Problems(factory);
    const period = options.period ?? DEFAULT_ERROR_RATE_PERIOD;
    knownAtSynth(problems, 'period', period, 'it is the period of the alarm\'s six metrics and part of its id');
    const periodMinutes = problems.wholeDuration('period', period, MINUTE_MILLIS, ALARM_EVALUATION.periodMinutes);
    const minZScore = options.minZScore ?? DEFAULT_ERROR_RATE_MIN_Z_SCORE;
    checkMinZScore(problems, minZScore);
    const minIncreasePercent = options.minIncreasePercent ?? DEFAULT_ERROR_RATE_MIN_INCREASE_PERCENT;
    if (!Token.isUnresolved(minIncreasePercent) && !(minIncreasePercent >= 0 && minIncreasePercent < 100)) {
      problems.add(`minIncreasePercent must be at least 0 and less than 100, got ${minIncreasePercent}`);
    }
    const minFailures = options.minFailures ?? DEFAULT_ERROR_RATE_MIN_FAILURES;
    problems.integer('minFailures', minFailures, { min: 1 });
    const singleFailureMaxRequests = options.singleFailureMaxRequests ?? DEFAULT_ERROR_RATE_SINGLE_FAILURE_MAX_REQUESTS;
    problems.integer('singleFailureMaxRequests', singleFailureMaxRequests, { min: 0 });
    for (const [prop, value] of Object.entries({ minZScore, minIncreasePercent, minFailures, singleFailureMaxRequests })) {
      knownAtSynth(problems, prop, value, 'the check computes its alarm\'s metric math and id from it');
    }
    problems.throwIfAny();
    return new LambdaErrorRateCheck(factory, { periodMinutes: periodMinutes!, minZScore, minIncreasePercent, minFailures, singleFailureMaxRequests });
  }

  public readonly watchesLambdaAlias = true;
  public readonly place = AlarmPlace.NEW_AGAINST_OLD;

  private constructor(public readonly factory: string, private readonly thresholds: ErrorRateThresholds) {}

  /** The same thresholds twice would be two identical alarms under one id. */
  public duplicateKey(): string {
    return `errorRate:${JSON.stringify(this.thresholds)}`;
  }

  public bind(context: HealthCheckContext): cloudwatch.IAlarm[] {
    const alias = aliasOf(context, this);
    const t = this.thresholds;
    const period = Duration.minutes(t.periodMinutes);
    const metric = (metricName: string, traffic: AliasTraffic): cloudwatch.Metric => aliasMetric(alias, metricName, traffic, 'Sum', t.periodMinutes);
    const newVersion = {
      new_errors: metric('Errors', AliasTraffic.NEW_VERSION),
      new_invocations: metric('Invocations', AliasTraffic.NEW_VERSION),
      new_throttles: metric('Throttles', AliasTraffic.NEW_VERSION),
    };
    const { expression, newFailures, newRequests } = this.expression();
    const z = new cloudwatch.MathExpression({
      expression,
      usingMetrics: {
        new_failures: new cloudwatch.MathExpression({ expression: newFailures, usingMetrics: newVersion, period, label: 'Failures of the new version' }),
        new_requests: new cloudwatch.MathExpression({ expression: newRequests, usingMetrics: newVersion, period, label: 'Requests of the new version' }),
        all_errors: metric('Errors', AliasTraffic.ALL_VERSIONS),
        all_invocations: metric('Invocations', AliasTraffic.ALL_VERSIONS),
        all_throttles: metric('Throttles', AliasTraffic.ALL_VERSIONS),
      },
      period,
      label: 'z-score of the new version\'s failure rate over the old version\'s',
    });
    return [context.createAlarm(this.alarmId(), {
      metric: z,
      threshold: t.minZScore,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      // No request in the period is no evidence against the new version.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `Stops a CodeDeploy deployment of ${alias.lambda.functionName}:${alias.aliasName} when the new version's failure rate `
        + `(errors and throttles) is at least ${t.minIncreasePercent} percentage point${t.minIncreasePercent === 1 ? '' : 's'} `
        + `and ${t.minZScore} standard errors above the old `
        + `version's, with at least ${t.minFailures} failures`
        + `${t.singleFailureMaxRequests > 0 && t.minFailures > 1 ? ` (1 within ${t.singleFailureMaxRequests} requests)` : ''}, in a ${t.periodMinutes}-minute period`,
    })];
  }

  /**
   * The construct id of the check's alarm, from its thresholds, never from its place in
   * `healthChecks`: reordering or adding checks keeps every alarm.
   */
  private alarmId(): string {
    const t = this.thresholds;
    const isDefault = t.periodMinutes === DEFAULT_ERROR_RATE_PERIOD.toMinutes() && t.minZScore === DEFAULT_ERROR_RATE_MIN_Z_SCORE
      && t.minIncreasePercent === DEFAULT_ERROR_RATE_MIN_INCREASE_PERCENT && t.minFailures === DEFAULT_ERROR_RATE_MIN_FAILURES
      && t.singleFailureMaxRequests === DEFAULT_ERROR_RATE_SINGLE_FAILURE_MAX_REQUESTS;
    return isDefault ? ERROR_RATE_ALARM_ID
      : `${ERROR_RATE_ALARM_ID}-${t.periodMinutes}m-z${t.minZScore}-${t.minIncreasePercent}pp-${t.minFailures}f-${t.singleFailureMaxRequests}r`;
  }

  /**
   * The metric-math expression of the check, over six `Sum` metrics of one period: the
   * new version's `new_errors`, `new_invocations`, `new_throttles` (alias + `ExecutedVersion`) and
   * the alias's `all_errors`, `all_invocations`, `all_throttles`, through two helper expressions
   * `new_failures` and `new_requests`.
   *
   * Failures are errors plus throttles; requests are invocations plus throttles (Lambda does not
   * count a throttled request as an invocation:
   * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html). The old version's
   * counts are the alias's minus the new version's. The value is the pooled two-proportion z-score
   * z = (p1 - p0) / sqrt(p (1 - p) (1/n1 + 1/n0)) when the new version has at least `minFailures`
   * failures (or one, within its first `singleFailureMaxRequests` requests of the period) and a rate
   * at least `minIncreasePercent` points above the old one, and 0 otherwise (also when either
   * version has no request, or every request failed). Metric math has no square root, so it is
   * `^ 0.5`; FILL(…, 0) keeps a metric without a datapoint (no throttles, no traffic yet) from
   * hiding the others. Syntax: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html
   * (The guard simulator reuses it for the hand-written check on slow requests it compares latency guards with, and the
   * synthesis bench, bench/lambda-rollout.ts, for the default guard written by hand.)
   */
  public expression(): { expression: string; newFailures: string; newRequests: string } {
    const t = this.thresholds;
    const allFailures = '(FILL(all_errors,0) + FILL(all_throttles,0))';
    const allRequests = '(FILL(all_invocations,0) + FILL(all_throttles,0))';
    const oldFailures = `(${allFailures} - new_failures)`;
    const oldRequests = `(${allRequests} - new_requests)`;
    const increase = `(new_failures / new_requests - ${oldFailures} / ${oldRequests})`;
    const pooled = `(${allFailures} / ${allRequests})`;
    const z = `${increase} / (${pooled} * (1 - ${pooled}) * (1 / new_requests + 1 / ${oldRequests})) ^ 0.5`;
    const judged = `new_requests > 0 && ${oldRequests} > 0 && ${allFailures} < ${allRequests}`;
    const enough = t.singleFailureMaxRequests > 0 && t.minFailures > 1
      ? `(new_failures >= ${t.minFailures} || (new_failures >= 1 && new_requests <= ${t.singleFailureMaxRequests}))`
      : `new_failures >= ${t.minFailures}`;
    const worse = `${enough} && ${increase} >= ${t.minIncreasePercent / 100}`;
    return {
      expression: `IF(${judged}, IF(${worse}, ${z}, 0), 0)`,
      newFailures: 'FILL(new_errors,0) + FILL(new_throttles,0)',
      newRequests: 'FILL(new_invocations,0) + FILL(new_throttles,0)',
    };
  }
}
