import { createHash } from 'crypto';
import type { ScaledClock } from './lambda-runtime';
import type { EmulatedService } from './services/service';
import { ServiceError } from './services/service';

export { ServiceError };

/**
 * The CodeDeploy the emulator plays: deployment groups, deployments whose statuses follow a script
 * (one status per GetDeployment of that deployment, the last one kept) or that a `cdk-rollouts`
 * scenario drives over time (`drive`), CodeDeploy's one-deployment-at-a-time rule per group, stops
 * and automatic rollbacks, Lambda hook executions, deployment configs (predefined and created) and
 * ContinueDeployment of a blue/green deployment that waits. Values are in the JSON protocol's wire
 * form (timestamps in epoch seconds), and every answer is checked against the model's output shape
 * by the emulator.
 */

export type Status = 'Created' | 'Queued' | 'InProgress' | 'Baking' | 'Ready' | 'Succeeded' | 'Failed' | 'Stopped';
const TERMINAL: readonly Status[] = ['Succeeded', 'Failed', 'Stopped'];

export interface FailedInstance {
  readonly instanceId: string;
  readonly lifecycleEventName: string;
  readonly scriptName: string;
  readonly logTail: string;
}

/** How a deployment the handler creates behaves. */
export interface DeploymentScript {
  /** GetDeployment's statuses, one per call; the last is kept. */
  readonly statuses: readonly Status[];
  readonly errorInformation?: { readonly code: string; readonly message: string };
  /** When it ends Failed (or is stopped with rollback): CodeDeploy's rollback deployment and its statuses. */
  readonly rollback?: readonly Status[];
  /** The first failed instance, for ListDeploymentTargets / BatchGetDeploymentTargets. */
  readonly failedInstance?: FailedInstance;
  /** StopDeployment answers DeploymentAlreadyCompletedException and the deployment ends with this status (a stop racing completion). */
  readonly completesWhenStopped?: Status;
  /** A Lambda deployment (compute platform Lambda): its AppSpec and target, and its lifecycle hooks. */
  readonly lambda?: LambdaDeploymentScript;
}

/** The lifecycle events of a Lambda deployment, in order (User Guide, AppSpec 'hooks' section for an AWS Lambda deployment). */
export const LAMBDA_LIFECYCLE_EVENTS = ['BeforeAllowTraffic', 'AllowTraffic', 'AfterAllowTraffic'] as const;
export type LambdaLifecycleEvent = typeof LAMBDA_LIFECYCLE_EVENTS[number];

/** How CloudFormation (inline AppSpec content) or a registered revision names a Lambda deployment's target. */
export interface LambdaDeploymentScript {
  readonly appSpec: string;
  readonly functionName: string;
  readonly alias: string;
  readonly currentVersion: string;
  readonly targetVersion: string;
  /** The deployment names a registered S3 revision; its AppSpec comes from GetApplicationRevision (as a String revision). */
  readonly registered?: boolean;
}

/** A lifecycle hook execution of a Lambda deployment, and what the hook reported to it. */
export interface HookExecution {
  readonly executionId: string;
  readonly deploymentId: string;
  readonly lifecycleEvent: LambdaLifecycleEvent;
  status: 'InProgress' | 'Succeeded' | 'Failed';
  /** Every report the hook made, accepted or refused. */
  readonly reports: Array<{ readonly status: string; readonly accepted: boolean }>;
}

/** A lifecycle event of a driven deployment's target, in the wire form (epoch seconds). */
export interface DrivenEvent {
  readonly lifecycleEventName: string;
  status: 'Pending' | 'InProgress' | 'Succeeded' | 'Failed' | 'Skipped' | 'Unknown';
  startTime?: number;
  endTime?: number;
  diagnostics?: { readonly errorCode: string; readonly scriptName: string; readonly message: string; readonly logTail: string };
}

/** An instance of a driven server deployment. */
export interface DrivenInstance {
  readonly instanceId: string;
  status: 'Pending' | 'InProgress' | 'Succeeded' | 'Failed' | 'Skipped' | 'Ready';
  readonly label?: 'Blue' | 'Green';
  readonly events: DrivenEvent[];
}

