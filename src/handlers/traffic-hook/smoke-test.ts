import { InvokeCommand, InvokeCommandOutput } from '@aws-sdk/client-lambda';
import type { Context } from 'aws-lambda';
import type { DeploymentTarget } from './app-spec-target';
import type { TrafficHookDependencies } from './dependencies';
import { hookRetry } from './dependencies';
import { failed, succeeded, Verdict } from './lifecycle-event';
import { responseMismatch } from './response-match';
import type { SmokeTestSettings } from '../../contract/traffic-hook';
import { describeError, errorName, RetriesExhaustedError } from '../shared/errors';
import { logEvent } from '../shared/log';
import { isThrottling, withRetry } from '../shared/retry';
import { REPORT_MARGIN_MS } from '../shared/timing';

/** Errors that mean the invocation did not answer in time (the SDK's request timeout, the hook's own abort). */
const TIMEOUTS = new Set(['TimeoutError', 'AbortError', 'RequestTimeout', 'RequestTimeoutException', 'ETIMEDOUT']);

/** The longest part of a response a log line quotes. */
const QUOTE_CHARS = 500;

/**
 * Invokes the NEW version, by its version number (never the alias, which still serves the old
 * one), `invocations` times with the payloads in turn, one after another. Fails on the first
 * function error, timeout or response that does not match; a throttled invocation is retried.
 */
export async function runSmokeTest(
  deps: TrafficHookDependencies, context: Context, target: DeploymentTarget, settings: SmokeTestSettings,
): Promise<Verdict> {
  const version = `${target.functionName}:${target.targetVersion}`;
  for (let i = 0; i < settings.invocations; i++) {
    const label = `invocation ${i + 1} of ${settings.invocations} of ${version}`;
    const budgetMs = context.getRemainingTimeInMillis() - REPORT_MARGIN_MS;
    if (budgetMs <= 0) {
      return failed(`the smoke test ran out of time before ${label}: the hook keeps ${REPORT_MARGIN_MS / 1000} s to report`);
    }
    const payload = settings.payloads[i % settings.payloads.length];
    const outcome = await invokeOnce(deps, target, payload, () => context.getRemainingTimeInMillis() - REPORT_MARGIN_MS);
    if ('error' in outcome) {
      return failed(TIMEOUTS.has(errorName(outcome.error))
        ? `${label} timed out: no answer within ${Math.floor(budgetMs / 1000)} s (${describeError(outcome.error)})`
        : `${label} could not be made: ${describeError(outcome.error)}`);
    }
    const body = outcome.response.Payload ? Buffer.from(outcome.response.Payload).toString('utf8') : '';
    if (outcome.response.FunctionError) {
      return failed(isTimeoutPayload(body)
        ? `${label} timed out (the function's own timeout): ${quote(body)}`
        : `${label} returned a function error (${outcome.response.FunctionError}): ${quote(body)}`);
    }
    if (settings.expectedResponse) {
      let parsed: unknown;
      try {
        parsed = body === '' ? undefined : JSON.parse(body);
      } catch {
        return failed(`${label} answered ${quote(body)}, which is not JSON, so it cannot match the expected response`);
      }
      const mismatch = responseMismatch(settings.expectedResponse, parsed);
      if (mismatch) {
        return failed(`${label} answered a response that does not match the expected one, ${mismatch}`);
      }
    }
    logEvent('smoke-test-invocation', { version, invocation: i + 1, of: settings.invocations });
  }
  return succeeded(`${settings.invocations} invocation(s) of ${version} answered as expected`);
}

/**
 * One invocation, its attempt bounded by the time the hook has left (less the report's margin)
 * rather than the short default of other calls: a function may take minutes to answer. Only
 * throttling is retried; a timeout comes back as an outcome, so a hanging call is not repeated.
 */
async function invokeOnce(
  deps: TrafficHookDependencies, target: DeploymentTarget, payload: string, budget: () => number,
): Promise<{ response: InvokeCommandOutput } | { error: unknown }> {
  try {
    return {
      response: await withRetry('Invoke', (signal) => deps.invoker.send(new InvokeCommand({
        FunctionName: target.functionName,
        Qualifier: target.targetVersion,
        InvocationType: 'RequestResponse',
        Payload: Buffer.from(payload, 'utf8'),
      }), { abortSignal: signal }), { ...hookRetry(deps), attemptTimeoutMs: budget, budgetMs: budget, retryIf: isThrottling }),
    };
  } catch (err) {
    return { error: err instanceof RetriesExhaustedError && !isThrottling(err.lastError) ? err.lastError : err };
  }
}

/**
 * Lambda reports a function that ran past its own timeout as a function error whose payload says
 * so (`Sandbox.Timedout`, or "Task timed out after ..." in older runtimes).
 */
function isTimeoutPayload(body: string): boolean {
  return body.includes('Sandbox.Timedout') || body.includes('Task timed out');
}

function quote(text: string): string {
  return text.length > QUOTE_CHARS ? `${text.slice(0, QUOTE_CHARS)}[...]` : text;
}
