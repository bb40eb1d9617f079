/**
 * The IAM conformance suite over one synthesized app: every statement against the Service
 * Authorization Reference, and every call each actor makes simulated against the policies its role
 * holds. A failure names the actor, the action, the resource and the role.
 */
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { appCalls, Call } from './calls';
import { allPolicies, resourcePolicies, rolesWithPolicies } from './policies';
import { simulateCalls } from './simulate';
import { checkStatements } from './statement-rules';
import { AppWorld, StackTemplate } from './template-world';

export interface ConformanceReport {
  readonly statements: number;
  /** How many calls were simulated. */
  readonly calls: number;
  /** Every call, simulated or not. */
  readonly simulatedCalls: Call[];
  /** Calls of roles that hold AWS managed policies the suite cannot read (aws-cdk-lib's own groups). */
  readonly callsNotEvaluated: number;
  /** One line per statement that breaks a rule. */
  readonly statementFindings: string[];
  /** One line per call IAM would not allow. */
  readonly deniedCalls: string[];
}

/** The stacks of an assembly and of its nested assemblies (stages), with their environments. */
export function assemblyStacks(assembly: CloudAssembly): StackTemplate[] {
  return assembly.stacksRecursively.map((stack) => ({
    stackName: stack.stackName,
    template: stack.template,
    account: stack.environment.account.startsWith('unknown') ? undefined : stack.environment.account,
    region: stack.environment.region.startsWith('unknown') ? undefined : stack.environment.region,
  }));
}

/**
 * Policies that neither the library nor an example's own code writes, whose findings are aws-cdk-lib's
 * to fix: CDK Pipelines grants `codestar-connections:UseConnection` on a connection's
 * `arn:aws:codeconnections:…` ARN, a format the data gives only to the renamed service's actions.
 */
const NOT_THE_LIBRARYS = [/^PlatformPipeline\/PipelineSource[^/]*CodePipelineActionRoleDefaultPolicy/];

function notTheLibrarys(source: string): boolean {
  return NOT_THE_LIBRARYS.some((pattern) => pattern.test(source));
}

export async function checkConformance(stacks: StackTemplate[]): Promise<ConformanceReport> {
  const app = new AppWorld(stacks);
  const { findings, statements } = await checkStatements(allPolicies(app));
  const calls = appCalls(app);
  const { denied, simulated, notEvaluated } = await simulateCalls(calls, rolesWithPolicies(app), resourcePolicies(app));
  return {
    statements,
    calls: simulated,
    simulatedCalls: calls,
    callsNotEvaluated: notEvaluated,
    statementFindings: findings.filter((f) => !notTheLibrarys(f.source)).map((f) => `${f.source} statement ${f.statement}: ${f.problem}`),
    deniedCalls: denied.map(({ call, role, result }) => `${call.actor}: ${call.action} on ${call.resource} with role ${role}: ${result}`),
  };
}
