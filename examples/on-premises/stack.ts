import { Stack, StackProps, aws_iam as iam } from 'aws-cdk-lib';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import { Construct } from 'constructs';
import { HealthyHosts, Notifications, OnPremisesInstanceRole, ServerRollout } from 'cdk-codedeploy-rollouts';

/**
 * On-premises servers tagged `app=billing` in the `dc-east` site, deployed two at a time at most
 * (at least 75% of them stay in service), with the IAM identity they register with and the
 * registration steps as stack outputs.
 */
export class OnPremisesStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const rollout = new ServerRollout(this, 'Billing', {
      // A server must carry both tags: app=billing AND site=dc-east.
      onPremisesInstanceTags: new codedeploy.InstanceTagSet({ app: ['billing'] }, { site: ['dc-east'] }),
      healthyHosts: HealthyHosts.percent(75),
      notifications: Notifications.toNewTopic(),
    });

    // The servers' credential refresher assumes this role in this account (one session per server).
    new OnPremisesInstanceRole(this, 'BillingServers', {
      assumedBy: new iam.AccountRootPrincipal(),
      revisionBucket: rollout.revisionBucket,
    });
  }
}