/**
 * A deployment whose state a scenario sets over time (the `cdk-rollouts watch` scenarios,
 * test/e2e/support/watch-scenarios.ts), rather than one scripted status per GetDeployment: its
 * status, error, lifecycle events (Lambda) or instances (servers), as a running deployment shows them.
 */
export interface DrivenDeployment {
  status: Status;
  readonly computePlatform: 'Lambda' | 'Server';
  readonly deploymentConfigName: string;
  readonly createTime: number;
  completeTime?: number;
  errorInformation?: { readonly code: string; readonly message: string };
  /** Lambda: the AppSpec CloudFormation passes inline. */
  readonly appSpec?: string;
  /** Lambda: the function's target, `<function>:<alias>`, and its lifecycle events. */
  readonly lambdaTarget?: { readonly targetId: string; readonly events: DrivenEvent[] };
  /** Servers: the instances. */
  readonly instances?: DrivenInstance[];
  /** What StopDeployment does (the scenario answers for CodeDeploy). */
  onStop?: (autoRollbackEnabled: boolean) => void;
  /** What ContinueDeployment does. */
  onContinue?: (waitType: string) => void;
}

interface Deployment {
  readonly deploymentId: string;
  readonly applicationName: string;
  readonly deploymentGroupName: string;
  readonly description?: string;
  readonly createTime: number;
  readonly revision?: unknown;
  script: DeploymentScript;
  polls: number;
  /** Set once decided (stop, end of script). */
  final?: Status;
  rollbackDeploymentId?: string;
  rollbackTriggeringDeploymentId?: string;
  stoppedBy?: 'user';
  driven?: DrivenDeployment;
}

export interface GroupState {
  readonly applicationName: string;
  readonly deploymentGroupName: string;
  readonly deploymentGroupId: string;
  info: Record<string, unknown>;
}

export const DEFAULT_SCRIPT: DeploymentScript = { statuses: ['InProgress', 'Succeeded'] };

/**
 * CodeDeploy's predefined configs as GetDeploymentConfig returns them (User Guide, "Working with
 * deployment configurations": OneAtATime answers MOST_CONCURRENCY 1, HalfAtATime FLEET_PERCENT 50,
 * AllAtOnce HOST_COUNT 0; Lambda's canaries and linears by their names).
 */
const PREDEFINED_CONFIGS: Record<string, Record<string, unknown>> = {
  'CodeDeployDefault.OneAtATime': { computePlatform: 'Server', minimumHealthyHosts: { type: 'MOST_CONCURRENCY', value: 1 } },
  'CodeDeployDefault.HalfAtATime': { computePlatform: 'Server', minimumHealthyHosts: { type: 'FLEET_PERCENT', value: 50 } },
  'CodeDeployDefault.AllAtOnce': { computePlatform: 'Server', minimumHealthyHosts: { type: 'HOST_COUNT', value: 0 } },
  'CodeDeployDefault.LambdaAllAtOnce': { computePlatform: 'Lambda', trafficRoutingConfig: { type: 'AllAtOnce' } },
};

function predefinedConfig(name: string): Record<string, unknown> | undefined {
  const lambda = /^CodeDeployDefault\.Lambda(Canary|Linear)(\d+)Percent(\d+)Minutes?$/.exec(name);
  if (lambda) {
    const [, kind, percentage, minutes] = lambda;
    return {
      computePlatform: 'Lambda',
      trafficRoutingConfig: kind === 'Canary'
        ? { type: 'TimeBasedCanary', timeBasedCanary: { canaryPercentage: Number(percentage), canaryInterval: Number(minutes) } }
        : { type: 'TimeBasedLinear', timeBasedLinear: { linearPercentage: Number(percentage), linearInterval: Number(minutes) } },
    };
  }
  return PREDEFINED_CONFIGS[name];
}

