import { MAX_NAME_LENGTH } from './group-input';

/**
 * The custom resource's physical id is the deployment group's name. A Create that failed before
 * CodeDeploy created the group answers a placeholder instead, which the Delete that follows skips.
 */

/** The physical id of a group that was never created: `<LogicalResourceId>-not-created`. */
export function notCreatedId(logicalResourceId: string): string {
  return `${logicalResourceId}-not-created`;
}

/**
 * Whether a Delete's physical id may name a deployment group this resource created: not the
 * placeholder (unless the template really named the group so) and a valid deployment group name.
 */
export function mayNameCreatedGroup(physicalResourceId: string, logicalResourceId: string, templateGroupName: string | undefined): boolean {
  if (physicalResourceId.length === 0 || physicalResourceId.length > MAX_NAME_LENGTH) return false;
  return physicalResourceId !== notCreatedId(logicalResourceId) || physicalResourceId === templateGroupName;
}
