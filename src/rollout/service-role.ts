import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { RolloutPolicies, RolloutServiceRole } from '../private/rollout-service-role';

/** A rollout's CodeDeploy service role and the policies its permissions go into. */
interface RolloutRole {
  readonly role: iam.IRole;
  readonly policies: RolloutPolicies;
}

/**
 * The role a rollout's deployments run with: the one passed in (with its own policies, shared by
 * every rollout given that role), or the stack's shared role of the platform.
 */
export function rolloutRole(scope: Construct, platform: 'Lambda' | 'Server', passedIn: iam.IRole | undefined): RolloutRole {
  if (passedIn) {
    return { role: passedIn, policies: RolloutPolicies.forRole(scope, passedIn) };
  }
  const shared = RolloutServiceRole.of(scope, platform);
  return { role: shared.role, policies: shared.policies };
}
