import { CodeDeployClient, CreateDeploymentCommand, GetDeploymentCommand, ListDeploymentsCommand } from '@aws-sdk/client-codedeploy';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { capturedLogs, createEvent, deployment, echoed, harness, invocationContext } from './revision-deployment-fixtures';
import { CallTimeoutError, withTimeout } from '../../src/handlers/shared/call-timeout';
import { describeError, RetriesExhaustedError } from '../../src/handlers/shared/errors';
import { withRetry } from '../../src/handlers/shared/retry';
import { MIN_ATTEMPT_MS } from '../../src/handlers/shared/timing';

/** A promise that never settles: a response that never arrives. */
const held = <T>(): Promise<T> => new Promise<T>(() => undefined);

describe('withTimeout', () => {
  test('passes a prompt answer and a prompt error through', async () => {
    await expect(withTimeout('Op', 1_000, async () => 'answer')).resolves.toBe('answer');
    const error = new Error('refused');
    await expect(withTimeout('Op', 1_000, async () => { throw error; })).rejects.toBe(error);
    await expect(withTimeout('Op', 1_000, () => { throw error; })).rejects.toBe(error);
  });

  test('abandons a held call when its time is up, and aborts its request', async () => {
    let signal: AbortSignal | undefined;
    const started = Date.now();
    const error = await withTimeout('GetDeployment', 30, (abortSignal) => {
      signal = abortSignal;
      return held();
    }).catch((err: unknown) => err);

    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error).toBeInstanceOf(CallTimeoutError);
    expect(describeError(error)).toBe('TimeoutError: GetDeployment got no answer within 30 ms and was abandoned');
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBe(error);
  });
});

describe('withRetry, bounded in time', () => {
  beforeEach(() => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  test('a held attempt is abandoned and retried', async () => {
    const call = jest.fn().mockImplementationOnce(held).mockResolvedValueOnce('answer');

    await expect(withRetry('Op', call, { sleep: async () => undefined, random: () => 0, attemptTimeoutMs: () => 20 })).resolves.toBe('answer');
    expect(call).toHaveBeenCalledTimes(2);
  });

  test('no attempt outlasts the budget, and no retry starts without time for an attempt: out of time', async () => {
    let budget = 1_500;
    const sleeps: number[] = [];
    const call = jest.fn().mockRejectedValue(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    const error = await withRetry('Op', call, {
      sleep: async (ms) => { sleeps.push(ms); budget -= ms; }, random: () => 0.999, budgetMs: () => budget,
    }).catch((err: unknown) => err);

    // 1.5 s: one backoff of 999 ms leaves 501 ms, short of an attempt; the next would not fit.
    expect(call).toHaveBeenCalledTimes(1);
    expect(sleeps).toEqual([]);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect((error as RetriesExhaustedError).outOfTime).toBe(true);
    expect(describeError(error)).toBe('ThrottlingException: Rate exceeded (gave up after 1 attempt)');
  });

  test('an attempt gets the budget left when that is shorter than its own limit, and at least MIN_ATTEMPT_MS', async () => {
    const timeouts: string[] = [];
    const run = async (budget: number): Promise<void> => {
      await withRetry('Op', held, { sleep: async () => undefined, maxAttempts: 1, attemptTimeoutMs: () => 60_000, budgetMs: () => budget })
        .catch((err: unknown) => timeouts.push(describeError(err)));
    };
    await run(MIN_ATTEMPT_MS + 100);
    await run(-5_000);

    expect(timeouts).toEqual([
      `TimeoutError: Op got no answer within ${MIN_ATTEMPT_MS + 100} ms and was abandoned (gave up after 1 attempt)`,
      `TimeoutError: Op got no answer within ${MIN_ATTEMPT_MS} ms and was abandoned (gave up after 1 attempt)`,
    ]);
  });
});

describe('the handler with a held response', () => {
  const codedeploy = mockClient(CodeDeployClient);
  const lambda = mockClient(LambdaClient);
  const logs = capturedLogs();

  beforeEach(() => {
    codedeploy.reset();
    lambda.reset();
    codedeploy.on(ListDeploymentsCommand).resolves({ deployments: [] });
    codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-SUCCESS01' });
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
  });

  test('a GetDeployment held near the end of the invocation is handed over, and the next invocation answers', async () => {
    const { handler, responses, clock } = harness({ callTimeoutMs: 20 });
    // Each held attempt costs the invocation time (10 s in Lambda; 2 s on the test's clock).
    codedeploy.on(GetDeploymentCommand).callsFake(() => {
      clock.time += 2_000;
      return held();
    });

    // 20 s left: every call's retries must end 15 s before the invocation does.
    await handler(createEvent(), invocationContext(clock, 20_000));

    expect(responses).toEqual([]);
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 1);
    const attempts = codedeploy.commandCalls(GetDeploymentCommand).length;
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThan(6);
    const payload = JSON.parse(Buffer.from(lambda.commandCalls(InvokeCommand)[0].args[0].input.Payload as Uint8Array).toString('utf8'));
    expect(payload.state).toMatchObject({ deploymentId: 'd-SUCCESS01', phase: 'deploying', invocation: 2 });
    expect(logs.map((line) => JSON.parse(line).event)).toContain('call-out-of-time');

    codedeploy.on(GetDeploymentCommand).resolves(deployment('d-SUCCESS01', 'Succeeded'));
    await handler(payload, invocationContext(clock));

    expect(codedeploy).toHaveReceivedCommandTimes(CreateDeploymentCommand, 1);
    expect(responses).toEqual([{ Status: 'SUCCESS', PhysicalResourceId: 'd-SUCCESS01', ...echoed('request-1'), Data: { DeploymentId: 'd-SUCCESS01' } }]);
  });

  test('with time left, a held GetDeployment is retried in the same invocation', async () => {
    const { invoke, responses } = harness({ callTimeoutMs: 20 });
    codedeploy.on(GetDeploymentCommand).callsFakeOnce(held).resolves(deployment('d-SUCCESS01', 'Succeeded'));

    await invoke(createEvent());

    expect(codedeploy).toHaveReceivedCommandTimes(GetDeploymentCommand, 2);
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 0);
    expect(responses).toEqual([{ Status: 'SUCCESS', PhysicalResourceId: 'd-SUCCESS01', ...echoed('request-1'), Data: { DeploymentId: 'd-SUCCESS01' } }]);
  });
});
