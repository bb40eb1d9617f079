import { createHash } from 'crypto';
import { Names, Stack, Token } from 'aws-cdk-lib';
import { DEPLOYMENT_CONFIG_NAME } from '../private/codedeploy-limits';
import { Problems } from '../private/validation';

/**
 * Checks a user-chosen deployment config name against CodeDeploy's rules (see
 * `DEPLOYMENT_CONFIG_NAME` for the source of each rule).
 */
export function checkDeploymentConfigName(problems: Problems, prop: string, name: string): void {
  // The name is part of the shared config's construct id, so it must be known at synth time.
  problems.literal(prop, Token.isUnresolved(name));
  problems.text(prop, name, DEPLOYMENT_CONFIG_NAME);
  if (name.startsWith(DEPLOYMENT_CONFIG_NAME.reservedPrefix)) {
    problems.add(`${prop} must not start with '${DEPLOYMENT_CONFIG_NAME.reservedPrefix}' (reserved for CodeDeploy's predefined configs), got '${name}'`);
  }
}

/**
 * The name a shared config gets when the user does not choose one: the stack name and the shape,
 * e.g. `MyStack-LambdaCanary5Percent15Minutes`. Names are unique per account and Region, so the
 * stack name keeps two stacks with the same shape apart; the shape in the name lets a changed
 * shape create a new config instead of clashing with the old one during CloudFormation's replacement.
 */
export function defaultDeploymentConfigName(stack: Stack, shapeId: string): string {
  const stackPart = Token.isUnresolved(stack.stackName) ? Names.uniqueId(stack) : stack.stackName;
  const name = `${stackPart}-${shapeId}`;
  if (name.length <= DEPLOYMENT_CONFIG_NAME.maxLength) {
    return name;
  }
  // Too long: keep as much of the stack name as fits, and a hash of the whole of it. The '.' before
  // the hash cannot occur in a stack name, so no other stack's untruncated name can equal this one.
  const hash = createHash('sha256').update(stackPart).digest('hex').slice(0, 8);
  const room = DEPLOYMENT_CONFIG_NAME.maxLength - shapeId.length - hash.length - 2;
  return `${stackPart.slice(0, Math.max(room, 0))}.${hash}-${shapeId}`.slice(-DEPLOYMENT_CONFIG_NAME.maxLength);
}

/**
 * A count and its unit in a shape's name, singular for one as CodeDeploy's own names have it
 * (`CodeDeployDefault.LambdaLinear10PercentEvery1Minute`, `...Every2Minutes`): `counted(1, 'Minute')`
 * is `1Minute`, `counted(15, 'Minute')` is `15Minutes`.
 */
export function counted(count: number, unit: string): string {
  return `${count}${unit}${count === 1 ? '' : 's'}`;
}
