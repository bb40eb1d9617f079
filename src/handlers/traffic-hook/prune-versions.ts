import {
  AliasConfiguration, DeleteFunctionCommand, FunctionConfiguration, ListAliasesCommand, ListVersionsByFunctionCommand,
} from '@aws-sdk/client-lambda';
import type { DeploymentTarget } from './app-spec-target';
import { hookRetry, TrafficHookDependencies } from './dependencies';
import { MAX_PRUNED_VERSIONS_PER_RUN } from '../../contract/traffic-hook';
import { describeError, errorName } from '../shared/errors';
import { logEvent } from '../shared/log';
import { withRetry } from '../shared/retry';

/** What one run of pruning did. */
interface PruneResult {
  readonly deleted: string[];
  /** Versions beyond the newest N left for a later run (the per-run bound), or after an error. */
  readonly left: string[];
  readonly error?: string;
}

/**
 * Deletes the function's versions older than the newest `keep`, oldest first, at most
 * `MAX_PRUNED_VERSIONS_PER_RUN` per run, and never one a rollback returns to or an alias points to:
 * - the deployment's target (the alias's version now) and its `CurrentVersion`, the version the
 *   alias served before. CodeDeploy rolls the alias back to it, and so does CloudFormation when a
 *   later resource of the same stack update fails: it updates the alias with its previous
 *   properties, which (with the alias's CodeDeployLambdaAliasUpdate policy) is a deployment back to
 *   that version ("CloudFormation performs a CodeDeploy deployment when the version changes on the
 *   alias", User Guide, UpdatePolicy attribute,
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-updatepolicy.html).
 *   CloudFormation assumes the old version still exists; if it was deleted, the rollback fails and
 *   the stack stays in UPDATE_ROLLBACK_FAILED (Troubleshooting, "Update rollback failed",
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/troubleshooting.html#troubleshooting-errors-update-rollback-failed;
 *   lumigo-io/SAR-Lambda-Janitor#58 is this failure);
 * - every version an alias points to, its version or its weighted second version: Lambda itself
 *   refuses to delete a version an alias references (API reference, DeleteFunction `Qualifier`,
 *   https://docs.aws.amazon.com/lambda/latest/api/API_DeleteFunction.html); the hook never asks.
 * Every version stays in Lambda's code storage until deleted
 * (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html, 75 GB per Region).
 * What the hook cannot see is kept safe only by `keep`: a version another resource of the stack
 * names directly (not through an alias) returns on rollback too.
 */
export async function pruneVersions(deps: TrafficHookDependencies, target: DeploymentTarget, keep: number): Promise<PruneResult> {
  const versions = (await listVersions(deps, target.functionName))
    .map((v) => v.Version).filter((v): v is string => v !== undefined && /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  const aliased = new Set((await listAliases(deps, target.functionName)).flatMap((alias) => [
    ...(alias.FunctionVersion ? [alias.FunctionVersion] : []),
    ...Object.keys(alias.RoutingConfig?.AdditionalVersionWeights ?? {}),
  ]));
  const protectedVersions = new Set([...versions.slice(0, keep), ...aliased, target.targetVersion, target.currentVersion]);
  const candidates = versions.filter((v) => !protectedVersions.has(v)).reverse();
  const batch = candidates.slice(0, MAX_PRUNED_VERSIONS_PER_RUN);
  const deleted: string[] = [];
  for (const [index, version] of batch.entries()) {
    try {
      await withRetry('DeleteFunction', (signal) => deps.lambda.send(new DeleteFunctionCommand({
        FunctionName: target.functionName, Qualifier: version,
      }), { abortSignal: signal }), hookRetry(deps));
      deleted.push(version);
    } catch (err) {
      const name = errorName(err);
      if (name === 'ResourceNotFoundException' || name === 'ResourceConflictException') {
        // Gone already (an earlier attempt whose answer was lost, or someone else), or referenced by
        // an alias since the list was read (Lambda refuses that with a conflict): either way, next.
        logEvent(name === 'ResourceNotFoundException' ? 'prune-already-gone' : 'prune-kept', {
          functionName: target.functionName, version, error: describeError(err),
        });
        continue;
      }
      const error = `deleting version ${version} of ${target.functionName} failed: ${describeError(err)}`;
      logEvent('prune-failed', { functionName: target.functionName, version, error });
      return { deleted, left: candidates.slice(index), error };
    }
  }
  const result = { deleted, left: candidates.slice(batch.length) };
  logEvent('pruned', { functionName: target.functionName, keep, deleted, left: result.left.length });
  return result;
}

async function listVersions(deps: TrafficHookDependencies, functionName: string): Promise<FunctionConfiguration[]> {
  const all: FunctionConfiguration[] = [];
  let marker: string | undefined;
  do {
    const page = await withRetry('ListVersionsByFunction', (signal) => deps.lambda.send(new ListVersionsByFunctionCommand({
      FunctionName: functionName, Marker: marker,
    }), { abortSignal: signal }), hookRetry(deps));
    all.push(...(page.Versions ?? []));
    marker = page.NextMarker;
  } while (marker);
  return all;
}

async function listAliases(deps: TrafficHookDependencies, functionName: string): Promise<AliasConfiguration[]> {
  const all: AliasConfiguration[] = [];
  let marker: string | undefined;
  do {
    const page = await withRetry('ListAliases', (signal) => deps.lambda.send(new ListAliasesCommand({
      FunctionName: functionName, Marker: marker,
    }), { abortSignal: signal }), hookRetry(deps));
    all.push(...(page.Aliases ?? []));
    marker = page.NextMarker;
  } while (marker);
  return all;
}
