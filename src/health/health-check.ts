import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { ExistingAlarmCheck } from './existing-alarm-check';
import { HealthCheckKind } from './health-check-kind';
import { LambdaErrorRateCheck, LambdaErrorRateCheckOptions } from './lambda-error-rate-check';
import { LambdaLatencyRegressionCheck, LambdaLatencyRegressionCheckOptions } from './lambda-latency-regression-check';
import { LambdaCountCheckOptions, LambdaLatencyCheckOptions, LambdaThresholdCheck } from './lambda-threshold-check';
import { MetricCheck, MetricCheckOptions } from './metric-check';
import { targetGroup5xxCheck, TargetGroup5xxCheckOptions, unhealthyHostsCheck, UnhealthyHostsCheckOptions } from './target-group-checks';
import { DEFAULT_LAMBDA_ERRORS_THRESHOLD, DEFAULT_LAMBDA_THROTTLES_THRESHOLD } from '../private/defaults';

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
    return new HealthCheck(LambdaThresholdCheck.count('HealthCheck.lambdaErrors', 'Errors', options.threshold ?? DEFAULT_LAMBDA_ERRORS_THRESHOLD, options));
  }

  /** Throttled invocations of the new version: at least `threshold` (default 1) in a period. */
  public static lambdaThrottles(options: LambdaCountCheckOptions = {}): HealthCheck {
    return new HealthCheck(LambdaThresholdCheck.count('HealthCheck.lambdaThrottles', 'Throttles', options.threshold ?? DEFAULT_LAMBDA_THROTTLES_THRESHOLD, options));
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
    return new HealthCheck(LambdaErrorRateCheck.of('HealthCheck.lambdaErrorRate', options));
  }

  /**
   * The new version is slower than the old one, judged with the evidence the traffic gives.
   *
   * In each period the new version's duration at `percentile` (the alias's `Duration` with
   * `ExecutedVersion`) is compared with the old version's, derived from the alias's durations
   * over the same minutes (percentiles cannot be subtracted as counts can: the alias's percentile
   * is corrected for the new version's share of it, to first order). A period breaches when the
   * new version served at least `minRequests` invocations, is at least `minSlowdownPercent`
   * slower, and the difference is at least `minZScore` standard errors (measured from the spread
   * of the alias's durations around the percentile, in metric math); the deployment stops when
   * `datapointsToAlarm` of the last `evaluationPeriods` periods breach. One alarm per check,
   * reading six `Duration` statistics.
   *
   * Where it is blind: a function too quiet for `minRequests` invocations of the new version in a
   * period (with the defaults and a 10% canary, below about 3 requests a second) is never judged;
   * the median does not see a slower tail (a higher `percentile` does, and sees more of the warm-up
   * of new environments); environments that need dozens of invocations to warm up (a JIT-compiled
   * runtime) make two minutes slow, so healthy releases are rolled back
   * (`evaluationPeriods: 4, datapointsToAlarm: 3` needs three). Opt-in: it is not part of the default
   * `healthChecks`; the guard simulator's numbers and why are in docs/latency.md.
   */
  public static lambdaLatencyRegression(options: LambdaLatencyRegressionCheckOptions = {}): HealthCheck {
    return new HealthCheck(LambdaLatencyRegressionCheck.of('HealthCheck.lambdaLatencyRegression', options));
  }

  /** Slow responses of the new version: the duration at `percentile` (default p99) reaches `threshold`. */
  public static lambdaLatency(options: LambdaLatencyCheckOptions): HealthCheck {
    return new HealthCheck(LambdaThresholdCheck.latency('HealthCheck.lambdaLatency', options));
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
    return new HealthCheck(targetGroup5xxCheck('HealthCheck.targetGroup5xx', targetGroup, options));
  }

  /**
   * Targets of an Application Load Balancer target group that fail its health check: the most
   * in a period reaches `threshold` (default 1).
   */
  public static unhealthyHosts(targetGroup: elbv2.IApplicationTargetGroup, options: UnhealthyHostsCheckOptions = {}): HealthCheck {
    return new HealthCheck(unhealthyHostsCheck('HealthCheck.unhealthyHosts', targetGroup, options));
  }

  /**
   * Any CloudWatch metric: the rollout creates an alarm on it. Use it for signals the function
   * does not publish itself, such as an API's 5XX rate.
   */
  public static metric(metric: cloudwatch.IMetric, options: MetricCheckOptions): HealthCheck {
    return new HealthCheck(MetricCheck.of('HealthCheck.metric', metric, options));
  }

  /** An alarm that already exists, used as it is. */
  public static alarm(alarm: cloudwatch.IAlarm): HealthCheck {
    return new HealthCheck(new ExistingAlarmCheck('HealthCheck.alarm', alarm));
  }

  /**
   * What this check is and how a rollout turns it into alarms: each kind of check is one file in
   * `health/` (docs/ARCHITECTURE.md, "Where a change goes").
   *
   * @internal
   */
  public readonly _kind: HealthCheckKind;

  private constructor(kind: HealthCheckKind) {
    this._kind = kind;
  }
}
