import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { ErrorRateSignal } from './error-rate-signal';
import { LambdaSignal } from './lambda-signal';
import { ALARM_EVALUATION } from '../private/cloudwatch-limits';
import {
  DEFAULT_ALARM_PERIOD, DEFAULT_ERROR_RATE_MIN_FAILURES, DEFAULT_ERROR_RATE_MIN_INCREASE_PERCENT,
  DEFAULT_ERROR_RATE_MIN_Z_SCORE, DEFAULT_ERROR_RATE_PERIOD, DEFAULT_ERROR_RATE_SINGLE_FAILURE_MAX_REQUESTS, DEFAULT_EVALUATION_PERIODS,
  DEFAULT_LAMBDA_ERRORS_THRESHOLD,
  DEFAULT_LAMBDA_THROTTLES_THRESHOLD, DEFAULT_LATENCY_PERCENTILE, DEFAULT_TARGET_GROUP_5XX_MIN_ERRORS, DEFAULT_TARGET_GROUP_5XX_PERCENT,
  DEFAULT_UNHEALTHY_HOSTS_THRESHOLD,
} from '../private/defaults';
import { LAMBDA_MAX_DURATION_MILLIS } from '../private/lambda-limits';
import { MINUTE_MILLIS, Problems } from '../private/validation';

/** The largest `minZScore`: beyond 10 standard errors a test is a count in disguise. */
const MAX_Z_SCORE = 10;

/** When a check evaluates its metric. */
export interface CheckEvaluationOptions {
  /**
   * Length of one evaluated period, in whole minutes (Lambda and load balancers publish metrics once a minute).
   *
   * @default Duration.minutes(1)
   */
  readonly period?: Duration;

  /**
   * How many consecutive periods must breach before the deployment stops.
   *
   * @default 1
   */
  readonly evaluationPeriods?: number;
}

/** Options of `HealthCheck.lambdaErrors` and `HealthCheck.lambdaThrottles`. */
export interface LambdaCountCheckOptions extends CheckEvaluationOptions {
  /**
   * Stop the deployment when the new version has at least this many errors (or throttles) in a
   * period: an integer of at least 1.
   *
   * @default 1
   */
  readonly threshold?: number;
}

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

/** Options of `HealthCheck.lambdaLatency`. */
export interface LambdaLatencyCheckOptions extends CheckEvaluationOptions {
  /** Stop the deployment when the new version's duration at `percentile` reaches this, in whole milliseconds. */
  readonly threshold: Duration;

  /**
   * The percentile of the duration to watch, greater than 0 and at most 100.
   *
   * @default 99
   */
  readonly percentile?: number;
}

/** Options of `HealthCheck.targetGroup5xx`. */
export interface TargetGroup5xxCheckOptions extends CheckEvaluationOptions {
  /**
   * Stop the deployment when the targets answer at least this percentage of a period's requests
   * with a 5XX: greater than 0 and at most 100.
   *
   * @default 5
   */
  readonly thresholdPercent?: number;

  /**
   * The fewest 5XX responses in a period that can stop the deployment: an integer of at least 1.
   * In a quiet minute a single 5XX is a rate above any threshold, so without a floor the rate is a
   * count in disguise and a healthy quiet fleet is rolled back for it.
   *
   * @default 2
   */
  readonly minErrors?: number;
}

/** Options of `HealthCheck.unhealthyHosts`. */
export interface UnhealthyHostsCheckOptions extends CheckEvaluationOptions {
  /**
   * Stop the deployment when at least this many targets fail the load balancer's health check:
   * an integer of at least 1.
   *
   * @default 1
   */
  readonly threshold?: number;
}

/** Options of `HealthCheck.metric`. */
export interface MetricCheckOptions {
  /** The value the metric is compared with. */
  readonly threshold: number;

  /**
   * How the metric is compared with the threshold.
   *
   * @default cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD
   */
  readonly comparisonOperator?: cloudwatch.ComparisonOperator;

  /**
   * How many consecutive periods must breach before the deployment stops.
   *
   * @default 1
   */
  readonly evaluationPeriods?: number;

  /**
   * What a period without data counts as. No data usually means no traffic, not a failure.
   *
   * @default cloudwatch.TreatMissingData.NOT_BREACHING
   */
  readonly treatMissingData?: cloudwatch.TreatMissingData;
}

