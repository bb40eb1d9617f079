import { DescribeAlarmHistoryCommand, MetricAlarm } from '@aws-sdk/client-cloudwatch';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { DeploymentInfo } from '@aws-sdk/client-codedeploy';
import { AlarmInfo, ERROR_RATE_IDS, isErrorRateAlarm } from './alarms';
import type { AwsClients } from './aws-clients';
import { alarmLink, deploymentLink, logGroupLink } from './console-links';
import { getTargets, listTargets } from './deployment-targets';
import type { Rollout } from './discovery';
import { rate } from './format';
import { metricData, periodOf } from './guard-evidence';
import type { AlarmDiagnosis, Diagnosis, InstanceFailure } from './view';

/** Minutes of the alarm's evaluation shown, up to the minute after it went off. */
const MINUTES_AROUND_STOP = 6;
/** The hook's log lines quoted, the last ones. */
const HOOK_LOG_LINES = 20;
/** The instance's log tail quoted, its last lines. */
const LOG_TAIL_LINES = 20;
/** At most this many alarms are diagnosed in detail. */
const MAX_ALARMS = 3;

/**
 * Why a deployment failed, where the user is looking: the alarm that stopped it (from its history:
 * the alarm of the group that went into ALARM while the deployment ran) with its datapoints around
 * the stop, read with its own metric or metric math; the library hook's log lines of the deployment;
 * the first failed instance's lifecycle event, script and log tail; and console links. Each part is
 * best effort: a part that cannot be read is left out, never fails the diagnosis.
 */
export async function diagnose(
  clients: AwsClients, rollout: Rollout, deployment: DeploymentInfo, alarms: Map<string, AlarmInfo>, alarmNames: string[],
): Promise<Diagnosis> {
  const region = await clients.region();
  const id = deployment.deploymentId!;
  const code = deployment.errorInformation?.code;
  const created = deployment.createTime?.getTime() ?? 0;
  const stoppedAt = deployment.completeTime?.getTime() ?? Date.now();
  const [alarmParts, hookLog, instance] = await Promise.all([
    code === 'ALARM_ACTIVE' ? alarmDiagnoses(clients, alarms, alarmNames, created, stoppedAt) : Promise.resolve([]),
    rollout.hookLogGroup ? hookLogLines(clients, rollout.hookLogGroup, id, created) : Promise.resolve(undefined),
    rollout.kind === 'server' && (deployment.deploymentOverview?.Failed ?? 1) > 0 ? failedInstance(clients, id) : Promise.resolve(undefined),
  ]);
  const links = [
    { label: 'deployment', url: deploymentLink(region, id) },
    ...alarmParts.map((alarm) => ({ label: `alarm ${alarm.name}`, url: alarmLink(region, alarm.name) })),
    ...(hookLog ? [{ label: 'hook log', url: logGroupLink(region, hookLog.logGroup) }] : []),
  ];
  return {
    summary: summary(deployment, alarmParts, hookLog?.lines, instance),
    alarms: alarmParts,
    ...(hookLog && hookLog.lines.length > 0 ? { hookLog } : {}),
    ...(instance ? { instance } : {}),
    links,
  };
}

function summary(
  deployment: DeploymentInfo, alarms: AlarmDiagnosis[], hookLines: string[] | undefined, instance: InstanceFailure | undefined,
): string {
  const what = `${deployment.deploymentId} ${deployment.status}`;
  const error = deployment.errorInformation;
  if (alarms.length > 0) return `${what}: stopped by alarm ${alarms.map((alarm) => alarm.name).join(', ')}`;
  if (instance) {
    return `${what}: instance ${instance.instanceId} failed${instance.event ? ` in ${instance.event}` : ''}`
      + `${instance.script ? ` (script ${instance.script})` : ''}`;
  }
  const verdict = hookLines?.map(parseLine).find((entry) => entry?.event === 'verdict' && entry.status === 'Failed');
  if (verdict) return `${what}: the library's hook failed it: ${String(verdict.reason)}`;
  return `${what}${error?.code ? `: ${error.code}` : ''}${error?.message ? `: ${error.message}` : ''}`;
}

