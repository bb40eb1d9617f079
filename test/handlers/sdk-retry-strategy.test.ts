import { CodeDeployClient, GetDeploymentCommand, ThrottlingException } from '@aws-sdk/client-codedeploy';
import { Retry, StandardRetryStrategy } from '@smithy/core/retry';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { capturedLogs, serviceError } from './revision-deployment-fixtures';
import { describeError, RetriesExhaustedError } from '../../src/handlers/shared/errors';
import { isRetryable, isThrottling, retryErrorType, RetryOptions, withRetry } from '../../src/handlers/shared/retry';
import {
  MIN_ATTEMPT_MS, RETRY_BASE_DELAY_MS, RETRY_MAX_ATTEMPTS, RETRY_MAX_DELAY_MS, RETRY_WORST_CASE_BACKOFF_MS,
} from '../../src/handlers/shared/timing';

/**
 * The handlers' retries are the AWS SDK's standard retry strategy, run around each call within its
 * time budget (shared/retry.ts): these tests drive it through a mocked client, with the real strategy.
 */

const codedeploy = mockClient(CodeDeployClient);
const client = new CodeDeployClient({ region: 'us-east-1', maxAttempts: 1 });
const logs = capturedLogs();
const throttled = (): ThrottlingException => new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });

/** A GetDeployment through the mocked client, under the handler's retry helper. */
function getDeployment(options: Partial<RetryOptions> & { sleeps?: number[] } = {}): Promise<unknown> {
  const sleeps = options.sleeps ?? [];
  return withRetry('GetDeployment', (abortSignal) => client.send(new GetDeploymentCommand({ deploymentId: 'd-STRATEGY1' }), { abortSignal }), {
    sleep: async (ms) => { sleeps.push(ms); },
    random: () => 0.5,
    ...options,
  });
}

function logged(event: string): Array<Record<string, unknown>> {
  return logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.event === event);
}

beforeEach(() => {
  codedeploy.reset();
});

describe('the SDK\'s retry strategy retries the calls', () => {
  test('a throttled call, then its success: the strategy grants the retry and records the success', async () => {
    const refresh = jest.spyOn(StandardRetryStrategy.prototype, 'refreshRetryTokenForRetry');
    const success = jest.spyOn(StandardRetryStrategy.prototype, 'recordSuccess');
    const error = throttled();
    codedeploy.on(GetDeploymentCommand).rejectsOnce(error).resolves({ deploymentInfo: { deploymentId: 'd-STRATEGY1', status: 'Succeeded' } });
    const sleeps: number[] = [];

    await expect(getDeployment({ sleeps })).resolves.toEqual({ deploymentInfo: { deploymentId: 'd-STRATEGY1', status: 'Succeeded' } });

    expect(codedeploy).toHaveReceivedCommandTimes(GetDeploymentCommand, 2);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(refresh.mock.calls[0][1]).toEqual({ errorType: 'THROTTLING', error });
    expect(success).toHaveBeenCalledTimes(1);
    // random() is 0.5: half of the SDK's 1 s throttling base, slept on the handler's clock.
    expect(sleeps).toEqual([500]);
  });

  test('each retry is logged with the operation, the attempt, the error and the backoff: operators see throttling', async () => {
    codedeploy.on(GetDeploymentCommand).rejectsOnce(throttled()).rejectsOnce(serviceError('InternalFailure', 'oops', 500)).resolves({});

    await getDeployment();

    expect(logs).toEqual([
      JSON.stringify({ event: 'retry', operation: 'GetDeployment', attempt: 1, error: 'ThrottlingException', delayMs: 500 }),
      // A transient error (a 5xx, a timeout) backs off from the SDK's 50 ms base; its retry count goes on.
      JSON.stringify({ event: 'retry', operation: 'GetDeployment', attempt: 2, error: 'InternalFailure', delayMs: 50 }),
    ]);
  });

  test('the strategy refuses the retry after the last attempt: RetriesExhaustedError with the count', async () => {
    const refresh = jest.spyOn(StandardRetryStrategy.prototype, 'refreshRetryTokenForRetry');
    codedeploy.on(GetDeploymentCommand).rejects(throttled());

    const error = await getDeployment({ maxAttempts: 3 }).catch((err: unknown) => err);

    expect(codedeploy).toHaveReceivedCommandTimes(GetDeploymentCommand, 3);
    // Two retries granted, the third refused.
    expect(refresh).toHaveBeenCalledTimes(3);
    await expect(refresh.mock.results[2].value).rejects.toThrow('No retry token available');
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(describeError(error)).toBe('ThrottlingException: Rate exceeded (gave up after 3 attempts)');
  });

  test('one strategy per call: the SDK\'s retry quota never cuts a later call short', async () => {
    // 20 exhausted calls make 100 throttled retries: shared, they would drain the quota's 500 tokens (5 each).
    codedeploy.on(GetDeploymentCommand).rejects(throttled());

    for (let call = 0; call < 20; call++) {
      await expect(getDeployment()).rejects.toMatchObject({ attempts: RETRY_MAX_ATTEMPTS });
    }
    expect(codedeploy).toHaveReceivedCommandTimes(GetDeploymentCommand, 20 * RETRY_MAX_ATTEMPTS);
  });

  test('a client error is not retried: the strategy is not asked', async () => {
    const refresh = jest.spyOn(StandardRetryStrategy.prototype, 'refreshRetryTokenForRetry');
    const error = serviceError('DeploymentDoesNotExistException', 'no such deployment');
    codedeploy.on(GetDeploymentCommand).rejects(error);

    await expect(getDeployment()).rejects.toBe(error);

    expect(codedeploy).toHaveReceivedCommandTimes(GetDeploymentCommand, 1);
    expect(refresh).not.toHaveBeenCalled();
  });
});

