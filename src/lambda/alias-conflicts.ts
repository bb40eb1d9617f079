import { Stack, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { constructError, Problems } from '../private/validation';

/**
 * A function holds one alias of a name: a second `AWS::Lambda::Alias` of the same name synthesizes,
 * and CloudFormation fails to create it (Lambda API reference, CreateAlias:
 * ResourceConflictException, "The resource already exists",
 * https://docs.aws.amazon.com/lambda/latest/api/API_CreateAlias.html). The error names who made the
 * alias already there: another rollout (the usual cause: a quick start pasted twice) or the
 * function's own `addAlias`.
 *
 * A rollout is checked when it is created against the rollouts already made for the function and
 * the function's own aliases (`addAlias` makes them its children): a registry, not a walk of the
 * stacks, which made every rollout cost a walk of the whole tree (N^2 for a stack of N rollouts).
 * Any other alias of the function (a `lambda.Alias` made elsewhere, or added after the rollout) is
 * found once per stack when the app is synthesized.
 */
export function checkAliasConflicts(problems: Problems, fn: lambda.Function, aliasName: string): void {
  if (Token.isUnresolved(aliasName)) {
    return;
  }
  const owner = rolloutAliases(fn).get(aliasName);
  if (owner) {
    problems.add(conflict(`rollout ${owner.node.path}`, fn, aliasName));
  }
  for (const child of fn.node.children) {
    if (child instanceof lambda.Alias && child.aliasName === aliasName) {
      problems.add(conflict(`alias ${child.node.path}`, fn, aliasName));
    }
  }
}

/** Records a rollout's alias, once the rollout is created, and checks the stacks of its function and alias at synthesis. */
export function registerRolloutAlias(rollout: IConstruct, fn: lambda.Function, alias: lambda.Alias): void {
  if (Token.isUnresolved(alias.aliasName)) {
    return;
  }
  rolloutAliases(fn).set(alias.aliasName, rollout);
  ROLLOUT_ALIAS_CONSTRUCTS.add(alias);
  for (const stack of new Set([Stack.of(fn), Stack.of(rollout)])) {
    if (!CHECKED_STACKS.has(stack)) {
      CHECKED_STACKS.add(stack);
      stack.node.addValidation({ validate: () => otherAliasConflicts(stack) });
    }
  }
}

/** Aliases of a rollout's function and name that no rollout made, anywhere in `stack`. */
function otherAliasConflicts(stack: Stack): string[] {
  const problems: string[] = [];
  for (const construct of stack.node.findAll()) {
    if (!(construct instanceof lambda.Alias) || ROLLOUT_ALIAS_CONSTRUCTS.has(construct) || Token.isUnresolved(construct.aliasName)) {
      continue;
    }
    const fn = construct.version.lambda;
    const rollout = fn instanceof lambda.Function ? rolloutAliases(fn).get(construct.aliasName) : undefined;
    if (rollout) {
      problems.push(constructError('LambdaRollout', rollout, conflict(`alias ${construct.node.path}`, fn as lambda.Function, construct.aliasName)).message);
    }
  }
  return problems;
}

/** The problem, said of the rollout that comes second (its error names it: `LambdaRollout at <path>`). */
function conflict(who: string, fn: lambda.Function, aliasName: string): string {
  return `${who} already gives function ${fn.node.path} the alias '${aliasName}', and a function has one alias of a name `
    + '(CloudFormation would fail to create the second): give this rollout another aliasName, or release the function with one rollout';
}

function rolloutAliases(fn: lambda.Function): Map<string, IConstruct> {
  let aliases = ROLLOUT_ALIASES.get(fn);
  if (!aliases) {
    aliases = new Map();
    ROLLOUT_ALIASES.set(fn, aliases);
  }
  return aliases;
}

/** Per function, the rollout that made each alias name. */
const ROLLOUT_ALIASES = new WeakMap<lambda.Function, Map<string, IConstruct>>();
/** The aliases rollouts made (the synthesis check skips them). */
const ROLLOUT_ALIAS_CONSTRUCTS = new WeakSet<lambda.Alias>();
/** Stacks whose synthesis checks the aliases no rollout made. */
const CHECKED_STACKS = new WeakSet<Stack>();
