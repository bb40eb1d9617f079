import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SSMClient } from '@aws-sdk/client-ssm';
import { SYSTEM_CLOCK } from './shared/clock';
import { LONG_CALLS, SHORT_CALLS } from './shared/sdk-clients';
import { createTrafficHookHandler } from './traffic-hook/handler';
import { CLAIMS_LOG_GROUP_ENV, SETTINGS_PREFIX_ENV } from '../contract/traffic-hook';

/**
 * The library's CodeDeploy hook of a stack's Lambda rollouts (bundled by esbuild). Logic in
 * ./traffic-hook/ (handler.ts); this entry only builds the clients (./shared/sdk-clients.ts) and
 * wires the dependencies. The smoke test's invocations are the one long call (`invoker`).
 */
export const handler = createTrafficHookHandler({
  codedeploy: new CodeDeployClient(SHORT_CALLS),
  lambda: new LambdaClient(SHORT_CALLS),
  invoker: new LambdaClient(LONG_CALLS),
  ssm: new SSMClient(SHORT_CALLS),
  cloudwatch: new CloudWatchClient(SHORT_CALLS),
  logs: new CloudWatchLogsClient(SHORT_CALLS),
  claimsLogGroup: process.env[CLAIMS_LOG_GROUP_ENV],
  clock: SYSTEM_CLOCK,
  settingsPrefix: process.env[SETTINGS_PREFIX_ENV] ?? '',
});
