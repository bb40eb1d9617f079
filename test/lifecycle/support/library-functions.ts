import { AutoScalingClient, DeleteAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CreateLogStreamCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  BatchGetDeploymentTargetsCommand, CodeDeployClient, CreateDeploymentCommand, CreateDeploymentGroupCommand, DeleteDeploymentGroupCommand,
  GetDeploymentCommand, GetDeploymentGroupCommand, ListDeploymentsCommand, ListDeploymentTargetsCommand, PutLifecycleEventHookExecutionStatusCommand,
  StopDeploymentCommand, UpdateDeploymentGroupCommand,
} from '@aws-sdk/client-codedeploy';
import { DeleteFunctionCommand, InvokeCommand, LambdaClient, ListAliasesCommand, ListVersionsByFunctionCommand } from '@aws-sdk/client-lambda';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { Account } from './account';
import type { TrafficHookSettings } from '../../../src/contract/traffic-hook';
import { createServerDeployerHandler } from '../../../src/handlers/server-deployer/dispatch';
import { createTrafficHookHandler } from '../../../src/handlers/traffic-hook/handler';
import { trafficHookClients } from '../../handlers/traffic-hook-fixtures';

/**
 * The library's own functions, run for real (their handler modules, as bundled) against the
 * lifecycle model's account through mocked SDK clients: the traffic hook in the lifecycle events of
 * a CodeDeploy deployment of an alias, and the deployer answering CloudFormation's custom resource
 * requests. Time is a fake clock: a bake or a deployment's polling takes no real time.
 */

const HOOK_ARN = 'arn:aws:lambda:us-east-1:111111111111:function:TrafficHook';
const DEPLOYER_ARN = 'arn:aws:lambda:us-east-1:111111111111:function:ServerDeployer';
const INVOCATION_MS = 15 * 60_000;

class FakeClock {
  public time = Date.UTC(2026, 0, 1, 12, 0, 0);
  public now = (): number => this.time;
  public sleep = async (ms: number): Promise<void> => {
    this.time += ms;
  };
}

function context(clock: FakeClock, arn: string): Context {
  const end = clock.now() + INVOCATION_MS;
  return { invokedFunctionArn: arn, getRemainingTimeInMillis: () => end - clock.now() } as unknown as Context;
}

function serviceError(name: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status } });
}

/** A CodeDeploy deployment of a Lambda alias, as CloudFormation starts it for a CodeDeployLambdaAliasUpdate. */
export interface AliasDeployment {
  readonly functionName: string;
  readonly alias: string;
  readonly currentVersion: number;
  readonly targetVersion: number;
  readonly applicationName: string;
  readonly deploymentGroupName: string;
  /** The lifecycle events the library's hook serves in this deployment. */
  readonly hookEvents: ReadonlyArray<'BeforeAllowTraffic' | 'AfterAllowTraffic'>;
  /** The hook's environment: where its settings are. */
  readonly settingsPrefix: string;
}

/** What the hook did in one deployment. */
export interface HookRun {
  /** Per lifecycle event, the verdict it reported (none: it reported nothing). */
  readonly verdicts: Record<string, string | undefined>;
  /** The settings parameters it read, with the value it read. */
  readonly settingsRead: Array<{ readonly name: string; readonly value: string | undefined }>;
  readonly log: string[];
}

/**
 * Runs a deployment's hook executions with the traffic hook's handler: BeforeAllowTraffic, the
 * shift (the alias moves to the target), AfterAllowTraffic. Stops after a Failed verdict, as
 * CodeDeploy does (it then rolls the alias back to the current version).
 */
