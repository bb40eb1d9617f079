import { CALL_TIMEOUT_MS, CONNECTION_TIMEOUT_MS } from './timing';

/**
 * How both functions build their AWS SDK v3 clients (the Node.js runtime provides the SDK; the
 * bundles leave it out).
 *
 * `maxAttempts: 1`: every call goes through the handlers' retry helper (retry.ts), which runs the
 * SDK's standard retry strategy around the call, within the call's time budget, and logs each
 * retry; the client's own retries would multiply its attempts and stretch calls past the margins
 * the handlers keep before Lambda's, CloudFormation's and CodeDeploy's deadlines (timing.ts).
 */

/**
 * For every call but the smoke test's invocations. No call may hang: each attempt is abandoned
 * after `CALL_TIMEOUT_MS` by the handler's own timer and abort signal (call-timeout.ts). The SDK's
 * request timeout is set too, with `throwOnRequestTimeout` (without it, @smithy/node-http-handler
 * 4.x only logs a warning); a runtime SDK too old to know that option ignores it, and the
 * handler's timer still applies.
 */
export const SHORT_CALLS = {
  maxAttempts: 1,
  requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: CALL_TIMEOUT_MS, throwOnRequestTimeout: true },
};

/**
 * For the smoke test's invocations of the new version, which last as long as the function under
 * test: no request timeout; the hook bounds each attempt itself, before its own time runs out
 * (traffic-hook/smoke-test.ts).
 */
export const LONG_CALLS = {
  maxAttempts: 1,
  requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS },
};
