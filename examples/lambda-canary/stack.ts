import { CfnOutput, Duration, Stack, StackProps, Validations, aws_lambda as lambda } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { HealthCheck, LambdaRollout, Notifications, ResponseMatch, SmokeTest, TrafficShift } from 'cdk-codedeploy-rollouts';

/**
 * An HTTP endpoint released by CodeDeploy on every `cdk deploy`: the library's smoke test invokes
 * the new version before any traffic moves, then traffic moves 25% a minute while alarms watch
 * the new version's failure rate (against the old version's) and p99 latency, and 5 minutes of
 * bake time follow the last shift; any breach stops and rolls back the release. Old versions beyond the newest 10
 * are deleted. Deployment events go to an encrypted SNS topic.
 */
export class LambdaCanaryStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const api = new ExampleFunction(this, 'Api', [
      'exports.handler = async () => ({',
      '  statusCode: 200,',
      "  headers: { 'content-type': 'application/json' },",
      "  body: JSON.stringify({ message: 'hello from the new version' }),",
      '});',
    ]);

    const rollout = new LambdaRollout(this, 'ApiRollout', {
      function: api,
      trafficShift: TrafficShift.linear({ percentage: 25, interval: Duration.minutes(1) }),
      healthChecks: [
        // The new version's failure rate against the old one's, with the evidence the traffic gives;
        // the smoke test below covers what a quiet canary cannot show.
        HealthCheck.lambdaErrorRate(),
        HealthCheck.lambdaLatency({ threshold: Duration.seconds(2) }),
      ],
      // Before any traffic moves, the library's hook invokes the new version as a Function URL
      // request and fails the release unless it answers 200; after the last shift it keeps the
      // release open 5 more minutes under the alarms, then deletes all but the newest 10 versions.
      smokeTest: SmokeTest.invoke({
        payloads: ['{"version":"2.0","rawPath":"/","requestContext":{"http":{"method":"GET","path":"/"}}}'],
        expectedResponse: ResponseMatch.statusCode(200),
      }),
      bakeTime: Duration.minutes(5),
      keepVersions: 10,
      notifications: Notifications.toNewTopic(),
    });

    // Callers reach the function only through the alias, so CodeDeploy decides which version answers.
    const url = rollout.alias.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
    new CfnOutput(this, 'ApiUrl', { value: url.url, description: 'Function URL of the live alias (IAM-signed requests)' });
    new CfnOutput(this, 'NotificationTopicArn', { value: rollout.notificationTopic!.topicArn, description: 'Subscribe to deployment events' });
  }
}

/**
 * A small inline function with the settings the cdk-nag packs ask for; the findings it keeps are
 * acknowledged below, each with its reason.
 */
class ExampleFunction extends lambda.Function {
  constructor(scope: Construct, id: string, code: string[]) {
    super(scope, id, {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(code.join('\n')),
      memorySize: 256,
      timeout: Duration.seconds(10),
    });
    Validations.of(this).acknowledge(
      ...['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].map((pack) => ({
        id: `${pack}-LambdaInsideVPC`,
        reason: 'the example functions reach no resource inside a VPC; attach them to one when they do',
      })),
      ...['HIPAA.Security', 'NIST.800.53.R5'].map((pack) => ({
        id: `${pack}-LambdaConcurrency`,
        reason: 'reserved concurrency fails deployment in accounts still at the default concurrency quota; set it per function in production',
      })),
      ...['HIPAA.Security', 'NIST.800.53.R5', 'Serverless'].map((pack) => ({
        id: `${pack}-LambdaDLQ`,
        reason: 'invoked synchronously (Function URL, the smoke test); a dead-letter queue only receives failed asynchronous invocations',
      })),
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'the functions write their logs with the AWS managed basic execution policy, the documented minimum for CloudWatch Logs',
      },
      // Only with cdk init's feature flags (@aws-cdk/aws-lambda:useCdkManagedLogGroup) is the log group a resource of the stack.
      ...['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].map((pack) => ({
        id: `${pack}-CloudWatchLogGroupEncrypted`,
        reason: 'the example functions log request ids and verdicts only; give the log group a customer managed KMS key when logs hold data that needs one',
      })),
      {
        id: 'Serverless-LambdaTracing',
        reason: 'X-Ray tracing needs a statement on Resource * in the function role; the example keeps the role to basic logging',
      },
    );
  }
}
