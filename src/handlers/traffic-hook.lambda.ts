import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SSMClient } from '@aws-sdk/client-ssm';
import { SYSTEM_CLOCK } from './shared/clock';
import { createTrafficHookHandler } from './traffic-hook/handler';
import { CLAIMS_LOG_GROUP_ENV, SETTINGS_PREFIX_ENV } from '../contract/traffic-hook';

/**
 * The library's CodeDeploy hook of a stack's Lambda rollouts (bundled by esbuild; the Node.js
 * runtime provides the AWS SDK v3 clients). Logic in ./traffic-hook/.
 *
 * `maxAttempts: 1`: every call goes through the shared retry helper (shared/retry.ts, the SDK's
 * standard retry strategy run around the call and logged), and no call may hang. The smoke test's invocations are the exception to the short request timeout: they
 * last as long as the function under test, and the hook aborts them itself before its own time
 * runs out (traffic-hook/smoke-test.ts).
 */
const shortCalls = { maxAttempts: 1, requestHandler: { connectionTimeout: 5_000, requestTimeout: 10_000 } };

export const handler = createTrafficHookHandler({
  codedeploy: new CodeDeployClient(shortCalls),
  lambda: new LambdaClient(shortCalls),
  invoker: new LambdaClient({ maxAttempts: 1, requestHandler: { connectionTimeout: 5_000 } }),
  ssm: new SSMClient(shortCalls),
  cloudwatch: new CloudWatchClient(shortCalls),
  logs: new CloudWatchLogsClient(shortCalls),
  claimsLogGroup: process.env[CLAIMS_LOG_GROUP_ENV],
  clock: SYSTEM_CLOCK,
  settingsPrefix: process.env[SETTINGS_PREFIX_ENV] ?? '',
});
