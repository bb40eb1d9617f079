/**
 * A `HealthCheck.lambdaLatencyRegression`: the new version's duration at a percentile against the
 * old version's. Internal: the factory validates it, rollouts turn it into one metric-math alarm.
 */
export interface LatencyRegressionSignal {
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
