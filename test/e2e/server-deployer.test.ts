import { randomUUID } from 'crypto';
import * as http from 'http';
import { loadApi, MODELS_SOURCE, validate } from './support/api-model';
import { Emulator } from './support/emulator';
import { BundledHandler, capturingConsole, LambdaInvoker, loadBundle, replaceEnvironment, ScaledClock } from './support/lambda-runtime';

/**
 * The server deployer end to end: the bundled asset as Lambda loads it, the real SDK v3 clients
 * pointed by the per-service endpoint variables at a loopback emulator that validates every request
 * against AWS's API models (support/emulator.ts). Time runs `SCALE` times faster for the bundle's own
 * timers (support/lambda-runtime.ts), so a 15-minute invocation lasts 9 real seconds at most and
 * the whole file well under a minute.
 */

const SCALE = 100;
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:Web-RevisionDeploymentHandler';
const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/Web/11111111-2222-3333-4444-555555555555';
/** At most this many invocations per delivery (hand-overs included): a loop that does not end fails. */
const MAX_INVOCATIONS = 8;

const clock = new ScaledClock(SCALE);
const emulator = new Emulator(clock);
const captured = capturingConsole();
let handler: BundledHandler;
const lambda = new LambdaInvoker({
  clock,
  invocations: () => emulator.invocations,
  functionName: 'Web-RevisionDeploymentHandler',
  functionArn: FUNCTION_ARN,
  handler: () => handler,
  maxInvocations: MAX_INVOCATIONS,
});
const invoke = (payload: unknown, remainingMs?: number): Promise<void> => lambda.invoke(payload, remainingMs);
const deliver = (event: unknown, firstRemainingMs?: number): Promise<number> => lambda.deliver(event, firstRemainingMs);
let restoreEnvironment: () => void = () => undefined;
let scenarios = 0;
let passed = 0;
let groups = 0;

beforeAll(async () => {
  await emulator.start();
  const environment = { ...emulator.environment(), AWS_PROFILE: undefined, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' };
  restoreEnvironment = replaceEnvironment(environment);
  handler = loadBundle(clock, captured);
});

afterAll(async () => {
  await emulator.stop();
  restoreEnvironment();
  const { requests, violations } = emulator.totals();
  // The count line the README quotes.
  process.stdout.write(`server deployer end to end: ${passed} of ${scenarios} scenarios passed, ${violations} request-shape violations`
    + ` over ${requests} requests (models: ${MODELS_SOURCE})\n`);
});

/**
 * The end of every scenario: a request that broke AWS's model (or an answer of the emulator that
 * did), or a log line holding the response URL, fails it. `deliberate`: a test of this check.
 */
function endScenario(deliberate = false): void {
  const violations = emulator.takeViolations(deliberate);
  const leaked = captured.lines.filter((line) => line.includes('SECRET'));
  emulator.resetScenario();
  captured.lines.length = 0;
  expect(violations).toEqual([]);
  // The response URL is a credential: it never reaches the logs.
  expect(leaked).toEqual([]);
}

afterEach(() => endScenario());

/** A test that counts toward the suite's report. */
function scenario(name: string, body: () => Promise<void>): void {
  scenarios++;
  test(name, async () => {
    await body();
    passed++;
  }, 30_000);
}

/** A deployment group of its own for each scenario (so no scenario sees another's history). */
function newGroup(): string {
  const name = `Fleet${++groups}`;
  emulator.world.addGroup('WebApp', name);
  return name;
}

const REVISION = { revisionType: 'S3', s3Location: { bucket: 'web-releases', key: 'web/v2.zip', bundleType: 'zip', eTag: 'etag-v2' } };

function properties(group: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ServiceToken: FUNCTION_ARN,
    ApplicationName: 'WebApp',
    DeploymentGroupName: group,
    Revision: REVISION,
    Description: 'web v2',
    IgnoreApplicationStopFailures: 'false',
    TimeoutSeconds: '1800',
    RollbackOnStop: 'true',
    ...overrides,
  };
}

