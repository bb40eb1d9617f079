import { ThrottlingException } from '@aws-sdk/client-codedeploy';
import { TooManyRequestsException } from '@aws-sdk/client-lambda';
import { serviceError } from './revision-deployment-fixtures';
import { describeError, RetriesExhaustedError } from '../../src/handlers/shared/errors';
import { isRetryable, withRetry } from '../../src/handlers/shared/retry';
import { RETRY_MAX_ATTEMPTS } from '../../src/handlers/shared/timing';

beforeEach(() => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('isRetryable', () => {
  test.each([
    ['CodeDeploy ThrottlingException', new ThrottlingException({ message: 'Rate exceeded', $metadata: {} })],
    ['Lambda TooManyRequestsException', new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} })],
    ['RequestLimitExceeded', serviceError('RequestLimitExceeded', 'slow down')],
    ['HTTP 429 of any name', serviceError('SomethingNew', 'busy', 429)],
    ['HTTP 500', serviceError('InternalFailure', 'oops', 500)],
    ['HTTP 503', serviceError('ServiceUnavailable', 'down', 503)],
    ['$retryable', Object.assign(new Error('x'), { name: 'Odd', $retryable: { throttling: false } })],
    ['ECONNRESET', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['ETIMEDOUT', Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })],
    ['TimeoutError', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
  ])('retries %s', (_name, error) => {
    expect(isRetryable(error)).toBe(true);
  });

  test.each([
    ['DeploymentLimitExceededException', serviceError('DeploymentLimitExceededException', 'group busy')],
    ['InvalidRevisionException', serviceError('InvalidRevisionException', 'bad revision')],
    ['DeploymentGroupDoesNotExistException', serviceError('DeploymentGroupDoesNotExistException', 'no group')],
    ['AccessDeniedException', serviceError('AccessDeniedException', 'denied', 403)],
    ['ValidationException', serviceError('ValidationException', 'bad input')],
    ['a plain Error', new Error('bug')],
    ['a string', 'not an error'],
    ['undefined', undefined],
  ])('does not retry %s', (_name, error) => {
    expect(isRetryable(error)).toBe(false);
  });
});

describe('withRetry', () => {
  test('returns the first success', async () => {
    const sleeps: number[] = [];
    const call = jest.fn().mockRejectedValueOnce(serviceError('ThrottlingException', 'Rate exceeded')).mockResolvedValueOnce('done');

    await expect(withRetry('Op', call, { sleep: async (ms) => { sleeps.push(ms); }, random: () => 0.999 })).resolves.toBe('done');

    expect(call).toHaveBeenCalledTimes(2);
    expect(sleeps).toEqual([999]);
  });

  test('rethrows a non-retryable error after one call', async () => {
    const error = serviceError('InvalidRevisionException', 'bad revision');
    const call = jest.fn().mockRejectedValue(error);

    await expect(withRetry('Op', call, { sleep: async () => undefined })).rejects.toBe(error);
    expect(call).toHaveBeenCalledTimes(1);
  });

  test('backs off exponentially up to 20 s, then gives up with the last error', async () => {
    const sleeps: number[] = [];
    const call = jest.fn().mockRejectedValue(serviceError('ThrottlingException', 'Rate exceeded'));

    const error = await withRetry('Op', call, { sleep: async (ms) => { sleeps.push(ms); }, random: () => 0.999999, maxAttempts: 8 })
      .catch((err: unknown) => err);

    expect(call).toHaveBeenCalledTimes(8);
    expect(sleeps).toEqual([999, 1999, 3999, 7999, 15999, 19999, 19999]);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(describeError(error)).toBe('ThrottlingException: Rate exceeded (gave up after 8 attempts)');
  });

  test(`makes ${RETRY_MAX_ATTEMPTS} attempts by default`, async () => {
    const call = jest.fn().mockRejectedValue(serviceError('InternalFailure', 'oops', 500));
    await expect(withRetry('Op', call, { sleep: async () => undefined })).rejects.toBeInstanceOf(RetriesExhaustedError);
    expect(call).toHaveBeenCalledTimes(6);
  });
});

describe('describeError', () => {
  test.each([
    [serviceError('ThrottlingException', 'Rate exceeded'), 'ThrottlingException: Rate exceeded'],
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'ECONNRESET: socket hang up'],
    [new Error('plain'), 'Error: plain'],
    [new TypeError('x is undefined'), 'TypeError: x is undefined'],
    ['a string', 'Error: a string'],
  ])('%s', (error, expected) => {
    expect(describeError(error)).toBe(expected);
  });
});
