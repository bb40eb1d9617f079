import type { BundleType, CreateDeploymentCommandInput, FileExistsBehavior, RevisionLocation } from '@aws-sdk/client-codedeploy';
import { MAX_SERVICE_TIMEOUT_SECONDS, ROLLBACK_ALLOWANCE_SECONDS } from '../../../contract/revision-deployment';

/** What the handler needs from the custom resource's properties, checked and typed. */
export interface DeploymentSettings {
  /** The CreateDeployment request. */
  readonly createDeployment: CreateDeploymentCommandInput;
  /** How long the deployment may run, counted from the request's first invocation. */
  readonly timeoutSeconds: number;
  /** StopDeployment's `autoRollbackEnabled` when the handler stops the deployment. */
  readonly rollbackOnStop: boolean;
  /** How long CloudFormation waits for the answer (the resource's `ServiceTimeout`). */
  readonly serviceTimeoutSeconds: number;
}

/** The properties break the contract (the construct validates them, so this means a bug or a hand-written template). */
export class InvalidPropertiesError extends Error {
  public constructor(problems: readonly string[]) {
    super(`Invalid RevisionDeployment properties: ${problems.join('; ')}`);
    this.name = 'InvalidPropertiesError';
  }
}

type Raw = Record<string, unknown>;

/**
 * Reads the resource properties (every leaf a string, as CloudFormation sends them) and reports
 * every problem at once.
 */
export function readSettings(properties: Raw): DeploymentSettings {
  const problems: string[] = [];
  const text = (value: unknown, name: string): string => {
    if (typeof value === 'string' && value.length > 0) return value;
    problems.push(`${name} must be a non-empty string, got ${show(value)}`);
    return '';
  };
  const optionalText = (value: unknown, name: string): string | undefined =>
    value === undefined || value === '' ? undefined : text(value, name);
  const flag = (value: unknown, name: string): boolean => {
    if (value === 'true' || value === 'false') return value === 'true';
    problems.push(`${name} must be 'true' or 'false', got ${show(value)}`);
    return false;
  };
  const seconds = (value: unknown, name: string, max: number): number => {
    const parsed = typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : NaN;
    if (parsed >= 1 && parsed <= max) return parsed;
    problems.push(`${name} must be a whole number of seconds from 1 to ${max}, got ${show(value)}`);
    return 0;
  };

  const applicationName = text(properties.ApplicationName, 'ApplicationName');
  const deploymentGroupName = text(properties.DeploymentGroupName, 'DeploymentGroupName');
  const deploymentConfigName = optionalText(properties.DeploymentConfigName, 'DeploymentConfigName');
  const description = optionalText(properties.Description, 'Description');
  const fileExistsBehavior = optionalText(properties.FileExistsBehavior, 'FileExistsBehavior');
  const revision = readRevision(properties.Revision, problems, text);
  const ignoreApplicationStopFailures = flag(properties.IgnoreApplicationStopFailures, 'IgnoreApplicationStopFailures');
  const timeoutSeconds = seconds(properties.TimeoutSeconds, 'TimeoutSeconds', MAX_SERVICE_TIMEOUT_SECONDS);
  const rollbackOnStop = flag(properties.RollbackOnStop, 'RollbackOnStop');
  const serviceTimeoutSeconds = properties.ServiceTimeout === undefined
    ? Math.min(timeoutSeconds + ROLLBACK_ALLOWANCE_SECONDS, MAX_SERVICE_TIMEOUT_SECONDS)
    : seconds(properties.ServiceTimeout, 'ServiceTimeout', MAX_SERVICE_TIMEOUT_SECONDS);

  if (problems.length > 0) throw new InvalidPropertiesError(problems);
  return {
    createDeployment: {
      applicationName,
      deploymentGroupName,
      ...(deploymentConfigName !== undefined ? { deploymentConfigName } : {}),
      revision,
      ...(description !== undefined ? { description } : {}),
      ...(fileExistsBehavior !== undefined ? { fileExistsBehavior: fileExistsBehavior as FileExistsBehavior } : {}),
      ignoreApplicationStopFailures,
    },
    timeoutSeconds,
    rollbackOnStop,
    serviceTimeoutSeconds,
  };
}

/** `RollbackOnStop` alone, leniently (a Delete must not fail on a property it barely needs). */
export function readRollbackOnStop(properties: Raw | undefined): boolean {
  return properties?.RollbackOnStop === 'true';
}

function readRevision(value: unknown, problems: string[], text: (value: unknown, name: string) => string): RevisionLocation {
  const revision = isRecord(value) ? value : {};
  switch (revision.revisionType) {
    case 'S3': {
      const s3 = isRecord(revision.s3Location) ? revision.s3Location : {};
      const version = typeof s3.version === 'string' && s3.version !== '' ? s3.version : undefined;
      const eTag = typeof s3.eTag === 'string' && s3.eTag !== '' ? s3.eTag : undefined;
      return {
        revisionType: 'S3',
        s3Location: {
          bucket: text(s3.bucket, 'Revision.s3Location.bucket'),
          key: text(s3.key, 'Revision.s3Location.key'),
          bundleType: text(s3.bundleType, 'Revision.s3Location.bundleType') as BundleType,
          ...(version !== undefined ? { version } : {}),
          ...(eTag !== undefined ? { eTag } : {}),
        },
      };
    }
    case 'GitHub': {
      const gitHub = isRecord(revision.gitHubLocation) ? revision.gitHubLocation : {};
      return {
        revisionType: 'GitHub',
        gitHubLocation: {
          repository: text(gitHub.repository, 'Revision.gitHubLocation.repository'),
          commitId: text(gitHub.commitId, 'Revision.gitHubLocation.commitId'),
        },
      };
    }
    default:
      problems.push(`Revision.revisionType must be 'S3' or 'GitHub', got ${show(revision.revisionType)}`);
      return {};
  }
}

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}