function createEvent(resourceProperties: Record<string, unknown>, resourceType = 'Custom::CodeDeployRevisionDeployment'): Record<string, unknown> {
  const requestId = randomUUID();
  return {
    RequestType: 'Create',
    ServiceToken: FUNCTION_ARN,
    ResponseURL: emulator.responseUrl(requestId),
    StackId: STACK_ID,
    RequestId: requestId,
    LogicalResourceId: 'Release',
    ResourceType: resourceType,
    ResourceProperties: resourceProperties,
  };
}

function deleteEvent(physicalResourceId: string, resourceProperties: Record<string, unknown>, resourceType?: string): Record<string, unknown> {
  return { ...createEvent(resourceProperties, resourceType), RequestType: 'Delete', PhysicalResourceId: physicalResourceId };
}

/**
 * The retries of a scenario, without those of an attempt abandoned for time: at 100 times real
 * speed the handler gives a call 100 real milliseconds, which a loaded machine can exceed; the
 * handler copes (that is what the stalled-call scenarios check), but the count would change.
 */
function retriesBesidesTimeouts(): Array<Record<string, unknown>> {
  return logged('retry').filter((entry) => entry.error !== 'TimeoutError');
}

/** Requests of an operation whose answer reached the handler (an attempt abandoned for time is recorded too, then retried). */
function answered(operation: string): number {
  return emulator.calls(operation).length - logged('retry').filter((entry) => entry.operation === operation && entry.error === 'TimeoutError').length;
}

function logged(event: string): Array<Record<string, unknown>> {
  return captured.lines.flatMap((line) => {
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      return entry.event === event ? [entry] : [];
    } catch {
      return [];
    }
  });
}

function throttle(service: 'codedeploy' | 'lambda', operation: string, times: number): void {
  const error = service === 'lambda'
    ? { code: 'TooManyRequestsException', message: 'Rate Exceeded.', status: 429 }
    : { code: 'ThrottlingException', message: 'Rate exceeded', status: 400 };
  emulator.faults.push({ service, operation, times, error });
}

function expectAnswers(count: number): Array<Record<string, unknown>> {
  expect(emulator.responses).toHaveLength(count);
  return emulator.responses.map((response) => response.body);
}

