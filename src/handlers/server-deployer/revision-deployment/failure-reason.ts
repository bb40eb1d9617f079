import type { DeploymentInfo } from '@aws-sdk/client-codedeploy';
import { InstanceFailure } from './failure-diagnostics';
import { errorParts, fixed, ReasonPart, sentence, tail, trimmable } from '../reason-fit';

/**
 * The Reasons users read in their terminal when `cdk deploy` fails on a revision deployment.
 * Ids, statuses and error codes are fixed parts; free text is trimmable, so the whole always fits.
 */

/** What became of the rollback after a failed, stopped or timed-out deployment. */
export type RollbackOutcome =
  /** CodeDeploy started none (its `rollbackMessage` may say why). */
  | { readonly kind: 'none'; readonly message?: string }
  /** The handler stopped the deployment without rollback (`RollbackOnStop` false). */
  | { readonly kind: 'not-requested' }
  /** The rollback deployment reached its final status. */
  | { readonly kind: 'finished'; readonly deploymentId: string; readonly status: string }
  /** The rollback deployment was still running when CloudFormation had to be answered. */
  | { readonly kind: 'unfinished'; readonly deploymentId: string; readonly status: string }
  /** The stop had not finished when CloudFormation had to be answered, so no rollback had started yet. */
  | { readonly kind: 'not-yet' };

/**
 * A deployment CodeDeploy failed or stopped:
 * `CodeDeploy deployment d-X Failed with CODE: message. First failed instance: i-X, lifecycle event E,
 * script S, ScriptFailed: message. Rollback: ...` then the log tail on its own lines.
 */
export function deploymentFailedReason(deployment: DeploymentInfo, failure: InstanceFailure | undefined, rollback: RollbackOutcome): ReasonPart[] {
  const parts = [fixed(`CodeDeploy deployment ${deployment.deploymentId} ${deployment.status}`)];
  const error = deployment.errorInformation;
  if (error?.code !== undefined) parts.push(fixed(` with ${error.code}`));
  if (error?.message) parts.push(fixed(': '), trimmable(sentence(error.message)));
  parts.push(fixed('.'));
  return [...parts, ...instanceParts(failure), ...rollbackParts(rollback), ...logTailParts(failure)];
}

/**
 * A deployment that ran past `TimeoutSeconds` and that the handler stopped, in the words of the
 * construct's props: `CodeDeploy deployment d-X ran past the RevisionDeployment's timeout of 30
 * minutes and was stopped with rollback. Final status: Stopped. Rollback: ...`
 */
export function deploymentTimedOutReason(
  deployment: DeploymentInfo, timeoutSeconds: number, rollbackOnStop: boolean,
  failure: InstanceFailure | undefined, rollback: RollbackOutcome, stopFinished: boolean,
): ReasonPart[] {
  const parts = [fixed(`CodeDeploy deployment ${deployment.deploymentId} ran past the RevisionDeployment's timeout of ${formatDuration(timeoutSeconds)} `
    + `and was stopped ${rollbackOnStop ? 'with rollback' : 'without rollback (rollbackOnStop is false)'}.`)];
  parts.push(stopFinished
    ? fixed(` Final status: ${deployment.status}.`)
    : fixed(` Status when CloudFormation had to be answered: ${deployment.status} (the stop had not finished).`));
  return [...parts, ...instanceParts(failure), ...rollbackParts(rollback), ...logTailParts(failure)];
}

/** CreateDeployment refused: `Could not start a CodeDeploy deployment of application A to deployment group G: Name: message`. */
export function startFailedReason(applicationName: string, deploymentGroupName: string, err: unknown): ReasonPart[] {
  return [
    fixed(`Could not start a CodeDeploy deployment of application ${applicationName} to deployment group ${deploymentGroupName}: `),
    ...errorParts(err),
  ];
}

/**
 * The deployment group stayed busy until the timeout: `Could not start a CodeDeploy deployment of
 * application A to deployment group G before the RevisionDeployment's timeout of 30 minutes passed:
 * the group was still busy with deployment d-X. No deployment was created, so there is nothing to stop.`
 * Without a known holder, CodeDeploy's last refusal takes its place.
 */
export function startTimedOutReason(
  applicationName: string, deploymentGroupName: string, timeoutSeconds: number, heldBy: readonly string[], err: unknown,
): ReasonPart[] {
  const parts = [fixed(`Could not start a CodeDeploy deployment of application ${applicationName} to deployment group ${deploymentGroupName}`
    + ` before the RevisionDeployment's timeout of ${formatDuration(timeoutSeconds)} passed: `)];
  if (heldBy.length > 0) {
    parts.push(fixed(`the group was still busy with ${heldBy.length === 1 ? 'deployment' : 'deployments'} ${heldBy.join(', ')}.`));
  } else {
    parts.push(fixed('CodeDeploy still answered '), ...errorParts(err), fixed('.'));
  }
  return [...parts, fixed(' No deployment was created, so there is nothing to stop.')];
}