/** The group's alarms that went into ALARM while the deployment ran (DescribeAlarmHistory), else those in ALARM now. */
async function alarmDiagnoses(
  clients: AwsClients, alarms: Map<string, AlarmInfo>, alarmNames: string[], created: number, stoppedAt: number,
): Promise<AlarmDiagnosis[]> {
  const fired: Array<{ name: string; at?: number; reason?: string }> = [];
  for (const name of alarmNames) {
    try {
      const history = await clients.cloudwatch.send(new DescribeAlarmHistoryCommand({
        AlarmName: name,
        HistoryItemType: 'StateUpdate',
        StartDate: new Date(created - 60_000),
        EndDate: new Date(stoppedAt + 60_000),
        ScanBy: 'TimestampAscending',
        MaxRecords: 10,
      }));
      const toAlarm = (history.AlarmHistoryItems ?? []).find((item) => newState(item.HistoryData)?.stateValue === 'ALARM');
      if (toAlarm) {
        fired.push({ name, at: toAlarm.Timestamp?.getTime(), reason: newState(toAlarm.HistoryData)?.stateReason ?? toAlarm.HistorySummary });
      }
    } catch {
      // Best effort: the current state below still names it.
    }
  }
  if (fired.length === 0) {
    for (const name of alarmNames) {
      if (stateOf(alarms.get(name)) === 'ALARM') fired.push({ name, reason: reasonOf(alarms.get(name)) });
    }
  }
  return Promise.all(fired.slice(0, MAX_ALARMS).map(async ({ name, at, reason }) => {
    const info = alarms.get(name);
    const datapoints = info?.kind === 'metric' ? await datapointsAround(clients, info.alarm, isErrorRateAlarm(info), at ?? stoppedAt).catch(() => []) : [];
    return {
      name,
      ...(at !== undefined ? { alarmAt: at } : {}),
      ...(reason ? { reason } : {}),
      ...(info?.kind === 'metric' && info.alarm.Threshold !== undefined ? { threshold: info.alarm.Threshold } : {}),
      ...(info?.kind === 'metric' && info.alarm.ComparisonOperator ? { comparison: info.alarm.ComparisonOperator } : {}),
      datapoints,
    };
  }));
}

/**
 * The alarm's value as it evaluated, minute by minute, up to the minute after `at`: with its own
 * metric or metric math, over its period ending at each minute (CloudWatch evaluates an alarm every
 * minute over its last period). A period of a minute is one call for all minutes; a longer one is a
 * call per minute, `MINUTES_AROUND_STOP` calls, once per failure.
 */
async function datapointsAround(clients: AwsClients, alarm: MetricAlarm, errorRate: boolean, at: number): Promise<AlarmDiagnosis['datapoints']> {
  const queries = alarm.Metrics && alarm.Metrics.length > 0 ? alarm.Metrics : [{
    Id: 'm',
    MetricStat: {
      Metric: { Namespace: alarm.Namespace, MetricName: alarm.MetricName, Dimensions: alarm.Dimensions },
      Period: alarm.Period,
      Stat: alarm.Statistic ?? alarm.ExtendedStatistic,
      ...(alarm.Unit ? { Unit: alarm.Unit } : {}),
    },
    ReturnData: true,
  }];
  const valueId = queries.find((query) => query.ReturnData !== false)?.Id ?? 'm';
  const periodMs = (periodOf(queries, queries.find((query) => query.Id === valueId)) ?? 60) * 1000;
  const last = Math.ceil((at + 1) / 60_000) * 60_000;
  const returned = errorRate ? [valueId, ...ERROR_RATE_IDS] : [valueId];
  const points: AlarmDiagnosis['datapoints'] = [];
  const windows = periodMs <= 60_000
    ? [{ start: last - MINUTES_AROUND_STOP * 60_000, end: last }]
    : Array.from({ length: MINUTES_AROUND_STOP }, (_, i) => last - (MINUTES_AROUND_STOP - 1 - i) * 60_000)
      .map((end) => ({ start: end - periodMs, end }));
  for (const window of windows) {
    const results = await metricData(clients, queries, returned, window.start, window.end);
    const series = results.get(valueId);
    // No datapoint: the alarm had nothing to evaluate in that window (a minute, or a longer period).
    if (periodMs > 60_000 && (series?.Timestamps ?? []).length === 0) points.push({ time: window.end });
    (series?.Timestamps ?? []).forEach((timestamp, index) => {
      const time = periodMs <= 60_000 ? timestamp.getTime() + periodMs : window.end;
      const count = (id: string) => {
        const result = results.get(id);
        return result?.Values?.[(result.Timestamps ?? []).findIndex((t) => t.getTime() === timestamp.getTime())] ?? 0;
      };
      const detail = errorRate ? evidenceText(count('new_failures'), count('new_requests'),
        count('all_errors') + count('all_throttles'), count('all_invocations') + count('all_throttles')) : undefined;
      points.push({ time, value: series!.Values![index], ...(detail ? { detail } : {}) });
    });
  }
  return points;
}