describe('RevisionDeployment', () => {
  scenario('success: one deployment, answered SUCCESS with its id', async () => {
    const group = newGroup();
    const event = createEvent(properties(group));

    expect(await deliver(event)).toBe(1);

    const [create] = emulator.calls('CreateDeployment');
    expect(create.input).toEqual({
      applicationName: 'WebApp',
      deploymentGroupName: group,
      revision: REVISION,
      description: `web v2 [cfn:${String(event.RequestId)}]`,
      ignoreApplicationStopFailures: false,
    });
    const deploymentId = emulator.calls('GetDeployment')[0].input.deploymentId as string;
    expect(expectAnswers(1)).toEqual([{
      Status: 'SUCCESS', PhysicalResourceId: deploymentId, StackId: STACK_ID, RequestId: event.RequestId, LogicalResourceId: 'Release', Data: { DeploymentId: deploymentId },
    }]);
    expect(emulator.responses[0].contentType).toBe('');
  });

  scenario('failure with rollback and a long log tail: FAILED after the rollback, the tail cut from its start to fit 4096 bytes', async () => {
    const group = newGroup();
    const logTail = `${'x'.repeat(6000)}\nERROR: health check on :8080 returned 503\n`;
    emulator.world.scripts.push({
      statuses: ['InProgress', 'InProgress', 'Failed'],
      errorInformation: { code: 'HEALTH_CONSTRAINTS', message: 'The overall deployment failed because too many individual instances failed deployment' },
      rollback: ['InProgress', 'Succeeded'],
      failedInstance: { instanceId: 'i-0123456789abcdef0', lifecycleEventName: 'ValidateService', scriptName: 'scripts/validate.sh', logTail },
    });

    await deliver(createEvent(properties(group)));

    const [answer] = expectAnswers(1);
    expect(answer.Status).toBe('FAILED');
    expect(emulator.responses[0].bytes).toBeLessThanOrEqual(4096);
    const reason = String(answer.Reason);
    expect(reason).toMatch(/^CodeDeploy deployment d-E2E\d{6} Failed with HEALTH_CONSTRAINTS: The overall deployment failed/);
    expect(reason).toContain('i-0123456789abcdef0');
    expect(reason).toContain('ValidateService');
    expect(reason).toContain('[...]');
    expect(reason).toContain('ERROR: health check on :8080 returned 503');
    expect(reason).toMatch(/rolled back with deployment d-E2E\d{6}, which Succeeded/);
    expect(emulator.calls('ListDeploymentTargets')).toHaveLength(1);
    expect(emulator.calls('BatchGetDeploymentTargets')).toHaveLength(1);
  });

  scenario('stop on timeout: a deployment past TimeoutSeconds is stopped with rollback and answered FAILED', async () => {
    const group = newGroup();
    emulator.world.scripts.push({ statuses: ['InProgress'] });

    await deliver(createEvent(properties(group, { TimeoutSeconds: '60' })));

    expect(emulator.calls('StopDeployment').map((call) => call.input.autoRollbackEnabled)).toEqual([true]);
    const [answer] = expectAnswers(1);
    expect(answer.Status).toBe('FAILED');
    expect(String(answer.Reason)).toMatch(/^CodeDeploy deployment d-E2E\d{6} ran past the RevisionDeployment's timeout of 1 minute and was stopped/);
  });

  scenario('delete while the deployment is in progress: stopped (with rollback), SUCCESS', async () => {
    const group = newGroup();
    const running = emulator.world.addDeployment('WebApp', group, { statuses: ['InProgress'] }, 'web v1 [cfn:old-request]');

    await deliver(deleteEvent(running, properties(group)));

    expect(emulator.calls('StopDeployment').map((call) => call.input)).toEqual([{ deploymentId: running, autoRollbackEnabled: true }]);
    expect(expectAnswers(1)).toEqual([expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: running })]);
  });

  scenario('delete racing completion: the stop finds the deployment completed, still SUCCESS', async () => {
    const group = newGroup();
    const finishing = emulator.world.addDeployment('WebApp', group, { statuses: ['InProgress'], completesWhenStopped: 'Succeeded' });

    await deliver(deleteEvent(finishing, properties(group)));

    expect(emulator.calls('StopDeployment')).toHaveLength(1);
    expect(logged('stop-not-needed')).toEqual([{ event: 'stop-not-needed', deploymentId: finishing, reason: 'already completed' }]);
    expect(expectAnswers(1)).toEqual([expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: finishing })]);
  });

  scenario('throttling: throttled calls are retried with backoff, and the deployment succeeds', async () => {
    const group = newGroup();
    throttle('codedeploy', 'ListDeployments', 2);
    throttle('codedeploy', 'GetDeployment', 3);

    await deliver(createEvent(properties(group)));

    expect(retriesBesidesTimeouts().map((entry) => `${String(entry.operation)}:${String(entry.error)}`)).toEqual([
      'ListDeployments:ThrottlingException', 'ListDeployments:ThrottlingException',
      'GetDeployment:ThrottlingException', 'GetDeployment:ThrottlingException', 'GetDeployment:ThrottlingException',
    ]);
    expect(emulator.calls('CreateDeployment')).toHaveLength(1);
    expect(expectAnswers(1)[0].Status).toBe('SUCCESS');
  });

  scenario('throttling exhausted: after 6 attempts the deployment is lost track of, stopped, and CloudFormation hears why', async () => {
    const group = newGroup();
    emulator.world.scripts.push({ statuses: ['InProgress'] });
    throttle('codedeploy', 'GetDeployment', 100);

    await deliver(createEvent(properties(group)));

    // Six attempts, an attempt abandoned for time on a loaded machine included.
    expect(emulator.calls('GetDeployment')).toHaveLength(6);
    expect(answered('StopDeployment')).toBe(1);
    const [answer] = expectAnswers(1);
    expect(answer.Status).toBe('FAILED');
    expect(String(answer.Reason)).toContain('ThrottlingException: Rate exceeded (gave up after 6 attempts)');
  });

  scenario('access denied: FAILED at once, nothing deployed, a physical id that is not a deployment', async () => {
    const group = newGroup();
    emulator.faults.push({
      service: 'codedeploy',
      operation: 'CreateDeployment',
      error: {
        code: 'AccessDeniedException',
        message: 'User: arn:aws:sts::123456789012:assumed-role/Web-Handler is not authorized to perform: codedeploy:CreateDeployment',
        status: 400,
      },
    });

    await deliver(createEvent(properties(group)));

    expect(expectAnswers(1)).toEqual([expect.objectContaining({
      Status: 'FAILED',
      PhysicalResourceId: 'Release-not-deployed',
      Reason: `Could not start a CodeDeploy deployment of application WebApp to deployment group ${group}: AccessDeniedException: User:`
        + ' arn:aws:sts::123456789012:assumed-role/Web-Handler is not authorized to perform: codedeploy:CreateDeployment',
    })]);
    expect(emulator.calls('GetDeployment')).toHaveLength(0);
  });

  scenario('a busy group until the timeout: FAILED naming the deployment that holds it, nothing created', async () => {
    const group = newGroup();
    const holder = emulator.world.addDeployment('WebApp', group, { statuses: ['InProgress'] }, 'manual hotfix');

    await deliver(createEvent(properties(group, { TimeoutSeconds: '60' })));

    expect(emulator.calls('CreateDeployment').length).toBeGreaterThanOrEqual(4);
    expect(expectAnswers(1)).toEqual([expect.objectContaining({
      Status: 'FAILED',
      PhysicalResourceId: 'Release-not-deployed',
      Reason: `Could not start a CodeDeploy deployment of application WebApp to deployment group ${group}`
        + ` before the RevisionDeployment's timeout of 1 minute passed: the group was still busy with deployment ${holder}.`
        + ' No deployment was created, so there is nothing to stop.',
    })]);
  });

  scenario('duplicate deliveries at once: one deployment, both answered with it', async () => {
    const group = newGroup();
    emulator.world.scripts.push({ statuses: ['InProgress', 'InProgress', 'InProgress', 'Succeeded'] });
    const event = createEvent(properties(group));

    await Promise.all([invoke(event), invoke(event)]);

    expect(emulator.world.deploymentsOf('WebApp', group)).toHaveLength(1);
    const answers = expectAnswers(2);
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: emulator.world.deploymentsOf('WebApp', group)[0] });
  });

  scenario('a duplicate delivery after the answer: the same answer again, nothing deployed twice', async () => {
    const group = newGroup();
    const event = createEvent(properties(group));

    await deliver(event);
    await deliver(event);

    expect(emulator.calls('CreateDeployment')).toHaveLength(1);
    const answers = expectAnswers(2);
    expect(answers[1]).toEqual(answers[0]);
    expect(logged('adopted').at(-1)).toMatchObject({ status: 'Succeeded' });
  });

  scenario('a duplicate delivery after a FAILED answer: FAILED again with the same physical id and Reason', async () => {
    const group = newGroup();
    emulator.world.scripts.push({ statuses: ['InProgress', 'Failed'], errorInformation: { code: 'HEALTH_CONSTRAINTS', message: 'The overall deployment failed because too many individual instances failed deployment' }, rollback: ['Succeeded'] });
    const event = createEvent(properties(group));

    await deliver(event);
    await deliver(event);

    expect(emulator.calls('CreateDeployment')).toHaveLength(1);
    const answers = expectAnswers(2);
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[0].Status).toBe('FAILED');
  });

  scenario('hand-over near 15 minutes with a throttled Invoke: the next invocation carries on and answers once', async () => {
    const group = newGroup();
    // A 16-minute deployment (a poll every 15 s): longer than one invocation.
    emulator.world.scripts.push({ statuses: [...Array<'InProgress'>(64).fill('InProgress'), 'Succeeded'] });
    throttle('lambda', 'Invoke', 2);

    const invocations = await deliver(createEvent(properties(group)));

    expect(invocations).toBe(2);
    const [handedOver] = logged('handed-over');
    expect(handedOver).toMatchObject({ phase: 'deploying', nextInvocation: 2 });
    expect(retriesBesidesTimeouts().filter((entry) => entry.operation === 'Invoke').map((entry) => entry.error))
      .toEqual(['TooManyRequestsException', 'TooManyRequestsException']);
    expect(emulator.calls('Invoke').map((call) => call.input.InvocationType)).toEqual(['Event', 'Event', 'Event']);
    expect(emulator.calls('Invoke')[2].input.FunctionName).toBe(FUNCTION_ARN);
    expect(emulator.calls('CreateDeployment')).toHaveLength(1);
    expect(expectAnswers(1)[0].Status).toBe('SUCCESS');
  });

  scenario('a stalled call: a GetDeployment whose response never comes is abandoned, its socket closed, and retried', async () => {
    const group = newGroup();
    emulator.faults.push({ service: 'codedeploy', operation: 'GetDeployment', hold: true });
    const started = performance.now();

    await deliver(createEvent(properties(group)));

    expect(emulator.abandoned).toEqual(['codedeploy.GetDeployment']);
    expect(logged('retry')[0]).toMatchObject({ operation: 'GetDeployment', error: 'TimeoutError' });
    expect(expectAnswers(1)[0].Status).toBe('SUCCESS');
    // Abandoned after the handler's 10 s (0.1 s here), not the SDK's or Lambda's time.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  scenario('a stalled CreateDeployment: not repeated blindly, the deployment it made is found and adopted', async () => {
    const group = newGroup();
    // CodeDeploy creates the deployment; its answer never comes.
    emulator.faults.push({ service: 'codedeploy', operation: 'CreateDeployment', hold: true, handleThenHold: true });

    await deliver(createEvent(properties(group)));

    const deployments = emulator.world.deploymentsOf('WebApp', group);
    expect(deployments).toHaveLength(1);
    expect(emulator.abandoned).toEqual(['codedeploy.CreateDeployment']);
    expect(emulator.calls('CreateDeployment')).toHaveLength(1);
    expect(logged('create-unanswered')).toHaveLength(1);
    expect(logged('adopted')).toEqual([expect.objectContaining({ deploymentId: deployments[0] })]);
    expect(expectAnswers(1)).toEqual([expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: deployments[0] })]);
  });
});

