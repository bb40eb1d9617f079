import { errorParts, fixed, ReasonPart, trimmable } from '../reason-fit';

/** The FAILED Reasons of the deployment group custom resource; names are fixed parts, messages trimmable. */

/** What the handler was doing when CodeDeploy refused. */
type GroupAction = 'create' | 'update' | 'delete';

/** `Invalid CodeDeploy deployment group properties: DeploymentGroup.X ...; DeploymentGroup.Y ...` */
export function invalidPropertiesReason(problems: readonly string[]): ReasonPart[] {
  return [fixed('Invalid CodeDeploy deployment group properties: '), trimmable(problems.join('; '))];
}

/** `Could not create CodeDeploy deployment group G of application A: Name: message` */
export function groupFailedReason(action: GroupAction, deploymentGroupName: string, applicationName: string, err: unknown): ReasonPart[] {
  return [fixed(`Could not ${action} CodeDeploy deployment group ${deploymentGroupName} of application ${applicationName}: `), ...errorParts(err)];
}

/**
 * `Could not update CodeDeploy deployment group G of application B: it belongs to application A, and a deployment group
 * moves to another application only under a new DeploymentGroupName`
 */
export function applicationChangedReason(deploymentGroupName: string, oldApplicationName: string, applicationName: string): ReasonPart[] {
  return [fixed(`Could not update CodeDeploy deployment group ${deploymentGroupName} of application ${applicationName}: `
    + `it belongs to application ${oldApplicationName}, and a deployment group moves to another application only under a new DeploymentGroupName`)];
}

/** `Internal error in the CodeDeploy deployment group handler: Name: message` */
export function groupInternalErrorReason(err: unknown): ReasonPart[] {
  return [fixed('Internal error in the CodeDeploy deployment group handler: '), ...errorParts(err)];
}