/**
 * A signal that stops a deployment and, with `Rollback.onFailureAndAlarm()`, rolls it back.
 *
 * The Lambda checks watch the new version only: the alias metrics with the `ExecutedVersion`
 * dimension set to the version being deployed, so traffic still served by the old version cannot
 * hide a bad release. Lambda checks of one function with the same period and evaluation periods
 * share one metric-math alarm that goes off as soon as any of them breaches its own threshold,
 * so each threshold stays exact while the function uses one alarm and one of CodeDeploy's alarm
 * slots.
 */
export class HealthCheck {
  /** Any error of the new version: at least `threshold` (default 1) errors in a period. */
  public static lambdaErrors(options: LambdaCountCheckOptions = {}): HealthCheck {
    return HealthCheck.lambdaCount('lambdaErrors', 'Errors', options.threshold ?? DEFAULT_LAMBDA_ERRORS_THRESHOLD, options);
  }

  /** Throttled invocations of the new version: at least `threshold` (default 1) in a period. */
  public static lambdaThrottles(options: LambdaCountCheckOptions = {}): HealthCheck {
    return HealthCheck.lambdaCount('lambdaThrottles', 'Throttles', options.threshold ?? DEFAULT_LAMBDA_THROTTLES_THRESHOLD, options);
  }

  /**
   * The new version fails more often than the old one, judged with the evidence the traffic gives.
   *
   * Failures are errors plus throttles, requests are invocations plus throttles (Lambda does not
   * count a throttled request as an invocation). In each period the new version's failure rate
   * (the alias metrics with `ExecutedVersion`) is compared with the old version's over the same
   * minutes (the alias's totals minus the new version's): the check fires when the new version
   * has at least `minFailures` failures (one, while it has served at most `singleFailureMaxRequests`), its rate is at least `minIncreasePercent` points above
   * the old one, and the difference is at least `minZScore` standard errors (a pooled
   * two-proportion z-test, in metric math). One alarm per check, reading six metrics.
   *
   * Where it is blind: a function too quiet for the evidence (around 1 request a second or less
   * in a 10% canary) cannot be judged by any passive signal; test those with an active smoke test
   * before traffic moves.
   */
  public static lambdaErrorRate(options: LambdaErrorRateCheckOptions = {}): HealthCheck {
    const problems = new Problems('HealthCheck.lambdaErrorRate');
    const period = options.period ?? DEFAULT_ERROR_RATE_PERIOD;
    knownAtSynth(problems, 'period', period, 'it is the period of the alarm\'s six metrics and part of its id');
    const periodMinutes = problems.wholeDuration('period', period, MINUTE_MILLIS, ALARM_EVALUATION.periodMinutes);
    const minZScore = options.minZScore ?? DEFAULT_ERROR_RATE_MIN_Z_SCORE;
    if (!Token.isUnresolved(minZScore) && !(minZScore > 0 && minZScore <= MAX_Z_SCORE)) {
      problems.add(`minZScore must be greater than 0 and at most ${MAX_Z_SCORE}, got ${minZScore}`);
    }
    const minIncreasePercent = options.minIncreasePercent ?? DEFAULT_ERROR_RATE_MIN_INCREASE_PERCENT;
    if (!Token.isUnresolved(minIncreasePercent) && !(minIncreasePercent >= 0 && minIncreasePercent < 100)) {
      problems.add(`minIncreasePercent must be at least 0 and less than 100, got ${minIncreasePercent}`);
    }
    const minFailures = options.minFailures ?? DEFAULT_ERROR_RATE_MIN_FAILURES;
    problems.integer('minFailures', minFailures, { min: 1 });
    const singleFailureMaxRequests = options.singleFailureMaxRequests ?? DEFAULT_ERROR_RATE_SINGLE_FAILURE_MAX_REQUESTS;
    problems.integer('singleFailureMaxRequests', singleFailureMaxRequests, { min: 0 });
    problems.throwIfAny();
    return new HealthCheck({ errorRate: { periodMinutes: periodMinutes!, minZScore, minIncreasePercent, minFailures, singleFailureMaxRequests } });
  }

