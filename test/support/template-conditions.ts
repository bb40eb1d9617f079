/**
 * What CloudFormation makes of a template's Conditions, for every value they can take: each
 * assignment of true/false to the template's conditions leaves the resources whose condition holds
 * (or that have none), picks one branch of every `Fn::If`, and then every `Ref`, `Fn::GetAtt`,
 * `Fn::Sub` reference and `DependsOn` of a remaining resource must name a remaining resource (or a
 * parameter or pseudo parameter). A reference to a resource that is not created is a template
 * CloudFormation refuses ("Unresolved resource dependencies"); cfn-lint reports its static form as
 * W1001 ("Ref/GetAtt to resource that is available when conditions are applied").
 *
 * Conditions built from other conditions (`Fn::And`, `Fn::Or`, `Fn::Not`, `Condition`) are
 * evaluated from the ones they use; every other condition is taken as free, so impossible
 * combinations are checked too (a stricter test, never a weaker one).
 */

type Json = any;

/** One reference to a resource that does not exist under an assignment of the conditions. */
export interface ConditionFinding {
  /** The conditions' values, e.g. `IsProd=false`. */
  readonly assignment: string;
  /** The logical id of the resource (or output) that holds the reference. */
  readonly from: string;
  /** The logical id it names. */
  readonly to: string;
  /** How it names it: `Ref`, `Fn::GetAtt`, `Fn::Sub` or `DependsOn`. */
  readonly via: string;
}

/** Every reference to a resource that is not created, under each assignment of the template's conditions. */
export function conditionFindings(template: Json): ConditionFinding[] {
  const conditions: Record<string, Json> = template.Conditions ?? {};
  const resources: Record<string, Json> = template.Resources ?? {};
  const parameters = new Set(Object.keys(template.Parameters ?? {}));
  const free = Object.keys(conditions).filter((name) => !usesConditions(conditions[name]));
  if (free.length > 10) {
    throw new Error(`conditionFindings: ${free.length} free conditions, too many assignments to try`);
  }
  const findings: ConditionFinding[] = [];
  for (let bits = 0; bits < 2 ** free.length; bits++) {
    const values = new Map<string, boolean>(free.map((name, i) => [name, Math.floor(bits / 2 ** i) % 2 === 1]));
    const holds = (name: string): boolean => {
      if (!values.has(name)) {
        values.set(name, evaluate(conditions[name], holds));
      }
      return values.get(name)!;
    };
    const assignment = free.map((name) => `${name}=${holds(name)}`).join(', ') || '(no conditions)';
    const present = new Set(Object.keys(resources).filter((id) => resources[id].Condition === undefined || holds(resources[id].Condition)));
    const check = (from: string, body: Json) => {
      for (const { to, via } of references(body, holds)) {
        if (!present.has(to) && !parameters.has(to) && !to.startsWith('AWS::')) {
          findings.push({ assignment, from, to, via });
        }
      }
    };
    for (const id of present) {
      const { Type: _type, Condition: _condition, DependsOn, ...rest } = resources[id];
      check(id, rest);
      for (const dependency of [DependsOn ?? []].flat()) {
        if (!present.has(dependency)) {
          findings.push({ assignment, from: id, to: dependency, via: 'DependsOn' });
        }
      }
    }
    for (const [id, output] of Object.entries<Json>(template.Outputs ?? {})) {
      if (output.Condition === undefined || holds(output.Condition)) {
        check(`Outputs.${id}`, output.Value);
      }
    }
  }
  return findings;
}

/** The names of the template's conditions. */
export function conditionNames(template: Json): string[] {
  return Object.keys(template.Conditions ?? {});
}

function usesConditions(expression: Json): boolean {
  if (Array.isArray(expression)) {
    return expression.some(usesConditions);
  }
  if (expression && typeof expression === 'object') {
    return 'Condition' in expression || Object.values(expression).some(usesConditions);
  }
  return false;
}

function evaluate(expression: Json, holds: (name: string) => boolean): boolean {
  if (expression?.Condition !== undefined) {
    return holds(expression.Condition);
  }
  if (expression?.['Fn::And']) {
    return expression['Fn::And'].every((e: Json) => evaluate(e, holds));
  }
  if (expression?.['Fn::Or']) {
    return expression['Fn::Or'].some((e: Json) => evaluate(e, holds));
  }
  if (expression?.['Fn::Not']) {
    return !evaluate(expression['Fn::Not'][0], holds);
  }
  throw new Error(`conditionFindings: cannot evaluate condition ${JSON.stringify(expression)}`);
}

/** The resources an expression names once every `Fn::If` took its branch. */
function references(body: Json, holds: (name: string) => boolean): Array<{ to: string; via: string }> {
  const found: Array<{ to: string; via: string }> = [];
  const walk = (value: Json): void => {
    if (Array.isArray(value)) {
      value.forEach(walk);
      return;
    }
    if (!value || typeof value !== 'object') {
      return;
    }
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const [key] = keys;
      const argument = value[key];
      if (key === 'Fn::If') {
        walk(holds(argument[0]) ? argument[1] : argument[2]);
        return;
      }
      if (key === 'Ref') {
        found.push({ to: argument, via: 'Ref' });
        return;
      }
      if (key === 'Fn::GetAtt') {
        found.push({ to: Array.isArray(argument) ? argument[0] : String(argument).split('.')[0], via: 'Fn::GetAtt' });
        return;
      }
      if (key === 'Fn::Sub') {
        const [text, variables] = Array.isArray(argument) ? argument : [argument, {}];
        for (const match of String(text).matchAll(/\$\{([^!}][^}]*)\}/g)) {
          const name = match[1].split('.')[0];
          if (!(name in variables)) {
            found.push({ to: name, via: 'Fn::Sub' });
          }
        }
        walk(variables);
        return;
      }
    }
    Object.values(value).forEach(walk);
  };
  walk(body);
  return found;
}
