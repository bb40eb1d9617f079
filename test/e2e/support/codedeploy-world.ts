import type { ScaledClock } from './lambda-runtime';

/**
 * The CodeDeploy the emulator plays: deployment groups, deployments whose statuses follow a script
 * (one status per GetDeployment of that deployment, the last one kept), CodeDeploy's one-deployment-
 * at-a-time rule per group, stops and automatic rollbacks. Values are in the JSON protocol's wire
 * form (timestamps in epoch seconds), and every answer is checked against the model's output shape
 * by the emulator.
 */

export type Status = 'Created' | 'Queued' | 'InProgress' | 'Baking' | 'Ready' | 'Succeeded' | 'Failed' | 'Stopped';
const TERMINAL: readonly Status[] = ['Succeeded', 'Failed', 'Stopped'];

/** A service error as the JSON protocol sends it. */
export class ServiceError extends Error {
  public constructor(public readonly code: string, message: string, public readonly status: number = 400) {
    super(message);
  }
}

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
}

export interface GroupState {
  readonly applicationName: string;
  readonly deploymentGroupName: string;
  readonly deploymentGroupId: string;
  info: Record<string, unknown>;
}

export const DEFAULT_SCRIPT: DeploymentScript = { statuses: ['InProgress', 'Succeeded'] };

export class CodeDeployWorld {
  public readonly deployments = new Map<string, Deployment>();
  public readonly groups = new Map<string, GroupState>();
  /** Scripts for the next deployments CreateDeployment makes, in order; then `DEFAULT_SCRIPT`. */
  public readonly scripts: DeploymentScript[] = [];
  private counter = 0;

  public constructor(private readonly clock: ScaledClock) {}

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

  /** The deployments of a group the handler or a scenario created (CodeDeploy's rollbacks left out), oldest first. */
  public deploymentsOf(applicationName: string, deploymentGroupName: string): string[] {
    return [...this.deployments.values()]
      .filter((d) => d.applicationName === applicationName && d.deploymentGroupName === deploymentGroupName && !d.rollbackTriggeringDeploymentId)
      .map((d) => d.deploymentId);
  }

  /** The status a deployment has now (without counting a poll). */
  public statusOf(deploymentId: string): Status {
    const deployment = this.get(deploymentId);
    if (deployment.final) return deployment.final;
    if (deployment.polls === 0) return 'Created';
    return deployment.script.statuses[Math.min(deployment.polls - 1, deployment.script.statuses.length - 1)];
  }

  public handle(operation: string, input: Record<string, any>): unknown {
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
      default: throw new ServiceError('UnknownOperationException', `${operation} is not emulated`);
    }
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

  private listTargets(input: Record<string, any>): unknown {
    const deployment = this.get(input.deploymentId);
    const wantsFailed = (input.targetFilters?.TargetStatus ?? []).includes('Failed');
    const instance = deployment.script.failedInstance;
    return { targetIds: instance && wantsFailed ? [instance.instanceId] : [] };
  }

  private batchGetTargets(input: Record<string, any>): unknown {
    const deployment = this.get(input.deploymentId);
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
      computePlatform: 'Server',
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

function key(applicationName: string, deploymentGroupName: string): string {
  return `${applicationName}/${deploymentGroupName}`;
}
