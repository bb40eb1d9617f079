import { CfnOutput, Duration, RemovalPolicy, Stack, StackProps, Validations, aws_iam as iam, aws_lambda as lambda, aws_logs as logs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { HealthCheck, LambdaRollout, Notifications, ResponseMatch, RolloutDashboard, SmokeTest, TrafficShift } from 'cdk-codedeploy-rollouts';

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

    // New against old in CloudWatch: requests, errors and duration by version, the guard's z-score and
    // the alarms; `npx cdk-rollouts watch --stack <this stack>` shows the same live in the terminal.
    new RolloutDashboard(this, 'Dashboard');

    // Callers reach the function only through the alias, so CodeDeploy decides which version answers.
    const url = rollout.alias.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
    new CfnOutput(this, 'ApiUrl', { value: url.url, description: 'Function URL of the live alias (IAM-signed requests)' });
    new CfnOutput(this, 'NotificationTopicArn', { value: rollout.notificationTopic!.topicArn, description: 'Subscribe to deployment events' });
  }
}

/**
 * A small inline function with the settings the cdk-nag packs ask for: its own log group, and a role
 * that may write there and nowhere else (the AWS managed basic execution policy would let it create
 * and write any log group of the account). The findings it keeps are acknowledged below, each with
 * its reason.
 */
class ExampleFunction extends lambda.Function {
  constructor(scope: Construct, id: string, code: string[]) {
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.DESTROY });
    const role = new iam.Role(scope, `${id}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const logging = new iam.ManagedPolicy(scope, `${id}Logging`, {
      roles: [role],
      statements: [new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] })],
    });
    super(scope, id, {
      // The runtime aws-cdk-lib knows every Region of the stack to have, as the library's own functions.
      runtime: lambda.determineLatestNodeRuntime(scope),
      handler: 'index.handler',
      code: lambda.Code.fromInline(code.join('\n')),
      memorySize: 256,
      timeout: Duration.seconds(10),
      role,
      logGroup,
    });
    // The first invocation already finds its permission to log.
    this.node.addDependency(logging);
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
        id: 'Serverless-LambdaTracing',
        reason: 'X-Ray tracing needs a statement on Resource * in the function role; the example keeps the role to its own logs',
      },
      ...['AwsSolutions-L1', 'Serverless-LambdaLatestVersion'].map((rule) => ({
        id: rule,
        reason: 'runs on aws-cdk-lib\'s latest Node.js runtime for the stack\'s Region (determineLatestNodeRuntime); a newer one in aws-cdk-lib waits until every Region has it',
      })),
    );
    Validations.of(logGroup).acknowledge(...['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].map((pack) => ({
      id: `${pack}-CloudWatchLogGroupEncrypted`,
      reason: 'the example functions log request ids and verdicts only; give the log group a customer managed KMS key when logs hold data that needs one',
    })));
  }
}
