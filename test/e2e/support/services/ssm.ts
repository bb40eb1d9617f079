import { loadApi } from '../api-model';
import { ServiceError } from '../codedeploy-world';
import type { RolloutWorld } from '../rollout-world';
import type { ServiceModule } from '../service-module';

/** Systems Manager parameters (AWS JSON 1.1): GetParameter, PutParameter. */
export function ssmModule(world: RolloutWorld, now: () => number): ServiceModule {
  return {
    name: 'ssm',
    signingName: 'ssm',
    endpointVariable: 'AWS_ENDPOINT_URL_SSM',
    api: loadApi('ssm'),
    protocol: { kind: 'json', version: '1.1', targetPrefix: 'AmazonSSM' },
    handle(operation, input) {
      switch (operation) {
        case 'GetParameter': {
          const parameter = world.parameters.get(input.Name);
          if (!parameter) throw new ServiceError('ParameterNotFound', '');
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
        case 'PutParameter': {
          const existing = world.parameters.get(input.Name);
          // PutParameter refuses to overwrite without Overwrite (API reference, ParameterAlreadyExists).
          if (existing && input.Overwrite !== true) throw new ServiceError('ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
          const version = (existing?.version ?? 0) + 1;
          world.parameters.set(input.Name, { value: input.Value, version, modified: now() / 1000 });
          return { Version: version, Tier: 'Standard' };
        }
        default:
          throw new ServiceError('UnknownOperationException', `${operation} is not emulated`);
      }
    },
  };
}
