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
 * The prefix of the Auto Scaling groups CodeDeploy creates for a blue/green deployment that copies
 * the group: `CodeDeploy_<deployment group name>_<deployment id>` (CodeDeploy user guide, "How
 * CodeDeploy names Amazon EC2 Auto Scaling groups").
 */
export function copiedAutoScalingGroupPrefix(deploymentGroupName: string): string {
  return `CodeDeploy_${deploymentGroupName}_`;
}

/** Attributes the handler returns (`Fn::GetAtt`); the physical id is the deployment group's name. */
export const DEPLOYMENT_GROUP_ATTRIBUTE_ID = 'DeploymentGroupId';