export class CodeDeployWorld implements EmulatedService {
  public readonly name = 'codedeploy' as const;
  public readonly protocol = 'json' as const;
  public readonly signingName = 'codedeploy';
  public readonly endpointVariable = 'AWS_ENDPOINT_URL_CODEDEPLOY';
  public readonly operations = [
    'CreateDeployment', 'GetDeployment', 'ListDeployments', 'StopDeployment', 'ListDeploymentTargets', 'BatchGetDeploymentTargets',
    'CreateDeploymentGroup', 'GetDeploymentGroup', 'UpdateDeploymentGroup', 'DeleteDeploymentGroup',
    'GetApplicationRevision', 'PutLifecycleEventHookExecutionStatus', 'GetDeploymentConfig', 'ContinueDeployment',
  ];
  public readonly deployments = new Map<string, Deployment>();
  /** Hook executions of Lambda deployments, by id. */
  public readonly hookExecutions = new Map<string, HookExecution>();
  public readonly groups = new Map<string, GroupState>();
  /** Scripts for the next deployments CreateDeployment makes, in order; then `DEFAULT_SCRIPT`. */
  public readonly scripts: DeploymentScript[] = [];
  /** Deployment configs created in the account (besides CodeDeploy's predefined ones), by name. */
  public readonly configs = new Map<string, Record<string, unknown>>();
  private counter = 0;

  public constructor(private readonly clock: Pick<ScaledClock, 'now'>) {}

  /** A deployment group that exists before the scenario (for RevisionDeployment scenarios). */
  public addGroup(applicationName: string, deploymentGroupName: string, info: Record<string, unknown> = {}): GroupState {
    const group = { applicationName, deploymentGroupName, deploymentGroupId: `${this.groups.size + 1}`.padStart(8, '0') + '-e2e0-0000-0000-000000000000', info };
    this.groups.set(key(applicationName, deploymentGroupName), group);
    return group;
  }

  /** A deployment that is someone else's (a scale-out, a manual release), with its own script. */
  public addDeployment(applicationName: string, deploymentGroupName: string, script: DeploymentScript, description?: string): string {
    return this.create(applicationName, deploymentGroupName, script, description, undefined);
  }

  /** A deployment the scenario drives (see `DrivenDeployment`); returns its id. */
  public drive(applicationName: string, deploymentGroupName: string, driven: DrivenDeployment, rollbackOf?: string): string {
    const deploymentId = this.create(applicationName, deploymentGroupName, { statuses: [driven.status] }, undefined, undefined);
    const deployment = this.get(deploymentId);
    deployment.driven = driven;
    if (rollbackOf) {
      deployment.rollbackTriggeringDeploymentId = rollbackOf;
      this.get(rollbackOf).rollbackDeploymentId = deploymentId;
    }
    return deploymentId;
  }

  /** The deployments of a group the handler or a scenario created (CodeDeploy's rollbacks left out), oldest first. */
  public deploymentsOf(applicationName: string, deploymentGroupName: string): string[] {
    return [...this.deployments.values()]
      .filter((d) => d.applicationName === applicationName && d.deploymentGroupName === deploymentGroupName && !d.rollbackTriggeringDeploymentId)
      .map((d) => d.deploymentId);
  }

  /** The status a deployment has now (without counting a poll). */
  public statusOf(deploymentId: string): Status {
    const deployment = this.get(deploymentId);
    if (deployment.driven) return deployment.driven.status;
    if (deployment.final) return deployment.final;
    if (deployment.polls === 0) return 'Created';
    return deployment.script.statuses[Math.min(deployment.polls - 1, deployment.script.statuses.length - 1)];
  }

  public handle(operation: string, input: Record<string, any>): Record<string, unknown> {
    return this.dispatch(operation, input) as Record<string, unknown>;
  }

  private dispatch(operation: string, input: Record<string, any>): unknown {
    switch (operation) {
      case 'CreateDeployment': return this.createDeployment(input);
      case 'GetDeployment': return { deploymentInfo: this.poll(input.deploymentId) };
      case 'ListDeployments': return this.listDeployments(input);
      case 'StopDeployment': return this.stopDeployment(input.deploymentId, input.autoRollbackEnabled === true);
      case 'ListDeploymentTargets': return this.listTargets(input);
      case 'BatchGetDeploymentTargets': return this.batchGetTargets(input);
      case 'CreateDeploymentGroup': return this.createGroup(input);
      case 'GetDeploymentGroup': return { deploymentGroupInfo: this.groupInfo(this.group(input.applicationName, input.deploymentGroupName)) };
      case 'UpdateDeploymentGroup': return this.updateGroup(input);
      case 'DeleteDeploymentGroup': return this.deleteGroup(input);
      case 'GetApplicationRevision': return this.getApplicationRevision(input);
      case 'PutLifecycleEventHookExecutionStatus': return this.putHookStatus(input);
      case 'GetDeploymentConfig': return this.getConfig(input.deploymentConfigName);
      case 'ContinueDeployment': return this.continueDeployment(input);
      default: throw new ServiceError('UnknownOperationException', `${operation} is not emulated`);
    }
  }