export async function runTrafficHook(account: Account, deployment: AliasDeployment): Promise<HookRun> {
  const clock = new FakeClock();
  const clients = trafficHookClients();
  const deploymentId = account.newDeploymentId();
  const verdicts: Record<string, string | undefined> = {};
  const settingsRead: HookRun['settingsRead'] = [];
  const log: string[] = [];
  const queued: unknown[] = [];
  let running = '';
  const fn = () => account.fn(deployment.functionName);
  const appSpec = JSON.stringify({
    version: 0.0,
    Resources: [{
      Alias: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          Name: deployment.functionName,
          Alias: deployment.alias,
          CurrentVersion: String(deployment.currentVersion),
          TargetVersion: String(deployment.targetVersion),
        },
      },
    }],
  });
  mockClient(clients.codedeploy)
    .on(GetDeploymentCommand).callsFake(async () => ({
      deploymentInfo: {
        deploymentId,
        status: 'InProgress',
        applicationName: deployment.applicationName,
        deploymentGroupName: deployment.deploymentGroupName,
        revision: { revisionType: 'AppSpecContent', appSpecContent: { content: appSpec } },
      },
    }))
    .on(ListDeploymentTargetsCommand).resolves({ targetIds: [`${deployment.functionName}:${deployment.alias}`] })
    .on(BatchGetDeploymentTargetsCommand).callsFake(async () => ({
      deploymentTargets: [{
        deploymentTargetType: 'LambdaTarget',
        lambdaTarget: {
          lifecycleEvents: ['BeforeAllowTraffic', 'AllowTraffic', 'AfterAllowTraffic'].map((name) => ({ lifecycleEventName: name, status: name === running ? 'InProgress' : 'Pending' })),
        },
      }],
    }))
    .on(PutLifecycleEventHookExecutionStatusCommand).callsFake(async (input) => {
      verdicts[running] = input.status;
      return { lifecycleEventHookExecutionId: input.lifecycleEventHookExecutionId };
    });
  mockClient(clients.ssm).on(GetParameterCommand).callsFake(async (input) => {
    const value = account.parameters.get(input.Name);
    settingsRead.push({ name: input.Name, value });
    if (value === undefined) throw serviceError('ParameterNotFound', 'UnknownError');
    return { Parameter: { Name: input.Name, Type: 'String', Value: value } };
  });
  // A healthy release: the new version answers what the smoke test expects.
  mockClient(clients.invoker).on(InvokeCommand).callsFake(async () => {
    const settings = JSON.parse(settingsRead.at(-1)?.value ?? '{}') as TrafficHookSettings;
    const expected = settings.beforeAllowTraffic?.smokeTest.expectedResponse?.value ?? {};
    return { StatusCode: 200, Payload: Buffer.from(JSON.stringify(expected)) };
  });
  mockClient(clients.lambda)
    .on(InvokeCommand).callsFake(async (input) => {
      queued.push(JSON.parse(Buffer.from(input.Payload as Uint8Array).toString('utf8')));
      return { StatusCode: 202 };
    })
    .on(ListVersionsByFunctionCommand).callsFake(async () => ({
      Versions: [{ Version: '$LATEST' }, ...[...fn().versions].sort((a, b) => a - b).map((v) => ({ Version: String(v) }))],
    }))
    .on(ListAliasesCommand).callsFake(async () => ({
      Aliases: [...fn().aliases].map(([Name, version]) => ({ Name, FunctionVersion: String(version) })),
    }))
    .on(DeleteFunctionCommand).callsFake(async (input) => {
      const version = Number(input.Qualifier);
      const aliased = [...fn().aliases.values()].includes(version);
      if (aliased) throw serviceError('ResourceConflictException', 'Unable to delete version because the following aliases reference it', 409);
      if (!fn().versions.delete(version)) throw serviceError('ResourceNotFoundException', 'Function not found', 404);
      log.push(`deleted ${deployment.functionName}:${version}`);
      return {};
    });
  mockClient(clients.cloudwatch).on(DescribeAlarmsCommand).callsFake(async (input) => ({
    MetricAlarms: (input.AlarmNames ?? []).filter((name: string) => account.alarms.has(name)).map((name: string) => ({ AlarmName: name, StateValue: 'OK' })),
  }));
  mockClient(clients.logs).on(CreateLogStreamCommand).resolves({});
  const handler = createTrafficHookHandler({
    ...clients, clock, random: () => 0.5, settingsPrefix: deployment.settingsPrefix, claimsLogGroup: '/lifecycle/traffic-hook',
  });

  const captured = jestConsole();
  try {
    for (const event of ['BeforeAllowTraffic', 'AllowTraffic', 'AfterAllowTraffic'] as const) {
      if (event === 'AllowTraffic') {
        fn().aliases.set(deployment.alias, deployment.targetVersion);
        continue;
      }
      if (!deployment.hookEvents.includes(event)) continue;
      running = event;
      await handler({ DeploymentId: deploymentId, LifecycleEventHookExecutionId: `${deploymentId}-${event}` }, context(clock, HOOK_ARN));
      while (queued.length > 0) await handler(queued.shift(), context(clock, HOOK_ARN));
      if (verdicts[event] !== 'Succeeded') break;
    }
  } finally {
    log.push(...captured.restore());
  }
  return { verdicts, settingsRead, log };
}

/** The deployer's answer to one CloudFormation request. */
export interface DeployerAnswer {
  readonly Status: string;
  readonly PhysicalResourceId: string;
  readonly Reason?: string;
  readonly Data?: Record<string, string>;
}

