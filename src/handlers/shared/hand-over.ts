import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { logEvent } from './log';
import { RetryOptions, withRetry } from './retry';

/**
 * A Lambda invocation lasts at most 15 minutes; a revision deployment may take about an hour, a
 * bake up to 50 minutes. So before its time runs out an invocation hands its work to a new
 * asynchronous invocation of the same function: the payload carries the event it serves and its
 * progress, under a key that marks it as a continuation (the events AWS sends never carry that key).
 * The server deployer's continuations (server-deployer/revision-deployment/continuation.ts) and the
 * traffic hook's (traffic-hook/bake.ts) each have their own key and version.
 */

/** What every continuation's state carries. */
interface InvocationCount {
  /** 1 for the first invocation, then 2, 3, ... (for the logs). */
  readonly invocation: number;
}

/** A continuation's content: the event the function serves, and its progress so far. */
interface Continuation<Event, State extends InvocationCount> {
  readonly event: Event;
  readonly state: State;
}

/** One function's continuations: how it marks them, reads them and sends them. */
export class Continuations<Event, State extends InvocationCount> {
  /**
   * @param marker the key that marks a continuation; its value is `version`
   * @param version bumped if the payload's shape ever changes, so an old in-flight payload is not
   *   misread. Neither may change while a payload of the old shape could be in flight.
   */
  public constructor(public readonly marker: string, public readonly version: number) {}

  /** The continuation an invocation's payload carries, or `undefined` for an event from AWS. */
  public read(payload: unknown): Continuation<Event, State> | undefined {
    const isContinuation = typeof payload === 'object' && payload !== null
      && (payload as Record<string, unknown>)[this.marker] === this.version
      && typeof (payload as { state?: unknown }).state === 'object'
      && typeof (payload as { event?: unknown }).event === 'object';
    return isContinuation ? payload as Continuation<Event, State> : undefined;
  }

  /**
   * Invokes this same function asynchronously (`InvocationType: Event`, which returns once Lambda
   * has queued the event: https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html) with the
   * event and the progress so far, the invocation counted up. The payload may hold a credential
   * (the server deployer's ResponseURL): it goes to Lambda, never to the logs, which get `logFields`.
   */
  public async handOver(
    lambda: LambdaClient, functionArn: string, current: Continuation<Event, State>, retry: RetryOptions, logFields: Record<string, unknown>,
  ): Promise<void> {
    const next: State = { ...current.state, invocation: current.state.invocation + 1 };
    const payload = { [this.marker]: this.version, event: current.event, state: next };
    await withRetry('Invoke', (abortSignal) => lambda.send(new InvokeCommand({
      FunctionName: functionArn,
      InvocationType: 'Event',
      Payload: Buffer.from(JSON.stringify(payload), 'utf8'),
    }), { abortSignal }), retry);
    logEvent('handed-over', { ...logFields, nextInvocation: next.invocation });
  }
}
