import type { EmulatedService } from './service';
import { ServiceError } from './service';

/** A stack as CloudFormation keeps it: its status, its template as deployed, and its resources' ids. */
export interface EmulatedStack {
  readonly name: string;
  readonly stackId: string;
  status: string;
  /** The template as GetTemplate returns it (JSON). */
  readonly template: unknown;
  readonly resources: ReadonlyArray<{ readonly LogicalResourceId: string; readonly PhysicalResourceId: string; readonly ResourceType: string }>;
}

/**
 * The emulator's page size for ListStackResources: the API reference states none, and the command
 * follows NextToken whatever it is.
 */
const PAGE = 100;

/**
 * CloudFormation, as `cdk-rollouts` reads it (AWS Query): DescribeStacks, GetTemplate and
 * ListStackResources of stacks the scenario loaded. A stack is found by name or by stack id; one
 * that does not exist is CloudFormation's `ValidationError` "Stack with id <name> does not exist"
 * (API reference, DescribeStacks: "ValidationError ... if the stack doesn't exist").
 */
export class CloudFormationWorld implements EmulatedService {
  public readonly name = 'cloudformation' as const;
  public readonly protocol = 'query' as const;
  public readonly signingName = 'cloudformation';
  public readonly endpointVariable = 'AWS_ENDPOINT_URL_CLOUDFORMATION';
  public readonly operations = ['DescribeStacks', 'GetTemplate', 'ListStackResources'];
  private readonly stacks = new Map<string, EmulatedStack>();

  public addStack(stack: EmulatedStack): void {
    this.stacks.set(stack.name, stack);
  }

  /** The stack by name (a scenario sets its status as CloudFormation's update goes on). */
  public stack(name: string): EmulatedStack {
    const stack = this.stacks.get(name);
    if (!stack) throw new Error(`no stack ${name} was loaded`);
    return stack;
  }

  public handle(operation: string, input: Record<string, any>): Record<string, unknown> {
    switch (operation) {
      case 'DescribeStacks': {
        const stack = this.find(input.StackName);
        return { Stacks: [{ StackName: stack.name, StackId: stack.stackId, CreationTime: 1_700_000_000, StackStatus: stack.status }] };
      }
      case 'GetTemplate':
        return { TemplateBody: JSON.stringify(this.find(input.StackName).template), StagesAvailable: ['Original', 'Processed'] };
      case 'ListStackResources': {
        const stack = this.find(input.StackName);
        const offset = input.NextToken ? Number(String(input.NextToken).replace('page-', '')) : 0;
        const page = stack.resources.slice(offset, offset + PAGE).map((resource) => ({
          ...resource, LastUpdatedTimestamp: 1_700_000_000, ResourceStatus: 'UPDATE_COMPLETE',
        }));
        return { StackResourceSummaries: page, ...(offset + PAGE < stack.resources.length ? { NextToken: `page-${offset + PAGE}` } : {}) };
      }
      default:
        throw new ServiceError('InvalidAction', `${operation} is not emulated`);
    }
  }

  private find(nameOrId: string): EmulatedStack {
    const stack = this.stacks.get(nameOrId) ?? [...this.stacks.values()].find((candidate) => candidate.stackId === nameOrId);
    if (!stack) throw new ServiceError('ValidationError', `Stack with id ${nameOrId} does not exist`);
    return stack;
  }
}
