import { createHash } from 'crypto';
import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { addAlarmActions, metricCheckAlarm } from './deployment-alarm';
import { HealthCheck } from '../health/health-check';
import { Problems } from '../private/validation';

/** What a rollout asks of its alarms. */
export interface RolloutAlarmsOptions {
  /** The alarms the rollout generated itself for its own checks (the Lambda signals), first in the list. */
  readonly generated?: cloudwatch.Alarm[];
  /** The description of each `HealthCheck.metric` alarm. */
  readonly description: string;
  /** Actions on the ALARM state of every generated alarm. */
  readonly alarmActions?: cloudwatch.IAlarmAction[];
}

/**
 * Every alarm that stops a rollout's deployments: the generated ones first (the rollout's own,
 * then one per `HealthCheck.metric`), then the ones passed in with `HealthCheck.alarm`. The
 * generated alarms get the rollout's alarm actions.
 */
export function rolloutAlarms(scope: Construct, healthChecks: HealthCheck[], options: RolloutAlarmsOptions): cloudwatch.IAlarm[] {
  const generated = [
    ...(options.generated ?? []),
    ...healthChecks.flatMap((check) => (check._metric
      ? [metricCheckAlarm(scope, metricCheckId(scope, check), check._metric.metric, check._metric.options, options.description)]
      : [])),
  ];
  addAlarmActions(generated, options.alarmActions);
  return [...generated, ...healthChecks.flatMap((check) => (check._alarm ? [check._alarm] : []))];
}

/**
 * Refuses a `HealthCheck.metric`, `HealthCheck.lambdaErrorRate` or `HealthCheck.lambdaLatencyRegression` given twice (two identical alarms
 * under one id) and an alarm passed in twice (CodeDeploy would list it twice).
 */
export function checkDistinctHealthChecks(problems: Problems, scope: Construct, healthChecks: HealthCheck[]): void {
  const seen = new Map<string, number>();
  healthChecks.forEach((check, i) => {
    const key = check._metric ? metricCheckId(scope, check)
      : check._alarm ? `alarm:${identity(scope, check._alarm.alarmArn)}`
        : check._errorRate ? `errorRate:${JSON.stringify(check._errorRate)}`
          : check._latencyRegression ? `latencyRegression:${JSON.stringify(check._latencyRegression)}` : undefined;
    if (key === undefined) {
      return;
    }
    const first = seen.get(key);
    if (first !== undefined) {
      problems.add(`healthChecks ${first + 1} and ${i + 1} are the same ${factoryOf(check)}: give each check once`);
    } else {
      seen.set(key, i);
    }
  });
}

/**
 * The construct id of a `HealthCheck.metric` alarm, derived from what the check watches and how
 * (the metric, its statistic and period, the threshold and evaluation), never from its place in
 * `healthChecks`: reordering or inserting checks keeps every alarm.
 */
function metricCheckId(scope: Construct, check: HealthCheck): string {
  const { metric, options } = check._metric!;
  const watched = {
    metric: metric.toMetricConfig(),
    threshold: options.threshold,
    comparisonOperator: options.comparisonOperator,
    evaluationPeriods: options.evaluationPeriods,
    treatMissingData: options.treatMissingData,
  };
  return `MetricAlarm${createHash('sha256').update(identity(scope, watched)).digest('hex').slice(0, 8).toUpperCase()}`;
}

/** A value with its tokens resolved, as text: the same for the same resources in any synth. */
function identity(scope: Construct, value: unknown): string {
  return JSON.stringify(Stack.of(scope).resolve(value));
}

function factoryOf(check: HealthCheck): string {
  return check._metric ? 'metric check' : check._errorRate ? 'HealthCheck.lambdaErrorRate'
    : check._latencyRegression ? 'HealthCheck.lambdaLatencyRegression' : 'HealthCheck.alarm';
}
