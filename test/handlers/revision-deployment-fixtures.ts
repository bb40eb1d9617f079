import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CodeDeployClient, DeploymentInfo } from '@aws-sdk/client-codedeploy';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type {
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceUpdateEvent,
  Context,
} from 'aws-lambda';
import { REVISION_DEPLOYMENT_RESOURCE_TYPE } from '../../src/contract/revision-deployment';
import { createServerDeployerHandler, ServerDeployerHandler } from '../../src/handlers/server-deployer/dispatch';
import { Clock } from '../../src/handlers/shared/clock';

/** A presigned URL is a secret: the tests check it never reaches the logs. */
export const RESPONSE_URL = 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/SECRET-PRESIGNED-PATH?X-Amz-Signature=SECRET';
export const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:RevisionDeploymentHandler';
export const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/Web/11111111-2222-3333-4444-555555555555';
export const SERVICE_TOKEN = FUNCTION_ARN;
/** What Lambda gives one invocation (the handler's function timeout). */
export const INVOCATION_MS = 15 * 60_000;

export const NEW_REVISION = { revisionType: 'S3', s3Location: { bucket: 'releases', key: 'web/v2.zip', bundleType: 'zip', eTag: 'etag-v2' } };
export const OLD_REVISION = { revisionType: 'S3', s3Location: { bucket: 'releases', key: 'web/v1.zip', bundleType: 'zip', eTag: 'etag-v1' } };

/** The custom resource's properties as CloudFormation sends them (every leaf a string). */
export function properties(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ServiceToken: SERVICE_TOKEN,
    ApplicationName: 'WebApp',
    DeploymentGroupName: 'WebFleet',
    Revision: NEW_REVISION,
    IgnoreApplicationStopFailures: 'false',
    TimeoutSeconds: '1800',
    RollbackOnStop: 'true',
    ...overrides,
  };
}

/** The custom resource a test's events are for. */
export interface TestResource {
  readonly logicalId: string;
  readonly type: string;
}

/** A `RevisionDeployment`'s custom resource. */
export const REVISION_DEPLOYMENT: TestResource = { logicalId: 'Release', type: REVISION_DEPLOYMENT_RESOURCE_TYPE };

export function createEvent(
  props: Record<string, unknown> = properties(), resource: TestResource = REVISION_DEPLOYMENT,
): CloudFormationCustomResourceCreateEvent {
  return {
    RequestType: 'Create',
    ServiceToken: SERVICE_TOKEN,
    ResponseURL: RESPONSE_URL,
    StackId: STACK_ID,
    RequestId: 'request-1',
    LogicalResourceId: resource.logicalId,
    ResourceType: resource.type,
    ResourceProperties: props as CloudFormationCustomResourceCreateEvent['ResourceProperties'],
  };
}

export function updateEvent(
  physicalResourceId: string, props: Record<string, unknown>, oldProps: Record<string, unknown>, resource: TestResource = REVISION_DEPLOYMENT,
): CloudFormationCustomResourceUpdateEvent {
  return {
    ...createEvent(props, resource),
    RequestType: 'Update',
    RequestId: 'request-2',
    PhysicalResourceId: physicalResourceId,
    OldResourceProperties: oldProps as CloudFormationCustomResourceUpdateEvent['OldResourceProperties'],
  };
}

export function deleteEvent(
  physicalResourceId: string, props: Record<string, unknown> = properties(), resource: TestResource = REVISION_DEPLOYMENT,
): CloudFormationCustomResourceDeleteEvent {
  return { ...createEvent(props, resource), RequestType: 'Delete', RequestId: 'request-3', PhysicalResourceId: physicalResourceId };
}

/** A clock whose sleeps return at once and move time forward. */
export class FakeClock implements Clock {
  public readonly sleeps: number[] = [];
  public constructor(public time = Date.UTC(2025, 0, 1, 12, 0, 0)) {}
  public now = (): number => this.time;
  public sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.time += ms;
  };
}

/** One Lambda invocation's context: `INVOCATION_MS` from the clock's current time. */
export function invocationContext(clock: FakeClock, durationMs: number = INVOCATION_MS): Context {
  const end = clock.now() + durationMs;
  return {
    invokedFunctionArn: FUNCTION_ARN,
    getRemainingTimeInMillis: () => end - clock.now(),
  } as unknown as Context;
}

/** The handler wired to fakes; `responses` collects every answer (parsed). */
export interface Harness {
  readonly handler: ServerDeployerHandler;
  readonly clock: FakeClock;
  readonly responses: Array<Record<string, unknown>>;
  readonly rawResponses: Array<{ url: string; body: string }>;
  /** Runs one invocation with a fresh context. */
  invoke(payload: unknown): Promise<void>;
}

export function harness(options: { sendResponse?: (url: string, body: string) => Promise<void>; callTimeoutMs?: number } = {}): Harness {
  const clock = new FakeClock();
  const responses: Array<Record<string, unknown>> = [];
  const rawResponses: Array<{ url: string; body: string }> = [];
  const handler = createServerDeployerHandler({
    codedeploy: new CodeDeployClient({ region: 'us-east-1', maxAttempts: 1 }),
    lambda: new LambdaClient({ region: 'us-east-1', maxAttempts: 1 }),
    autoscaling: new AutoScalingClient({ region: 'us-east-1', maxAttempts: 1 }),
    sendResponse: options.sendResponse ?? (async (url, body) => {
      rawResponses.push({ url, body });
      responses.push(JSON.parse(body));
    }),
    clock,
    random: () => 0.5,
    ...(options.callTimeoutMs !== undefined ? { callTimeoutMs: options.callTimeoutMs } : {}),
  });
  return { handler, clock, responses, rawResponses, invoke: (payload) => handler(payload, invocationContext(clock)) };
}

/** An SDK-style service error. */
export function serviceError(name: string, message: string, httpStatusCode = 400, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name, $fault: httpStatusCode >= 500 ? 'server' : 'client', $metadata: { httpStatusCode }, ...extra });
}

/** The identifiers every response echoes from its request. */
export function echoed(requestId: string, resource: TestResource = REVISION_DEPLOYMENT): Record<string, string> {
  return { StackId: STACK_ID, RequestId: requestId, LogicalResourceId: resource.logicalId };
}

/** A GetDeployment answer. */
export function deployment(deploymentId: string, status: string, extra: Partial<DeploymentInfo> = {}): { deploymentInfo: DeploymentInfo } {
  return { deploymentInfo: { deploymentId, status: status as DeploymentInfo['status'], ...extra } };
}

/**
 * The console.log lines of each test (the handlers log one JSON line per event), checked after
 * every test: the presigned ResponseURL is a credential and never reaches CloudWatch Logs.
 */
export function capturedLogs(): string[] {
  const lines: string[] = [];
  beforeEach(() => {
    lines.length = 0;
    jest.spyOn(console, 'log').mockImplementation((line: string) => {
      lines.push(line);
    });
  });
  afterEach(() => {
    expect(lines.filter((line) => line.includes('SECRET'))).toEqual([]);
    jest.restoreAllMocks();
  });
  return lines;
}
