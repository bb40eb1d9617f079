import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import { AgentInstallation } from './agent-installation';
import { Problems } from '../private/validation';

/**
 * An Auto Scaling group built from a launch template exposes the template's instance role and
 * user data only if the template has them; aws-cdk-lib throws "The provided launch template does
 * not expose or does not define its role" (or "its user data") when the rollout reaches for them,
 * without saying what to do. The rollout needs the role of every group defined in the app (to let
 * its instances read the revisions, and for the Systems Manager agent policy) and, with
 * `AgentInstallation.userData()`, the user data: name the group and the fix instead.
 *
 * @param offset the index of the first of `groups` among the rollout's groups, for the messages
 */
export function checkLaunchTemplates(
  problems: Problems, groups: readonly autoscaling.IAutoScalingGroup[], agent: AgentInstallation, offset = 0,
): void {
  groups.forEach((group, index) => {
    const i = offset + index;
    if (!(group instanceof autoscaling.AutoScalingGroup)) {
      return;
    }
    if (!exposes(() => group.role)) {
      problems.add(`autoScalingGroups[${i}] ${group.node.path} is built from a launch template without an instance role, and the rollout grants `
        + 'the instances read access to the revisions: create its ec2.LaunchTemplate with a role '
        + "(role: new iam.Role(scope, 'InstanceRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') })), "
        + 'or import the group (AutoScalingGroup.fromAutoScalingGroupName) and grant its instance role yourself');
    }
    if (agent._method === 'UserData' && !exposes(() => group.userData)) {
      problems.add(`autoScalingGroups[${i}] ${group.node.path} is built from a launch template without user data, and AgentInstallation.userData() `
        + 'adds to it: create its ec2.LaunchTemplate with userData (ec2.UserData.forLinux()), or use AgentInstallation.systemsManager()');
    }
  });
}

/** Whether aws-cdk-lib's getter returns a value rather than throwing. */
function exposes(getter: () => unknown): boolean {
  try {
    return getter() !== undefined;
  } catch {
    return false;
  }
}
