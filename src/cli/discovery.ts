import { DescribeStacksCommand, GetTemplateCommand, ListStackResourcesCommand, StackResourceSummary } from '@aws-sdk/client-cloudformation';
import type { AwsClients } from './aws-clients';
import { isRolloutRecord, RecordedReference, ROLLOUT_RECORD_KEY } from '../contract/rollout-record';
import { errorName } from '../handlers/shared/errors';

/** One rollout of a stack, with the physical names its record points to. */
export interface Rollout {
  readonly stackName: string;
  /** The construct path under the stack (`Api`, `Web/Fleet`). */
  readonly path: string;
  /** `Stack/Api`: how every output names it. */
  readonly label: string;
  readonly kind: 'lambda' | 'server';
  readonly applicationName: string;
  readonly deploymentGroupName: string;
  /** Lambda: the alias's ARN. */
  readonly aliasArn?: string;
  /** Lambda with the library's hook: the rollout's settings parameter. */
  readonly hookSettingsParameter?: string;
  /** Lambda with the library's hook: the hook's log group. */
  readonly hookLogGroup?: string;
  readonly blueGreen: boolean;
}

/** A stack, as the watch loop follows it. */
export interface StackState {
  readonly name: string;
  readonly status: string;
}

/** A stack that cannot be read: a usage or access error (exit code 2). */
export class StackNotFoundError extends Error {
  public constructor(public readonly stackName: string, message: string) {
    super(message);
    this.name = 'StackNotFoundError';
  }
}

/** The stack's status (DescribeStacks); a stack that does not exist is a `StackNotFoundError`. */
export async function describeStack(clients: AwsClients, stackName: string): Promise<StackState> {
  try {
    const response = await clients.cloudformation.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = response.Stacks?.[0];
    if (!stack) throw new StackNotFoundError(stackName, `stack ${stackName} does not exist`);
    return { name: stackName, status: stack.StackStatus ?? 'UNKNOWN' };
  } catch (err) {
    // CloudFormation answers a missing stack with ValidationError "Stack with id X does not exist".
    if (errorName(err) === 'ValidationError' && /does not exist/.test((err as Error).message)) {
      throw new StackNotFoundError(stackName, `stack ${stackName} does not exist in this account and Region`);
    }
    throw err;
  }
}

/**
 * The library's rollouts in a stack: the deployment group resources whose `Metadata` holds a rollout
 * record (GetTemplate), their physical names and those of the resources the records name
 * (ListStackResources). Two calls and the pages of the second, whatever the number of rollouts.
 */
export async function discoverRollouts(clients: AwsClients, stackName: string): Promise<{ rollouts: Rollout[]; skipped: string[] }> {
  const template = await clients.cloudformation.send(new GetTemplateCommand({ StackName: stackName }));
  let resources: Record<string, { Metadata?: Record<string, unknown> }>;
  try {
    resources = (JSON.parse(template.TemplateBody ?? '{}') as { Resources?: typeof resources }).Resources ?? {};
  } catch {
    // The CDK writes templates as JSON; a YAML template is not one of the library's.
    return { rollouts: [], skipped: [`${stackName}: its template is not JSON, so it was not written by the CDK`] };
  }
  const physical = await physicalIds(clients, stackName);
  const rollouts: Rollout[] = [];
  const skipped: string[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    const record = resource.Metadata?.[ROLLOUT_RECORD_KEY];
    if (record === undefined) continue;
    const label = `${stackName}/${typeof (record as { path?: unknown }).path === 'string' ? (record as { path: string }).path : logicalId}`;
    if (!isRolloutRecord(record)) {
      skipped.push(`${label}: its record was written by another version of cdk-codedeploy-rollouts; upgrade the command`);
      continue;
    }
    const resolve = (reference: RecordedReference | undefined): string | undefined =>
      reference?.name ?? (reference?.logicalId !== undefined ? physical.get(reference.logicalId)?.PhysicalResourceId : undefined);
    const applicationName = resolve(record.application);
    // A group the stack has not created (yet, or under a condition that is false) is not listed,
    // even when its record names it.
    const groupResource = physical.get(logicalId);
    const deploymentGroupName = groupResource ? record.deploymentGroupName ?? groupResource.PhysicalResourceId : undefined;
    if (!applicationName || !deploymentGroupName) {
      skipped.push(`${label}: ${!deploymentGroupName
        ? 'its deployment group does not exist (not created yet, or its condition is false)'
        : 'its CodeDeploy application is in another stack, which the record cannot name'}`);
      continue;
    }
    rollouts.push({
      stackName,
      path: record.path,
      label: `${stackName}/${record.path}`,
      kind: record.kind,
      applicationName,
      deploymentGroupName,
      aliasArn: resolve(record.alias),
      hookSettingsParameter: resolve(record.hookSettings),
      hookLogGroup: resolve(record.hookLogGroup),
      blueGreen: record.blueGreen === true,
    });
  }
  return { rollouts, skipped };
}

async function physicalIds(clients: AwsClients, stackName: string): Promise<Map<string, StackResourceSummary>> {
  const found = new Map<string, StackResourceSummary>();
  let token: string | undefined;
  do {
    const page = await clients.cloudformation.send(new ListStackResourcesCommand({ StackName: stackName, NextToken: token }));
    for (const summary of page.StackResourceSummaries ?? []) {
      if (summary.LogicalResourceId && summary.PhysicalResourceId) found.set(summary.LogicalResourceId, summary);
    }
    token = page.NextToken;
  } while (token);
  return found;
}

/** The rollout a command line names: by construct path, or by deployment group name. */
export function findRollout(rollouts: Rollout[], name: string): Rollout | undefined {
  return rollouts.find((rollout) => rollout.path === name) ?? rollouts.find((rollout) => rollout.deploymentGroupName === name);
}
