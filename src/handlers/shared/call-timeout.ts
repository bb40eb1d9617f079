/**
 * Every AWS call the handler makes is bounded in time. The SDK's own `requestTimeout` does not do it
 * on every runtime: with `@smithy/node-http-handler` 4.x it only logs a warning unless
 * `throwOnRequestTimeout` is set, and the SDK version the Lambda runtime bundles is not the one the
 * tests run. So each attempt also races a timer of its own and aborts the request (the SDK's
 * `abortSignal`, which every v3 client has taken since 3.0) when the timer fires first. A call whose
 * response never arrives is abandoned, and the retry helper retries it, or gives up in time for the
 * invocation to hand over or answer.
 */

/** An attempt got no answer in time and was abandoned (retryable: the name is the one the SDK uses for its own timeouts). */
export class CallTimeoutError extends Error {
  public readonly code = 'ETIMEDOUT';
  public constructor(operation: string, public readonly timeoutMs: number) {
    super(`${operation} got no answer within ${timeoutMs} ms and was abandoned`);
    this.name = 'TimeoutError';
  }
}

/**
 * Runs `call` with an abort signal and rejects with `CallTimeoutError` after `timeoutMs`, aborting
 * the request (the SDK then destroys its socket). Settles no later than the timer, whatever the call does.
 */
export function withTimeout<T>(operation: string, timeoutMs: number, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const error = new CallTimeoutError(operation, timeoutMs);
      reject(error);
      controller.abort(error);
    }, timeoutMs);
    // The timer alone never keeps the process alive (the call's socket does, while it is open).
    timer.unref?.();
    let pending: Promise<T>;
    try {
      pending = call(controller.signal);
    } catch (err) {
      clearTimeout(timer);
      reject(err);
      return;
    }
    pending.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        // After a timeout the promise is already rejected: the abort's own error is dropped here.
        reject(err);
      },
    );
  });
}
