import { CfnOutput, Stack, StackProps, aws_cloudwatch as cloudwatch, aws_iam as iam } from 'aws-cdk-lib';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import { Construct } from 'constructs';
import { HealthCheck, HealthyHosts, Notifications, OnPremisesInstanceRole, ServerRollout } from 'cdk-codedeploy-rollouts';

/**
 * On-premises servers tagged `app=billing` in the `dc-east` site, with at least 75% of them in
 * service during a deployment, rolled back when the application reports a failed invoice, and the
 * IAM identity they register with, with the registration steps as stack outputs, and the bucket
 * releases are pushed to, which the servers may read.
 */
export class OnPremisesStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const rollout = new ServerRollout(this, 'Billing', {
      // A server must carry both tags: app=billing AND site=dc-east.
      onPremisesInstanceTags: new codedeploy.InstanceTagSet({ app: ['billing'] }, { site: ['dc-east'] }),
      healthyHosts: HealthyHosts.percentage(75),
      // A metric the billing application publishes from the servers: a failed invoice stops the
      // deployment and rolls it back.
      healthChecks: [HealthCheck.metric(new cloudwatch.Metric({ namespace: 'Billing', metricName: 'FailedInvoices', statistic: 'Sum' }), { threshold: 1 })],
      notifications: Notifications.toNewTopic(),
    });

    // Releases are pushed to the rollout's revision bucket (`aws deploy push`, see README), created
    // here by reading it; the servers download them from there.
    const revisions = rollout.revisionBucket;
    new CfnOutput(this, 'RevisionBucketName', { value: revisions.bucketName, description: 'Push releases here (aws deploy push --s3-location)' });
    new CfnOutput(this, 'ApplicationName', { value: rollout.application.applicationName, description: 'CodeDeploy application' });
    new CfnOutput(this, 'DeploymentGroupName', { value: rollout.deploymentGroup.deploymentGroupName, description: 'CodeDeploy deployment group' });

    // The servers' credential refresher assumes this role in this account (one session per server).
    new OnPremisesInstanceRole(this, 'BillingServers', {
      assumedBy: new iam.AccountRootPrincipal(),
      revisionBucket: revisions,
    });
  }
}
