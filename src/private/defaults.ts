import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DEPLOYMENT_GROUP } from './codedeploy-limits';

/**
 * Every default the library applies, named once. Each appears in the `@default` tag of its prop
 * and so in docs/defaults.md, which is generated from those tags.
 */

/** `LambdaRolloutProps.aliasName`. */
export const DEFAULT_ALIAS_NAME = 'live';

/** `LambdaRolloutProps.trafficShift`: CodeDeploy's own default for Lambda, 10% for 5 minutes. */
export const DEFAULT_CANARY_PERCENTAGE = 10;
export const DEFAULT_CANARY_INTERVAL = Duration.minutes(5);

/** Lambda health checks: a single failed invocation of the new version stops the deployment. */
export const DEFAULT_LAMBDA_ERRORS_THRESHOLD = 1;
export const DEFAULT_LAMBDA_THROTTLES_THRESHOLD = 1;

/**
 * `HealthCheck.lambdaErrorRate`, chosen with the guard simulator (`npx projen bench:guard`; its
 * numbers in bench/results/guard-sim.txt, read in docs/guard-simulator.md): a 5-minute window (the
 * default canary's interval; CloudWatch slides it every evaluation), 4 standard errors (3.5 rolls
 * back more healthy releases at 10 requests/s and detects no better), 1 percentage point, 2 failures.
 */
export const DEFAULT_ERROR_RATE_PERIOD = Duration.minutes(5);
export const DEFAULT_ERROR_RATE_MIN_Z_SCORE = 4;
export const DEFAULT_ERROR_RATE_MIN_INCREASE_PERCENT = 1;
export const DEFAULT_ERROR_RATE_MIN_FAILURES = 2;

/**
 * `HealthCheck.lambdaErrorRate`: up to 13 requests of the new version in the period, one failure
 * can stop the deployment. Chosen with the guard simulator (`npx projen bench:guard`, the goal's 1
 * request/s cells in bench/results/guard-sim.txt): the one value that keeps healthy releases
 * rolled back under 1% at 1 request/s with a 0.1% baseline and stops 95% of releases failing 20%,
 * which two failures alone cannot (12 stops fewer, 14 rolls back more).
 */
export const DEFAULT_ERROR_RATE_SINGLE_FAILURE_MAX_REQUESTS = 13;

/** `HealthCheck.lambdaLatency`: the 99th percentile of the new version's duration. */
export const DEFAULT_LATENCY_PERCENTILE = 99;

/**
 * `HealthCheck.lambdaLatencyRegression`, chosen with the guard simulator's latency section
 * (`npx projen bench:guard`; its numbers in bench/results/guard-sim.txt, read in docs/latency.md),
 * a 10% canary for 5 minutes: the median in one-minute periods of which 2 of 3 must breach (one
 * period, or one 5-minute window, rolls back healthy releases whose new environments warm up; 3 of
 * 4 stops too few releases 50% slower at 10 requests/s), 2 standard errors (1.75 rolls back more
 * healthy releases, 2.5 stops too few), a 20% slowdown, and 20 invocations of the new version a
 * minute (a 10% canary of 3.3 requests/s; 30 leaves releases twice as slow unseen at 3 requests/s).
 */
export const DEFAULT_LATENCY_REGRESSION_PERIOD = Duration.minutes(1);
export const DEFAULT_LATENCY_REGRESSION_PERCENTILE = 50;
export const DEFAULT_LATENCY_REGRESSION_MIN_Z_SCORE = 2;
export const DEFAULT_LATENCY_REGRESSION_MIN_SLOWDOWN_PERCENT = 20;
export const DEFAULT_LATENCY_REGRESSION_MIN_REQUESTS = 20;
export const DEFAULT_LATENCY_REGRESSION_EVALUATION_PERIODS = 3;
export const DEFAULT_LATENCY_REGRESSION_DATAPOINTS_TO_ALARM = 2;

/** Alarm period and evaluation of every generated alarm: one bad minute is enough. */
export const DEFAULT_ALARM_PERIOD = Duration.minutes(1);
export const DEFAULT_EVALUATION_PERIODS = 1;

/** `LambdaRolloutProps.maxAlarms`: CodeDeploy's default quota of alarms per deployment group. */
export const DEFAULT_MAX_ALARMS = DEPLOYMENT_GROUP.alarmQuota;