function evidenceText(newFailures: number, newRequests: number, allFailures: number, allRequests: number): string {
  return `new ${rate(newFailures, newRequests)}, old ${rate(Math.max(0, allFailures - newFailures), Math.max(0, allRequests - newRequests))}`;
}

/** The library hook's log lines that name the deployment (FilterLogEvents on the deployment id), the last ones. */
async function hookLogLines(
  clients: AwsClients, logGroup: string, deploymentId: string, created: number,
): Promise<{ logGroup: string; lines: string[] }> {
  const lines: string[] = [];
  try {
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await clients.logs.send(new FilterLogEventsCommand({
        logGroupName: logGroup, filterPattern: `"${deploymentId}"`, startTime: created - 60_000, nextToken,
      }));
      lines.push(...(page.events ?? []).map((event) => (event.message ?? '').trimEnd()));
      nextToken = page.nextToken;
    } while (nextToken && ++pages < 5);
  } catch {
    // Best effort: the link still leads to the log.
  }
  return { logGroup, lines: lines.slice(-HOOK_LOG_LINES) };
}

/** The first failed instance: its failed lifecycle event, the script, CodeDeploy's message and the log tail. */
async function failedInstance(clients: AwsClients, deploymentId: string): Promise<InstanceFailure | undefined> {
  try {
    const [instanceId] = await listTargets(clients, deploymentId, ['Failed']);
    if (instanceId === undefined) return undefined;
    const [target] = await getTargets(clients, deploymentId, [instanceId]);
    const failedEvent = target?.instanceTarget?.lifecycleEvents?.find((event) => event.status === 'Failed');
    const diagnostics = failedEvent?.diagnostics;
    const logTail = diagnostics?.logTail?.trim().split('\n').slice(-LOG_TAIL_LINES).join('\n');
    return {
      instanceId,
      ...(failedEvent?.lifecycleEventName ? { event: failedEvent.lifecycleEventName } : {}),
      ...(diagnostics?.scriptName ? { script: diagnostics.scriptName } : {}),
      ...(diagnostics?.errorCode ? { errorCode: diagnostics.errorCode } : {}),
      ...(diagnostics?.message ? { message: diagnostics.message } : {}),
      ...(logTail ? { logTail } : {}),
    };
  } catch {
    return undefined;
  }
}

/** The state an alarm history item moved to, and why (its HistoryData JSON: `newState.stateValue`, `newState.stateReason`). */
function newState(historyData: string | undefined): { stateValue?: string; stateReason?: string } | undefined {
  try {
    return (JSON.parse(historyData ?? '{}') as { newState?: { stateValue?: string; stateReason?: string } }).newState;
  } catch {
    return undefined;
  }
}

export function stateOf(info: AlarmInfo | undefined): string {
  return info?.alarm.StateValue ?? 'unknown';
}

function reasonOf(info: AlarmInfo | undefined): string | undefined {
  return info?.alarm.StateReason;
}

/** A JSON log line of the library's hook, or undefined. */
function parseLine(line: string): Record<string, unknown> | undefined {
  const start = line.indexOf('{');
  if (start < 0) return undefined;
  try {
    return JSON.parse(line.slice(start)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

