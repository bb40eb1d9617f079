/**
 * Simulated calls: each call is evaluated against the identity policies the templates give its role
 * and the resource policy of what it touches (a KMS key's key policy, which KMS requires to allow the
 * call too; a bucket's or a topic's policy), with `@cloud-copilot/iam-simulate` (AWS's evaluation
 * logic: explicit deny, then allow; actions, resources and conditions matched as IAM matches them).
 *
 * iam-simulate refuses two kinds of request: one on a resource for an action the data calls
 * wildcard-only, and one whose ARN fits two resource types of the action (a Lambda alias and a
 * version have the same shape). The documented exceptions (`documented-exceptions.ts`) and those
 * ambiguous ARNs are evaluated by `matchStatements` below instead, which needs no resource type:
 * IAM's glob matching of actions and resources, explicit denies first; a statement with a condition is not taken as a match there, so it can only deny a call, never allow one.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { Call } from './calls';
import { documentedFormats } from './documented-exceptions';
import { list, PolicyDocument, ResourcePolicy, RoleWithPolicies } from './policies';

/** A call IAM would not allow, with what the message needs. */
export interface DeniedCall {
  readonly call: Call;
  readonly role: string;
  readonly result: string;
}

/**
 * CodeDeploy's AWS managed service-role policies, which aws-cdk-lib's own deployment groups attach
 * and which cannot be read offline.
 */
const CODEDEPLOY_MANAGED_POLICIES = /^arn:aws:iam::aws:policy\/service-role\/AWSCodeDeployRole(ForLambda(Limited)?|ForECS(Limited)?)?$/;

/**
 * Simulates every call. A call of CodeDeploy that the templates' policies do not allow, made with a
 * role that holds one of CodeDeploy's AWS managed policies, is counted as not evaluated rather than
 * denied; any other AWS managed policy (AmazonSSMManagedInstanceCore on an instance role) grants
 * nothing the suite relies on, so it never hides a denied call.
 */
export async function simulateCalls(
  calls: Call[], roles: RoleWithPolicies[], resourcePolicies: ResourcePolicy[] = [],
): Promise<{ denied: DeniedCall[]; simulated: number; notEvaluated: number }> {
  const denied: DeniedCall[] = [];
  let notEvaluated = 0;
  for (const call of calls) {
    const role = roles.find((candidate) => candidate.arn === call.roleArn);
    if (!role) {
      denied.push({ call, role: call.roleArn, result: 'the role is not in the app, so nothing grants this call' });
      continue;
    }
    const resourcePolicy = resourcePolicies.find((policy) => policy.governs.some((pattern) => glob(pattern, false).test(call.resource)));
    const result = await evaluate(call, role.policies.map((policy) => policy.document), resourcePolicy?.document);
    if (result !== 'Allowed' && call.actor.startsWith('CodeDeploy ') && role.managedPolicyArns.some((arn) => CODEDEPLOY_MANAGED_POLICIES.test(arn))) {
      notEvaluated++;
    } else if (result !== 'Allowed') {
      denied.push({ call, role: `${role.stack.stackName}/${role.logicalId}`, result });
    }
  }
  return { denied, simulated: calls.length - notEvaluated, notEvaluated };
}

/** How IAM decides one call: `Allowed`, `ImplicitlyDenied`, `ExplicitlyDenied`, or the simulator's error. */
export async function evaluate(call: Call, documents: PolicyDocument[], resourcePolicy?: PolicyDocument): Promise<string> {
  if (documentedFormats(call.action).some((type) => type.insteadOfWildcardOnly)) {
    return matchStatements(call, documents);
  }
  const account = call.roleArn.split(':')[4];
  const response = await runSimulation({
    identityPolicies: documents.map((policy, i) => ({ name: `policy${i + 1}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy,
    request: {
      action: call.action,
      principal: call.roleArn,
      resource: { accountId: account, resource: call.resource },
      contextVariables: { 'aws:SecureTransport': 'true', ...call.context },
    },
  }, {});
  if (response.resultType === 'error' && response.errors.message === 'multiple.resource.types') {
    return matchStatements(call, documents);
  }
  if (response.resultType === 'error') {
    return `the simulator refused the request: ${JSON.stringify(response.errors)}`;
  }
  return response.overallResult;
}

function glob(pattern: string, caseInsensitive: boolean): RegExp {
  const body = pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, caseInsensitive ? 'i' : '');
}

function matchStatements(call: Call, documents: PolicyDocument[]): string {
  const statements = documents.flatMap((document) => document.Statement);
  const matches = (effect: string) => statements.some((statement) => statement.Effect === effect
    && (effect === 'Deny' || statement.Condition === undefined)
    && list(statement.Action).some((action) => glob(action, true).test(call.action))
    && list(statement.Resource).some((resource) => glob(resource, false).test(call.resource)));
  if (matches('Deny')) {
    return 'ExplicitlyDenied';
  }
  return matches('Allow') ? 'Allowed' : 'ImplicitlyDenied';
}