describe('the time budget', () => {
  test('no retry starts whose backoff would leave the call less than MIN_ATTEMPT_MS: out of time, logged', async () => {
    codedeploy.on(GetDeploymentCommand).rejects(throttled());
    const sleeps: number[] = [];
    let budget = MIN_ATTEMPT_MS + 1_400;

    const error = await getDeployment({ sleeps, budgetMs: () => budget, sleep: async (ms) => { sleeps.push(ms); budget -= ms; } })
      .catch((err: unknown) => err);

    // 2.4 s: the first backoff (500 ms) leaves 1.9 s; the second (1 s) would leave 0.9 s, short of an attempt.
    expect(sleeps).toEqual([500]);
    expect(codedeploy).toHaveReceivedCommandTimes(GetDeploymentCommand, 2);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect((error as RetriesExhaustedError).outOfTime).toBe(true);
    expect(logged('retry-out-of-time')).toEqual([{ event: 'retry-out-of-time', operation: 'GetDeployment', attempt: 2, error: 'ThrottlingException' }]);
  });
});

describe('the worst case the handlers\' margins rely on', () => {
  test(`${RETRY_MAX_ATTEMPTS} attempts of a throttled call sleep at most ${RETRY_WORST_CASE_BACKOFF_MS} ms, no backoff over ${RETRY_MAX_DELAY_MS} ms`, async () => {
    codedeploy.on(GetDeploymentCommand).rejects(throttled());
    const sleeps: number[] = [];

    await expect(getDeployment({ sleeps, random: () => 0.999999 })).rejects.toBeInstanceOf(RetriesExhaustedError);

    // The SDK's schedule: its throttling base doubling per retry. A new SDK that changed it fails here.
    expect(sleeps).toEqual([999, 1_999, 3_999, 7_999, 15_999]);
    expect(sleeps.reduce((sum, ms) => sum + ms, 0)).toBeLessThanOrEqual(RETRY_WORST_CASE_BACKOFF_MS);
    const ceilings = Array.from({ length: RETRY_MAX_ATTEMPTS - 1 }, (_, retry) => Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** retry));
    expect(RETRY_WORST_CASE_BACKOFF_MS).toBe(ceilings.reduce((sum, ms) => sum + ms, 0));
  });

  test('an SDK whose throttling base grew could not stretch it: the handlers cap each backoff', async () => {
    jest.spyOn(Retry, 'throttlingDelay').mockReturnValue(60_000);
    codedeploy.on(GetDeploymentCommand).rejects(throttled());
    const sleeps: number[] = [];

    await expect(getDeployment({ sleeps, random: () => 0.999999 })).rejects.toBeInstanceOf(RetriesExhaustedError);

    expect(sleeps).toEqual([999, 1_999, 3_999, 7_999, 15_999]);
  });
});

describe('the SDK\'s error classification', () => {
  test.each([
    ['a throttling code the SDK knows (PriorRequestNotComplete)', serviceError('PriorRequestNotComplete', 'busy'), 'THROTTLING'],
    ['Lambda\'s TooManyRequestsException', serviceError('TooManyRequestsException', 'Rate exceeded', 429), 'THROTTLING'],
    ['$retryable with throttling', Object.assign(new Error('x'), { name: 'Odd', $retryable: { throttling: true } }), 'THROTTLING'],
    ['HTTP 502', serviceError('BadGateway', 'bad gateway', 502), 'TRANSIENT'],
    ['a network error as the cause', Object.assign(new Error('request failed'), { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) }), 'TRANSIENT'],
    ['HTTP 501 (a server error the SDK does not retry)', serviceError('NotImplemented', 'no', 501), 'SERVER_ERROR'],
    ['an AbortError (the caller gave up)', Object.assign(new Error('Request aborted'), { name: 'AbortError' }), 'CLIENT_ERROR'],
    ['DeploymentLimitExceededException', serviceError('DeploymentLimitExceededException', 'group busy'), 'CLIENT_ERROR'],
    ['not an object', 'a string', 'CLIENT_ERROR'],
  ])('%s', (_name, error, type) => {
    expect(retryErrorType(error)).toBe(type);
    expect(isRetryable(error)).toBe(type === 'THROTTLING' || type === 'TRANSIENT');
    expect(isThrottling(error)).toBe(type === 'THROTTLING');
  });
});
