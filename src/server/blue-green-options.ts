import { Duration } from 'aws-cdk-lib';

/**
 * Blue/green deployments of a `ServerRollout`: each deployment copies the rollout's Auto Scaling
 * group into a new one (`CodeDeploy_<deployment group>_<deployment id>`), installs the revision
 * on the copy's instances, moves the load balancer's traffic to them, and then terminates (or
 * keeps) the original instances.
 *
 * CloudFormation does not manage the copy: after the first deployment the fleet lives in a group
 * the stack does not own, and CodeDeploy deletes the original group when it terminates the
 * original instances. See the README ("Blue/green for Auto Scaling groups") for what that means
 * for the next `cdk deploy` and for `cdk destroy`.
 */
export interface BlueGreenOptions {
  /**
   * Hold the replacement instances out of the load balancer until someone continues the
   * deployment (CodeDeploy console, or `aws deploy continue-deployment`); the deployment stops if
   * nobody does within this time. Whole minutes.
   *
   * @default - traffic moves as soon as the replacement instances are ready
   */
  readonly approvalTimeout?: Duration;

  /**
   * How long the original instances keep running, out of the load balancer, after traffic moved
   * off them, before CodeDeploy terminates them: the window for a quick manual rollback. The
   * deployment succeeds only at its end. Whole minutes, at most 2 days.
   *
   * @default Duration.minutes(5)
   */
  readonly terminationWait?: Duration;

  /**
   * Keep the original instances running, out of the load balancer, instead of terminating them.
   * You pay for them, and remove them, yourself.
   *
   * @default false
   */
  readonly keepOriginalInstances?: boolean;
}
