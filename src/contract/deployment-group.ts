/**
 * What a blue/green `ServerRollout` sends the custom resource that manages its deployment group
 * (CloudFormation creates EC2 blue/green deployment groups for no platform but Lambda), and what
 * the handler returns. Shared by both sides (the handler is bundled from src/handlers/), so it
 * imports nothing.
 */

/**
 * The custom resource type of a deployment group the library manages itself. Its one property
 * (besides `ServiceToken`), `DeploymentGroup`, holds the group in the shape and with the property
 * names of `AWS::CodeDeploy::DeploymentGroup`, so that rules reading deployment groups
 * (CodeDeployChecks) read it too; CloudFormation passes every leaf as a string. The construct
 * writes it (server/blue-green.ts), the handler reads the fields it supports
 * (handlers/server-deployer/deployment-group/group-input.ts) and refuses any other.
 */
export const DEPLOYMENT_GROUP_RESOURCE_TYPE = 'Custom::CodeDeployServerDeploymentGroup';

/**
 * What a value of the custom resource's properties must be. CloudFormation passes every leaf as a
 * string; the handler coerces booleans and integers.
 */
export type PropertyShape =
  | { readonly kind: 'string' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'integer' }
  | { readonly kind: 'list'; readonly of: PropertyShape }
  | { readonly kind: 'object'; readonly fields: Readonly<Record<string, PropertyShape>>; readonly required?: readonly string[] };

const STRING: PropertyShape = { kind: 'string' };
const BOOLEAN: PropertyShape = { kind: 'boolean' };
const INTEGER: PropertyShape = { kind: 'integer' };
const list = (of: PropertyShape): PropertyShape => ({ kind: 'list', of });
const object = (fields: Record<string, PropertyShape>, required?: string[]): PropertyShape => ({ kind: 'object', fields, required });
/** `[{ Name }]`: load balancers, target groups, alarms. */
const NAMES = list(object({ Name: STRING }, ['Name']));

/**
 * The custom resource's properties besides `ServiceToken`, field by field: what a blue/green
 * `ServerRollout` sends (no tag sets, ECS services, on-premises filters or tags). The handler reads
 * exactly these and refuses anything else; the rollout refuses a property override of anything
 * else at synth.
 */
export const DEPLOYMENT_GROUP_PROPERTIES_SHAPE: PropertyShape = object({
  DeploymentGroup: object({
    ApplicationName: STRING,
    DeploymentGroupName: STRING,
    ServiceRoleArn: STRING,
    DeploymentConfigName: STRING,
    AutoScalingGroups: list(STRING),
    LoadBalancerInfo: object({ ElbInfoList: NAMES, TargetGroupInfoList: NAMES }),
    DeploymentStyle: object({ DeploymentType: STRING, DeploymentOption: STRING }),
    BlueGreenDeploymentConfiguration: object({
      DeploymentReadyOption: object({ ActionOnTimeout: STRING, WaitTimeInMinutes: INTEGER }),
      GreenFleetProvisioningOption: object({ Action: STRING }),
      TerminateBlueInstancesOnDeploymentSuccess: object({ Action: STRING, TerminationWaitTimeInMinutes: INTEGER }),
    }),
    AlarmConfiguration: object({ Enabled: BOOLEAN, IgnorePollAlarmFailure: BOOLEAN, Alarms: NAMES }),
    AutoRollbackConfiguration: object({ Enabled: BOOLEAN, Events: list(STRING) }),
    TriggerConfigurations: list(object({ TriggerName: STRING, TriggerTargetArn: STRING, TriggerEvents: list(STRING) })),
    OutdatedInstancesStrategy: STRING,
    TerminationHookEnabled: BOOLEAN,
  }, ['ApplicationName', 'DeploymentGroupName', 'ServiceRoleArn']),
}, ['DeploymentGroup']);

/**
 * The prefix of the Auto Scaling groups CodeDeploy creates for a blue/green deployment that copies
 * the group: `CodeDeploy_<deployment group name>_<deployment id>` (CodeDeploy user guide, "How
 * CodeDeploy names Amazon EC2 Auto Scaling groups").
 */
export function copiedAutoScalingGroupPrefix(deploymentGroupName: string): string {
  return `CodeDeploy_${deploymentGroupName}_`;
}

/** Attributes the handler returns (`Fn::GetAtt`); the physical id is the deployment group's name. */
export const DEPLOYMENT_GROUP_ATTRIBUTE_ID = 'DeploymentGroupId';
