/**
 * CodeDeploy deployment ids are `d-` followed by nine upper-case letters and digits
 * (for example `d-A1B2C3111` in https://docs.aws.amazon.com/cli/latest/reference/deploy/list-deployment-targets.html).
 */
const DEPLOYMENT_ID = /^d-[A-Z0-9]{9}$/;

/** Whether a physical resource id names a CodeDeploy deployment (rather than a resource that never deployed). */
export function isDeploymentId(value: string | undefined): value is string {
  return value !== undefined && DEPLOYMENT_ID.test(value);
}

/**
 * The physical id of a resource whose Create failed before CodeDeploy created a deployment. It is
 * stable and never looks like a deployment id, so the Delete that follows does nothing.
 */
export function notDeployedId(logicalResourceId: string): string {
  return `${logicalResourceId}-not-deployed`;
}
