import { createHash } from 'crypto';
import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { AlarmPlace, HealthCheckContext, HealthCheckKind } from './health-check-kind';
import { ALARM_EVALUATION } from '../private/cloudwatch-limits';
import { DEFAULT_EVALUATION_PERIODS } from '../private/defaults';
import { Problems } from '../private/validation';

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
 * `HealthCheck.metric`, and the checks built on it (`targetGroup5xx`, `unhealthyHosts`): one
 * alarm on a metric, with the rollout's description.
 */
export class MetricCheck implements HealthCheckKind {
  /** Validates the options `factory` was given. */
  public static of(factory: string, metric: cloudwatch.IMetric, options: MetricCheckOptions): MetricCheck {
    const problems = new Problems(factory);
    problems.integer('evaluationPeriods', options.evaluationPeriods ?? DEFAULT_EVALUATION_PERIODS, ALARM_EVALUATION.evaluationPeriods);
    problems.throwIfAny();
    return new MetricCheck(factory, metric, options);
  }

  public readonly watchesLambdaAlias = false;
  public readonly place = AlarmPlace.USER_METRIC;

  private constructor(public readonly factory: string, private readonly metric: cloudwatch.IMetric, private readonly options: MetricCheckOptions) {}

  /** The same metric watched the same way twice would be two identical alarms under one id. */
  public duplicateKey(scope: Construct): string {
    return this.alarmId(scope);
  }

  public bind(context: HealthCheckContext): cloudwatch.IAlarm[] {
    return [context.createAlarm(this.alarmId(context.scope), {
      metric: this.metric,
      threshold: this.options.threshold,
      comparisonOperator: this.options.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: this.options.evaluationPeriods ?? DEFAULT_EVALUATION_PERIODS,
      treatMissingData: this.options.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: context.alarmDescription,
    })];
  }

  /**
   * The construct id of the alarm, derived from what the check watches and how (the metric, its
   * statistic and period, the threshold and evaluation), never from its place in `healthChecks`:
   * reordering or inserting checks keeps every alarm. Tokens are resolved, so the id is the same
   * for the same resources in any synth.
   */
  private alarmId(scope: Construct): string {
    const watched = {
      metric: this.metric.toMetricConfig(),
      threshold: this.options.threshold,
      comparisonOperator: this.options.comparisonOperator,
      evaluationPeriods: this.options.evaluationPeriods,
      treatMissingData: this.options.treatMissingData,
    };
    const identity = JSON.stringify(Stack.of(scope).resolve(watched));
    return `MetricAlarm${createHash('sha256').update(identity).digest('hex').slice(0, 8).toUpperCase()}`;
  }
}
