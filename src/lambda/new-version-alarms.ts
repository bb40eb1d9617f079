import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { evaluationKey, LambdaSignal } from '../health/lambda-signal';
import { ALARM_MATH } from '../private/cloudwatch-limits';
import { Problems } from '../private/validation';
import { deploymentAlarm } from '../rollout/deployment-alarm';

/** Construct id of the alarm of the checks with the default evaluation (1 minute, 1 period). */
const ALARM_ID = 'NewVersionAlarm';

/**
 * One alarm per evaluation (period and evaluation periods) over the Lambda checks of a rollout,
 * each on the alias metrics of the version being deployed (`ExecutedVersion`).
 *
 * A single check is a plain metric alarm. Several checks with the same evaluation share one
 * metric-math alarm, `IF(FILL(errors,0) >= 1 || FILL(throttles,0) >= 1, 1, 0)`, that goes off when
 * any check reaches its own threshold; FILL(…, 0) keeps a metric without data (no throttles, say)
 * from hiding the others.
 */
export function newVersionAlarms(scope: Construct, alias: lambda.Alias, signals: LambdaSignal[]): cloudwatch.Alarm[] {
  const groups = new Map<string, LambdaSignal[]>();
  for (const signal of signals) {
    const key = evaluationKey(signal);
    groups.set(key, [...(groups.get(key) ?? []), signal]);
  }
  return [...groups.values()].map((group) => {
    const { periodMinutes, evaluationPeriods } = group[0];
    const isDefault = periodMinutes === 1 && evaluationPeriods === 1;
    const id = isDefault ? ALARM_ID : `${ALARM_ID}-${periodMinutes}m-x${evaluationPeriods}`;
    const description = `Stops a CodeDeploy deployment of ${alias.lambda.functionName}:${alias.aliasName} when the new version has `
      + `${group.map(describe).join(' or ')} in ${evaluationPeriods} consecutive ${periodMinutes}-minute period(s)`;
    // Each metric is read once, however many thresholds the checks put on it.
    const read = [...new Map(group.map((signal) => [metricKey(signal), signal])).values()];
    const names = variableNames(read);
    const nameOf = (signal: LambdaSignal): string => names[read.findIndex((r) => metricKey(r) === metricKey(signal))];
    const metrics = Object.fromEntries(read.map((signal, i) => [names[i], newVersionMetric(alias, signal)]));
    const metric = group.length === 1
      ? Object.values(metrics)[0]
      : new cloudwatch.MathExpression({
        expression: `IF(${group.map((signal) => `FILL(${nameOf(signal)},0) >= ${signal.threshold}`).join(' || ')}, 1, 0)`,
        usingMetrics: metrics,
        period: Duration.minutes(periodMinutes),
        label: 'Failing checks of the new version',
      });
    return deploymentAlarm(scope, id, {
      metric,
      threshold: group.length === 1 ? group[0].threshold : 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods,
      datapointsToAlarm: evaluationPeriods,
      // No invocation of the new version is no evidence against it.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
  });
}

/**
 * Lambda checks with the same evaluation share one alarm, which may read at most 10 metrics
 * (`ALARM_MATH`): one per metric and statistic, however many thresholds are put on it.
 */
export function checkNewVersionAlarms(problems: Problems, signals: LambdaSignal[]): void {
  const groups = new Map<string, Set<string>>();
  for (const signal of signals) {
    const key = evaluationKey(signal);
    groups.set(key, (groups.get(key) ?? new Set()).add(metricKey(signal)));
  }
  for (const [key, metrics] of groups) {
    if (metrics.size > ALARM_MATH.maxMetrics) {
      const [periodMinutes, evaluationPeriods] = key.split(':');
      problems.add(`healthChecks: the Lambda checks with a period of ${periodMinutes} minutes and ${evaluationPeriods} evaluation period(s) share one alarm, `
        + `which can read at most ${ALARM_MATH.maxMetrics} metrics, got ${metrics.size} (${[...metrics].join(', ')}): give some of them another period or evaluationPeriods`);
    }
  }
}

/** A metric and statistic, e.g. `Duration p99`. */
function metricKey(signal: LambdaSignal): string {
  return `${signal.metricName} ${signal.statistic}`;
}

/** The alias metric of the version being deployed. */
function newVersionMetric(alias: lambda.Alias, signal: LambdaSignal): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/Lambda',
    metricName: signal.metricName,
    dimensionsMap: {
      FunctionName: alias.lambda.functionName,
      Resource: `${alias.lambda.functionName}:${alias.aliasName}`,
      ExecutedVersion: alias.version.version,
    },
    statistic: signal.statistic,
    period: Duration.minutes(signal.periodMinutes),
  });
}

/** Metric-math ids (lower case first, letters, digits and underscores), unique within a group. */
function variableNames(group: LambdaSignal[]): string[] {
  const used = new Set<string>();
  return group.map((signal) => {
    const base = (signal.metricName === 'Duration' ? `latency_${signal.statistic}` : signal.metricName.toLowerCase()).replace(/[^A-Za-z0-9_]/g, '_');
    let name = base;
    for (let n = 2; used.has(name); n++) {
      name = `${base}_${n}`;
    }
    used.add(name);
    return name;
  });
}

function describe(signal: LambdaSignal): string {
  return signal.metricName === 'Duration'
    ? `a ${signal.statistic} duration of at least ${signal.threshold} ms`
    : `at least ${signal.threshold} ${signal.metricName.toLowerCase()}`;
}
