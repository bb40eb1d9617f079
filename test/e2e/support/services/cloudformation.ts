import { loadApi } from '../api-model';
import { ServiceError } from '../codedeploy-world';
import type { RolloutWorld } from '../rollout-world';
import type { ServiceModule } from '../service-module';

/** The page size of ListStackResources (CloudFormation returns up to 100 summaries per page). */
const PAGE = 100;

/** CloudFormation (AWS Query): the stacks' status, templates and resources. */
export function cloudFormationModule(world: RolloutWorld): ServiceModule {
  const stackOf = (name: string) => {
    const stack = world.stacks.get(name) ?? [...world.stacks.values()].find((candidate) => candidate.stackId === name);
    // CloudFormation's answer for a stack that does not exist.
    if (!stack) throw new ServiceError('ValidationError', `Stack with id ${name} does not exist`);
    return stack;
  };
  return {
    name: 'cloudformation',
    signingName: 'cloudformation',
    endpointVariable: 'AWS_ENDPOINT_URL_CLOUDFORMATION',
    api: loadApi('cloudformation'),
    protocol: { kind: 'query' },
    handle(operation, input) {
      switch (operation) {
        case 'DescribeStacks': {
          const stack = stackOf(input.StackName);
          return { Stacks: [{ StackName: stack.name, StackId: stack.stackId, CreationTime: 1_700_000_000, StackStatus: stack.status }] };
        }
        case 'GetTemplate':
          return { TemplateBody: JSON.stringify(stackOf(input.StackName).template), StagesAvailable: ['Original', 'Processed'] };
        case 'ListStackResources': {
          const stack = stackOf(input.StackName);
          const offset = input.NextToken ? Number(String(input.NextToken).replace('page-', '')) : 0;
          const page = stack.resources.slice(offset, offset + PAGE).map((resource) => ({
            ...resource, LastUpdatedTimestamp: 1_700_000_000, ResourceStatus: 'UPDATE_COMPLETE',
          }));
          return { StackResourceSummaries: page, ...(offset + PAGE < stack.resources.length ? { NextToken: `page-${offset + PAGE}` } : {}) };
        }
        default:
          throw new ServiceError('InvalidAction', `${operation} is not emulated`);
      }
    },
  };
}