describe('the blue/green deployment group', () => {
  const GROUP_TYPE = 'Custom::CodeDeployServerDeploymentGroup';
  const ROLE_ARN = 'arn:aws:iam::123456789012:role/Web-CodeDeployServiceRole';

  function groupProperties(name: string, autoScalingGroups: string[]): Record<string, unknown> {
    return {
      ServiceToken: FUNCTION_ARN,
      DeploymentGroup: {
        ApplicationName: 'WebApp',
        DeploymentGroupName: name,
        ServiceRoleArn: ROLE_ARN,
        DeploymentConfigName: 'CodeDeployDefault.HalfAtATime',
        AutoScalingGroups: autoScalingGroups,
        LoadBalancerInfo: { TargetGroupInfoList: [{ Name: 'Web-TargetGroup' }] },
        DeploymentStyle: { DeploymentType: 'BLUE_GREEN', DeploymentOption: 'WITH_TRAFFIC_CONTROL' },
        BlueGreenDeploymentConfiguration: {
          DeploymentReadyOption: { ActionOnTimeout: 'CONTINUE_DEPLOYMENT', WaitTimeInMinutes: '0' },
          GreenFleetProvisioningOption: { Action: 'COPY_AUTO_SCALING_GROUP' },
          TerminateBlueInstancesOnDeploymentSuccess: { Action: 'TERMINATE', TerminationWaitTimeInMinutes: '5' },
        },
        AlarmConfiguration: { Enabled: 'true', IgnorePollAlarmFailure: 'false', Alarms: [{ Name: 'Web-5xx' }] },
        AutoRollbackConfiguration: { Enabled: 'true', Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] },
        OutdatedInstancesStrategy: 'UPDATE',
        TerminationHookEnabled: 'true',
      },
    };
  }

  scenario('create: CreateDeploymentGroup with the blue/green configuration, answered with the group name and id', async () => {
    const event = createEvent(groupProperties('BlueGreen1', ['Web-Asg-1']), GROUP_TYPE);

    await deliver(event);

    const [create] = emulator.calls('CreateDeploymentGroup');
    expect(create.input).toMatchObject({
      applicationName: 'WebApp',
      deploymentGroupName: 'BlueGreen1',
      autoScalingGroups: ['Web-Asg-1'],
      deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      blueGreenDeploymentConfiguration: { greenFleetProvisioningOption: { action: 'COPY_AUTO_SCALING_GROUP' } },
    });
    expect(expectAnswers(1)).toEqual([expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: 'BlueGreen1' })]);
  });

  scenario('update after a blue/green deployment: the group keeps CodeDeploy\'s copy of the Auto Scaling group', async () => {
    const copy = 'CodeDeploy_BlueGreen2_d-E2E999999';
    emulator.world.addGroup('WebApp', 'BlueGreen2', { autoScalingGroups: [copy], serviceRoleArn: ROLE_ARN });
    const props = groupProperties('BlueGreen2', ['Web-Asg-2']);
    const event = { ...createEvent(props, GROUP_TYPE), RequestType: 'Update', PhysicalResourceId: 'BlueGreen2', OldResourceProperties: props };

    await deliver(event);

    expect(emulator.calls('UpdateDeploymentGroup')[0].input).toMatchObject({ currentDeploymentGroupName: 'BlueGreen2', autoScalingGroups: [copy] });
    expect(logged('kept-copied-auto-scaling-groups')).toHaveLength(1);
    expect(expectAnswers(1)).toEqual([expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: 'BlueGreen2' })]);
  });

  scenario('a stalled create: CodeDeploy made the group but its answer never came; the group is found and adopted', async () => {
    emulator.faults.push({ service: 'codedeploy', operation: 'CreateDeploymentGroup', hold: true, handleThenHold: true });

    await deliver(createEvent(groupProperties('BlueGreen5', ['Web-Asg-5']), GROUP_TYPE));

    expect(emulator.abandoned).toEqual(['codedeploy.CreateDeploymentGroup']);
    expect(emulator.calls('CreateDeploymentGroup')).toHaveLength(1);
    expect(logged('deployment-group-adopted')).toHaveLength(1);
    expect(expectAnswers(1)).toEqual([expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: 'BlueGreen5' })]);
  });

  scenario('delete: the group, then the Auto Scaling group CodeDeploy copied (query protocol, ForceDelete)', async () => {
    const copy = 'CodeDeploy_BlueGreen3_d-E2E999998';
    emulator.world.addGroup('WebApp', 'BlueGreen3', { autoScalingGroups: [copy] });
    emulator.autoScalingGroups.add(copy);

    await deliver(deleteEvent('BlueGreen3', groupProperties('BlueGreen3', ['Web-Asg-3']), GROUP_TYPE));

    expect(answered('DeleteDeploymentGroup')).toBe(1);
    // One deletion (an attempt abandoned for time on a loaded machine is retried, and finds the copy gone).
    expect(new Set(emulator.calls('DeleteAutoScalingGroup').map((call) => JSON.stringify(call.input))))
      .toEqual(new Set([JSON.stringify({ AutoScalingGroupName: copy, ForceDelete: 'true' })]));
    expect(emulator.deletedAutoScalingGroups).toContain(copy);
    expect(expectAnswers(1)).toEqual([expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: 'BlueGreen3' })]);
  });

  scenario('delete with the copy already gone: Auto Scaling\'s "not found" is success', async () => {
    const copy = 'CodeDeploy_BlueGreen4_d-E2E999997';
    emulator.world.addGroup('WebApp', 'BlueGreen4', { autoScalingGroups: [copy] });

    await deliver(deleteEvent('BlueGreen4', groupProperties('BlueGreen4', ['Web-Asg-4']), GROUP_TYPE));

    expect(emulator.calls('DeleteAutoScalingGroup')).toHaveLength(1);
    expect(logged('copied-auto-scaling-group-already-gone')).toHaveLength(1);
    expect(expectAnswers(1)).toEqual([expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: 'BlueGreen4' })]);
  });
});

