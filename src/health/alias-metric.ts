import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/** Which invocations of an alias a metric counts. */
export enum AliasTraffic {
  /** Those of the version being deployed: the `ExecutedVersion` dimension. */
  NEW_VERSION = 'NEW_VERSION',
  /** Every invocation through the alias, whichever version served it. */
  ALL_VERSIONS = 'ALL_VERSIONS',
}

/**
 * A Lambda metric of a rollout's alias (namespace `AWS/Lambda`, dimensions `FunctionName` and
 * `Resource` = function:alias, and `ExecutedVersion` for the new version's own):
 * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
 */
export function aliasMetric(
  alias: lambda.Alias, metricName: string, traffic: AliasTraffic, statistic: string, periodMinutes: number,
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/Lambda',
    metricName,
    dimensionsMap: {
      FunctionName: alias.lambda.functionName,
      Resource: `${alias.lambda.functionName}:${alias.aliasName}`,
      ...(traffic === AliasTraffic.NEW_VERSION ? { ExecutedVersion: alias.version.version } : {}),
    },
    statistic,
    period: Duration.minutes(periodMinutes),
  });
}
