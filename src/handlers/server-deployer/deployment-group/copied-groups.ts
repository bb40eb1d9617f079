import type { DeploymentGroupInfo } from '@aws-sdk/client-codedeploy';
import { copiedAutoScalingGroupPrefix } from '../../../contract/deployment-group';

/**
 * The Auto Scaling groups CodeDeploy copies for blue/green deployments (GreenFleetProvisioningOption
 * COPY_AUTO_SCALING_GROUP). After such a deployment the deployment group points at the copy
 * (`CodeDeploy_<group>_<deployment id>`), and the group the template names may be gone.
 */

/** The names of the Auto Scaling groups the live deployment group points at. */
export function liveAutoScalingGroups(group: DeploymentGroupInfo): string[] {
  return (group.autoScalingGroups ?? []).map((asg) => asg.name).filter((name): name is string => typeof name === 'string');
}

/** Whether CodeDeploy created this Auto Scaling group for a deployment of this deployment group. */
function isCopiedAutoScalingGroup(autoScalingGroupName: string, deploymentGroupName: string): boolean {
  return autoScalingGroupName.startsWith(copiedAutoScalingGroupPrefix(deploymentGroupName));
}

/**
 * The copies among the live deployment group's Auto Scaling groups: the ones a Delete removes.
 * A group the template names is never one of them, whatever its name.
 */
export function copiedAutoScalingGroups(live: readonly string[], deploymentGroupName: string, templateGroups: readonly string[] = []): string[] {
  return live.filter((name) => isCopiedAutoScalingGroup(name, deploymentGroupName) && !templateGroups.includes(name));
}

/** What an update sends as `autoScalingGroups`, and whether the live copies were kept. */
interface AutoScalingGroupsChoice {
  readonly autoScalingGroups: string[];
  readonly keptCopies: boolean;
}

/**
 * The Auto Scaling groups to send on update. When every live group is a copy, the deployment group
 * has been through a blue/green deployment and the live list is the fleet: it is kept, unless the
 * template's own list changed since the last update (the user pointed the rollout at another fleet).
 */
export function chooseAutoScalingGroups(
  template: readonly string[], oldTemplate: readonly string[] | undefined, live: readonly string[], deploymentGroupName: string,
): AutoScalingGroupsChoice {
  const allCopies = live.length > 0 && live.every((name) => isCopiedAutoScalingGroup(name, deploymentGroupName));
  const templateChanged = oldTemplate !== undefined && !sameNames(template, oldTemplate);
  if (allCopies && !templateChanged && !sameNames(template, live)) {
    return { autoScalingGroups: [...live], keptCopies: true };
  }
  return { autoScalingGroups: [...template], keptCopies: false };
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().every((name, i) => name === [...b].sort()[i]);
}
