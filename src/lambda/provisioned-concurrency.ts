import { Stack, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { PROVISIONED_CONCURRENCY } from '../private/lambda-limits';
import { Problems } from '../private/validation';

/**
 * Checks `provisionedConcurrentExecutions` of a rollout of `fn` against what Lambda accepts
 * (`PROVISIONED_CONCURRENCY` holds the sources): an integer of at least 1, at most the function's
 * reserved concurrency, on a function without SnapStart, and no other alias of the function
 * already provisioning the same version.
 */
export function checkProvisionedConcurrency(problems: Problems, fn: lambda.Function, executions: number | undefined): void {
  if (executions === undefined) {
    return;
  }
  problems.integer('provisionedConcurrentExecutions', executions, { min: PROVISIONED_CONCURRENCY.min });
  const stack = Stack.of(fn);
  const cfnFunction = fn.node.defaultChild as lambda.CfnFunction;
  const reserved = stack.resolve(cfnFunction.reservedConcurrentExecutions);
  if (!Token.isUnresolved(executions) && typeof reserved === 'number' && executions > reserved) {
    problems.add(`provisionedConcurrentExecutions must be at most the reserved concurrency of function ${fn.node.path} (${reserved}), `
      + `got ${executions}: Lambda counts provisioned concurrency against it`);
  }
  const snapStart = stack.resolve(cfnFunction.snapStart);
  if (snapStart?.ApplyOn === 'PublishedVersions' || snapStart?.applyOn === 'PublishedVersions') {
    problems.add(`provisionedConcurrentExecutions cannot be used with function ${fn.node.path}, which has SnapStart: `
      + 'Lambda supports one or the other (leave out provisionedConcurrentExecutions, or SnapStart)');
  }
  for (const alias of aliasesOf(fn)) {
    const provisioned = stack.resolve((alias.node.defaultChild as lambda.CfnAlias).provisionedConcurrencyConfig);
    if (provisioned !== undefined && alias.version === fn.currentVersion) {
      problems.add(`provisionedConcurrentExecutions: alias ${alias.node.path} already provisions concurrency for the version of function `
        + `${fn.node.path} that this rollout releases, and Lambda allows one provisioned concurrency configuration per version `
        + '(give it to one alias only)');
    }
  }
}

/** The aliases of `fn` in its stack. */
function aliasesOf(fn: lambda.Function): lambda.Alias[] {
  return Stack.of(fn).node.findAll()
    .filter((construct): construct is lambda.Alias => construct instanceof lambda.Alias && construct.version.lambda === fn);
}