  /** Slow responses of the new version: the duration at `percentile` (default p99) reaches `threshold`. */
  public static lambdaLatency(options: LambdaLatencyCheckOptions): HealthCheck {
    const problems = new Problems('HealthCheck.lambdaLatency');
    const percentile = options.percentile ?? DEFAULT_LATENCY_PERCENTILE;
    if (!Token.isUnresolved(percentile) && !(percentile > 0 && percentile <= 100)) {
      problems.add(`percentile must be greater than 0 and at most 100, got ${percentile}`);
    }
    knownAtSynth(problems, 'threshold', options.threshold, 'it is written into the alarm\'s expression and description');
    // A function runs at most 15 minutes: a longer threshold could never be reached.
    const thresholdMillis = problems.wholeDuration('threshold', options.threshold, 1, { min: 1, max: LAMBDA_MAX_DURATION_MILLIS, unit: 'milliseconds' });
    const evaluation = checkEvaluation(problems, options, true);
    problems.throwIfAny();
    return new HealthCheck({
      lambda: { metricName: 'Duration', statistic: `p${percentile}`, threshold: thresholdMillis!, ...evaluation },
    });
  }

  /**
   * 5XX responses of an Application Load Balancer target group's targets, as a rate of its
   * requests (not a raw count, so busy and quiet periods are judged alike), from at least
   * `minErrors` of them; no request is no failure. Use it for servers behind the load balancer,
   * or for Lambda functions it invokes.
   *
   * Where it is blind: the target group's metrics count every instance together, so one bad
   * instance among N adds about its rate / (N - 1) to the group's; with one instance at a time, an
   * instance failing 20% of its requests alarms only once about N / 4 instances have it, and
   * instances failing less than `thresholdPercent` are stopped by chance if at all (the guard
   * simulator's fleet model). Pair it with a `ValidateService` hook of the revision that tests each instance.
   */
  public static targetGroup5xx(targetGroup: elbv2.IApplicationTargetGroup, options: TargetGroup5xxCheckOptions = {}): HealthCheck {
    const problems = new Problems('HealthCheck.targetGroup5xx');
    const thresholdPercent = options.thresholdPercent ?? DEFAULT_TARGET_GROUP_5XX_PERCENT;
    if (!Token.isUnresolved(thresholdPercent) && !(thresholdPercent > 0 && thresholdPercent <= 100)) {
      problems.add(`thresholdPercent must be greater than 0 and at most 100, got ${thresholdPercent}`);
    }
    const minErrors = options.minErrors ?? DEFAULT_TARGET_GROUP_5XX_MIN_ERRORS;
    problems.integer('minErrors', minErrors, { min: 1 });
    const { periodMinutes, evaluationPeriods } = checkEvaluation(problems, options);
    problems.throwIfAny();
    const period = Duration.minutes(periodMinutes);
    const rate = new cloudwatch.MathExpression({
      // FILL: the load balancer publishes no 5XX count for a period without one
      // (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html).
      expression: `IF(FILL(requests,0) > 0 && FILL(errors,0) >= ${minErrors}, 100 * FILL(errors,0) / requests, 0)`,
      usingMetrics: {
        errors: targetGroup.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { statistic: 'Sum', period }),
        requests: targetGroup.metrics.requestCount({ statistic: 'Sum', period }),
      },
      period,
      label: 'Target 5XX responses (% of requests)',
    });
    return new HealthCheck({ metric: { metric: rate, options: { threshold: thresholdPercent, evaluationPeriods } } });
  }

  /**
   * Targets of an Application Load Balancer target group that fail its health check: the most
   * in a period reaches `threshold` (default 1).
   */
  public static unhealthyHosts(targetGroup: elbv2.IApplicationTargetGroup, options: UnhealthyHostsCheckOptions = {}): HealthCheck {
    const problems = new Problems('HealthCheck.unhealthyHosts');
    const threshold = options.threshold ?? DEFAULT_UNHEALTHY_HOSTS_THRESHOLD;
    problems.integer('threshold', threshold, { min: 1 });
    const { periodMinutes, evaluationPeriods } = checkEvaluation(problems, options);
    problems.throwIfAny();
    const metric = targetGroup.metrics.unhealthyHostCount({ statistic: 'Maximum', period: Duration.minutes(periodMinutes) });
    return new HealthCheck({ metric: { metric, options: { threshold, evaluationPeriods } } });
  }

  /**
   * Any CloudWatch metric: the rollout creates an alarm on it. Use it for signals the function
   * does not publish itself, such as an API's 5XX rate.
   */
  public static metric(metric: cloudwatch.IMetric, options: MetricCheckOptions): HealthCheck {
    const problems = new Problems('HealthCheck.metric');
    problems.integer('evaluationPeriods', options.evaluationPeriods ?? DEFAULT_EVALUATION_PERIODS, ALARM_EVALUATION.evaluationPeriods);
    problems.throwIfAny();
    return new HealthCheck({ metric: { metric, options } });
  }

  /** An alarm that already exists, used as it is. */
  public static alarm(alarm: cloudwatch.IAlarm): HealthCheck {
    return new HealthCheck({ alarm });
  }

  private static lambdaCount(factory: string, metricName: 'Errors' | 'Throttles', threshold: number, options: CheckEvaluationOptions): HealthCheck {
    const problems = new Problems(`HealthCheck.${factory}`);
    problems.integer('threshold', threshold, { min: 1 });
    const evaluation = checkEvaluation(problems, options, true);
    problems.throwIfAny();
    return new HealthCheck({ lambda: { metricName, statistic: 'Sum', threshold, ...evaluation } });
  }

  /** @internal */
  public readonly _lambda?: LambdaSignal;

  /** @internal */
  public readonly _errorRate?: ErrorRateSignal;

  /** @internal */
  public readonly _metric?: { readonly metric: cloudwatch.IMetric; readonly options: MetricCheckOptions };

  /** @internal */
  public readonly _alarm?: cloudwatch.IAlarm;

  private constructor(check: {
    readonly lambda?: LambdaSignal;
    readonly errorRate?: ErrorRateSignal;
    readonly metric?: { readonly metric: cloudwatch.IMetric; readonly options: MetricCheckOptions };
    readonly alarm?: cloudwatch.IAlarm;
  }) {
    this._lambda = check.lambda;
    this._errorRate = check.errorRate;
    this._metric = check.metric;
    this._alarm = check.alarm;
  }
}

