import { evaluate, parse, Value } from '../../../../bench/guard-sim/metric-math';
import { loadApi } from '../api-model';
import { ServiceError } from '../codedeploy-world';
import type { RolloutWorld } from '../rollout-world';
import type { ServiceModule } from '../service-module';

/**
 * CloudWatch (AWS JSON 1.0, the protocol the SDK v3 client speaks): alarms and their states,
 * their history, and metric data with metric math evaluated by the guard simulator's evaluator
 * (bench/guard-sim/metric-math.ts), over per-minute values the scenario writes.
 */
export function cloudWatchModule(world: RolloutWorld): ServiceModule {
  return {
    name: 'cloudwatch',
    signingName: 'monitoring',
    endpointVariable: 'AWS_ENDPOINT_URL_CLOUDWATCH',
    api: loadApi('cloudwatch'),
    protocol: { kind: 'json', version: '1.0', targetPrefix: 'GraniteServiceVersion20100801' },
    handle(operation, input) {
      switch (operation) {
        case 'DescribeAlarms': {
          const names: string[] = input.AlarmNames ?? [...world.alarms.keys()];
          // DescribeAlarms takes at most 100 names (API reference, AlarmNames).
          if (names.length > 100) throw new ServiceError('InvalidParameterValue', 'AlarmNames holds at most 100 names');
          return {
            MetricAlarms: names.flatMap((name) => {
              const alarm = world.alarms.get(name);
              return alarm ? [{ ...alarm.definition, StateValue: alarm.state, StateReason: alarm.reason, StateUpdatedTimestamp: alarm.updated }] : [];
            }),
            CompositeAlarms: [],
          };
        }
        case 'DescribeAlarmHistory': {
          const alarm = world.alarms.get(input.AlarmName);
          const start = input.StartDate ?? 0;
          const end = input.EndDate ?? Infinity;
          const items = (alarm?.history ?? []).filter((item) => item.timestamp >= start && item.timestamp <= end).map((item) => ({
            AlarmName: input.AlarmName,
            AlarmType: 'MetricAlarm',
            Timestamp: item.timestamp,
            HistoryItemType: 'StateUpdate',
            HistorySummary: `Alarm updated from ${item.from} to ${item.to}`,
            HistoryData: JSON.stringify({ version: '1.0', oldState: { stateValue: item.from }, newState: { stateValue: item.to, stateReason: item.reason } }),
          }));
          return { AlarmHistoryItems: input.ScanBy === 'TimestampAscending' ? items : items.reverse() };
        }
        case 'GetMetricData':
          return { MetricDataResults: metricData(world, input as Parameters<typeof metricData>[1]), Messages: [] };
        default:
          throw new ServiceError('InvalidAction', `${operation} is not emulated`);
      }
    },
  };
}

interface Query {
  readonly Id: string;
  readonly Expression?: string;
  readonly Label?: string;
  readonly ReturnData?: boolean;
  readonly Period?: number;
  readonly MetricStat?: {
    readonly Metric: { readonly Namespace: string; readonly MetricName: string; readonly Dimensions?: Array<{ Name: string; Value: string }> };
    readonly Period: number;
    readonly Stat: string;
  };
}

/**
 * GetMetricData over the scenario's per-minute values: each metric's statistic per period from the
 * start time (periods without a value have no datapoint, as in CloudWatch), each expression at the
 * timestamps of the series it reads (a missing value is missing, FILL fills it).
 */
function metricData(world: RolloutWorld, input: { MetricDataQueries: Query[]; StartTime: number; EndTime: number; ScanBy?: string }): unknown[] {
  const queries = new Map(input.MetricDataQueries.map((query) => [query.Id, query]));
  const start = input.StartTime * 1000;
  const end = input.EndTime * 1000;
  const cache = new Map<string, Map<number, number>>();
  const seriesOf = (id: string): Map<number, number> => {
    const cached = cache.get(id);
    if (cached) return cached;
    const query = queries.get(id);
    if (!query) throw new ServiceError('ValidationError', `Unknown metric id ${id} in an expression`);
    let result: Map<number, number>;
    if (query.MetricStat) {
      const { Metric, Period, Stat } = query.MetricStat;
      const dimensions = Object.fromEntries((Metric.Dimensions ?? []).map((d) => [d.Name, d.Value]));
      const series = world.findMetric(Metric.Namespace, Metric.MetricName, dimensions);
      result = new Map();
      for (let t = start; t < end; t += Period * 1000) {
        const values = [...(series?.values ?? new Map<number, number>()).entries()]
          .filter(([minute]) => minute >= t && minute < t + Period * 1000).map(([, v]) => v);
        if (values.length > 0) result.set(t, statistic(Stat, values));
      }
    } else {
      const node = parse(query.Expression ?? '');
      const inputs = referenced(query.Expression ?? '').filter((name) => queries.has(name)).map(seriesOf);
      const times = [...new Set(inputs.flatMap((series) => [...series.keys()]))].sort((a, b) => a - b);
      result = new Map();
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
