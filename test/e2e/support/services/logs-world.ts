import type { EmulatedService } from './service';
import { ServiceError } from './service';

/** CloudWatch Logs log groups and their streams: a stream name is unique within its group (API reference, CreateLogStream). */
export class LogsWorld implements EmulatedService {
  public readonly name = 'logs' as const;
  public readonly protocol = 'json' as const;
  public readonly signingName = 'logs';
  public readonly endpointVariable = 'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS';
  public readonly operations = ['CreateLogStream'];
  private readonly groups = new Map<string, Set<string>>();

  public addLogGroup(name: string): void {
    if (!this.groups.has(name)) this.groups.set(name, new Set());
  }

  public streams(group: string): string[] {
    return [...(this.groups.get(group) ?? [])];
  }

  public handle(operation: string, input: Record<string, any>): Record<string, unknown> {
    if (operation !== 'CreateLogStream') throw new ServiceError('UnknownOperationException', `${operation} is not emulated`);
    const streams = this.groups.get(input.logGroupName);
    if (!streams) throw new ServiceError('ResourceNotFoundException', 'The specified log group does not exist.');
    if (streams.has(input.logStreamName)) throw new ServiceError('ResourceAlreadyExistsException', 'The specified log stream already exists');
    streams.add(input.logStreamName);
    return {};
  }

  /** A stream name may not hold ':' or '*' (the model's pattern, which the validator does not read). */
  public check(_operation: string, input: Record<string, any>): string[] {
    return /[:*]/.test(String(input.logStreamName)) ? [`CreateLogStream.input.logStreamName: ${input.logStreamName} holds ':' or '*'`] : [];
  }
}