/**
 * Sends one custom resource request to the deployer's handler and returns its answer, its
 * hand-overs run to the end. CodeDeploy deploys every revision successfully; the account records
 * what each group last received.
 */
export async function runDeployer(account: Account, event: CloudFormationCustomResourceEvent): Promise<DeployerAnswer> {
  const clock = new FakeClock();
  const codedeploy = new CodeDeployClient({ region: 'us-east-1', maxAttempts: 1 });
  const lambda = new LambdaClient({ region: 'us-east-1', maxAttempts: 1 });
  const autoscaling = new AutoScalingClient({ region: 'us-east-1', maxAttempts: 1 });
  const answers: DeployerAnswer[] = [];
  const queued: unknown[] = [];
  const group = (input: { applicationName?: string; deploymentGroupName?: string; currentDeploymentGroupName?: string }) =>
    `${input.applicationName}/${input.deploymentGroupName ?? input.currentDeploymentGroupName}`;
  mockClient(codedeploy)
    .on(ListDeploymentsCommand).resolves({ deployments: [] })
    .on(CreateDeploymentCommand).callsFake(async (input) => {
      const deploymentId = account.newDeploymentId();
      const revision = JSON.stringify(input.revision);
      account.deployments.set(deploymentId, { group: group(input), revision });
      account.deployedRevisions.set(group(input), revision);
      return { deploymentId };
    })
    .on(GetDeploymentCommand).callsFake(async (input) => {
      const deployment = account.deployments.get(input.deploymentId);
      if (!deployment) throw serviceError('DeploymentDoesNotExistException', `The deployment ${input.deploymentId} could not be found.`);
      const [applicationName, deploymentGroupName] = deployment.group.split('/');
      return { deploymentInfo: { deploymentId: input.deploymentId, status: 'Succeeded', applicationName, deploymentGroupName, revision: JSON.parse(deployment.revision) } };
    })
    .on(StopDeploymentCommand).rejects(serviceError('DeploymentAlreadyCompletedException', 'The deployment has already completed.'))
    .on(CreateDeploymentGroupCommand).callsFake(async (input) => {
      if (account.managedGroups.has(group(input))) throw serviceError('DeploymentGroupAlreadyExistsException', `A deployment group named ${input.deploymentGroupName} already exists`);
      account.managedGroups.set(group(input), { ...input });
      return { deploymentGroupId: `id-${group(input)}` };
    })
    .on(GetDeploymentGroupCommand).callsFake(async (input) => {
      const found = account.managedGroups.get(group(input));
      if (!found) throw serviceError('DeploymentGroupDoesNotExistException', `No Deployment Group found for name: ${input.deploymentGroupName}`);
      return { deploymentGroupInfo: { ...found, deploymentGroupId: `id-${group(input)}`, autoScalingGroups: [] } };
    })
    .on(UpdateDeploymentGroupCommand).callsFake(async (input) => {
      const key = group(input);
      if (!account.managedGroups.has(key)) throw serviceError('DeploymentGroupDoesNotExistException', 'No Deployment Group found');
      account.managedGroups.set(key, { ...account.managedGroups.get(key), ...input });
      return { hooksNotCleanedUp: [] };
    })
    .on(DeleteDeploymentGroupCommand).callsFake(async (input) => {
      account.managedGroups.delete(group(input));
      return { hooksNotCleanedUp: [] };
    });
  mockClient(lambda).on(InvokeCommand).callsFake(async (input) => {
    queued.push(JSON.parse(Buffer.from(input.Payload as Uint8Array).toString('utf8')));
    return { StatusCode: 202 };
  });
  mockClient(autoscaling).on(DeleteAutoScalingGroupCommand).rejects(serviceError('ValidationError', 'AutoScalingGroup name not found'));
  const handler = createServerDeployerHandler({
    codedeploy,
    lambda,
    autoscaling,
    clock,
    random: () => 0.5,
    sendResponse: async (_url: string, body: string) => {
      answers.push(JSON.parse(body) as DeployerAnswer);
    },
  });
  const captured = jestConsole();
  try {
    await handler(event, context(clock, DEPLOYER_ARN));
    while (queued.length > 0) await handler(queued.shift(), context(clock, DEPLOYER_ARN));
  } finally {
    captured.restore();
  }
  if (answers.length !== 1) throw new Error(`the deployer answered ${answers.length} times to ${event.RequestType} ${event.LogicalResourceId}`);
  return answers[0];
}

/** Keeps the handlers' log lines (one JSON line each) out of the test output, and returns them. */
function jestConsole(): { restore(): string[] } {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  };
  return {
    restore: () => {
      console.log = original;
      return lines;
    },
  };
}
