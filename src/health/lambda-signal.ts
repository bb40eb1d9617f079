/**
 * A health check on the new version of a Lambda function, answered by its alias metrics with the
 * `ExecutedVersion` dimension. Internal: `HealthCheck` factories create it, rollouts turn it into alarms.
 */
export interface LambdaSignal {
  /** Lambda's metric name. */
  readonly metricName: 'Errors' | 'Throttles' | 'Duration';
  /** CloudWatch statistic, e.g. `Sum` or `p99`. */
  readonly statistic: string;
  /** Breaching when the statistic is at least this (milliseconds for Duration). */
  readonly threshold: number;
  readonly periodMinutes: number;
  readonly evaluationPeriods: number;
}

/** Signals with the same key are evaluated alike and share one alarm. */
export function evaluationKey(signal: LambdaSignal): string {
  return `${signal.periodMinutes}:${signal.evaluationPeriods}`;
}
