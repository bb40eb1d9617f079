import type { UpdateDeploymentGroupInput } from '@aws-sdk/client-codedeploy';
import type { GroupInput } from './group-input';

/**
 * UpdateDeploymentGroup changes only what it is given: a field left out keeps its current value
 * (API reference, UpdateDeploymentGroup: "To keep the Auto Scaling groups, enter their names or do
 * not specify this parameter. To remove Auto Scaling groups, specify a non-null empty list";
 * https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_UpdateDeploymentGroup.html).
 * So every field the template no longer sets is sent with its cleared value: what CodeDeploy uses
 * when a group is created without it. BlueGreenDeploymentConfiguration has no cleared value (it only
 * applies to BLUE_GREEN groups, which always set it) and is left out when absent.
 */
const CLEARED_FIELDS = {
  /** CodeDeploy's default configuration "if a configuration isn't specified for the deployment or deployment group". */
  deploymentConfigName: 'CodeDeployDefault.OneAtATime',
  autoScalingGroups: [],
  triggerConfigurations: [],
  alarmConfiguration: { enabled: false, ignorePollAlarmFailure: false, alarms: [] },
  autoRollbackConfiguration: { enabled: false, events: [] },
  outdatedInstancesStrategy: 'UPDATE',
  deploymentStyle: { deploymentType: 'IN_PLACE', deploymentOption: 'WITHOUT_TRAFFIC_CONTROL' },
  loadBalancerInfo: {},
  terminationHookEnabled: false,
} as const satisfies Partial<UpdateDeploymentGroupInput>;

/** The UpdateDeploymentGroup request that makes the live group `currentName` what the template says. */
export function updateInput(currentName: string, template: GroupInput, autoScalingGroups: string[]): UpdateDeploymentGroupInput {
  const { deploymentGroupName: _name, ...fields } = template;
  const cleared = JSON.parse(JSON.stringify(CLEARED_FIELDS)) as Partial<UpdateDeploymentGroupInput>;
  const set = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<UpdateDeploymentGroupInput>;
  return {
    ...cleared,
    ...set,
    applicationName: template.applicationName,
    currentDeploymentGroupName: currentName,
    autoScalingGroups,
  };
}