  /**
   * CodeDeploy reaching a lifecycle event of a Lambda deployment: the events before it succeeded,
   * this one runs its hook. Returns the hook execution's id (what CodeDeploy sends the hook).
   */
  public startLifecycleEvent(deploymentId: string, lifecycleEvent: LambdaLifecycleEvent): string {
    this.get(deploymentId);
    for (const execution of this.hookExecutions.values()) {
      if (execution.deploymentId === deploymentId && execution.status === 'InProgress') execution.status = 'Succeeded';
    }
    const executionId = `e2e${String(this.hookExecutions.size + 1).padStart(5, '0')}-hook-execution-${lifecycleEvent}`;
    this.hookExecutions.set(executionId, { executionId, deploymentId, lifecycleEvent, status: 'InProgress', reports: [] });
    return executionId;
  }

  /** The one accepted verdict of an execution, if any. */
  public verdictOf(executionId: string): string | undefined {
    return this.hookExecutions.get(executionId)?.reports.find((report) => report.accepted)?.status;
  }

  private createDeployment(input: Record<string, any>): unknown {
    const group = this.group(input.applicationName, input.deploymentGroupName);
    // https://docs.aws.amazon.com/codedeploy/latest/userguide/limits.html: descriptions of at most 100 characters.
    if (typeof input.description === 'string' && input.description.length > 100) throw new ServiceError('DescriptionTooLongException', 'The description is too long.');
    const active = [...this.deployments.values()].find((d) => d.applicationName === group.applicationName
      && d.deploymentGroupName === group.deploymentGroupName && !TERMINAL.includes(this.statusOf(d.deploymentId)));
    if (active) {
      throw new ServiceError('DeploymentLimitExceededException',
        `The Deployment Group '${group.deploymentGroupName}' already has an active Deployment '${active.deploymentId}'`);
    }
    const script = this.scripts.shift() ?? DEFAULT_SCRIPT;
    return { deploymentId: this.create(group.applicationName, group.deploymentGroupName, script, input.description, input.revision) };
  }

  private create(
    applicationName: string, deploymentGroupName: string, script: DeploymentScript, description: string | undefined, revision: unknown,
  ): string {
    const deploymentId = `d-E2E${String(++this.counter).padStart(6, '0')}`;
    this.deployments.set(deploymentId, {
      deploymentId, applicationName, deploymentGroupName, description, revision, script, polls: 0, createTime: this.clock.now() / 1000,
    });
    return deploymentId;
  }

  /** GetDeployment: the script's next status; a Failed end starts the scripted rollback. */
  private poll(deploymentId: string): Record<string, unknown> {
    const deployment = this.get(deploymentId);
    if (deployment.driven) return this.drivenInfo(deployment, deployment.driven);
    if (!deployment.final) {
      deployment.polls++;
      const status = this.statusOf(deploymentId);
      if (TERMINAL.includes(status)) {
        deployment.final = status;
        if (status === 'Failed' && deployment.script.rollback) this.startRollback(deployment);
      }
    }
    return this.info(deployment);
  }

  private startRollback(deployment: Deployment): void {
    const id = this.create(deployment.applicationName, deployment.deploymentGroupName, { statuses: deployment.script.rollback ?? ['Succeeded'] }, undefined, undefined);
    deployment.rollbackDeploymentId = id;
    this.get(id).rollbackTriggeringDeploymentId = deployment.deploymentId;
  }

