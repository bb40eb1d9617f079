import { CfnOutput, Duration, Stack, StackProps, Validations, aws_lambda as lambda } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { HealthCheck, LambdaRollout, Notifications, TrafficShift } from 'cdk-codedeploy-rollouts';

/**
 * An HTTP endpoint released by CodeDeploy on every `cdk deploy`: a pre-traffic hook smoke-tests
 * the new version, then traffic moves 25% a minute while one alarm watches the new version's
 * errors, throttles and p99 latency; any breach stops and rolls back the release. Deployment
 * events go to an encrypted SNS topic.
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

    // Invokes the version being deployed and reports the verdict to CodeDeploy.
    const smokeTest = new ExampleFunction(this, 'SmokeTest', [
      "const { LambdaClient, InvokeCommand } = require('@aws-sdk/client-lambda');",
      "const { CodeDeployClient, PutLifecycleEventHookExecutionStatusCommand } = require('@aws-sdk/client-codedeploy');",
      'exports.handler = async (event) => {',
      "  let status = 'Failed';",
      '  try {',
      '    const response = await new LambdaClient({}).send(new InvokeCommand({ FunctionName: process.env.NEW_VERSION_ARN }));',
      '    const result = JSON.parse(Buffer.from(response.Payload).toString());',
      "    if (!response.FunctionError && result.statusCode === 200) status = 'Succeeded';",
      '  } catch (error) {',
      '    console.error(error);',
      '  }',
      '  await new CodeDeployClient({}).send(new PutLifecycleEventHookExecutionStatusCommand({',
      '    deploymentId: event.DeploymentId,',
      '    lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId,',
      '    status,',
      '  }));',
      '};',
    ], { NEW_VERSION_ARN: api.currentVersion.functionArn });
    api.currentVersion.grantInvoke(smokeTest);

    const rollout = new LambdaRollout(this, 'ApiRollout', {
      function: api,
      trafficShift: TrafficShift.linear({ percentage: 25, interval: Duration.minutes(1) }),
      healthChecks: [
        // The new version's failure rate against the old one's, with the evidence the traffic gives;
        // the smoke test below covers what a quiet canary cannot show.
        HealthCheck.lambdaErrorRate(),
        HealthCheck.lambdaLatency({ threshold: Duration.seconds(2) }),
      ],
      preTrafficHook: smokeTest,
      notifications: Notifications.toNewTopic(),
    });

    // Callers reach the function only through the alias, so CodeDeploy decides which version answers.
    const url = rollout.alias.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
    new CfnOutput(this, 'ApiUrl', { value: url.url, description: 'Function URL of the live alias (IAM-signed requests)' });
    new CfnOutput(this, 'NotificationTopicArn', { value: rollout.notificationTopic!.topicArn, description: 'Subscribe to deployment events' });

    Validations.of(smokeTest).acknowledge(...['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].map((pack) => ({
      id: `${pack}-IAMNoInlinePolicy`,
      reason: 'the hook role policy holds two grants scoped to one function version and one deployment group',
    })));
  }
}

/**
 * A small inline function with the settings the cdk-nag packs ask for; the findings it keeps are
 * acknowledged below, each with its reason.
 */
class ExampleFunction extends lambda.Function {
  constructor(scope: Construct, id: string, code: string[], environment?: Record<string, string>) {
    super(scope, id, {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(code.join('\n')),
      memorySize: 256,
      timeout: Duration.seconds(10),
      environment,
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
        reason: 'invoked synchronously (Function URL, CodeDeploy hook); a dead-letter queue only receives failed asynchronous invocations',
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