describe('the emulator itself', () => {
  /** A raw CodeDeploy request, signed-looking, straight to the emulator. */
  function rawCodeDeploy(operation: string, input: Record<string, unknown>): Promise<number> {
    const port = new URL(emulator.environment().AWS_ENDPOINT_URL_CODEDEPLOY).port;
    const body = JSON.stringify(input);
    return new Promise<number>((resolve, reject) => {
      const request = http.request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': `CodeDeploy_20141006.${operation}`,
          'authorization': 'AWS4-HMAC-SHA256 Credential=AKIAE2EEXAMPLE000000/20260101/us-east-1/codedeploy/aws4_request, SignedHeaders=host, Signature=0',
        },
      }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
      request.end(body);
    });
  }

  scenario('a malformed request fails the scenario: wrong type, enum value outside the model, unknown member, missing required member', async () => {
    expect(await rawCodeDeploy('CreateDeployment', { applicationName: 'WebApp', deploymentGroupName: 7, revision: { revisionType: 'Zip' }, surprise: true })).toBe(400);
    expect(await rawCodeDeploy('GetDeployment', {})).toBe(400);

    // The check every scenario ends with fails on them (run here, so this deliberate case does not fail the suite).
    expect(() => endScenario(true)).toThrow(expect.objectContaining({ message: expect.stringContaining('GetDeployment.input.deploymentId: required, missing') }));
  });

  scenario('a malformed request the bundled handler sends fails the scenario too (a FileExistsBehavior CodeDeploy does not know)', async () => {
    const group = newGroup();

    await deliver(createEvent(properties(group, { FileExistsBehavior: 'REPLACE' })));

    // The emulator answered it as AWS would (ValidationException), and the handler answered FAILED.
    expect(expectAnswers(1)[0]).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'Release-not-deployed' });
    let failure: unknown;
    try {
      endScenario(true);
    } catch (err) {
      failure = err;
    }
    expect(String((failure as Error | undefined)?.message)).toContain(
      'codedeploy CreateDeployment.input.fileExistsBehavior: \\"REPLACE\\" is not one of DISALLOW, OVERWRITE, RETAIN');
  });

  scenario('the validator reads required members, lengths and ranges from the models', async () => {
    const lambdaApi = loadApi('lambda');
    expect(validate(lambdaApi, 'Invoke', 'input', { Payload: Buffer.from('{}') }, 'text')).toEqual(['Invoke.input.FunctionName: required, missing']);
    expect(validate(lambdaApi, 'Invoke', 'input', { FunctionName: '', InvocationType: 'Later' }, 'text')).toEqual([
      'Invoke.input.FunctionName: length 0 is below the minimum 1',
      'Invoke.input.InvocationType: "Later" is not one of Event, RequestResponse, DryRun',
    ]);
  });
});
