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
