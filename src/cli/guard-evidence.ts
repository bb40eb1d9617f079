import { GetMetricDataCommand, MetricAlarm, MetricDataQuery, MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { ERROR_RATE_IDS } from './alarms';
import type { AwsClients } from './aws-clients';
import type { Evidence } from './view';

/**
 * The guard's evidence over the alarm's last whole period: the error-rate alarm's own queries
 * (its metric math, as CloudFormation created it), read with GetMetricData, returning the helper
 * expressions, the alias's sums and the alarm's expression itself. The old version's counts are the
 * alias's minus the new version's, as in the alarm (src/lambda/error-rate-alarms.ts).
 *
 * The window ends at the last whole minute and spans one period, so that one datapoint covers it
 * (GetMetricData aligns datapoints to the start time:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html).
 */
export async function readEvidence(clients: AwsClients, alarm: MetricAlarm, now: number): Promise<Evidence | undefined> {
  const queries = alarm.Metrics ?? [];
  const expression = queries.find((query) => query.ReturnData !== false && query.Expression !== undefined
    && !ERROR_RATE_IDS.includes(query.Id as never));
  const periodSeconds = periodOf(queries, expression);
  if (!expression?.Id || periodSeconds === undefined) return undefined;
  const end = Math.floor(now / 60_000) * 60_000;
  const results = await metricData(clients, queries, [...ERROR_RATE_IDS, expression.Id], end - periodSeconds * 1000, end);
  const latest = (id: string): number | undefined => results.get(id)?.Values?.[0];
  const count = (id: string): number => latest(id) ?? 0;
  const newRequests = count('new_requests');
  const newFailures = count('new_failures');
  const allRequests = count('all_invocations') + count('all_throttles');
  const allFailures = count('all_errors') + count('all_throttles');
  const oldRequests = Math.max(0, allRequests - newRequests);
  const oldFailures = Math.max(0, allFailures - newFailures);
  return {
    alarmName: alarm.AlarmName ?? '?',
    periodSeconds,
    windowEnd: end,
    newRequests,
    newFailures,
    oldRequests,
    oldFailures,
    ...(newRequests > 0 && oldRequests > 0 ? { difference: newFailures / newRequests - oldFailures / oldRequests } : {}),
    ...(latest(expression.Id) !== undefined ? { z: latest(expression.Id) } : {}),
    ...(alarm.Threshold !== undefined ? { threshold: alarm.Threshold } : {}),
  };
}

/** The alarm's queries, returning `returned` (and nothing else), over [start, end). */
export async function metricData(
  clients: AwsClients, queries: MetricDataQuery[], returned: string[], start: number, end: number,
): Promise<Map<string, MetricDataResult>> {
  const response = await clients.cloudwatch.send(new GetMetricDataCommand({
    MetricDataQueries: queries.map((query) => ({ ...query, ReturnData: returned.includes(query.Id ?? '') })),
    StartTime: new Date(start),
    EndTime: new Date(end),
    ScanBy: 'TimestampAscending',
  }));
  return new Map((response.MetricDataResults ?? []).map((result) => [result.Id ?? '', result]));
}

/** The alarm's period: its expression's, else its metrics'. */
export function periodOf(queries: MetricDataQuery[], expression?: MetricDataQuery): number | undefined {
  return expression?.Period ?? queries.find((query) => query.MetricStat?.Period !== undefined)?.MetricStat?.Period;
}
