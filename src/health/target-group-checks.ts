import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { checkEvaluation, CheckEvaluationOptions } from './check-evaluation';
import { MetricCheck } from './metric-check';
import { DEFAULT_TARGET_GROUP_5XX_MIN_ERRORS, DEFAULT_TARGET_GROUP_5XX_PERCENT, DEFAULT_UNHEALTHY_HOSTS_THRESHOLD } from '../private/defaults';
import { Problems } from '../private/validation';

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

/** `HealthCheck.targetGroup5xx`: a metric check on the targets' 5XX rate, from at least `minErrors` of them. */
export function targetGroup5xxCheck(factory: string, targetGroup: elbv2.IApplicationTargetGroup, options: TargetGroup5xxCheckOptions): MetricCheck {
  const problems = new Problems(factory);
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
  return MetricCheck.of(factory, rate, { threshold: thresholdPercent, evaluationPeriods });
}

/** `HealthCheck.unhealthyHosts`: a metric check on the most targets failing the health check in a period. */
export function unhealthyHostsCheck(factory: string, targetGroup: elbv2.IApplicationTargetGroup, options: UnhealthyHostsCheckOptions): MetricCheck {
  const problems = new Problems(factory);
  const threshold = options.threshold ?? DEFAULT_UNHEALTHY_HOSTS_THRESHOLD;
  problems.integer('threshold', threshold, { min: 1 });
  const { periodMinutes, evaluationPeriods } = checkEvaluation(problems, options);
  problems.throwIfAny();
  const metric = targetGroup.metrics.unhealthyHostCount({ statistic: 'Maximum', period: Duration.minutes(periodMinutes) });
  return MetricCheck.of(factory, metric, { threshold, evaluationPeriods });
}
