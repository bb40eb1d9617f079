import { ServiceError } from '../codedeploy-world';
import type { RolloutWorld } from '../rollout-world';

/** Lambda's GetAlias (REST-JSON, on the Lambda endpoint beside Invoke): the alias's version and routing. */
export function lambdaAliasOperations(world: RolloutWorld): (operation: string, input: Record<string, any>) => Record<string, unknown> {
  return (operation, input) => {
    if (operation !== 'GetAlias') throw new ServiceError('UnknownOperationException', `${operation} is not emulated`, 400);
    const functionName = String(input.FunctionName).split(':').slice(-1)[0];
    const alias = world.aliases.get(`${functionName}:${input.Name}`);
    if (!alias) throw new ServiceError('ResourceNotFoundException', `Alias not found: ${input.FunctionName}:${input.Name}`, 404);
    return {
      AliasArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}:${input.Name}`,
      Name: input.Name,
      FunctionVersion: alias.functionVersion,
      ...(Object.keys(alias.weights).length > 0 ? { RoutingConfig: { AdditionalVersionWeights: alias.weights } } : {}),
      RevisionId: 'e2e-revision',
    };
  };
}
