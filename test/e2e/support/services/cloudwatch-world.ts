import type { EmulatedService } from './service';
import { ServiceError } from './service';
import { evaluate, parse, Value } from '../../../../bench/guard-sim/metric-math';
import type { ScaledClock } from '../lambda-runtime';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** What an alarm holds beyond its states: its definition as DescribeAlarms shows it, and when and why its state last changed. */
export interface AlarmDetails {
  /** The alarm's definition (metric, metric math, threshold...) as DescribeAlarms returns it, without name, ARN and state. */
  readonly definition?: Readonly<Record<string, unknown>>;
  readonly reason?: string;
  /** When the state last changed (epoch seconds); default: the time of each read. */
  readonly updated?: number;
}

interface Alarm {
  readonly type: 'MetricAlarm' | 'CompositeAlarm';
  readonly definition: Readonly<Record<string, unknown>>;
  /** One state per DescribeAlarms that returns the alarm; the last is kept. */
  states: AlarmState[];
  reads: number;
  reason?: string;
  updated?: number;
  /** State changes, as DescribeAlarmHistory returns them (epoch seconds). */
  readonly history: Array<{ readonly timestamp: number; readonly from: AlarmState; readonly to: AlarmState; readonly reason: string }>;
}

/** One metric's values per minute (epoch ms of the minute's start). */
export interface Series {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly values: Map<number, number>;
}

/**
 * CloudWatch, as the traffic hook and `cdk-rollouts` read it (AWS JSON 1.0, the protocol the SDK v3
 * client speaks; CloudWatch API reference):
 * - DescribeAlarms: only the names it knows (an unknown name is left out, not an error), at most 100
 *   names, metric alarms only unless `AlarmTypes` asks for composite ones too, at most `MaxRecords`
 *   (default 50) per page;
 * - DescribeAlarmHistory: the state changes a scenario made (`setAlarm`);
 * - GetMetricData: per-minute values a scenario writes (`metric`), with metric math evaluated by the
 *   guard simulator's evaluator (bench/guard-sim/metric-math.ts).
 */
export class CloudWatchWorld implements EmulatedService {
  public readonly name = 'cloudwatch' as const;
  public readonly protocol = 'json' as const;
  public readonly signingName = 'monitoring';
  public readonly endpointVariable = 'AWS_ENDPOINT_URL_CLOUDWATCH';
  public readonly operations = ['DescribeAlarms', 'DescribeAlarmHistory', 'GetMetricData'];
  private readonly alarms = new Map<string, Alarm>();
  private readonly series: Series[] = [];

  public constructor(private readonly clock: Pick<ScaledClock, 'now'>) {}

  /** An alarm whose state follows `states`, one per read. */
  public addAlarm(name: string, states: AlarmState[] = ['OK'], type: Alarm['type'] = 'MetricAlarm', details: AlarmDetails = {}): void {
    const { definition = {}, reason, updated } = details;
    this.alarms.set(name, { type, states, reads: 0, definition, reason, updated, history: [] });
  }

  public deleteAlarm(name: string): void {
    this.alarms.delete(name);
  }

  /** Sets an alarm's state from now on, recording the change in its history as CloudWatch does. */
  public setAlarm(name: string, state: AlarmState, reason: string, at: number = this.clock.now()): void {
    const alarm = this.alarms.get(name);
    if (!alarm) throw new Error(`no alarm ${name}`);
    const previous = this.stateOf(alarm);
    if (previous !== state) alarm.history.push({ timestamp: at / 1000, from: previous, to: state, reason });
    alarm.states = [state];
    alarm.reads = 0;
    alarm.reason = reason;
    alarm.updated = at / 1000;
  }

  /** The metric's series, if it has one: the same namespace, name and dimensions (in any order). */
  public findMetric(namespace: string, metricName: string, dimensions: Readonly<Record<string, string>>): Series | undefined {
    const key = JSON.stringify(sortedDimensions(dimensions));
    return this.series.find((s) => s.namespace === namespace && s.metricName === metricName
      && JSON.stringify(sortedDimensions(s.dimensions)) === key);
  }

  /** The metric's series (created empty on first use), for a scenario to write values into. */
  public metric(namespace: string, metricName: string, dimensions: Readonly<Record<string, string>>): Series {
    let series = this.findMetric(namespace, metricName, dimensions);
    if (!series) {
      series = { namespace, metricName, dimensions, values: new Map() };
      this.series.push(series);
    }
    return series;
  }

  public handle(operation: string, input: Record<string, any>): Record<string, unknown> {
    switch (operation) {
      case 'DescribeAlarms': return this.describeAlarms(input);
      case 'DescribeAlarmHistory': return this.describeHistory(input);
      case 'GetMetricData': return { MetricDataResults: this.metricData(input as MetricDataInput), Messages: [] };
      default: throw new ServiceError('UnknownOperationException', `${operation} is not emulated`);
    }
  }

  private stateOf(alarm: Alarm): AlarmState {
    return alarm.states[Math.min(alarm.reads, alarm.states.length - 1)];
  }

