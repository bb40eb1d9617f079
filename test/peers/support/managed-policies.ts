import { PolicyDocument } from '../../iam/policies';

/**
 * The statements of CodeDeploy's AWS managed service-role policies that decide the calls a
 * deployment makes, so that the peers' roles (which hold them) can be evaluated like the
 * library's. Each is written down from the AWS Managed Policy Reference page named with it; only
 * the statements on the actions the calls of `test/iam/calls.ts` use are kept (the S3 statements
 * read AppSpec files from S3, which a CloudFormation-driven or revision deployment does not do).
 */
export const CODEDEPLOY_MANAGED_POLICIES: Record<string, PolicyDocument> = {
  // https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCodeDeployRoleForLambda.html (v3)
  AWSCodeDeployRoleForLambda: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['cloudwatch:DescribeAlarms', 'lambda:UpdateAlias', 'lambda:GetAlias', 'lambda:GetProvisionedConcurrencyConfig', 'sns:Publish'],
        Resource: '*',
      },
      { Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: 'arn:aws:lambda:*:*:function:CodeDeployHook_*' },
    ],
  },
  // https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCodeDeployRoleForLambdaLimited.html (v1): no sns:Publish.
  AWSCodeDeployRoleForLambdaLimited: {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['cloudwatch:DescribeAlarms', 'lambda:UpdateAlias', 'lambda:GetAlias', 'lambda:GetProvisionedConcurrencyConfig'], Resource: '*' },
      { Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: 'arn:aws:lambda:*:*:function:CodeDeployHook_*' },
    ],
  },
  // https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCodeDeployRole.html: Auto Scaling, EC2, Elastic
  // Load Balancing, CloudWatch, SNS, tag reads and the like on `*` (its many other actions are on `*` too).
  AWSCodeDeployRole: {
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow',
      Action: [
        'autoscaling:CompleteLifecycleAction', 'autoscaling:DeleteLifecycleHook', 'autoscaling:DescribeAutoScalingGroups',
        'autoscaling:DescribeLifecycleHooks', 'autoscaling:PutLifecycleHook', 'autoscaling:RecordLifecycleActionHeartbeat',
        'autoscaling:ResumeProcesses', 'autoscaling:SuspendProcesses',
        'ec2:DescribeInstances', 'ec2:DescribeInstanceStatus', 'tag:GetResources', 'sns:Publish', 'cloudwatch:DescribeAlarms',
        'elasticloadbalancing:DescribeLoadBalancers', 'elasticloadbalancing:DescribeInstanceHealth',
        'elasticloadbalancing:RegisterInstancesWithLoadBalancer', 'elasticloadbalancing:DeregisterInstancesFromLoadBalancer',
        'elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetHealth', 'elasticloadbalancing:RegisterTargets',
        'elasticloadbalancing:DeregisterTargets', 'elasticloadbalancing:DescribeLoadBalancerAttributes', 'elasticloadbalancing:DescribeTargetGroupAttributes',
      ],
      Resource: '*',
    }],
  },
};

/** The managed policy of an ARN, if it is one of CodeDeploy's. */
export function codeDeployManagedPolicy(arn: string): { name: string; document: PolicyDocument } | undefined {
  const name = arn.split('/').pop()!;
  const document = /^arn:aws[^:]*:iam::aws:policy\/service-role\//.test(arn) ? CODEDEPLOY_MANAGED_POLICIES[name] : undefined;
  return document ? { name, document } : undefined;
}
