import { CompositeAlarm, DescribeAlarmsCommand, MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { AwsClients } from './aws-clients';

/** An alarm as DescribeAlarms returns it: its state, and for a metric alarm its metric or metric math. */
export type AlarmInfo = { readonly kind: 'metric'; readonly alarm: MetricAlarm } | { readonly kind: 'composite'; readonly alarm: CompositeAlarm };

/**
 * DescribeAlarms takes at most 100 names per call (API reference, `AlarmNames`), and answers at most
 * `MaxRecords` alarms per page, 50 unless asked for up to 100
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarms.html): asking
 * for 100 puts every alarm of a call's names on one page.
 */
const NAMES_PER_CALL = 100;

/** The alarms of these names, metric and composite, in one call per 100 names; a name that does not exist is left out. */
export async function describeAlarms(clients: AwsClients, names: string[]): Promise<Map<string, AlarmInfo>> {
  const found = new Map<string, AlarmInfo>();
  const unique = [...new Set(names)];
  for (let i = 0; i < unique.length; i += NAMES_PER_CALL) {
    const response = await clients.cloudwatch.send(new DescribeAlarmsCommand({
      AlarmNames: unique.slice(i, i + NAMES_PER_CALL), AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], MaxRecords: NAMES_PER_CALL,
    }));
    for (const alarm of response.MetricAlarms ?? []) if (alarm.AlarmName) found.set(alarm.AlarmName, { kind: 'metric', alarm });
    for (const alarm of response.CompositeAlarms ?? []) if (alarm.AlarmName) found.set(alarm.AlarmName, { kind: 'composite', alarm });
  }
  return found;
}

/**
 * The ids of the metric-math alarm that `HealthCheck.lambdaErrorRate` creates
 * (src/lambda/error-rate-alarms.ts): its helper expressions and the alias's sums.
 */
export const ERROR_RATE_IDS = ['new_failures', 'new_requests', 'all_errors', 'all_invocations', 'all_throttles'] as const;

/** Whether an alarm is the library's error-rate alarm: it holds every one of those ids. */
export function isErrorRateAlarm(info: AlarmInfo | undefined): info is { kind: 'metric'; alarm: MetricAlarm } {
  if (!info || info.kind !== 'metric') return false;
  const ids = new Set((info.alarm.Metrics ?? []).map((query) => query.Id));
  return ERROR_RATE_IDS.every((id) => ids.has(id));
}
