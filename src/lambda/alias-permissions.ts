import { BoundedArn, functionArn, RolloutStatement } from '../private/rollout-service-role';

/**
 * What CodeDeploy needs to shift an alias's traffic, each action on the ARN IAM authorizes it
 * against (Service Authorization Reference, AWS Lambda,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awslambda.html):
 * `GetAlias` and `UpdateAlias` on the unqualified function (their only resource type is `function`),
 * `GetProvisionedConcurrencyConfig` on the alias (its `function alias` resource type). The ARNs are
 * built from the function's, so the policy does not wait for the alias.
 */
export function aliasPermissions(functionArnValue: string, aliasName: string): RolloutStatement[] {
  const fn: BoundedArn = functionArn(functionArnValue);
  return [
    { actions: ['lambda:GetAlias', 'lambda:UpdateAlias'], resources: [fn] },
    { actions: ['lambda:GetProvisionedConcurrencyConfig'], resources: [functionArn(functionArnValue, aliasName)] },
  ];
}
