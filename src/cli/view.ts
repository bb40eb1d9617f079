import type { TrafficSchedule } from './deployment-config';
import type { Rollout, StackState } from './discovery';

/** What every output mode draws from: the state of the watched stacks, rollouts and deployments at one moment. */
export interface Snapshot {
  /** When it was read (epoch ms). */
  readonly time: number;
  readonly stacks: StackState[];
  readonly rollouts: RolloutView[];
  /** Stack-level facts: rollouts skipped, polling slowed down by throttling. */
  readonly notes: string[];
}

export interface RolloutView {
  readonly rollout: Rollout;
  /** The deployments followed so far, oldest first (rollbacks follow the deployment they undo). */
  readonly deployments: DeploymentView[];
  /** The deployment group's alarms and their states (empty while nothing is deploying). */
  readonly alarms: AlarmView[];
}

export interface AlarmView {
  readonly name: string;
  /** OK, ALARM, INSUFFICIENT_DATA, or `unknown` when the alarm does not exist. */
  readonly state: string;
}

export interface DeploymentView {
  readonly id: string;
  readonly status: string;
  /** Made by CodeDeploy to roll back another deployment. */
  readonly rollbackOf?: string;
  /** The deployment CodeDeploy made to roll this one back. */
  readonly rollbackDeploymentId?: string;
  readonly createdAt?: number;
  readonly completedAt?: number;
  readonly configName?: string;
  /** Done share of the deployment, 0 to 1: traffic moved (Lambda), instances done (servers). */
  readonly progress: number;
  readonly error?: { readonly code: string; readonly message: string };
  readonly lambda?: LambdaView;
  readonly server?: ServerView;
  readonly diagnosis?: Diagnosis;
}

export interface LambdaView {
  readonly functionName: string;
  readonly alias: string;
  readonly currentVersion: string;
  readonly targetVersion: string;
  /** The new version's share of the alias's traffic, 0 to 1. */
  readonly share: number;
  readonly schedule?: TrafficSchedule;
  /** Shifts made so far (1 after a canary's first shift). */
  readonly shiftsDone: number;
  /** When the next shift is due (epoch ms), while traffic is shifting. */
  readonly nextShiftAt?: number;
  /** CodeDeploy's lifecycle events of the function and their statuses, in order. */
  readonly events: Array<{ readonly name: string; readonly status: string }>;
  readonly hook?: HookView;
  readonly evidence?: Evidence;
}

/** What the library's hook (or the user's own) is doing. */
export interface HookView {
  readonly event: string;
  readonly status: string;
  /** `smoke test`, `bake`, `version pruning`, or `hook` for a hook that is not the library's. */
  readonly step: string;
  /** The bake's end (epoch ms), while it bakes. */
  readonly bakeEndsAt?: number;
}

/**
 * The guard's evidence, read with the error-rate alarm's own metric math (the same queries, over
 * its period): requests and failures of each version, the rate difference, and the z-score the
 * alarm compares with its threshold.
 */
export interface Evidence {
  readonly alarmName: string;
  readonly periodSeconds: number;
  /** The end of the period read (epoch ms). */
  readonly windowEnd: number;
  readonly newRequests: number;
  readonly newFailures: number;
  readonly oldRequests: number;
  readonly oldFailures: number;
  /** New rate minus old rate, when both versions had requests. */
  readonly difference?: number;
  /** The alarm expression's value (0 while the evidence is too thin to judge). */
  readonly z?: number;
  readonly threshold?: number;
}

export interface ServerView {
  readonly total: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly inProgress: number;
  readonly pending: number;
  readonly skipped: number;
  /** Instances not taken offline nor failed (CodeDeploy User Guide, "CodeDeploy instance health"); blue/green: replacement instances installed. */
  readonly healthy: number;
  /** Blue/green: the number of replacement (Green) instances, which the minimum applies to. */
  readonly replacement?: number;
  readonly minimumHealthy?: { readonly count: number; readonly description: string };
  readonly instances: InstanceView[];
  /** A blue/green deployment whose replacement is ready and waits for traffic to be rerouted (status Ready). */
  readonly waitingForReroute: boolean;
}

export interface InstanceView {
  readonly id: string;
  readonly status: string;
  /** Blue or Green, in a blue/green deployment. */
  readonly label?: string;
  /** The lifecycle event it is in (or the last it ran), and that event's status. */
  readonly event?: string;
  readonly eventStatus?: string;
}

/** Why a deployment failed, from the alarm, the hook's log or the failed instance, with console links. */
export interface Diagnosis {
  readonly summary: string;
  readonly alarms: AlarmDiagnosis[];
  readonly hookLog?: { readonly logGroup: string; readonly lines: string[] };
  readonly instance?: InstanceFailure;
  readonly links: Array<{ readonly label: string; readonly url: string }>;
}

export interface AlarmDiagnosis {
  readonly name: string;
  /** When it went into ALARM (epoch ms), from its history. */
  readonly alarmAt?: number;
  readonly reason?: string;
  readonly threshold?: number;
  readonly comparison?: string;
  /** The alarm's value per period around the stop, and (error-rate alarms) the counts behind it. */
  readonly datapoints: Array<{ readonly time: number; readonly value?: number; readonly detail?: string }>;
}

export interface InstanceFailure {
  readonly instanceId: string;
  readonly event?: string;
  readonly script?: string;
  readonly errorCode?: string;
  readonly message?: string;
  readonly logTail?: string;
}

/** Final states of a deployment (CodeDeploy API reference, DeploymentInfo `status`). */
const FINAL_STATUSES: ReadonlySet<string> = new Set(['Succeeded', 'Failed', 'Stopped']);

export function isFinal(status: string): boolean {
  return FINAL_STATUSES.has(status);
}
