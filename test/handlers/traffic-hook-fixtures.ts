import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, CreateLogStreamCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { FakeClock, invocationContext } from './revision-deployment-fixtures';
import { TRAFFIC_HOOK_SETTINGS_VERSION, TrafficHookSettings } from '../../src/contract/traffic-hook';
import { createTrafficHookHandler, TrafficHookHandler } from '../../src/handlers/traffic-hook/handler';

export const HOOK_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:Stack-TrafficHookFunction';
/** The stack's prefix, as the hook's environment gives it. */
export const SETTINGS_PREFIX = '/cdk-codedeploy-rollouts/traffic-hook/Stack';
export const EVENT = { DeploymentId: 'd-HOOK00001', LifecycleEventHookExecutionId: 'hook-execution-1' };
/** The hook's log group, where it claims each execution it serves. */
export const CLAIMS_LOG_GROUP = '/cdk-codedeploy-rollouts/Stack-TrafficHook';

/** The AppSpec CloudFormation passes for an alias update, as JSON. */
export const APPSPEC_JSON = JSON.stringify({
  version: 0.0,
  Resources: [{ ApiFn: { Type: 'AWS::Lambda::Function', Properties: { Name: 'api-fn', Alias: 'live', CurrentVersion: '6', TargetVersion: '7' } } }],
  Hooks: [{ BeforeAllowTraffic: 'Stack-TrafficHookFunction' }, { AfterAllowTraffic: 'Stack-TrafficHookFunction' }],
});

/** The same AppSpec as YAML, with quotes, comments and an ARN for the name. */
export const APPSPEC_YAML = [
  'version: 0.0',
  'Resources:',
  '  - ApiFn:',
  '      Type: AWS::Lambda::Function',
  '      Properties:',
  "        Name: 'arn:aws:lambda:us-east-1:123456789012:function:api-fn'",
  '        Alias: "live"',
  '        CurrentVersion: 6 # the old one',
  '        TargetVersion: "7"',
  'Hooks:',
  '  - BeforeAllowTraffic: Stack-TrafficHookFunction',
].join('\n');

export function settings(overrides: Partial<TrafficHookSettings> = {}): TrafficHookSettings {
  return { version: TRAFFIC_HOOK_SETTINGS_VERSION, ...overrides };
}

export const SMOKE: Partial<TrafficHookSettings> = { beforeAllowTraffic: { smokeTest: { payloads: ['{"ping":true}', '{"ping":false}'], invocations: 3 } } };

/** One client of each service the traffic hook calls, without retries (a test's mocks answer at once). */
export function trafficHookClients() {
  return {
    codedeploy: new CodeDeployClient({ region: 'us-east-1', maxAttempts: 1 }),
    lambda: new LambdaClient({ region: 'us-east-1', maxAttempts: 1 }),
    invoker: new LambdaClient({ region: 'us-east-1', maxAttempts: 1 }),
    ssm: new SSMClient({ region: 'us-east-1', maxAttempts: 1 }),
    cloudwatch: new CloudWatchClient({ region: 'us-east-1', maxAttempts: 1 }),
    logs: new CloudWatchLogsClient({ region: 'us-east-1', maxAttempts: 1 }),
  };
}

/** The hook wired to mocked clients, with a fake clock. */
export function hookHarness() {
  const clock = new FakeClock();
  const clients = trafficHookClients();
  const mocks = {
    codedeploy: mockClient(clients.codedeploy),
    lambda: mockClient(clients.lambda),
    invoker: mockClient(clients.invoker),
    ssm: mockClient(clients.ssm),
    cloudwatch: mockClient(clients.cloudwatch),
    logs: mockClient(clients.logs),
  };
  // Every execution is claimed by the first delivery unless a test says otherwise.
  mocks.logs.on(CreateLogStreamCommand).resolves({});
  const handler: TrafficHookHandler = createTrafficHookHandler({
    ...clients, clock, random: () => 0.5, settingsPrefix: SETTINGS_PREFIX, claimsLogGroup: CLAIMS_LOG_GROUP,
  });
  const invoke = (payload: unknown, durationMs?: number) => handler(payload, {
    ...invocationContext(clock, durationMs), invokedFunctionArn: HOOK_ARN,
  });
  return { clock, mocks, handler, invoke };
}

/** Every JSON line the hook logged. */
export function loggedEvents(spy: jest.SpyInstance): Array<Record<string, unknown>> {
  return spy.mock.calls.map(([line]) => JSON.parse(String(line)));
}