/** What the handler did about a deployment it can no longer follow. */
export type StopAttempt =
  | { readonly kind: 'requested'; readonly rollback: boolean }
  | { readonly kind: 'already-stopped' }
  | { readonly kind: 'rolling-back'; readonly rollbackDeploymentId: string }
  | { readonly kind: 'already-completed' }
  | { readonly kind: 'failed'; readonly error: unknown };

/** Watching broke down (CodeDeploy or Lambda kept failing): `Lost track of CodeDeploy deployment d-X: Name: message. ...` */
export function lostTrackReason(deploymentId: string, err: unknown, stop: StopAttempt): ReasonPart[] {
  const parts = [fixed(`Lost track of CodeDeploy deployment ${deploymentId}: `), ...errorParts(err), fixed('. ')];
  switch (stop.kind) {
    case 'requested':
      return [...parts, fixed(`Requested a stop (${stop.rollback ? 'with' : 'without'} rollback); check the deployment in the CodeDeploy console.`)];
    case 'already-stopped':
      return [...parts, fixed('It had already been stopped after timing out; check the deployment in the CodeDeploy console.')];
    case 'rolling-back':
      return [...parts, fixed(`CodeDeploy is rolling it back with deployment ${stop.rollbackDeploymentId}; check both in the CodeDeploy console.`)];
    case 'already-completed':
      return [...parts, fixed('It has completed; check its outcome in the CodeDeploy console.')];
    case 'failed':
      return [...parts, fixed('Could not stop it either ('), ...errorParts(stop.error), fixed('); check the deployment in the CodeDeploy console.')];
  }
}

/** Anything else: `Internal error in the RevisionDeployment handler: Name: message`. */
export function internalErrorReason(err: unknown): ReasonPart[] {
  return [fixed('Internal error in the RevisionDeployment handler: '), ...errorParts(err)];
}


/** `30 minutes`, `1 minute`, `45 seconds`, `2 minutes 30 seconds`. */
export function formatDuration(totalSeconds: number): string {
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (minutes === 0) return plural(seconds, 'second');
  return seconds === 0 ? plural(minutes, 'minute') : `${plural(minutes, 'minute')} ${plural(seconds, 'second')}`;
}

function instanceParts(failure: InstanceFailure | undefined): ReasonPart[] {
  if (!failure) return [];
  const parts = [fixed(` First failed instance: ${failure.instanceId}`)];
  if (failure.lifecycleEventName) parts.push(fixed(`, lifecycle event ${failure.lifecycleEventName}`));
  const diagnostics = failure.diagnostics;
  if (diagnostics?.scriptName) parts.push(fixed(', script '), trimmable(diagnostics.scriptName));
  if (diagnostics?.errorCode) parts.push(fixed(`, ${diagnostics.errorCode}`));
  if (diagnostics?.message) parts.push(fixed(diagnostics.errorCode ? ': ' : ', '), trimmable(sentence(diagnostics.message)));
  parts.push(fixed('.'));
  return parts;
}

function rollbackParts(rollback: RollbackOutcome): ReasonPart[] {
  switch (rollback.kind) {
    case 'finished':
      return [fixed(` Rollback: CodeDeploy rolled back with deployment ${rollback.deploymentId}, which ${rollback.status}.`)];
    case 'unfinished':
      return [fixed(` Rollback: deployment ${rollback.deploymentId} was still ${rollback.status} when CloudFormation had to be answered; `
        + 'follow it in the CodeDeploy console.')];
    case 'not-requested':
      return [fixed(' Rollback: none (rollbackOnStop is false); instances already updated keep the new revision.')];
    case 'not-yet':
      return [fixed(' Rollback: not started yet; follow the deployment in the CodeDeploy console.')];
    case 'none':
      return rollback.message
        ? [fixed(' Rollback: none started by CodeDeploy ('), trimmable(sentence(rollback.message)), fixed(').')]
        : [fixed(' Rollback: none started by CodeDeploy.')];
  }
}

function logTailParts(failure: InstanceFailure | undefined): ReasonPart[] {
  const logTail = failure?.diagnostics?.logTail?.trim();
  return logTail ? [fixed('\nLog tail:\n'), tail(logTail)] : [];
}

