/**
 * The statement rules: every statement of every policy is checked against the Service
 * Authorization Reference as data. An action exists; a wildcard-only action is on `*`; each
 * resource is of a type one of the statement's actions authorizes against, and each action has a
 * resource of its types (no dead grant, no grant on the wrong ARN); every condition key exists and
 * applies to the statement's actions.
 */
import { resourceMatchesFormat } from './arn-pattern';
import { documentedFormats } from './documented-exceptions';
import { list, LocatedPolicy, Statement } from './policies';
import { actionReference, ActionReference, conditionKeyApplies, expandActionPattern } from './reference';

/** One statement that breaks a rule. */
export interface StatementFinding {
  readonly source: string;
  /** The statement's position in its policy (1-based), and its Sid where it has one. */
  readonly statement: string;
  readonly problem: string;
}

/** The ARN formats a resource of `action` may have: the data's, plus documented ones. */
function formatsOf(reference: ActionReference): { formats: string[]; wildcardOnly: boolean } {
  const documented = documentedFormats(reference.action);
  return {
    formats: [...reference.resourceTypes.flatMap((type) => type.arnFormats), ...documented.map((type) => type.arnFormat)],
    wildcardOnly: reference.wildcardOnly && !documented.some((type) => type.insteadOfWildcardOnly),
  };
}

/** Checks every statement of the policies; returns what breaks a rule, and how many statements were checked. */
export async function checkStatements(policies: LocatedPolicy[]): Promise<{ findings: StatementFinding[]; statements: number }> {
  const findings: StatementFinding[] = [];
  let statements = 0;
  for (const policy of policies) {
    for (const [index, statement] of policy.document.Statement.entries()) {
      statements++;
      const where = { source: policy.source, statement: `#${index + 1}${statement.Sid ? ` (${statement.Sid})` : ''}` };
      for (const problem of await statementProblems(statement)) {
        findings.push({ ...where, problem });
      }
    }
  }
  return { findings, statements };
}

/** What is wrong with one statement, if anything. */
export async function statementProblems(statement: Statement): Promise<string[]> {
  const problems: string[] = [];
  /** The actions each `Action` entry stands for: one, or every action a pattern (`s3:Get*`) matches. */
  const granted: Array<{ pattern: string; references: ActionReference[] }> = [];
  for (const pattern of [...list(statement.Action), ...list(statement.NotAction)]) {
    if (pattern === '*') {
      continue;
    }
    const actions = await expandActionPattern(pattern);
    if (actions.length === 0) {
      problems.push(`action ${pattern} does not exist in the Service Authorization Reference`);
    } else if (list(statement.Action).includes(pattern)) {
      granted.push({ pattern, references: await Promise.all(actions.map(async (action) => (await actionReference(action))!)) });
    }
  }
  const resources = list(statement.Resource);
  if (resources.length > 0 && granted.length > 0) {
    problems.push(...resourceProblems(granted, resources));
  }
  for (const key of Object.values(statement.Condition ?? {}).flatMap((test) => Object.keys(test))) {
    for (const { pattern, references } of granted) {
      const applies = await Promise.all(references.map((reference) => conditionKeyApplies(key, reference)));
      if (!applies.some(Boolean)) {
        problems.push(`condition key ${key} does not apply to ${pattern}`);
      }
    }
  }
  return problems;
}

function resourceProblems(granted: Array<{ pattern: string; references: ActionReference[] }>, resources: string[]): string[] {
  const problems: string[] = [];
  const scoped = resources.filter((resource) => resource !== '*');
  const fits = (reference: ActionReference, resource: string) =>
    formatsOf(reference).formats.some((format) => resourceMatchesFormat(resource, format));
  for (const { pattern, references } of granted) {
    if (resources.includes('*')) {
      continue;
    }
    if (references.length === 1 && formatsOf(references[0]).wildcardOnly) {
      problems.push(`${pattern} is wildcard-only (no resource type): it needs Resource "*", got ${scoped.join(', ')}`);
    } else if (!references.some((reference) => scoped.some((resource) => fits(reference, resource)))) {
      const formats = references.length === 1 ? formatsOf(references[0]).formats.join(' or ') : 'the resource types of the actions it matches';
      problems.push(`${pattern} authorizes against ${formats}; no resource of the statement is of that type: ${scoped.join(', ')}`);
    }
  }
  const all = granted.flatMap(({ references }) => references);
  for (const resource of scoped) {
    if (!all.some((reference) => fits(reference, resource))) {
      problems.push(`resource ${resource} is of no resource type of ${granted.map(({ pattern }) => pattern).join(', ')}`);
    }
  }
  return problems;
}
