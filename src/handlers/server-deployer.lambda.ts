import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { createHandler } from './revision-deployment/handler';
import { CALL_TIMEOUT_MS } from './shared/call-timeout';
import { createResponseSender } from './shared/cfn-response';
import { SYSTEM_CLOCK } from './shared/clock';

/**
 * The custom resource handler of the stack (bundled by esbuild; the Node.js runtime provides the
 * AWS SDK v3 clients): `RevisionDeployment` (logic in ./revision-deployment/) and the blue/green
 * deployment groups CloudFormation cannot create (./deployment-group/), told apart by resource type.
 *
 * `maxAttempts: 1`: every call goes through the handler's retry helper (shared/retry.ts), which runs
 * the SDK's standard retry strategy around the call, within the call's time budget, and logs each
 * retry; the client's own retries would multiply its attempts and stretch calls past the margins
 * the handler keeps before Lambda's and CloudFormation's deadlines.
 * For the same reason no call may hang: each attempt is abandoned after `CALL_TIMEOUT_MS` by the
 * handler's own timer and abort signal (shared/call-timeout.ts). The SDK's request timeout is set
 * too, with `throwOnRequestTimeout` (without it, @smithy/node-http-handler 4.x only logs a warning);
 * a runtime SDK too old to know that option ignores it, and the handler's timer still applies.
 */
const clientConfig = {
  maxAttempts: 1,
  requestHandler: { connectionTimeout: 5_000, requestTimeout: CALL_TIMEOUT_MS, throwOnRequestTimeout: true },
};

export const handler = createHandler({
  codedeploy: new CodeDeployClient(clientConfig),
  lambda: new LambdaClient(clientConfig),
  autoscaling: new AutoScalingClient(clientConfig),
  sendResponse: createResponseSender({ sleep: SYSTEM_CLOCK.sleep }),
  clock: SYSTEM_CLOCK,
});
