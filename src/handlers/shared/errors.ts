/** How the handler reads an error thrown by the AWS SDK (v3) or by node. */

/** The SDK sets `name` to the service's error code (`ThrottlingException`, ...); node sets `code` (`ECONNRESET`). */
export function errorName(err: unknown): string {
  if (err instanceof Error || (typeof err === 'object' && err !== null)) {
    const { name, code } = err as { name?: unknown; code?: unknown };
    if (typeof name === 'string' && name !== 'Error') return name;
    if (typeof code === 'string') return code;
    if (typeof name === 'string') return name;
  }
  return 'Error';
}

export function errorMessage(err: unknown): string {
  if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string') {
    return (err as { message: string }).message;
  }
  return String(err);
}

/**
 * A retryable error that kept happening until the retry helper gave up: after its last attempt, or
 * (`outOfTime`) earlier, because the invocation's time for the call ran out.
 */
export class RetriesExhaustedError extends Error {
  public constructor(public readonly attempts: number, public readonly lastError: unknown, public readonly outOfTime: boolean = false) {
    super(`${describeError(lastError)} (gave up after ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'})`);
    this.name = 'RetriesExhaustedError';
  }
}

/** `ThrottlingException: Rate exceeded`, or that followed by `(gave up after 6 attempts)`. */
export function describeError(err: unknown): string {
  if (err instanceof RetriesExhaustedError) return err.message;
  const name = errorName(err);
  const message = errorMessage(err);
  return message && message !== name ? `${name}: ${message}` : name;
}
