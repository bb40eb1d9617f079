import { Stack, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { Problems } from '../private/validation';

/**
 * A function holds one alias of a name: a second `AWS::Lambda::Alias` of the same name synthesizes,
 * and CloudFormation fails to create it (Lambda API reference, CreateAlias:
 * ResourceConflictException, "The resource already exists",
 * https://docs.aws.amazon.com/lambda/latest/api/API_CreateAlias.html). Looks for aliases of the
 * function already in the app's stacks of the function and the rollout, and names who made them:
 * another rollout (the usual cause: a quick start pasted twice) or the function's own `addAlias`.
 */
export function checkAliasConflicts(
  problems: Problems, rollout: IConstruct, isRollout: (scope: IConstruct) => boolean, fn: lambda.Function, aliasName: string,
): void {
  if (Token.isUnresolved(aliasName)) {
    return;
  }
  const stacks = new Set([Stack.of(fn), Stack.of(rollout)]);
  for (const stack of stacks) {
    for (const construct of stack.node.findAll()) {
      if (construct instanceof lambda.Alias && construct.aliasName === aliasName && construct.version.lambda === fn) {
        const owner = construct.node.scopes.slice().reverse().find(isRollout);
        const who = owner ? `rollout ${owner.node.path}` : `alias ${construct.node.path}`;
        problems.add(`${who} already gives function ${fn.node.path} the alias '${aliasName}', and a function has one alias of a name `
          + '(CloudFormation would fail to create the second): give this rollout another aliasName, or release the function with one rollout');
      }
    }
  }
}
