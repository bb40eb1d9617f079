import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Notifications } from '../health/notifications';

/** The deployment group's trigger configuration: one trigger to the rollout's topic, for its events. */
export function notificationTriggers(
  notifications: Notifications | undefined, topic: sns.ITopic | undefined,
): codedeploy.CfnDeploymentGroup.TriggerConfigProperty[] | undefined {
  return notifications && topic
    ? [{ triggerName: 'notifications', triggerTargetArn: topic.topicArn, triggerEvents: notifications.events }]
    : undefined;
}
