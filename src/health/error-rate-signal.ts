/**
 * A `HealthCheck.lambdaErrorRate`: the new version's failure rate against the old version's.
 * Internal: the factory validates it, rollouts turn it into one metric-math alarm.
 */
export interface ErrorRateSignal {
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