  private info(deployment: Deployment): Record<string, unknown> {
    const status = this.statusOf(deployment.deploymentId);
    const failed = status === 'Failed' || status === 'Stopped';
    return {
      applicationName: deployment.applicationName,
      deploymentGroupName: deployment.deploymentGroupName,
      deploymentId: deployment.deploymentId,
      status,
      createTime: deployment.createTime,
      creator: deployment.rollbackTriggeringDeploymentId ? 'codeDeployRollback' : 'user',
      ...(deployment.description !== undefined ? { description: deployment.description } : {}),
      ...(deployment.revision !== undefined ? { revision: deployment.revision } : {}),
      ...(deployment.script.lambda ? { computePlatform: 'Lambda', revision: this.lambdaRevision(deployment.script.lambda, false) } : {}),
      ...(failed && deployment.script.errorInformation ? { errorInformation: deployment.script.errorInformation } : {}),
      ...(status === 'Stopped' && deployment.stoppedBy ? { errorInformation: { code: 'MANUAL_STOP', message: 'The deployment was stopped by the user.' } } : {}),
      ...(deployment.rollbackDeploymentId || deployment.rollbackTriggeringDeploymentId
        ? {
          rollbackInfo: {
            ...(deployment.rollbackDeploymentId ? { rollbackDeploymentId: deployment.rollbackDeploymentId } : {}),
            ...(deployment.rollbackTriggeringDeploymentId ? { rollbackTriggeringDeploymentId: deployment.rollbackTriggeringDeploymentId } : {}),
          },
        }
        : {}),
      ...(TERMINAL.includes(status) ? { completeTime: this.clock.now() / 1000 } : {}),
    };
  }

  private listDeployments(input: Record<string, any>): unknown {
    const statuses: string[] | undefined = input.includeOnlyStatuses;
    const start: number | undefined = input.createTimeRange?.start;
    const end: number | undefined = input.createTimeRange?.end;
    const ids = [...this.deployments.values()]
      .filter((d) => d.applicationName === input.applicationName && d.deploymentGroupName === input.deploymentGroupName)
      .filter((d) => !statuses || statuses.includes(this.statusOf(d.deploymentId)))
      .filter((d) => (start === undefined || d.createTime >= start) && (end === undefined || d.createTime <= end))
      .map((d) => d.deploymentId)
      .reverse();
    // Pages of 100 (CodeDeploy does not document its page size).
    const offset = input.nextToken ? Number(input.nextToken.replace('page-', '')) : 0;
    const page = ids.slice(offset, offset + 100);
    return { deployments: page, ...(offset + 100 < ids.length ? { nextToken: `page-${offset + 100}` } : {}) };
  }

  private stopDeployment(deploymentId: string, autoRollbackEnabled: boolean): unknown {
    const deployment = this.get(deploymentId);
    const driven = deployment.driven;
    if (driven) {
      if (TERMINAL.includes(driven.status)) throw new ServiceError('DeploymentAlreadyCompletedException', `The deployment ${deploymentId} has already completed.`);
      driven.onStop?.(autoRollbackEnabled);
      return { status: 'Pending', statusMessage: 'Stop deployment request is pending' };
    }
    if (TERMINAL.includes(this.statusOf(deploymentId))) {
      throw new ServiceError('DeploymentAlreadyCompletedException', `The deployment ${deploymentId} has already completed.`);
    }
    if (deployment.script.completesWhenStopped) {
      deployment.final = deployment.script.completesWhenStopped;
      throw new ServiceError('DeploymentAlreadyCompletedException', `The deployment ${deploymentId} has already completed.`);
    }
    deployment.final = 'Stopped';
    deployment.stoppedBy = 'user';
    if (autoRollbackEnabled) this.startRollback(deployment);
    return { status: 'Pending', statusMessage: 'Stop deployment request is pending' };
  }

  /** The revision GetDeployment shows: CloudFormation's inline AppSpec, or a registered S3 bundle. */
  private lambdaRevision(lambda: LambdaDeploymentScript, resolved: boolean): Record<string, unknown> {
    const sha256 = createHash('sha256').update(lambda.appSpec).digest('hex');
    if (lambda.registered && !resolved) {
      return { revisionType: 'S3', s3Location: { bucket: 'e2e-releases', key: `${lambda.functionName}/appspec.yaml`, bundleType: 'YAML', eTag: sha256.slice(0, 32) } };
    }
    return resolved
      ? { revisionType: 'String', string: { content: lambda.appSpec, sha256 } }
      : { revisionType: 'AppSpecContent', appSpecContent: { content: lambda.appSpec, sha256 } };
  }

