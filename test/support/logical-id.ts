import { CfnElement, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** The construct at `path` (ids joined by `/`) below `stack`. */
export function findConstruct(stack: Stack, path: string): IConstruct {
  return path.split('/').reduce<IConstruct>((construct, id) => construct.node.findChild(id), stack);
}

/** The logical id of the resource at `path` below `stack`: the construct's own, or its default child's. */
export function logicalId(stack: Stack, path: string): string {
  const construct = findConstruct(stack, path);
  return stack.getLogicalId((construct.node.defaultChild ?? construct) as CfnElement);
}

/**
 * The paths of the `HealthCheck.metric` alarms of the rollout at `rolloutPath`, in the order the
 * rollout created them (their ids are derived from what each check watches, not from a position).
 */
export function metricAlarmPaths(stack: Stack, rolloutPath: string): string[] {
  return findConstruct(stack, rolloutPath).node.children
    .filter((child) => /^MetricAlarm[0-9A-F]{8}$/.test(child.node.id))
    .map((child) => `${rolloutPath}/${child.node.id}`);
}
