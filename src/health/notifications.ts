import { Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { IConstruct } from 'constructs';
import { Problems } from '../private/validation';

/** A CodeDeploy event a notification can be sent for (CodeDeploy's trigger event types). */
export enum DeploymentEvent {
  /** A deployment started. */
  STARTED = 'DeploymentStart',
  /** A deployment succeeded. */
  SUCCEEDED = 'DeploymentSuccess',
  /** A deployment failed. */
  FAILED = 'DeploymentFailure',
  /** A deployment was stopped, by a person, an alarm or a failure. */
  STOPPED = 'DeploymentStop',
  /** A deployment was rolled back. */
  ROLLED_BACK = 'DeploymentRollback',
  /** A blue/green server deployment is ready to shift traffic (server deployments only). */
  READY = 'DeploymentReady',
  /** Deployment to an instance started (server deployments only). */
  INSTANCE_STARTED = 'InstanceStart',
  /** Deployment to an instance succeeded (server deployments only). */
  INSTANCE_SUCCEEDED = 'InstanceSuccess',
  /** Deployment to an instance failed (server deployments only). */
  INSTANCE_FAILED = 'InstanceFailure',
  /** A blue/green replacement instance is ready for traffic (server deployments only). */
  INSTANCE_READY = 'InstanceReady',
}

/** The events that concern a whole deployment, not one server instance or a blue/green step. */
const DEPLOYMENT_WIDE_EVENTS: readonly DeploymentEvent[] = [
  DeploymentEvent.STARTED, DeploymentEvent.SUCCEEDED, DeploymentEvent.FAILED, DeploymentEvent.STOPPED, DeploymentEvent.ROLLED_BACK,
];

/** Options of `Notifications.toTopic` and `Notifications.toNewTopic`. */
export interface NotificationsOptions {
  /**
   * The events to notify about.
   *
   * @default - every deployment-wide event: started, succeeded, failed, stopped, rolled back
   */
  readonly events?: DeploymentEvent[];
}

/** Construct id of the topic `Notifications.toNewTopic` creates once per stack. */
const NEW_TOPIC_ID = 'DeploymentNotificationsTopic';

/**
 * CodeDeploy notifications (triggers) sent to an SNS topic. The rollout grants its service role
 * `sns:Publish` on the topic.
 */
export class Notifications {
  /** Notify an existing topic. An encrypted topic's key must let the rollout's service role use it. */
  public static toTopic(topic: sns.ITopic, options: NotificationsOptions = {}): Notifications {
    return new Notifications('toTopic', () => topic, options.events);
  }

  /**
   * Notify a topic the library creates once per stack and shares between rollouts: encrypted with
   * the AWS managed key for SNS and refusing requests that do not use TLS. Subscribe to it through
   * the rollout's `notificationTopic`.
   */
  public static toNewTopic(options: NotificationsOptions = {}): Notifications {
    return new Notifications('toNewTopic', (scope) => {
      const stack = Stack.of(scope);
      const existing = stack.node.tryFindChild(NEW_TOPIC_ID) as sns.ITopic | undefined;
      return existing ?? new sns.Topic(stack, NEW_TOPIC_ID, {
        displayName: 'CodeDeploy deployment notifications',
        masterKey: kms.Alias.fromAliasName(stack, `${NEW_TOPIC_ID}Key`, 'alias/aws/sns'),
        enforceSSL: true,
      });
    }, options.events);
  }

  /** The events notified about, without duplicates. */
  public readonly events: DeploymentEvent[];

  private constructor(factory: string, private readonly toTopic: (scope: IConstruct) => sns.ITopic, events?: DeploymentEvent[]) {
    const problems = new Problems(`Notifications.${factory}`);
    if (events !== undefined && events.length === 0) {
      problems.add('events must name at least one event, got none');
    }
    problems.throwIfAny();
    this.events = [...new Set(events ?? DEPLOYMENT_WIDE_EVENTS)];
  }

  /** The chosen events that only server deployments send (instance and blue/green events). @internal */
  public get _serverOnlyEvents(): DeploymentEvent[] {
    return this.events.filter((event) => !DEPLOYMENT_WIDE_EVENTS.includes(event));
  }

  /** The topic to notify, created in `scope`'s stack on first use for `toNewTopic`. */
  public bind(scope: IConstruct): sns.ITopic {
    return this.toTopic(scope);
  }
}