  private getApplicationRevision(input: Record<string, any>): unknown {
    const deployment = [...this.deployments.values()].find((d) => d.script.lambda?.registered
      && JSON.stringify(this.lambdaRevision(d.script.lambda, false)) === JSON.stringify(input.revision));
    if (!deployment) throw new ServiceError('RevisionDoesNotExistException', 'The named revision does not exist with the application.');
    return {
      applicationName: input.applicationName,
      revision: this.lambdaRevision(deployment.script.lambda!, true),
      revisionInfo: { registerTime: deployment.createTime, firstUsedTime: deployment.createTime, lastUsedTime: deployment.createTime },
    };
  }

  /** CodeDeploy takes one verdict per hook execution, while the event and the deployment run (API reference, PutLifecycleEventHookExecutionStatus). */
  private putHookStatus(input: Record<string, any>): unknown {
    const deployment = this.get(input.deploymentId);
    const execution = this.hookExecutions.get(input.lifecycleEventHookExecutionId);
    if (!execution || execution.deploymentId !== deployment.deploymentId) {
      throw new ServiceError('InvalidLifecycleEventHookExecutionIdException', 'A lifecycle event hook is invalid.');
    }
    if (execution.status !== 'InProgress' || TERMINAL.includes(this.statusOf(deployment.deploymentId))) {
      execution.reports.push({ status: input.status, accepted: false });
      throw new ServiceError('LifecycleEventAlreadyCompletedException', 'An attempt to return the status of an already completed lifecycle event occurred.');
    }
    execution.status = input.status === 'Succeeded' ? 'Succeeded' : 'Failed';
    execution.reports.push({ status: input.status, accepted: true });
    return { lifecycleEventHookExecutionId: execution.executionId };
  }

  private listTargets(input: Record<string, any>): unknown {
    const deployment = this.get(input.deploymentId);
    if (deployment.driven) {
      const wanted: string[] | undefined = input.targetFilters?.TargetStatus;
      const targets = deployment.driven.lambdaTarget
        ? [{ id: deployment.driven.lambdaTarget.targetId, status: lambdaTargetStatus(deployment.driven.lambdaTarget.events) }]
        : (deployment.driven.instances ?? []).map((instance) => ({ id: instance.instanceId, status: instance.status }));
      return { targetIds: targets.filter((target) => !wanted || wanted.includes(target.status)).map((target) => target.id) };
    }
    if (deployment.script.lambda) return { targetIds: [`${deployment.script.lambda.functionName}:${deployment.script.lambda.alias}`] };
    const wantsFailed = (input.targetFilters?.TargetStatus ?? []).includes('Failed');
    const instance = deployment.script.failedInstance;
    return { targetIds: instance && wantsFailed ? [instance.instanceId] : [] };
  }

  private batchGetTargets(input: Record<string, any>): unknown {
    const deployment = this.get(input.deploymentId);
    // BatchGetDeploymentTargets reads at most 25 targets (API reference, targetIds).
    if ((input.targetIds as string[]).length > 25) throw new ServiceError('InstanceLimitExceededException', 'The maximum number of targets that can be retrieved is 25.');
    if (deployment.driven) return { deploymentTargets: this.drivenTargets(deployment, deployment.driven, input.targetIds) };
    if (deployment.script.lambda) return { deploymentTargets: [this.lambdaTarget(deployment)] };
    const instance = deployment.script.failedInstance;
    if (!instance || !(input.targetIds as string[]).includes(instance.instanceId)) return { deploymentTargets: [] };
    const now = this.clock.now() / 1000;
    return {
      deploymentTargets: [{
        deploymentTargetType: 'InstanceTarget',
        instanceTarget: {
          deploymentId: deployment.deploymentId,
          targetId: instance.instanceId,
          targetArn: `arn:aws:ec2:us-east-1:123456789012:instance/${instance.instanceId}`,
          status: 'Failed',
          lastUpdatedAt: now,
          lifecycleEvents: [
            { lifecycleEventName: 'ApplicationStop', status: 'Succeeded', startTime: now, endTime: now, diagnostics: { errorCode: 'Success', message: 'Succeeded' } },
            {
              lifecycleEventName: instance.lifecycleEventName,
              status: 'Failed',
              startTime: now,
              endTime: now,
              diagnostics: { errorCode: 'ScriptFailed', scriptName: instance.scriptName, message: 'Script at specified location: scripts/validate.sh run as user root failed with exit code 1', logTail: instance.logTail },
            },
          ],
        },
      }],
    };
  }

