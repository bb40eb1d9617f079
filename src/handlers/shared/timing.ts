/**
 * Every time budget of the library's two functions, each once, with its reason: how long a call
 * may take and how often it is retried, how often a deployment is polled, and the margins kept
 * before the deadlines the handlers race.
 *
 * The deadlines:
 * - Lambda stops an invocation after the function's timeout, 15 minutes for both functions
 *   (src/functions/); work that takes longer is handed over to a new invocation of the same
 *   function (shared/hand-over.ts) while there is still time to make that call.
 * - CloudFormation waits for a custom resource's answer until its `ServiceTimeout`: a revision
 *   deployment's timeout plus `ROLLBACK_ALLOWANCE_SECONDS`, at most `MAX_SERVICE_TIMEOUT_SECONDS`
 *   (both in contract/revision-deployment.ts, because the construct computes `ServiceTimeout` too).
 * - CodeDeploy waits up to an hour for a lifecycle hook's report, then fails the event itself.
 *
 * The margins below are sized to hold one AWS call with its retries: up to `RETRY_MAX_ATTEMPTS`
 * attempts of at most `CALL_TIMEOUT_MS` each, and at most `RETRY_WORST_CASE_BACKOFF_MS` of backoff
 * between them; besides, no retry starts that would run past the time a call is given
 * (shared/retry.ts), so a call that cannot finish gives up early and the invocation still hands
 * over or answers.
 */

// --- One AWS call -----------------------------------------------------------------------------

/**
 * The longest one attempt of a call may take. CodeDeploy, Lambda, Auto Scaling, SSM and CloudWatch
 * normally answer in well under a second; an attempt that hangs is abandoned (shared/call-timeout.ts)
 * and retried. Not for the smoke test's invocations, which last as long as the function under test
 * (traffic-hook/smoke-test.ts).
 */
export const CALL_TIMEOUT_MS = 10_000;

/**
 * How long the SDK clients wait for a connection to open: a connection that takes longer fails as a
 * transient error and is retried, rather than taking the attempt's whole `CALL_TIMEOUT_MS`.
 */
export const CONNECTION_TIMEOUT_MS = 5_000;

/** The shortest attempt worth making: with less time left for a call, the retry helper gives up instead. */
export const MIN_ATTEMPT_MS = 1_000;

// --- Retries of one call (shared/retry.ts) -------------------------------------------------------

/** Attempts per call, the first included: the margins below are sized for this many attempts of one call. */
export const RETRY_MAX_ATTEMPTS = 6;

/**
 * The ceiling of a call's first backoff, doubling per retry: the SDK's throttling base
 * (`Retry.throttlingDelay()`, 1 s in @smithy/core 3.x; other retryable errors back off from 50 ms).
 * The handlers cap every backoff at this ceiling too, so an SDK whose base grew could not stretch
 * the worst case the margins rely on (a test pins the SDK's schedule).
 */
export const RETRY_BASE_DELAY_MS = 1_000;

/** No single backoff is longer than this (the SDK's own cap, `MAXIMUM_RETRY_DELAY`). */
export const RETRY_MAX_DELAY_MS = 20_000;

/** The longest a call sleeps between its `RETRY_MAX_ATTEMPTS` attempts: 1 + 2 + 4 + 8 + 16 s (a test derives it). */
export const RETRY_WORST_CASE_BACKOFF_MS = 31_000;

/**
 * Attempts of the calls that read a failed deployment's diagnostics: they are best effort, so
 * fewer attempts than other calls (at most 1 + 2 s of backoff), and the answer is not delayed.
 */
export const DIAGNOSTICS_MAX_ATTEMPTS = 3;

// --- The answer to CloudFormation (server-deployer/cfn-response.ts) ------------------------------

/** How long one PUT of the response may take before it is abandoned (and retried). */
export const RESPONSE_PUT_TIMEOUT_MS = 10_000;

/** PUT attempts: at most 4 x 10 s plus 7 s of backoff, inside the time the handler keeps to answer. */
export const RESPONSE_PUT_MAX_ATTEMPTS = 4;

// --- Polling ------------------------------------------------------------------------------------

/**
 * How often the server deployer asks CodeDeploy for a deployment's status, and tries again to
 * start one while the deployment group is busy: an EC2 deployment takes minutes, so the answer is
 * at most this late, for 4 GetDeployment calls a minute.
 */
