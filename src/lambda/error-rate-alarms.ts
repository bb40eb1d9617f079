import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ErrorRateSignal } from '../health/error-rate-signal';
import {
  DEFAULT_ERROR_RATE_MIN_FAILURES, DEFAULT_ERROR_RATE_MIN_INCREASE_PERCENT, DEFAULT_ERROR_RATE_MIN_Z_SCORE, DEFAULT_ERROR_RATE_PERIOD,
  DEFAULT_ERROR_RATE_SINGLE_FAILURE_MAX_REQUESTS,
} from '../private/defaults';
import { deploymentAlarm } from '../rollout/deployment-alarm';

/** Construct id of the error-rate alarm with the default thresholds; others carry theirs in the id. */
const ALARM_ID = 'NewVersionErrorRateAlarm';

/**
 * The construct id of a check's alarm, from its thresholds, never from its place in
 * `healthChecks`: reordering or adding checks keeps every alarm.
 */
export function errorRateAlarmId(signal: ErrorRateSignal): string {
  const isDefault = signal.periodMinutes === DEFAULT_ERROR_RATE_PERIOD.toMinutes() && signal.minZScore === DEFAULT_ERROR_RATE_MIN_Z_SCORE
    && signal.minIncreasePercent === DEFAULT_ERROR_RATE_MIN_INCREASE_PERCENT && signal.minFailures === DEFAULT_ERROR_RATE_MIN_FAILURES
    && signal.singleFailureMaxRequests === DEFAULT_ERROR_RATE_SINGLE_FAILURE_MAX_REQUESTS;
  return isDefault ? ALARM_ID
    : `${ALARM_ID}-${signal.periodMinutes}m-z${signal.minZScore}-${signal.minIncreasePercent}pp-${signal.minFailures}f-${signal.singleFailureMaxRequests}r`;
}

/**
 * The metric-math expression of an error-rate check, over six `Sum` metrics of one period: the
 * new version's `new_errors`, `new_invocations`, `new_throttles` (alias + `ExecutedVersion`) and
 * the alias's `all_errors`, `all_invocations`, `all_throttles`, through two helper expressions
 * `new_failures` and `new_requests`.
 *
 * Failures are errors plus throttles; requests are invocations plus throttles (Lambda does not
 * count a throttled request as an invocation:
 * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html). The old version's
 * counts are the alias's minus the new version's. The value is the pooled two-proportion z-score
 * z = (p1 - p0) / sqrt(p (1 - p) (1/n1 + 1/n0)) when the new version has at least `minFailures`
 * failures (or one, within its first `singleFailureMaxRequests` requests of the period) and a rate at least `minIncreasePercent` points above the old one, and 0 otherwise
 * (also when either version has no request, or every request failed). Metric math has no square
 * root, so it is `^ 0.5`; FILL(…, 0) keeps a metric without a datapoint (no throttles, no traffic
 * yet) from hiding the others. Syntax:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html
 */
export function errorRateExpression(signal: ErrorRateSignal): { expression: string; newFailures: string; newRequests: string } {
  const allFailures = '(FILL(all_errors,0) + FILL(all_throttles,0))';
  const allRequests = '(FILL(all_invocations,0) + FILL(all_throttles,0))';
  const oldFailures = `(${allFailures} - new_failures)`;
  const oldRequests = `(${allRequests} - new_requests)`;
  const increase = `(new_failures / new_requests - ${oldFailures} / ${oldRequests})`;
  const pooled = `(${allFailures} / ${allRequests})`;
  const z = `${increase} / (${pooled} * (1 - ${pooled}) * (1 / new_requests + 1 / ${oldRequests})) ^ 0.5`;
  const judged = `new_requests > 0 && ${oldRequests} > 0 && ${allFailures} < ${allRequests}`;
  const enough = signal.singleFailureMaxRequests > 0 && signal.minFailures > 1
    ? `(new_failures >= ${signal.minFailures} || (new_failures >= 1 && new_requests <= ${signal.singleFailureMaxRequests}))`
    : `new_failures >= ${signal.minFailures}`;
  const worse = `${enough} && ${increase} >= ${signal.minIncreasePercent / 100}`;
  return {
    expression: `IF(${judged}, IF(${worse}, ${z}, 0), 0)`,
    newFailures: 'FILL(new_errors,0) + FILL(new_throttles,0)',
    newRequests: 'FILL(new_invocations,0) + FILL(new_throttles,0)',
  };
}

/** One alarm per `HealthCheck.lambdaErrorRate` of a rollout. */
export function errorRateAlarms(scope: Construct, alias: lambda.Alias, signals: ErrorRateSignal[]): cloudwatch.Alarm[] {
  return signals.map((signal) => {
    const period = Duration.minutes(signal.periodMinutes);
    const metric = (metricName: string, newVersionOnly: boolean): cloudwatch.Metric => new cloudwatch.Metric({
      namespace: 'AWS/Lambda',
      metricName,
      dimensionsMap: {
        FunctionName: alias.lambda.functionName,
        Resource: `${alias.lambda.functionName}:${alias.aliasName}`,
        ...(newVersionOnly ? { ExecutedVersion: alias.version.version } : {}),
      },
      statistic: 'Sum',
      period,
    });
    const newVersion = { new_errors: metric('Errors', true), new_invocations: metric('Invocations', true), new_throttles: metric('Throttles', true) };
    const { expression, newFailures, newRequests } = errorRateExpression(signal);
    const z = new cloudwatch.MathExpression({
      expression,
      usingMetrics: {
        new_failures: new cloudwatch.MathExpression({ expression: newFailures, usingMetrics: newVersion, period, label: 'Failures of the new version' }),
        new_requests: new cloudwatch.MathExpression({ expression: newRequests, usingMetrics: newVersion, period, label: 'Requests of the new version' }),
        all_errors: metric('Errors', false),
        all_invocations: metric('Invocations', false),
        all_throttles: metric('Throttles', false),
      },
      period,
      label: 'z-score of the new version\'s failure rate over the old version\'s',
    });
    return deploymentAlarm(scope, errorRateAlarmId(signal), {
      metric: z,
      threshold: signal.minZScore,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      // No request in the period is no evidence against the new version.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `Stops a CodeDeploy deployment of ${alias.lambda.functionName}:${alias.aliasName} when the new version's failure rate `
        + `(errors and throttles) is at least ${signal.minIncreasePercent} percentage point${signal.minIncreasePercent === 1 ? '' : 's'} `
        + `and ${signal.minZScore} standard errors above the old `
        + `version's, with at least ${signal.minFailures} failures`
        + `${signal.singleFailureMaxRequests > 0 && signal.minFailures > 1 ? ` (1 within ${signal.singleFailureMaxRequests} requests)` : ''}, in a ${signal.periodMinutes}-minute period`,
    });
  });
}
