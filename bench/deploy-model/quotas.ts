/**
 * The account quotas a stack update of many rollouts runs into, each with the page that publishes
 * it. Rates are requests per second; a quota with no published rate is still printed, with its
 * measured rate only.
 */
import type { Call } from './calls';

export interface Quota {
  readonly id: string;
  /** What the table prints. */
  readonly name: string;
  /** Requests per second, or (for `kind: 'concurrency'`) the most in progress at once; undefined when none is published. */
  readonly limit?: number;
  readonly kind: 'rate' | 'concurrency';
  /** Who shares it. */
  readonly scope: string;
  /** The page (and its words) the limit comes from. */
  readonly source: string;
  /** Which calls count against it (rates only). */
  readonly counts?: (call: Call) => boolean;
}

/** Lambda API operations that have a quota of their own, outside "the remainder of the control plane". */
const LAMBDA_OWN_QUOTAS = new Set(['Invoke', 'GetFunction', 'GetPolicy']);

/** The Lambda quotas page, "Lambda API requests". */
const LAMBDA_QUOTAS = 'Lambda Developer Guide, "Lambda quotas", API requests (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html#api-requests)';

/** Lambda's control plane: every API but invocations, GetFunction and GetPolicy. */
export function isLambdaControlPlane(call: Call): boolean {
  return call.service === 'lambda' && !LAMBDA_OWN_QUOTAS.has(call.api);
}

export const QUOTAS: Quota[] = [
  {
    id: 'lambda-control-plane',
    name: 'Lambda control plane',
    limit: 15,
    kind: 'rate',
    scope: 'account and Region',
    source: `${LAMBDA_QUOTAS}: "Remainder of the control plane API requests (excludes invocation, GetFunction, and GetPolicy requests)", `
      + '15 requests per second across all of them, not adjustable (also what AWS Support told serverless/serverless#3339)',
    counts: isLambdaControlPlane,
  },
  {
    id: 'lambda-control-plane-codedeploy-role',
    name: 'Lambda control plane, CodeDeploy role',
    limit: 15,
    kind: 'rate',
    scope: 'the CodeDeploy service role',
    source: 'the same 15 requests per second, counted for the calls CodeDeploy makes with the rollouts\' service role alone: CodeDeploy fails a '
      + 'deployment with "the number of requests by the IAM role <service role> exceeded the request limit for AWSLambda" '
      + '(davidgf/serverless-plugin-canary-deployments#159; govuk-one-login/authentication-api#6806 split its one CodeDeploy role in three for it)',
    counts: (call) => isLambdaControlPlane(call) && call.actor === 'CodeDeploy',
  },
  {
    id: 'lambda-get-function',
    name: 'Lambda GetFunction',
    limit: 100,
    kind: 'rate',
    scope: 'account and Region',
    source: `${LAMBDA_QUOTAS}: "GetFunction API requests", 100 requests per second`,
    counts: (call) => call.service === 'lambda' && call.api === 'GetFunction',
  },
  {
    id: 'lambda-invoke',
    name: 'Lambda invocations',
    limit: 10_000,
    kind: 'rate',
    scope: 'account and Region',
    source: `${LAMBDA_QUOTAS}: "Invocation requests per Region", 10 x the concurrent executions quota (1,000 by default)`,
    counts: (call) => call.service === 'lambda' && call.api === 'Invoke',
  },
  {
    id: 'codedeploy-api',
    name: 'CodeDeploy API',
    kind: 'rate',
    scope: 'account and Region',
    source: 'no request rate published: CodeDeploy User Guide, "CodeDeploy quotas" (https://docs.aws.amazon.com/codedeploy/latest/userguide/limits.html) '
      + 'and General Reference, "AWS CodeDeploy endpoints and quotas" (https://docs.aws.amazon.com/general/latest/gr/codedeploy.html) list counts only; '
      + 'throttling exists (ThrottlingException on GetDeployment bursts, awslabs/aws-codedeploy-plugin#95)',
    counts: (call) => call.service === 'codedeploy',
  },
  {
    id: 'codedeploy-concurrent-deployments',
    name: 'CodeDeploy deployments at once',
    limit: 1_300,
    kind: 'concurrency',
    scope: 'account and Region',
    source: 'CodeDeploy User Guide, "CodeDeploy quotas": "Concurrent deployments per account", 1,300 in each supported Region, adjustable; '
      + '"Concurrent deployments per deployment group", 1 (https://docs.aws.amazon.com/codedeploy/latest/userguide/limits.html)',
  },
  {
    id: 'ssm-get-parameter',
    name: 'SSM GetParameter',
    limit: 40,
    kind: 'rate',
    scope: 'account and Region',
    source: 'General Reference, "AWS Systems Manager endpoints and quotas", Parameter Store "Max throughput (transactions per second)": '
      + '40 by default, shared by GetParameter, GetParameters and GetParametersByPath (https://docs.aws.amazon.com/general/latest/gr/ssm.html); '
      + 'higher throughput is an account setting that costs money',
    counts: (call) => call.service === 'ssm' && ['GetParameter', 'GetParameters', 'GetParametersByPath'].includes(call.api),
  },
  {
    id: 'cloudwatch-describe-alarms',
    name: 'CloudWatch DescribeAlarms',
    limit: 9,
    kind: 'rate',
    scope: 'account and Region',
    source: 'CloudWatch User Guide, "CloudWatch service quotas": DescribeAlarms, 9 transactions per second per Region, adjustable '
      + '(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html)',
    counts: (call) => call.service === 'cloudwatch' && call.api === 'DescribeAlarms',
  },
  {
    id: 'logs-create-log-stream',
    name: 'CloudWatch Logs CreateLogStream',
    limit: 50,
    kind: 'rate',
    scope: 'account and Region',
    source: 'CloudWatch Logs API reference, CreateLogStream: "There is a limit of 50 TPS on CreateLogStream operations, after which transactions '
      + 'are throttled" (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogStream.html); the traffic hook claims '
      + 'each of its invocations with one (src/handlers/traffic-hook/execution-claim.ts)',
    counts: (call) => call.service === 'logs' && call.api === 'CreateLogStream',
  },
  {
    id: 'cloudwatch-get-metric-data',
    name: 'CloudWatch GetMetricData',
    limit: 50,
    kind: 'rate',
    scope: 'account and Region',
    source: 'CloudWatch User Guide, "CloudWatch service quotas": GetMetricData, 50 transactions per second per Region without Metrics Insights '
      + 'queries, adjustable (same page). Nothing in a deployment calls it: CloudWatch evaluates the alarms itself',
    counts: (call) => call.service === 'cloudwatch' && call.api === 'GetMetricData',
  },
];
