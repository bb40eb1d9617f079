import type { EmulatedService } from './service';
import { ServiceError } from './service';

interface LogGroup {
  readonly streams: Set<string>;
  readonly events: Array<{ readonly timestamp: number; readonly message: string }>;
}

/**
 * CloudWatch Logs log groups (AWS JSON 1.1; CloudWatch Logs API reference): the traffic hook claims
 * a lifecycle event with a log stream, whose name is unique within its group (CreateLogStream);
 * `cdk-rollouts` reads a hook's lines of one deployment with FilterLogEvents and a quoted term,
 * which matches events whose message contains it (User Guide, "Filter pattern syntax": a term in
 * double quotes matches exactly that text).
 */
export class LogsWorld implements EmulatedService {
  public readonly name = 'logs' as const;
  public readonly protocol = 'json' as const;
  public readonly signingName = 'logs';
  public readonly endpointVariable = 'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS';
  public readonly operations = ['CreateLogStream', 'FilterLogEvents'];
  private readonly groups = new Map<string, LogGroup>();

  public addLogGroup(name: string): void {
    if (!this.groups.has(name)) this.groups.set(name, { streams: new Set(), events: [] });
  }

  public streams(group: string): string[] {
    return [...(this.groups.get(group)?.streams ?? [])];
  }

  /** A line the group's function logged at `at` (epoch ms). */
  public log(group: string, message: string, at: number): void {
    const found = this.groups.get(group);
    if (!found) throw new Error(`no log group ${group}`);
    found.events.push({ timestamp: at, message });
  }

  public handle(operation: string, input: Record<string, any>): Record<string, unknown> {
    const group = this.groups.get(input.logGroupName);
    if (!group) throw new ServiceError('ResourceNotFoundException', 'The specified log group does not exist.');
    switch (operation) {
      case 'CreateLogStream':
        if (group.streams.has(input.logStreamName)) throw new ServiceError('ResourceAlreadyExistsException', 'The specified log stream already exists');
        group.streams.add(input.logStreamName);
        return {};
      case 'FilterLogEvents': return filterEvents(group, input);
      default: throw new ServiceError('UnknownOperationException', `${operation} is not emulated`);
    }
  }

  /**
   * What the model's patterns say but the validator does not read (a stream name may not hold ':' or
   * '*'), and a filter pattern the emulator cannot read (a quoted term only), which would otherwise
   * pass unchecked.
   */
  public check(operation: string, input: Record<string, any>): string[] {
    if (operation === 'CreateLogStream' && /[:*]/.test(String(input.logStreamName))) {
      return [`CreateLogStream.input.logStreamName: ${input.logStreamName} holds ':' or '*'`];
    }
    if (operation === 'FilterLogEvents' && input.filterPattern !== undefined && !QUOTED_TERM.test(String(input.filterPattern))) {
      return [`FilterLogEvents.input.filterPattern: the emulator reads a quoted term only, got ${input.filterPattern}`];
    }
    return [];
  }
}

const QUOTED_TERM = /^"(.*)"$/;

function filterEvents(group: LogGroup, input: Record<string, any>): Record<string, unknown> {
  const term = QUOTED_TERM.exec(String(input.filterPattern ?? ''))?.[1];
  const matching = group.events.filter((event) => (input.startTime === undefined || event.timestamp >= input.startTime)
    && (input.endTime === undefined || event.timestamp <= input.endTime) && (term === undefined || event.message.includes(term)));
  return {
    events: matching.map((event, i) => ({
      logStreamName: '2026/01/01/[$LATEST]e2e', timestamp: event.timestamp, message: event.message, ingestionTime: event.timestamp, eventId: `e2e-${i}`,
    })),
  };
}
