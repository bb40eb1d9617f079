/**
 * The policy documents of an app's templates, resolved to concrete ARNs: every statement (for the
 * statement rules), and the identity policies of each role (for the simulated calls).
 */
import { AppWorld, StackWorld } from './template-world';

export interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Principal?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
  readonly Sid?: string;
}

export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: Statement[];
}

/** One policy document of a template, where it comes from, resolved. */
export interface LocatedPolicy {
  /** `<stack>/<logical id>` of the resource that holds the document, plus the inline policy's name. */
  readonly source: string;
  /** Construct path (aws:cdk:path metadata), where the template has it. */
  readonly constructPath?: string;
  /** Identity policy (of roles) or resource policy (of a bucket, topic, key). */
  readonly kind: 'identity' | 'resource';
  readonly document: PolicyDocument;
}

/** A role of the app with the identity policies the templates attach to it. */
export interface RoleWithPolicies {
  readonly stack: StackWorld;
  readonly logicalId: string;
  readonly arn: string;
  readonly name: string;
  readonly policies: LocatedPolicy[];
  /** AWS managed policies attached by ARN, which this suite cannot read offline. */
  readonly managedPolicyArns: string[];
}

const RESOURCE_POLICIES: Record<string, string> = {
  'AWS::S3::BucketPolicy': 'PolicyDocument',
  'AWS::SNS::TopicPolicy': 'PolicyDocument',
  'AWS::KMS::Key': 'KeyPolicy',
  'AWS::SQS::QueuePolicy': 'PolicyDocument',
};

/** Every policy document of every stack of the app: identity and resource policies. */
export function allPolicies(app: AppWorld): LocatedPolicy[] {
  return app.stacks.flatMap((stack) => Object.entries(stack.resources).flatMap(([logicalId, resource]) => {
    const at = (suffix = '') => ({ source: `${stack.stackName}/${logicalId}${suffix}`, constructPath: resource.Metadata?.['aws:cdk:path'] });
    const props = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::IAM::Policy':
      case 'AWS::IAM::ManagedPolicy':
        return [{ ...at(), kind: 'identity' as const, document: resolveDocument(stack, props.PolicyDocument) }];
      case 'AWS::IAM::Role':
        return (props.Policies ?? []).map((policy: any) => ({
          ...at(`#${stack.resolve(policy.PolicyName)}`), kind: 'identity' as const, document: resolveDocument(stack, policy.PolicyDocument),
        }));
      default: {
        const property = RESOURCE_POLICIES[resource.Type];
        return property && props[property]
          ? [{ ...at(), kind: 'resource' as const, document: resolveDocument(stack, props[property]) }]
          : [];
      }
    }
  }));
}

/** Every role of the app, with the policies attached to it in any stack. */
export function rolesWithPolicies(app: AppWorld): RoleWithPolicies[] {
  const roles = app.stacks.flatMap((stack) => Object.entries(stack.resources)
    .filter(([, resource]) => resource.Type === 'AWS::IAM::Role')
    .map(([logicalId, resource]) => ({ stack, logicalId, resource, name: stack.nameOf(logicalId), arn: stack.getAtt(logicalId, 'Arn') })));
  return roles.map(({ stack, logicalId, resource, name, arn }) => {
    const props = resource.Properties ?? {};
    const inline = (props.Policies ?? []).map((policy: any) => ({
      source: `${stack.stackName}/${logicalId}#${stack.resolve(policy.PolicyName)}`,
      kind: 'identity' as const,
      document: resolveDocument(stack, policy.PolicyDocument),
    }));
    const attached = app.stacks.flatMap((other) => Object.entries(other.resources)
      .filter(([, policy]) => (policy.Type === 'AWS::IAM::Policy' || policy.Type === 'AWS::IAM::ManagedPolicy')
        && (other.resolveAny(policy.Properties?.Roles ?? []) as string[]).includes(name))
      .map(([policyId, policy]) => ({
        source: `${other.stackName}/${policyId}`, kind: 'identity' as const, document: resolveDocument(other, policy.Properties!.PolicyDocument),
      })));
    const byArn = (stack.resolveAny(props.ManagedPolicyArns ?? []) as string[]);
    const inTemplates = app.stacks.flatMap((other) => Object.entries(other.resources)
      .filter(([policyId, policy]) => policy.Type === 'AWS::IAM::ManagedPolicy' && byArn.includes(other.ref(policyId)))
      .map(([policyId, policy]) => ({
        source: `${other.stackName}/${policyId}`, kind: 'identity' as const, document: resolveDocument(other, policy.Properties!.PolicyDocument),
      })));
    const known = new Set(inTemplates.map((policy) => policy.source));
    const managedPolicyArns = byArn.filter((policyArn) => !app.stacks.some((other) => Object.keys(other.resources)
      .some((id) => other.resources[id].Type === 'AWS::IAM::ManagedPolicy' && other.ref(id) === policyArn && known.has(`${other.stackName}/${id}`))));
    return { stack, logicalId, arn, name, policies: [...inline, ...attached, ...inTemplates], managedPolicyArns };
  }).concat(importedRoles(app, new Set(roles.map((role) => role.name))));
}

