import { Stack, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { acknowledge } from '../private/acknowledge';

/**
 * Which Node.js runtime the library's own functions (the traffic hook, the server deployer) run on,
 * and what the cdk-nag packs are told about it.
 *
 * They run on aws-cdk-lib's latest Node.js runtime for the stack's Region,
 * `lambda.determineLatestNodeRuntime(scope)`, as aws-cdk-lib's own functions do (its custom
 * resource providers, `AwsCustomResource`, log retention): the region-info fact `latestNodeRuntime`,
 * which names a runtime only once Lambda offers it in that Region (for a stack whose Region is not
 * known at synth, a `Fn::FindInMap` over every Region, or the one value when all Regions agree). A
 * new runtime is not in every Region the day it launches: Lambda's runtime page lists per-Region and
 * per-partition availability apart ("Lambda runtimes",
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html), and aws-cdk-lib moves the fact
 * only when every Region of a partition has it (aws/aws-cdk#28125, #36874). So the functions follow
 * each new runtime with the user's next aws-cdk-lib, without a release of this library, and never
 * get a runtime their Region lacks. The generated Function classes (src/handlers/*-function.ts,
 * projen's regional-latest runtime) make that choice; their bundles target Node.js 22, the lowest
 * runtime the fact names in any Region from the peer floor (2.257.0) on.
 *
 * cdk-nag's latest-runtime rules (AwsSolutions-L1, Serverless-LambdaLatestVersion) compare a
 * function's runtime with the newest of its family in the app's `lambda.Runtime.ALL` instead:
 * aws-cdk-lib adds a runtime there the day Lambda launches it (nodejs26.x in 2.278.0, while the
 * fact still names nodejs24.x everywhere). When the two disagree, the library acknowledges those
 * two findings on its own function, and only then, with a reason that names both runtimes; a token
 * runtime (the Region unknown and the Regions disagreeing) cannot be compared by the rules at all,
 * and is acknowledged for the same reason.
 */
export function acknowledgeRegionalRuntime(fn: lambda.Function): void {
  const newest = newestNodeRuntime();
  const runtime = Stack.of(fn).resolve(fn.runtime.name) as unknown;
  if (runtime === newest) {
    return;
  }
  const runsOn = typeof runtime === 'string' && !Token.isUnresolved(runtime)
    ? runtime
    : 'the latest Node.js runtime of the Region it is deployed to (a mapping over Regions)';
  const reason = `runs on ${runsOn}, aws-cdk-lib's latest Node.js runtime for this stack's Region (determineLatestNodeRuntime); `
    + `${newest} is newer but aws-cdk-lib does not yet count it available in every Region, and a runtime the Region lacks fails the deployment`;
  acknowledge(fn, ...LATEST_RUNTIME_RULES.map((id) => ({ id, reason })));
}

/**
 * The oldest Node.js major version the library's functions run on: their bundles target Node.js 22
 * (esbuild's `--target=node22`, projen's default for the generated functions; a test reads the
 * bundling task), the lowest the regional fact names from the peer floor on. A `runtime` chosen in
 * `LibraryFunctionOptions` must be at least this.
 */
export const LIBRARY_FUNCTION_MIN_NODE_VERSION = 22;

/** The cdk-nag rules that want the newest runtime of a function's family: one per pack that has one. */
export const LATEST_RUNTIME_RULES = ['AwsSolutions-L1', 'Serverless-LambdaLatestVersion'];

/**
 * The newest Node.js runtime the app's aws-cdk-lib knows, by version, as cdk-nag's rules find it
 * (`Runtime.ALL`, the moving `NODEJS_LATEST` left out).
 */
export function newestNodeRuntime(): string {
  const versions = lambda.Runtime.ALL
    .filter((runtime) => runtime.family === lambda.RuntimeFamily.NODEJS && !runtime.isVariable)
    .map((runtime) => ({ name: runtime.name, version: Number(/^nodejs(\d+)/.exec(runtime.name)?.[1] ?? 0) }))
    .sort((a, b) => a.version - b.version);
  return versions[versions.length - 1].name;
}
