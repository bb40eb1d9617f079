import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { createResponseSender } from './server-deployer/cfn-response';
import { createServerDeployerHandler } from './server-deployer/dispatch';
import { SYSTEM_CLOCK } from './shared/clock';
import { SHORT_CALLS } from './shared/sdk-clients';

/**
 * The library's server deployer (bundled by esbuild): the custom resource handler of a stack's
 * `RevisionDeployment`s and blue/green deployment groups. Logic in ./server-deployer/ (dispatch.ts);
 * this entry only builds the clients (./shared/sdk-clients.ts) and wires the dependencies.
 */
export const handler = createServerDeployerHandler({
  codedeploy: new CodeDeployClient(SHORT_CALLS),
  lambda: new LambdaClient(SHORT_CALLS),
  autoscaling: new AutoScalingClient(SHORT_CALLS),
  sendResponse: createResponseSender({ sleep: SYSTEM_CLOCK.sleep }),
  clock: SYSTEM_CLOCK,
});