  /** A Lambda deployment's one target: its lifecycle events with the status their hooks left. */
  private lambdaTarget(deployment: Deployment): Record<string, unknown> {
    const lambda = deployment.script.lambda!;
    const executions = [...this.hookExecutions.values()].filter((e) => e.deploymentId === deployment.deploymentId);
    const reached = executions.length === 0 ? -1 : Math.max(...executions.map((e) => LAMBDA_LIFECYCLE_EVENTS.indexOf(e.lifecycleEvent)));
    const now = this.clock.now() / 1000;
    return {
      deploymentTargetType: 'LambdaTarget',
      lambdaTarget: {
        deploymentId: deployment.deploymentId,
        targetId: `${lambda.functionName}:${lambda.alias}`,
        targetArn: `arn:aws:lambda:us-east-1:123456789012:function:${lambda.functionName}:${lambda.alias}`,
        status: 'InProgress',
        lastUpdatedAt: now,
        lifecycleEvents: LAMBDA_LIFECYCLE_EVENTS.map((name, index) => {
          const execution = executions.find((e) => e.lifecycleEvent === name);
          const status = execution?.status ?? (index < reached ? 'Succeeded' : 'Pending');
          return { lifecycleEventName: name, status, ...(status !== 'Pending' ? { startTime: now } : {}) };
        }),
        lambdaFunctionInfo: {
          functionName: lambda.functionName, functionAlias: lambda.alias, currentVersion: lambda.currentVersion, targetVersion: lambda.targetVersion,
        },
      },
    };
  }

  private drivenInfo(deployment: Deployment, driven: DrivenDeployment): Record<string, unknown> {
    const instances = driven.instances ?? [];
    const count = (status: string) => instances.filter((instance) => instance.status === status).length;
    return {
      applicationName: deployment.applicationName,
      deploymentGroupName: deployment.deploymentGroupName,
      deploymentId: deployment.deploymentId,
      status: driven.status,
      computePlatform: driven.computePlatform,
      deploymentConfigName: driven.deploymentConfigName,
      createTime: driven.createTime,
      creator: deployment.rollbackTriggeringDeploymentId ? 'codeDeployRollback' : 'user',
      ...(driven.completeTime !== undefined ? { completeTime: driven.completeTime } : {}),
      ...(driven.errorInformation ? { errorInformation: driven.errorInformation } : {}),
      ...(driven.appSpec ? { revision: { revisionType: 'AppSpecContent', appSpecContent: { content: driven.appSpec, sha256: createHash('sha256').update(driven.appSpec).digest('hex') } } } : {}),
      ...(driven.computePlatform === 'Server' ? {
        deploymentOverview: {
          Pending: count('Pending'), InProgress: count('InProgress'), Succeeded: count('Succeeded'), Failed: count('Failed'), Skipped: count('Skipped'), Ready: count('Ready'),
        },
      } : {}),
      ...(deployment.rollbackDeploymentId || deployment.rollbackTriggeringDeploymentId ? {
        rollbackInfo: {
          ...(deployment.rollbackDeploymentId ? { rollbackDeploymentId: deployment.rollbackDeploymentId } : {}),
          ...(deployment.rollbackTriggeringDeploymentId ? { rollbackTriggeringDeploymentId: deployment.rollbackTriggeringDeploymentId } : {}),
        },
      } : {}),
    };
  }

  private drivenTargets(deployment: Deployment, driven: DrivenDeployment, targetIds: string[]): unknown[] {
    const now = this.clock.now() / 1000;
    if (driven.lambdaTarget) {
      const target = driven.lambdaTarget;
      if (!targetIds.includes(target.targetId)) return [];
      return [{
        deploymentTargetType: 'LambdaTarget',
        lambdaTarget: {
          deploymentId: deployment.deploymentId,
          targetId: target.targetId,
          targetArn: `arn:aws:lambda:us-east-1:123456789012:function:${target.targetId}`,
          status: lambdaTargetStatus(target.events),
          lastUpdatedAt: now,
          lifecycleEvents: target.events.map((event) => ({ ...event })),
        },
      }];
    }
    return (driven.instances ?? []).filter((instance) => targetIds.includes(instance.instanceId)).map((instance) => ({
      deploymentTargetType: 'InstanceTarget',
      instanceTarget: {
        deploymentId: deployment.deploymentId,
        targetId: instance.instanceId,
        targetArn: `arn:aws:ec2:us-east-1:123456789012:instance/${instance.instanceId}`,
        status: instance.status,
        lastUpdatedAt: now,
        ...(instance.label ? { instanceLabel: instance.label } : {}),
        lifecycleEvents: instance.events.map((event) => ({ ...event })),
      },
    }));
  }