export const DEPLOYMENT_POLL_MS = 15_000;

/** How often the traffic hook reads the rollout's alarms during a bake: the generated alarms evaluate every minute. */
export const BAKE_POLL_MS = 60_000;

// --- The server deployer's invocation (at most 15 minutes) ---------------------------------------

/**
 * Time kept after any call but the last ones of an invocation: one attempt of the hand-over
 * (Lambda Invoke) or of the answer (the response PUT) still fits after it.
 */
export const CALL_RESERVE_MS = 15_000;

/** Time kept after the invocation's last call (the hand-over): Lambda's own end is not raced. */
export const LAST_CALL_RESERVE_MS = 2_000;

/**
 * Time kept at the end of each invocation that watches a deployment: after the last poll there
 * must be room for one CodeDeploy call with its retries (`RETRY_WORST_CASE_BACKOFF_MS` of backoff)
 * and for handing over to the next invocation (or answering CloudFormation) before Lambda stops
 * the function. Held responses cannot eat into it: each attempt is abandoned after
 * `CALL_TIMEOUT_MS`, and a call's retries stop `CALL_RESERVE_MS` before the invocation's end,
 * leaving the hand-over its time.
 */
export const INVOCATION_MARGIN_MS = 60_000;

/**
 * Time kept at the end of an invocation that waits to start a deployment: one more attempt makes
 * up to three CodeDeploy calls (ListDeployments, GetDeployment of a deployment not read before,
 * CreateDeployment), each with up to `RETRY_WORST_CASE_BACKOFF_MS` of backoff, before it hands over
 * to the next invocation or answers. (A call that would run past the invocation's time gives up
 * early, and the wait is handed over.)
 */
export const START_MARGIN_MS = 120_000;

/**
 * Time an invocation needs to read the failure diagnostics and answer CloudFormation. With less
 * left when the verdict comes, the invocation hands over and the next one (which finds the same
 * verdict at once) answers.
 */
export const ANSWER_RESERVE_MS = 45_000;

// --- The server deployer's request (CloudFormation's ServiceTimeout) -----------------------------

/**
 * Time kept before CloudFormation's own deadline (`ServiceTimeout`, counted from the request) to
 * read the failure diagnostics and answer. Waiting for a stop or a rollback ends this long before it.
 */
export const ANSWER_MARGIN_MS = 90_000;

/**
 * How far before the request's first invocation its deployment is looked for, beyond the request's
 * `ServiceTimeout`: a delivery of the request after its answer (CloudFormation sending it again,
 * Lambda retrying an invocation that crashed after answering: at most 2 retries, 1 and 2 minutes
 * apart, https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html) comes
 * within one invocation (15 minutes) and those delays of the request's end. Not covered: the same
 * page says Lambda's queue may also deliver an event twice at any time, and retries throttled
 * events for up to 6 hours; a duplicate later than this window deploys the revision again.
 */
export const REDELIVERY_SLACK_MS = 30 * 60_000;

// --- The traffic hook's invocation (at most 15 minutes) ------------------------------------------

/**
 * Time the hook keeps, after its last invocation of the new version or its last alarm read, to
 * report its verdict (or hand the bake over): the report's retries take at most
 * `RETRY_WORST_CASE_BACKOFF_MS` of backoff plus the calls themselves.
 */
export const REPORT_MARGIN_MS = 60_000;

/**
 * The pause between two version deletions of one pruning run (traffic-hook/prune-versions.ts): a
 * run's deletions are spread, one a second, rather than sent as fast as Lambda answers (5 or more a
 * second), so that the runs of deployments that end together do not add up to a burst over Lambda's
 * control-plane quota (15 requests a second per account; the deployment model, bench/deploy-model/).
 * A run deletes at most `MAX_PRUNED_VERSIONS_PER_RUN` (contract/traffic-hook.ts), so it pauses 9 s
 * in all: a bake ends with at least `REPORT_MARGIN_MS` + `BAKE_POLL_MS` left, less its last reads
 * (it hands over otherwise), so the pauses, the deletions and the report fit after it.
 */
export const PRUNE_DELETE_INTERVAL_MS = 1_000;
