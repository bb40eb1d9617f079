import { Stack } from 'aws-cdk-lib';
import { ILambdaApplication, LambdaApplication } from 'aws-cdk-lib/aws-codedeploy';
import { IConstruct } from 'constructs';

/** Construct id of the Lambda application shared by every rollout in a stack. */
const LAMBDA_APPLICATION_ID = 'LambdaRolloutsApplication';

/** The one CodeDeploy Lambda application of `scope`'s stack, created on first use (as SAM does). */
export function sharedLambdaApplication(scope: IConstruct): ILambdaApplication {
  const stack = Stack.of(scope);
  return (stack.node.tryFindChild(LAMBDA_APPLICATION_ID) as ILambdaApplication | undefined)
    ?? new LambdaApplication(stack, LAMBDA_APPLICATION_ID);
}
