import { Stack, aws_lambda as lambda } from 'aws-cdk-lib';

/** A small Lambda function with inline code that returns its id: what the rollout tests release. */
export function inlineFunction(scope: Stack, id: string): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline(`exports.handler = async () => '${id}';`),
  });
}