/**
 * Checks period and evaluation periods of a check against CloudWatch's limits. The period must be
 * known at synth (it is the period of the alarm's metrics, in whole minutes, and part of a Lambda
 * check's alarm id); so must the evaluation periods of a Lambda check, for the same id.
 */
function checkEvaluation(
  problems: Problems, options: CheckEvaluationOptions, lambdaCheck = false,
): { periodMinutes: number; evaluationPeriods: number } {
  const period = options.period ?? DEFAULT_ALARM_PERIOD;
  const evaluationPeriods = options.evaluationPeriods ?? DEFAULT_EVALUATION_PERIODS;
  knownAtSynth(problems, 'period', period, 'it is the period of the alarm and of its metrics');
  if (lambdaCheck && Token.isUnresolved(evaluationPeriods)) {
    problems.add('evaluationPeriods must be known at synth, got a token (a value only known at deploy time, such as a CfnParameter\'s): '
      + 'Lambda checks with the same evaluation share one alarm, named after it');
  }
  const periodMinutes = problems.wholeDuration('period', period, MINUTE_MILLIS, ALARM_EVALUATION.periodMinutes);
  problems.integer('evaluationPeriods', evaluationPeriods, ALARM_EVALUATION.evaluationPeriods);
  if (periodMinutes !== undefined && Number.isInteger(evaluationPeriods) && evaluationPeriods >= 1) {
    const periodSeconds = periodMinutes * 60;
    const max = periodSeconds < ALARM_EVALUATION.shortPeriodSeconds ? ALARM_EVALUATION.maxRangeShortPeriodSeconds : ALARM_EVALUATION.maxRangeSeconds;
    if (periodSeconds * evaluationPeriods > max) {
      problems.add(`period x evaluationPeriods must be at most ${max / 3600} hours for a period ${periodSeconds < ALARM_EVALUATION.shortPeriodSeconds ? 'under' : 'of at least'} 1 hour, `
        + `got ${periodMinutes} minutes x ${evaluationPeriods} = ${(periodSeconds * evaluationPeriods) / 3600} hours`);
    }
  }
  return { periodMinutes: periodMinutes ?? 0, evaluationPeriods };
}

/** Refuses a duration only known at deploy time (a `CfnParameter`, say) where the library needs its value. */
function knownAtSynth(problems: Problems, prop: string, value: Duration, why: string): void {
  if (value.isUnresolved()) {
    problems.add(`${prop} must be known at synth, got a token (a value only known at deploy time, such as a CfnParameter's): ${why}`);
  }
}
