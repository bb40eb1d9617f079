import type { EmulatedService } from './service';
import { ServiceError } from './service';
import type { ScaledClock } from '../lambda-runtime';

/** Systems Manager Parameter Store, as the traffic hook reads it: String parameters by name. */
export class SsmWorld implements EmulatedService {
  public readonly name = 'ssm' as const;
  public readonly protocol = 'json' as const;
  public readonly signingName = 'ssm';
  public readonly endpointVariable = 'AWS_ENDPOINT_URL_SSM';
  public readonly operations = ['GetParameter'];
  private readonly parameters = new Map<string, { value: string; version: number; modified: number }>();

  public constructor(private readonly clock: ScaledClock) {}

  public put(name: string, value: string): void {
    const previous = this.parameters.get(name);
    this.parameters.set(name, { value, version: (previous?.version ?? 0) + 1, modified: this.clock.now() / 1000 });
  }

  public delete(name: string): void {
    this.parameters.delete(name);
  }

  public handle(operation: string, input: Record<string, any>): Record<string, unknown> {
    if (operation !== 'GetParameter') throw new ServiceError('UnknownOperationException', `${operation} is not emulated`);
    const parameter = this.parameters.get(input.Name);
    // SSM answers a missing parameter with its error type and no message (the SDK then says UnknownError).
    if (!parameter) throw new ServiceError('ParameterNotFound', undefined);
    return {
      Parameter: {
        Name: input.Name,
        Type: 'String',
        Value: parameter.value,
        Version: parameter.version,
        LastModifiedDate: parameter.modified,
        ARN: `arn:aws:ssm:us-east-1:123456789012:parameter${input.Name}`,
        DataType: 'text',
      },
    };
  }
}
