import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { aliasMetric, AliasTraffic } from './alias-metric';
import { checkEvaluation, CheckEvaluation, CheckEvaluationOptions, knownAtSynth } from './check-evaluation';
import { aliasOf, AlarmPlace, HealthCheckContext, HealthCheckKind } from './health-check-kind';
import { ALARM_MATH } from '../private/cloudwatch-limits';
import { DEFAULT_EVALUATION_PERIODS, DEFAULT_LATENCY_PERCENTILE } from '../private/defaults';
import { LAMBDA_MAX_DURATION_MILLIS } from '../private/lambda-limits';
import { Problems } from '../private/validation';

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

/** Construct id of the alarm of the checks with the default evaluation (1 minute, 1 period). */
const ALARM_ID = 'NewVersionAlarm';

/**
 * `HealthCheck.lambdaErrors`, `.lambdaThrottles` and `.lambdaLatency`: one of the new version's
 * own metrics (the alias metrics with `ExecutedVersion`) reaching a threshold.
 *
 * The checks of a rollout with the same evaluation (period and evaluation periods) share one
 * alarm. A single check is a plain metric alarm; several share one metric-math alarm,
 * `IF(FILL(errors,0) >= 1 || FILL(throttles,0) >= 1, 1, 0)`, that goes off when any check reaches
 * its own threshold; FILL(…, 0) keeps a metric without data (no throttles, say) from hiding the others.
 * The shared alarm reads each metric and statistic once, however many thresholds the checks put on
 * it, and at most 10 of them (`ALARM_MATH`): `sharedAlarmProblems` refuses more.
 */
export class LambdaThresholdCheck implements HealthCheckKind {
  /** `HealthCheck.lambdaErrors` or `.lambdaThrottles`: a count of the new version's, summed over a period. */
  public static count(factory: string, metricName: 'Errors' | 'Throttles', threshold: number, options: CheckEvaluationOptions): LambdaThresholdCheck {
    const problems = new Problems(factory);
    problems.integer('threshold', threshold, { min: 1 });
    const evaluation = LambdaThresholdCheck.checkLambdaEvaluation(problems, options);
    problems.throwIfAny();
    return new LambdaThresholdCheck(factory, metricName, 'Sum', threshold, evaluation);
  }

  /** `HealthCheck.lambdaLatency`: a percentile of the new version's duration. */
  public static latency(factory: string, options: LambdaLatencyCheckOptions): LambdaThresholdCheck {
    const problems = new Problems(factory);
    const percentile = options.percentile ?? DEFAULT_LATENCY_PERCENTILE;
    if (!Token.isUnresolved(percentile) && !(percentile > 0 && percentile <= 100)) {
      problems.add(`percentile must be greater than 0 and at most 100, got ${percentile}`);
    }
    knownAtSynth(problems, 'threshold', options.threshold, 'it is written into the alarm\'s expression and description');
    // A function runs at most 15 minutes: a longer threshold could never be reached.
    const thresholdMillis = problems.wholeDuration('threshold', options.threshold, 1, { min: 1, max: LAMBDA_MAX_DURATION_MILLIS, unit: 'milliseconds' });
    const evaluation = LambdaThresholdCheck.checkLambdaEvaluation(problems, options);
    problems.throwIfAny();
    return new LambdaThresholdCheck(factory, 'Duration', `p${percentile}`, thresholdMillis!, evaluation);
  }

  /**
   * A Lambda check's evaluation is part of its shared alarm's key and construct id, so its
   * evaluation periods, like its period, must be known at synth.
   */
  private static checkLambdaEvaluation(problems: Problems, options: CheckEvaluationOptions): CheckEvaluation {
    if (Token.isUnresolved(options.evaluationPeriods ?? DEFAULT_EVALUATION_PERIODS)) {
      problems.add('evaluationPeriods must be known at synth, got a token (a value only known at deploy time, such as a CfnParameter\'s): '
        + 'Lambda checks with the same evaluation share one alarm, named after it');
    }
    return checkEvaluation(problems, options);
  }

  /** The checks of `group` with distinct metrics: the metrics the shared alarm reads, once each. */
  private static readMetrics(group: LambdaThresholdCheck[]): LambdaThresholdCheck[] {
    return [...new Map(group.map((check) => [check.metricKey, check])).values()];
  }

  /** Metric-math ids (lower case first, letters, digits and underscores), unique within a group. */
  private static variableNames(group: LambdaThresholdCheck[]): string[] {
    const used = new Set<string>();
    return group.map((check) => {
      const base = (check.metricName === 'Duration' ? `latency_${check.statistic}` : check.metricName.toLowerCase()).replace(/[^A-Za-z0-9_]/g, '_');
      let name = base;
      for (let n = 2; used.has(name); n++) {
        name = `${base}_${n}`;
      }
      used.add(name);
      return name;
    });
  }

