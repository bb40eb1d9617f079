import type { EmulatedService } from './service';
import { ServiceError } from './service';
import type { ScaledClock } from '../lambda-runtime';

type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

interface Alarm {
  readonly type: 'MetricAlarm' | 'CompositeAlarm';
  /** One state per DescribeAlarms that returns the alarm; the last is kept. */
  readonly states: AlarmState[];
  reads: number;
}

/**
 * CloudWatch alarms, as DescribeAlarms returns them: only the names it knows (an unknown name is
 * left out, not an error), metric alarms only unless `AlarmTypes` asks for composite ones too,
 * at most `MaxRecords` (default 50) per page (CloudWatch API reference, DescribeAlarms).
 */
export class CloudWatchWorld implements EmulatedService {
  public readonly name = 'cloudwatch' as const;
  public readonly protocol = 'json' as const;
  public readonly signingName = 'monitoring';
  public readonly endpointVariable = 'AWS_ENDPOINT_URL_CLOUDWATCH';
  public readonly operations = ['DescribeAlarms'];
  private readonly alarms = new Map<string, Alarm>();

  public constructor(private readonly clock: ScaledClock) {}

  /** An alarm whose state follows `states`, one per read. */
  public addAlarm(name: string, states: AlarmState[] = ['OK'], type: Alarm['type'] = 'MetricAlarm'): void {
    this.alarms.set(name, { type, states, reads: 0 });
  }

  public deleteAlarm(name: string): void {
    this.alarms.delete(name);
  }

  public handle(operation: string, input: Record<string, any>): Record<string, unknown> {
    if (operation !== 'DescribeAlarms') throw new ServiceError('UnknownOperationException', `${operation} is not emulated`);
    const types: string[] = input.AlarmTypes ?? ['MetricAlarm'];
    const names: string[] | undefined = input.AlarmNames;
    const matching = [...this.alarms.entries()]
      .filter(([name, alarm]) => (!names || names.includes(name)) && types.includes(alarm.type))
      .sort(([a], [b]) => a.localeCompare(b));
    const offset = input.NextToken ? Number(String(input.NextToken).replace('page-', '')) : 0;
    const size = input.MaxRecords ?? 50;
    const page = matching.slice(offset, offset + size);
    const now = this.clock.now() / 1000;
    const render = ([name, alarm]: [string, Alarm]) => {
      const state = alarm.states[Math.min(alarm.reads++, alarm.states.length - 1)];
      return {
        AlarmName: name,
        AlarmArn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}`,
        StateValue: state,
        StateReason: state === 'ALARM' ? 'Threshold Crossed: 1 datapoint [3.0] was greater than the threshold (1.0).' : 'Threshold not crossed',
        StateUpdatedTimestamp: now,
        ActionsEnabled: false,
      };
    };
    return {
      MetricAlarms: page.filter(([, alarm]) => alarm.type === 'MetricAlarm').map(render),
      CompositeAlarms: page.filter(([, alarm]) => alarm.type === 'CompositeAlarm').map(render),
      ...(offset + size < matching.length ? { NextToken: `page-${offset + size}` } : {}),
    };
  }
}
