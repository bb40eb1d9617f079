import { Duration, Stack, StackProps, Validations, aws_cloudwatch as cloudwatch, aws_lambda as lambda } from 'aws-cdk-lib';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import { Construct } from 'constructs';
import { HealthyHosts, HealthyHostsPerZone, TrafficShift } from 'cdk-codedeploy-rollouts';

/**
 * Typed, validated deployment configurations handed to plain aws-cdk-lib deployment groups:
 * a Lambda function shifted 5% at a time every 2 minutes, and an EC2 fleet deployed zone by zone
 * with three quarters of it healthy at all times.
 */
export class DeploymentConfigsStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // Lambda: 5% of traffic moves every 2 minutes (20 steps, 38 minutes end to end).
    const fn = new ExampleFunction(this, 'Api');
    const alias = new lambda.Alias(this, 'Live', { aliasName: 'live', version: fn.currentVersion });
    const lambdaGroup = new codedeploy.LambdaDeploymentGroup(this, 'ApiDeployment', {
      alias,
      // Any error of the live alias stops the shift and rolls it back.
      alarms: [new cloudwatch.Alarm(this, 'ApiErrors', { metric: alias.metricErrors({ period: Duration.minutes(1) }), threshold: 1, evaluationPeriods: 1 })],
      deploymentConfig: TrafficShift.linear({ percentage: 5, interval: Duration.minutes(2) }).bind(this),
    });

    // Servers: instances tagged app=web, one Availability Zone at a time, 75% of the fleet and at
    // least one host per zone healthy, 10 minutes of bake time per zone (30 for the first).
    const serverGroup = new codedeploy.ServerDeploymentGroup(this, 'WebDeployment', {
      ec2InstanceTags: new codedeploy.InstanceTagSet({ app: ['web'] }),
      // An error count the web application publishes stops the deployment and rolls it back.
      alarms: [new cloudwatch.Alarm(this, 'WebErrors', {
        metric: new cloudwatch.Metric({ namespace: 'Web', metricName: 'Errors', statistic: 'Sum', period: Duration.minutes(1) }),
        threshold: 5,
        evaluationPeriods: 1,
      })],
      deploymentConfig: HealthyHosts.percentage(75, {
        zonal: {
          perZone: HealthyHostsPerZone.count(1),
          monitorDuration: Duration.minutes(10),
          firstZoneMonitorDuration: Duration.minutes(30),
        },
      }).bind(this),
    });

    // Plain aws-cdk-lib deployment groups: no notification triggers, and an AWS managed service-role
    // policy each. LambdaRollout and ServerRollout give both; this example is about the configs.
    for (const alarm of [this.node.findChild('ApiErrors'), this.node.findChild('WebErrors')]) {
      Validations.of(alarm).acknowledge(...['HIPAA.Security', 'NIST.800.53.R5'].map((pack) => ({
        id: `${pack}-CloudWatchAlarmAction`,
        reason: 'CodeDeploy polls this alarm during deployments to stop and roll back a bad release; it needs no action of its own',
      })));
    }
    for (const group of [lambdaGroup, serverGroup]) {
      Validations.of(group).acknowledge(
        { id: 'CodeDeployChecks::CodeDeploy-Notifications', reason: 'aws-cdk-lib deployment groups have no trigger property; the example shows deployment configs' },
        { id: 'CodeDeployChecks::CodeDeploy-ScopedServiceRole', reason: 'aws-cdk-lib deployment groups attach CodeDeploy\'s AWS managed service-role policy' },
      );
    }
    Validations.of(lambdaGroup).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
      reason: 'aws-cdk-lib LambdaDeploymentGroup attaches this CodeDeploy policy; it is limited to invoking hook functions named CodeDeployHook_* and updating aliases',
    });
    Validations.of(serverGroup).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRole]',
      reason: 'aws-cdk-lib ServerDeploymentGroup attaches the service-role policy CodeDeploy documents for EC2/on-premises deployments',
    });
  }
}

/** A small function with the settings the cdk-nag packs ask for; what it does is not the point. */
class ExampleFunction extends lambda.Function {
  constructor(scope: Construct, id: string) {
    super(scope, id, {
      // The runtime aws-cdk-lib knows every Region of the stack to have, as the library's own functions.
      runtime: lambda.determineLatestNodeRuntime(scope),
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "ok" });'),
      memorySize: 256,
      timeout: Duration.seconds(10),
    });
    Validations.of(this).acknowledge(
      ...['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].map((pack) => ({
        id: `${pack}-LambdaInsideVPC`,
        reason: 'the example function reaches no resource inside a VPC; attach it to one when it does',
      })),
      ...['HIPAA.Security', 'NIST.800.53.R5'].map((pack) => ({
        id: `${pack}-LambdaConcurrency`,
        reason: 'reserved concurrency fails deployment in accounts still at the default concurrency quota; set it per function in production',
      })),
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'the function writes its logs with the AWS managed basic execution policy, the documented minimum for CloudWatch Logs',
      },
      ...['HIPAA.Security', 'NIST.800.53.R5', 'Serverless'].map((pack) => ({
        id: `${pack}-LambdaDLQ`,
        reason: 'the function is invoked synchronously through its alias; a dead-letter queue only receives failed asynchronous invocations',
      })),
      {
        id: 'Serverless-LambdaTracing',
        reason: 'X-Ray tracing needs a statement on Resource * in the function role; the example keeps the role to basic logging',
      },
      ...['AwsSolutions-L1', 'Serverless-LambdaLatestVersion'].map((rule) => ({
        id: rule,
        reason: 'runs on aws-cdk-lib\'s latest Node.js runtime for the stack\'s Region (determineLatestNodeRuntime); a newer one in aws-cdk-lib waits until every Region has it',
      })),
    );
  }
}