/**
 * `LambdaRollout.staggerDeployments`: deployments start 3 at a time, a version's publication
 * apart. Chosen with the deployment model (`npx projen bench`, bench/deploy-model/): the largest
 * group size whose calls stay under Lambda's control-plane quota (15 requests a second) at N = 82
 * whatever the time a version takes to publish, down to 1 s (test/deploy-model/ pins it). Its cost
 * in deploy time, against starting every deployment at once, is in bench/results/lambda-rollout.txt
 * ("How deployments start"), read in docs/performance.md.
 */
export const DEFAULT_DEPLOYMENT_GROUP_SIZE = 3;

/** `HealthCheck.targetGroup5xx`: 5% of a period's requests answered with a 5XX by the targets. */
export const DEFAULT_TARGET_GROUP_5XX_PERCENT = 5;

/**
 * `HealthCheck.targetGroup5xx`: at least two 5XX responses in a period. Chosen with the guard
 * simulator's fleet model (`npx projen bench:guard`; bench/results/guard-sim.txt, read in
 * docs/guard-simulator.md): without it one 5XX in a quiet minute is a rate above 5%, and quiet
 * healthy fleets were rolled back far more than 1% of the time.
 */
export const DEFAULT_TARGET_GROUP_5XX_MIN_ERRORS = 2;

/** `HealthCheck.unhealthyHosts`: one target failing the load balancer's health check. */
export const DEFAULT_UNHEALTHY_HOSTS_THRESHOLD = 1;

/** `RevisionBucketProps.removalPolicy`: application revisions and their access logs outlive the stack. */
export const DEFAULT_REVISION_BUCKET_REMOVAL_POLICY = RemovalPolicy.RETAIN;

/** `RevisionBucketProps.lifecycleNoncurrentVersionExpiration`: old versions of a revision are kept 90 days for rollbacks. */
export const DEFAULT_REVISION_NONCURRENT_VERSION_EXPIRATION = Duration.days(90);

/**
 * `RevisionBucketProps.accessLogsRetention`: S3 server access logs are kept one year, as long as the
 * server deployer's own log group keeps its deployments.
 */
export const DEFAULT_ACCESS_LOGS_RETENTION = Duration.days(365);

/** `RevisionBucketProps.objectLock`: no Object Lock (it cannot be turned off again once a bucket has it). */
export const DEFAULT_REVISION_BUCKET_OBJECT_LOCK = false;

/** `RevisionBucketProps.eventBridgeNotifications`: no S3 events sent to Amazon EventBridge. */
export const DEFAULT_REVISION_BUCKET_EVENTBRIDGE = false;

/** `OnPremisesInstanceRoleProps.maxSessionDuration`: IAM's own default for a role, one hour. */
export const DEFAULT_ON_PREMISES_MAX_SESSION_DURATION = Duration.hours(1);

/** `RevisionDeploymentOptions.timeout`: long enough for a fleet of a few dozen instances one at a time. */
export const DEFAULT_REVISION_DEPLOYMENT_TIMEOUT = Duration.minutes(30);

/**
 * `RevisionDeploymentOptions.rollbackOnStop` for a group no `ServerRollout` owns: a stopped
 * deployment leaves part of the fleet on the new revision, so it goes back to the last good one,
 * as a rollout's default `Rollback` does.
 */
export const DEFAULT_ROLLBACK_ON_STOP = true;

/** The server deployer's log group keeps a year of deployments (cdk-nag asks for a retention). */
export const DEFAULT_SERVER_DEPLOYER_LOG_RETENTION = RetentionDays.ONE_YEAR;

/**
 * `BlueGreenOptions.terminationWait`: the original instances stay 5 minutes after traffic moved, a
 * window for a manual rollback that keeps `cdk deploy` (which waits for the deployment) short.
 */
export const DEFAULT_BLUE_GREEN_TERMINATION_WAIT = Duration.minutes(5);

/** `SmokeTestInvokeOptions.payloads`: one invocation with an empty JSON object. */
export const DEFAULT_SMOKE_TEST_PAYLOAD = '{}';

/** The traffic hook's log retention, as the server deployer's. */
export const DEFAULT_TRAFFIC_HOOK_LOG_RETENTION = RetentionDays.ONE_YEAR;

/** `RolloutDashboardProps.timeRange`: the last three hours, a canary and its bake with room before and after. */
export const DEFAULT_DASHBOARD_TIME_RANGE = Duration.hours(3);