  private getConfig(name: string): unknown {
    const config = this.configs.get(name) ?? predefinedConfig(name);
    if (!config) throw new ServiceError('DeploymentConfigDoesNotExistException', `No deployment configuration found for name: ${name}`);
    return { deploymentConfigInfo: { deploymentConfigId: `e2e-${name.length}`, deploymentConfigName: name, createTime: 1_700_000_000, ...config } };
  }

  private continueDeployment(input: Record<string, any>): unknown {
    const deployment = this.get(input.deploymentId);
    const driven = deployment.driven;
    if (!driven || driven.status !== 'Ready') {
      throw new ServiceError('DeploymentIsNotInReadyStateException', `The deployment ${input.deploymentId} is not in a ready state`);
    }
    driven.onContinue?.(input.deploymentWaitType ?? 'READY_WAIT');
    return {};
  }

  private createGroup(input: Record<string, any>): unknown {
    if (this.groups.has(key(input.applicationName, input.deploymentGroupName))) {
      throw new ServiceError('DeploymentGroupAlreadyExistsException', `A deployment group named ${input.deploymentGroupName} already exists`);
    }
    const { applicationName, deploymentGroupName, ...rest } = input;
    return { deploymentGroupId: this.addGroup(applicationName, deploymentGroupName, rest).deploymentGroupId };
  }

  private updateGroup(input: Record<string, any>): unknown {
    const group = this.group(input.applicationName, input.currentDeploymentGroupName);
    const { applicationName: _a, currentDeploymentGroupName: _c, newDeploymentGroupName: _n, ...rest } = input;
    group.info = { ...group.info, ...rest };
    return { hooksNotCleanedUp: [] };
  }

  private deleteGroup(input: Record<string, any>): unknown {
    this.group(input.applicationName, input.deploymentGroupName);
    this.groups.delete(key(input.applicationName, input.deploymentGroupName));
    return { hooksNotCleanedUp: [] };
  }

  private groupInfo(group: GroupState): Record<string, unknown> {
    const { autoScalingGroups, ...rest } = group.info as { autoScalingGroups?: string[] };
    return {
      ...rest,
      applicationName: group.applicationName,
      deploymentGroupName: group.deploymentGroupName,
      deploymentGroupId: group.deploymentGroupId,
      autoScalingGroups: (autoScalingGroups ?? []).map((name) => ({ name, hook: `CodeDeploy-managed-automatic-launch-deployment-hook-${group.deploymentGroupName}` })),
      computePlatform: (group.info.computePlatform as string | undefined) ?? 'Server',
    };
  }

  private group(applicationName: string, deploymentGroupName: string): GroupState {
    const group = this.groups.get(key(applicationName, deploymentGroupName));
    if (!group) throw new ServiceError('DeploymentGroupDoesNotExistException', `No Deployment Group found for name: ${deploymentGroupName}`);
    return group;
  }

  private get(deploymentId: string): Deployment {
    const deployment = this.deployments.get(deploymentId);
    if (!deployment) throw new ServiceError('DeploymentDoesNotExistException', `The deployment ${deploymentId} could not be found.`);
    return deployment;
  }
}

/** A Lambda target's status from its lifecycle events: Failed on a failed event, Succeeded when all are done, else InProgress. */
function lambdaTargetStatus(events: DrivenEvent[]): string {
  if (events.some((event) => event.status === 'Failed')) return 'Failed';
  if (events.every((event) => event.status === 'Succeeded' || event.status === 'Skipped')) return 'Succeeded';
  return events.some((event) => event.status !== 'Pending') ? 'InProgress' : 'Pending';
}

function key(applicationName: string, deploymentGroupName: string): string {
  return `${applicationName}/${deploymentGroupName}`;
}