  public readonly watchesLambdaAlias = true;
  public readonly place = AlarmPlace.NEW_VERSION;
  public readonly sharedAlarmKey: string;

  private constructor(
    public readonly factory: string,
    /** Lambda's metric name. */
    private readonly metricName: 'Errors' | 'Throttles' | 'Duration',
    /** CloudWatch statistic, e.g. `Sum` or `p99`. */
    private readonly statistic: string,
    /** Breaching when the statistic is at least this (milliseconds for Duration). */
    private readonly threshold: number,
    private readonly evaluation: CheckEvaluation,
  ) {
    this.sharedAlarmKey = `${ALARM_ID}:${evaluation.periodMinutes}:${evaluation.evaluationPeriods}`;
  }

  /** Lambda checks may repeat: the same threshold twice is one condition in the shared alarm. */
  public duplicateKey(): undefined {
    return undefined;
  }

  /**
   * The checks of one evaluation share one alarm, which may read at most 10 metrics
   * (`ALARM_MATH`): one per metric and statistic, however many thresholds are put on it.
   */
  public sharedAlarmProblems(sharing: HealthCheckKind[]): string[] {
    const read = LambdaThresholdCheck.readMetrics(sharing.filter((check): check is LambdaThresholdCheck => check instanceof LambdaThresholdCheck));
    if (read.length <= ALARM_MATH.maxMetrics) {
      return [];
    }
    const { periodMinutes, evaluationPeriods } = this.evaluation;
    return [`healthChecks: the Lambda checks with a period of ${periodMinutes} minutes and ${evaluationPeriods} evaluation period(s) share one alarm, `
      + `which can read at most ${ALARM_MATH.maxMetrics} metrics, got ${read.length} (${read.map((check) => check.metricKey).join(', ')}): `
      + 'give some of them another period or evaluationPeriods'];
  }

  public bind(context: HealthCheckContext, sharing: HealthCheckKind[]): cloudwatch.IAlarm[] {
    const alias = aliasOf(context, this);
    const group = sharing.filter((check): check is LambdaThresholdCheck => check instanceof LambdaThresholdCheck);
    const { periodMinutes, evaluationPeriods } = this.evaluation;
    const isDefault = periodMinutes === 1 && evaluationPeriods === 1;
    // Each metric is read once, however many thresholds the checks put on it.
    const read = LambdaThresholdCheck.readMetrics(group);
    const names = LambdaThresholdCheck.variableNames(read);
    const nameOf = (check: LambdaThresholdCheck): string => names[read.findIndex((r) => r.metricKey === check.metricKey)];
    const metrics = Object.fromEntries(read.map((check, i) => [names[i], check.newVersionMetric(alias)]));
    const metric = group.length === 1
      ? Object.values(metrics)[0]
      : new cloudwatch.MathExpression({
        expression: `IF(${group.map((check) => `FILL(${nameOf(check)},0) >= ${check.threshold}`).join(' || ')}, 1, 0)`,
        usingMetrics: metrics,
        period: Duration.minutes(periodMinutes),
        label: 'Failing checks of the new version',
      });
    return [context.createAlarm(isDefault ? ALARM_ID : `${ALARM_ID}-${periodMinutes}m-x${evaluationPeriods}`, {
      metric,
      threshold: group.length === 1 ? this.threshold : 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods,
      datapointsToAlarm: evaluationPeriods,
      // No invocation of the new version is no evidence against it.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `Stops a CodeDeploy deployment of ${alias.lambda.functionName}:${alias.aliasName} when the new version has `
        + `${group.map((check) => check.describe()).join(' or ')} in ${evaluationPeriods} consecutive ${periodMinutes}-minute period(s)`,
    })];
  }

  /** The metric and statistic the check reads, e.g. `Duration p99`. */
  private get metricKey(): string {
    return `${this.metricName} ${this.statistic}`;
  }

  private newVersionMetric(alias: lambda.Alias): cloudwatch.Metric {
    return aliasMetric(alias, this.metricName, AliasTraffic.NEW_VERSION, this.statistic, this.evaluation.periodMinutes);
  }

  private describe(): string {
    return this.metricName === 'Duration'
      ? `a ${this.statistic} duration of at least ${this.threshold} ms`
      : `at least ${this.threshold} ${this.metricName.toLowerCase()}`;
  }
}
