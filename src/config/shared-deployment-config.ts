import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { defaultDeploymentConfigName } from './deployment-config-name';

/** A custom deployment config shape, as the stack-wide de-duplication sees it. */
interface ConfigShape {
  /** Identifies the shape, e.g. `LambdaCanary5Percent15Minutes`; part of the construct id and default name. */
  readonly shapeId: string;
  /** The name the user chose, if any. */
  readonly deploymentConfigName?: string;
}

/** Prefix of the construct id of every shared config, directly under its stack. */
const CONSTRUCT_ID_PREFIX = 'DeploymentConfig';

/** Per stack, the construct id of the shared config that took each deployment config name. */
const NAMES_IN_USE = new WeakMap<Stack, Map<string, string>>();

/**
 * Returns the one config of this shape in the scope's stack, creating it on first use, so every
 * rollout in a stack that asks for the same shape shares one `AWS::CodeDeploy::DeploymentConfig`.
 */
export function sharedDeploymentConfig<T extends IConstruct>(
  scope: IConstruct,
  shape: ConfigShape,
  create: (stack: Stack, id: string, deploymentConfigName: string) => T,
): T {
  const stack = Stack.of(scope);
  // A chosen name becomes part of the id: the same shape under two names is two configs.
  const id = `${CONSTRUCT_ID_PREFIX}${shape.shapeId}${shape.deploymentConfigName ? `-${shape.deploymentConfigName}` : ''}`;
  const existing = stack.node.tryFindChild(id);
  if (existing) {
    return existing as T;
  }
  const name = shape.deploymentConfigName ?? defaultDeploymentConfigName(stack, shape.shapeId);
  const names = NAMES_IN_USE.get(stack) ?? new Map<string, string>();
  NAMES_IN_USE.set(stack, names);
  const holder = names.get(name);
  if (holder) {
    throw new Error(`deploymentConfigName '${name}' of ${scope.node.path} is already used in stack ${stack.stackName} by a different deployment config shape (${holder}); choose another name`);
  }
  names.set(name, id);
  return create(stack, id, name);
}
