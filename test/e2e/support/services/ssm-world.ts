import type { EmulatedService } from './service';
import { ServiceError } from './service';
import type { ScaledClock } from '../lambda-runtime';

/**
 * Systems Manager Parameter Store (AWS JSON 1.1), String parameters by name: the traffic hook reads
 * its settings and the promote parameter, `cdk-rollouts promote` writes the promote parameter.
 */
export class SsmWorld implements EmulatedService {
  public readonly name = 'ssm' as const;
  public readonly protocol = 'json' as const;
  public readonly signingName = 'ssm';
  public readonly endpointVariable = 'AWS_ENDPOINT_URL_SSM';
  public readonly operations = ['GetParameter', 'PutParameter'];
  private readonly parameters = new Map<string, { value: string; version: number; modified: number }>();

  public constructor(private readonly clock: Pick<ScaledClock, 'now'>) {}

  public put(name: string, value: string): void {
    const previous = this.parameters.get(name);
    this.parameters.set(name, { value, version: (previous?.version ?? 0) + 1, modified: this.clock.now() / 1000 });
  }

  public delete(name: string): void {
    this.parameters.delete(name);
  }

  /** The parameter's value, if it exists. */
  public value(name: string): string | undefined {
    return this.parameters.get(name)?.value;
  }

  public names(): string[] {
    return [...this.parameters.keys()];
  }

  public handle(operation: string, input: Record<string, any>): Record<string, unknown> {
    if (operation === 'PutParameter') return this.putParameter(input);
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

  /** PutParameter refuses to overwrite an existing parameter without `Overwrite` (API reference, PutParameter: ParameterAlreadyExists). */
  private putParameter(input: Record<string, any>): Record<string, unknown> {
    const existing = this.parameters.get(input.Name);
    if (existing && input.Overwrite !== true) {
      throw new ServiceError('ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
    }
    this.put(input.Name, input.Value);
    return { Version: this.parameters.get(input.Name)!.version, Tier: 'Standard' };
  }
}