/**
 * Roles outside the app (imported by ARN, e.g. a function's `lambda-role`) that the app attaches
 * policies to by name: each with the app's policies only. A call they allow is allowed whatever
 * else the role holds (no template sets a permissions boundary or a deny on such a role).
 */
function importedRoles(app: AppWorld, appRoleNames: Set<string>): RoleWithPolicies[] {
  const byName = new Map<string, { stack: StackWorld; policies: LocatedPolicy[] }>();
  for (const stack of app.stacks) {
    for (const [policyId, policy] of Object.entries(stack.resources)) {
      if (policy.Type !== 'AWS::IAM::Policy' && policy.Type !== 'AWS::IAM::ManagedPolicy') {
        continue;
      }
      for (const name of (stack.resolveAny(policy.Properties?.Roles ?? []) as string[]).filter((n) => !appRoleNames.has(n))) {
        const entry = byName.get(name) ?? { stack, policies: [] };
        entry.policies.push({ source: `${stack.stackName}/${policyId}`, kind: 'identity', document: resolveDocument(stack, policy.Properties!.PolicyDocument) });
        byName.set(name, entry);
      }
    }
  }
  return [...byName.entries()].map(([name, { stack, policies }]) => ({
    stack, logicalId: `(imported role ${name})`, arn: `arn:aws:iam::${stack.account}:role/${name}`, name, policies, managedPolicyArns: [],
  }));
}

function resolveDocument(stack: StackWorld, document: unknown): PolicyDocument {
  return stack.resolveAny(document) as PolicyDocument;
}

/** A statement's field as a list. */
export function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** A resource policy of the app and the ARNs it governs. */
export interface ResourcePolicy {
  /** ARN patterns (`arn:aws:s3:::bucket/*`) of the resources the policy is attached to. */
  readonly governs: string[];
  readonly document: PolicyDocument;
}

/** The key policies, bucket policies and topic policies of the app. */
export function resourcePolicies(app: AppWorld): ResourcePolicy[] {
  return app.stacks.flatMap((stack) => Object.entries(stack.resources).flatMap(([logicalId, resource]) => {
    const props = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::KMS::Key':
        return [{ governs: [stack.getAtt(logicalId, 'Arn')], document: resolveDocument(stack, props.KeyPolicy) }];
      case 'AWS::S3::BucketPolicy': {
        const bucket = stack.resolve(props.Bucket);
        return [{ governs: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`], document: resolveDocument(stack, props.PolicyDocument) }];
      }
      case 'AWS::SNS::TopicPolicy':
        return [{ governs: stack.resolveAny(props.Topics) as string[], document: resolveDocument(stack, props.PolicyDocument) }];
      default:
        return [];
    }
  }));
}
