import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { AwsOptions } from './arguments';
import { errorName } from '../handlers/shared/errors';

/** The services the command calls. */
export interface AwsClients {
  readonly cloudformation: CloudFormationClient;
  readonly codedeploy: CodeDeployClient;
  readonly cloudwatch: CloudWatchClient;
  readonly logs: CloudWatchLogsClient;
  readonly lambda: LambdaClient;
  readonly ssm: SSMClient;
  /** The Region the calls go to (for console links). */
  region(): Promise<string>;
}

/**
 * Attempts per call, the first included: the SDK's standard retry strategy (exponential backoff with
 * jitter, throttling recognised by the SDK's own error classification). When a call is still
 * throttled after them, the watch loop polls less often (watch.ts), so a busy account slows the
 * command down instead of failing it.
 */
const CALL_MAX_ATTEMPTS = 3;

/**
 * Clients built the SDK's standard way: credentials from the default provider chain (environment,
 * SSO, shared files, container and instance roles), or the named profile's; the Region from
 * `--region`, else the chain (AWS_REGION, the profile); endpoints from the SDK's own variables
 * (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>;
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
 */
export function createClients(options: AwsOptions, version: string): AwsClients {
  const config = {
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    maxAttempts: CALL_MAX_ATTEMPTS,
    retryMode: 'standard',
    customUserAgent: `cdk-rollouts/${version}`,
  };
  const codedeploy = new CodeDeployClient(config);
  return {
    cloudformation: new CloudFormationClient(config),
    codedeploy,
    cloudwatch: new CloudWatchClient(config),
    logs: new CloudWatchLogsClient(config),
    lambda: new LambdaClient(config),
    ssm: new SSMClient(config),
    region: async () => codedeploy.config.region(),
  };
}

/** Errors that mean the caller may not, or cannot, call AWS as configured: exit code 2. */
const ACCESS_ERRORS = new Set([
  'AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnrecognizedClientException', 'InvalidClientTokenId',
  'ExpiredToken', 'ExpiredTokenException', 'InvalidSignatureException', 'SignatureDoesNotMatch', 'CredentialsProviderError',
  'TokenProviderError', 'IncompleteSignature', 'MissingAuthenticationToken',
]);

/** Whether an error is about credentials, permissions or configuration rather than the rollout. */
export function isAccessError(err: unknown): boolean {
  const name = errorName(err);
  const message = err instanceof Error ? err.message : '';
  return ACCESS_ERRORS.has(name) || /Region is missing|Could not load credentials|ENOTFOUND|ECONNREFUSED/.test(message);
}
