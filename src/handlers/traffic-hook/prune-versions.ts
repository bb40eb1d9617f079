import {
  AliasConfiguration, DeleteFunctionCommand, FunctionConfiguration, ListAliasesCommand, ListVersionsByFunctionCommand,
} from '@aws-sdk/client-lambda';
import type { DeploymentTarget } from './app-spec-target';
import { hookRetry, TrafficHookDependencies } from './dependencies';
import { MAX_PRUNED_VERSIONS_PER_RUN } from '../../contract/traffic-hook';
import { describeError } from '../shared/errors';
import { logEvent } from '../shared/log';
import { withRetry } from '../shared/retry';

/**
 * The pause between two deletions of one run: a run's deletions are spread, one a second, rather
 * than sent as fast as Lambda answers (5 or more a second), so that the runs of deployments that
 * end together do not add up to a burst over Lambda's control-plane quota (bench/deploy-model/).
 */
export const PRUNE_DELETE_INTERVAL_MS = 1_000;

/** What one run of pruning did. */
export interface PruneResult {
  readonly deleted: string[];
  /** Versions beyond the newest N left for a later run (the per-run bound), or after an error. */
  readonly left: string[];
  readonly error?: string;
}

/**
 * Deletes the function's versions older than the newest `keep`, oldest first, at most
 * `MAX_PRUNED_VERSIONS_PER_RUN` per run, one every `PRUNE_DELETE_INTERVAL_MS`, and never one an alias points to (its version or its
 * weighted second version) nor the deployment's target. Lambda itself refuses to delete a version
 * an alias references (API reference, DeleteFunction `Qualifier`,
 * https://docs.aws.amazon.com/lambda/latest/api/API_DeleteFunction.html); the hook never asks.
 * Every version stays in Lambda's code storage until deleted
 * (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html, 75 GB per Region).
 */
export async function pruneVersions(deps: TrafficHookDependencies, target: DeploymentTarget, keep: number): Promise<PruneResult> {
  const versions = (await listVersions(deps, target.functionName))
    .map((v) => v.Version).filter((v): v is string => v !== undefined && /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  const aliased = new Set((await listAliases(deps, target.functionName)).flatMap((alias) => [
    ...(alias.FunctionVersion ? [alias.FunctionVersion] : []),
    ...Object.keys(alias.RoutingConfig?.AdditionalVersionWeights ?? {}),
  ]));
  const protectedVersions = new Set([...versions.slice(0, keep), ...aliased, target.targetVersion]);
  const candidates = versions.filter((v) => !protectedVersions.has(v)).reverse();
  const batch = candidates.slice(0, MAX_PRUNED_VERSIONS_PER_RUN);
  const deleted: string[] = [];
  for (const version of batch) {
    if (deleted.length > 0) {
      await deps.clock.sleep(PRUNE_DELETE_INTERVAL_MS);
    }
    try {
      await withRetry('DeleteFunction', (signal) => deps.lambda.send(new DeleteFunctionCommand({
        FunctionName: target.functionName, Qualifier: version,
      }), { abortSignal: signal }), hookRetry(deps));
      deleted.push(version);
    } catch (err) {
      const error = `deleting version ${version} of ${target.functionName} failed: ${describeError(err)}`;
      logEvent('prune-failed', { functionName: target.functionName, version, error });
      return { deleted, left: candidates.slice(deleted.length), error };
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
