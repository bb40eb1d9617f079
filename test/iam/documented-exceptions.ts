/**
 * Where a service documents more than the Service Authorization Reference data holds. Each
 * exception names its source; the rules accept exactly what it says and nothing broader.
 */

/** An ARN format an action also authorizes against, beyond the data's resource types. */
export interface DocumentedResourceType {
  readonly actions: string[];
  readonly arnFormat: string;
  /** The action is wildcard-only in the data, but the service authorizes it against this type. */
  readonly insteadOfWildcardOnly: boolean;
  readonly source: string;
}

export const DOCUMENTED_RESOURCE_TYPES: DocumentedResourceType[] = [
  {
    // Actions whose API takes a function version or alias (a `Qualifier`, or a qualified name);
    // DeleteFunction's `Qualifier` names the version to delete (Lambda API reference, DeleteFunction).
    actions: [
      'lambda:InvokeFunction', 'lambda:GetFunction', 'lambda:GetFunctionConfiguration',
      'lambda:GetPolicy', 'lambda:AddPermission', 'lambda:RemovePermission', 'lambda:DeleteFunction',
    ],
    arnFormat: 'arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}:${Qualifier}',
    insteadOfWildcardOnly: false,
    source: 'Lambda Developer Guide, "Fine-tuning the Resources and Conditions sections of policies" '
      + '(https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html): actions that operate on a function '
      + 'can be restricted by function, version, or alias ARN; the alias actions (GetAlias, UpdateAlias) are not among them',
  },
  {
    actions: ['codedeploy:PutLifecycleEventHookExecutionStatus'],
    arnFormat: 'arn:${Partition}:codedeploy:${Region}:${Account}:deploymentgroup:${ApplicationName}/${DeploymentGroupName}',
    insteadOfWildcardOnly: true,
    source: 'CodeDeploy User Guide, "CodeDeploy permissions reference" '
      + '(https://docs.aws.amazon.com/codedeploy/latest/userguide/auth-and-access-control-permissions-reference.html) gives the '
      + 'deployment group ARN; CodeDeploy\'s own AccessDeniedException names that ARN as the resource '
      + '(davidgf/serverless-plugin-canary-deployments#58), and SAM, aws-cdk-lib and that plugin (#110) scope the grant to it',
  },
];

/** The documented extra formats of an action. */
export function documentedFormats(action: string): DocumentedResourceType[] {
  return DOCUMENTED_RESOURCE_TYPES.filter((type) => type.actions.some((a) => a.toLowerCase() === action.toLowerCase()));
}