  private describeAlarms(input: Record<string, any>): Record<string, unknown> {
    const types: string[] = input.AlarmTypes ?? ['MetricAlarm'];
    const names: string[] | undefined = input.AlarmNames;
    // DescribeAlarms takes at most 100 names (API reference, AlarmNames).
    if (names && names.length > 100) throw new ServiceError('InvalidParameterValue', 'AlarmNames holds at most 100 names');
    const matching = [...this.alarms.entries()]
      .filter(([name, alarm]) => (!names || names.includes(name)) && types.includes(alarm.type))
      .sort(([a], [b]) => a.localeCompare(b));
    const offset = input.NextToken ? Number(String(input.NextToken).replace('page-', '')) : 0;
    const size = input.MaxRecords ?? 50;
    const page = matching.slice(offset, offset + size);
    const now = this.clock.now() / 1000;
    const render = ([name, alarm]: [string, Alarm]) => {
      const state = this.stateOf(alarm);
      alarm.reads++;
      return {
        AlarmName: name,
        AlarmArn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}`,
        ActionsEnabled: false,
        ...alarm.definition,
        StateValue: state,
        StateReason: alarm.reason ?? (state === 'ALARM' ? 'Threshold Crossed: 1 datapoint [3.0] was greater than the threshold (1.0).' : 'Threshold not crossed'),
        StateUpdatedTimestamp: alarm.updated ?? now,
      };
    };
    return {
      MetricAlarms: page.filter(([, alarm]) => alarm.type === 'MetricAlarm').map(render),
      CompositeAlarms: page.filter(([, alarm]) => alarm.type === 'CompositeAlarm').map(render),
      ...(offset + size < matching.length ? { NextToken: `page-${offset + size}` } : {}),
    };
  }

  private describeHistory(input: Record<string, any>): Record<string, unknown> {
    const alarm = this.alarms.get(input.AlarmName);
    const start = input.StartDate ?? 0;
    const end = input.EndDate ?? Infinity;
    const items = (alarm?.history ?? []).filter((item) => item.timestamp >= start && item.timestamp <= end).map((item) => ({
      AlarmName: input.AlarmName,
      AlarmType: alarm!.type,
      Timestamp: item.timestamp,
      HistoryItemType: 'StateUpdate',
      HistorySummary: `Alarm updated from ${item.from} to ${item.to}`,
      HistoryData: JSON.stringify({ version: '1.0', oldState: { stateValue: item.from }, newState: { stateValue: item.to, stateReason: item.reason } }),
    }));
    return { AlarmHistoryItems: input.ScanBy === 'TimestampAscending' ? items : items.reverse() };
  }

  /**
   * GetMetricData over the scenario's per-minute values: each metric's statistic per period from the
   * start time (periods without a value have no datapoint, as in CloudWatch), each expression at the
   * timestamps of the series it reads (a missing value is missing, FILL fills it).
   */
  private metricData(input: MetricDataInput): unknown[] {
    const queries = new Map(input.MetricDataQueries.map((query) => [query.Id, query]));
    const start = input.StartTime * 1000;
    const end = input.EndTime * 1000;
    const cache = new Map<string, Map<number, number>>();
    const seriesOf = (id: string): Map<number, number> => {
      const cached = cache.get(id);
      if (cached) return cached;
      const query = queries.get(id);
      if (!query) throw new ServiceError('ValidationError', `Unknown metric id ${id} in an expression`);
      const result = new Map<number, number>();
      if (query.MetricStat) {
        const { Metric, Period, Stat } = query.MetricStat;
        const dimensions = Object.fromEntries((Metric.Dimensions ?? []).map((d) => [d.Name, d.Value]));
        const values = [...(this.findMetric(Metric.Namespace, Metric.MetricName, dimensions)?.values ?? new Map<number, number>()).entries()];
        for (let t = start; t < end; t += Period * 1000) {
          const inPeriod = values.filter(([minute]) => minute >= t && minute < t + Period * 1000).map(([, v]) => v);
          if (inPeriod.length > 0) result.set(t, statistic(Stat, inPeriod));
        }
      } else {
        const node = parse(query.Expression ?? '');
        const inputs = referenced(query.Expression ?? '').filter((name) => queries.has(name)).map(seriesOf);
        const times = [...new Set(inputs.flatMap((series) => [...series.keys()]))].sort((a, b) => a - b);
        for (const time of times) {
          const value = evaluate(node, (name): Value => seriesOf(name).get(time));
          if (value !== undefined) result.set(time, value);
        }
      }
      cache.set(id, result);
      return result;
    };
    return input.MetricDataQueries.filter((query) => query.ReturnData !== false).map((query) => {
      const entries = [...seriesOf(query.Id).entries()].sort(([a], [b]) => (input.ScanBy === 'TimestampAscending' ? a - b : b - a));
      return {
        Id: query.Id,
        Label: query.Label ?? query.MetricStat?.Metric.MetricName ?? query.Id,
        Timestamps: entries.map(([time]) => time / 1000),
        Values: entries.map(([, value]) => value),
        StatusCode: 'Complete',
      };
    });
  }
}

interface MetricQuery {
  readonly Id: string;
  readonly Expression?: string;
  readonly Label?: string;
  readonly ReturnData?: boolean;
  readonly MetricStat?: {
    readonly Metric: { readonly Namespace: string; readonly MetricName: string; readonly Dimensions?: Array<{ Name: string; Value: string }> };
    readonly Period: number;
    readonly Stat: string;
  };
}

interface MetricDataInput {
  readonly MetricDataQueries: MetricQuery[];
  /** Epoch seconds, as the JSON protocol sends timestamps. */
  readonly StartTime: number;
  readonly EndTime: number;
  readonly ScanBy?: string;
}

function sortedDimensions(dimensions: Readonly<Record<string, string>>): Array<[string, string]> {
  return Object.entries(dimensions).sort(([a], [b]) => a.localeCompare(b));
}

function referenced(expression: string): string[] {
  return [...new Set(expression.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [])];
}

function statistic(stat: string, values: number[]): number {
  switch (stat) {
    case 'Sum': return values.reduce((a, b) => a + b, 0);
    case 'Average': return values.reduce((a, b) => a + b, 0) / values.length;
    case 'Minimum': return Math.min(...values);
    case 'SampleCount': return values.length;
    // Maximum, and percentiles of per-minute values: the largest.
    default: return Math.max(...values);
  }
}
