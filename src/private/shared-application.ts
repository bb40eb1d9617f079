import { Stack } from 'aws-cdk-lib';
import { ILambdaApplication, IServerApplication, LambdaApplication, ServerApplication } from 'aws-cdk-lib/aws-codedeploy';
import { IConstruct } from 'constructs';

/** Construct ids of the applications shared by every rollout of a platform in a stack. */
const LAMBDA_APPLICATION_ID = 'LambdaRolloutsApplication';
const SERVER_APPLICATION_ID = 'ServerRolloutsApplication';

/** The one CodeDeploy Lambda application of `scope`'s stack, created on first use (as SAM does). */
export function sharedLambdaApplication(scope: IConstruct): ILambdaApplication {
  const stack = Stack.of(scope);
  return (stack.node.tryFindChild(LAMBDA_APPLICATION_ID) as ILambdaApplication | undefined)
    ?? new LambdaApplication(stack, LAMBDA_APPLICATION_ID);
}

/** The one CodeDeploy server application of `scope`'s stack, created on first use. */
export function sharedServerApplication(scope: IConstruct): IServerApplication {
  const stack = Stack.of(scope);
  return (stack.node.tryFindChild(SERVER_APPLICATION_ID) as IServerApplication | undefined)
    ?? new ServerApplication(stack, SERVER_APPLICATION_ID);
}
