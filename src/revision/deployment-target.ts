import { Stack } from 'aws-cdk-lib';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { LibraryFunctionOptions } from '../functions/library-function-options';

/**
 * What a `ServerRollout` knows about its deployment group that the group's interface does not
 * carry. A `RevisionDeployment` reads it for a rollout's group; a group from anywhere else (an
 * aws-cdk-lib `ServerDeploymentGroup`, an imported one) has none, and the deployment falls back to
 * what holds for any group.
 *
 * The rollout registers it here, below both constructs, so that revisions know no rollout class
 * (the layers of docs/ARCHITECTURE.md).
 */
interface RolloutTarget {
  /** The construct whose resources every deployment to the group waits for (the rollout). */
  readonly owner: IConstruct;
  /** Whether instances are taken out of a load balancer while they are updated. */
  readonly withTrafficControl: boolean;
  /** Whether the rollout rolls back a deployment stopped on request. */
  readonly rollbackOnStop: boolean;
  /** Minutes a blue/green deployment waits on its own (approval and termination); undefined in place. */
  readonly blueGreenWaitMinutes?: number;
  /** The server deployer options the rollout asks for. */
  readonly deployerOptions?: LibraryFunctionOptions;
  /** Lets the rollout's instance roles read one revision object (and its versions). */
  grantRevisionRead(objectArn: string, key?: kms.IKey): void;
}

const targets = new WeakMap<codedeploy.IServerDeploymentGroup, RolloutTarget>();

/** The rollouts of each stack, by their deployment group's resolved ARN. */
const targetsByArn = new WeakMap<Stack, Map<string, RolloutTarget>>();

/** Registers the rollout that owns `group`. */
export function registerRolloutTarget(group: codedeploy.IServerDeploymentGroup, target: RolloutTarget): void {
  targets.set(group, target);
  const stack = Stack.of(group);
  const byArn = targetsByArn.get(stack) ?? new Map<string, RolloutTarget>();
  targetsByArn.set(stack, byArn);
  byArn.set(groupKey(stack, group), target);
}

/**
 * The rollout that owns `group`, if a `ServerRollout` does: `group` is the rollout's
 * `deploymentGroup`, or a handle imported in the same stack that resolves to the same ARN (e.g.
 * `ServerDeploymentGroup.fromServerDeploymentGroupAttributes` with the rollout's `application` and
 * `deploymentGroup.deploymentGroupName`), which would otherwise lose the rollout's settings.
 */
export function rolloutTargetOf(group: codedeploy.IServerDeploymentGroup): RolloutTarget | undefined {
  const stack = Stack.of(group);
  return targets.get(group) ?? targetsByArn.get(stack)?.get(groupKey(stack, group));
}

/** A deployment group as its stack resolves its ARN: two handles of one group are one key. */
function groupKey(stack: Stack, group: codedeploy.IServerDeploymentGroup): string {
  return JSON.stringify(stack.resolve(group.deploymentGroupArn));
}

/** The revision deployment of each deployment group of a stack, by the group's resolved ARN. */
const deploymentsByGroup = new WeakMap<Stack, Map<string, string>>();

/**
 * Claims `group` for the revision deployment at `path`; returns the path of the deployment that
 * claimed it first, if one did. Groups are told apart by their resolved ARN, so two imports of
 * the same group are one group.
 */
export function claimDeploymentGroup(scope: IConstruct, group: codedeploy.IServerDeploymentGroup, path: string): string | undefined {
  const stack = Stack.of(scope);
  const claims = deploymentsByGroup.get(stack) ?? new Map<string, string>();
  deploymentsByGroup.set(stack, claims);
  const key = groupKey(stack, group);
  const first = claims.get(key);
  if (first === undefined) {
    claims.set(key, path);
  }
  return first;
}
