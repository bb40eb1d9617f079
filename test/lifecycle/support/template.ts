/**
 * A synthesized CloudFormation template as the lifecycle model reads it: resources, what each
 * depends on, and the order CloudFormation works in.
 *
 * Order: "If the properties of resource A use a `!Ref` to resource B ... resource B is created
 * before resource A, resource A is deleted before resource B, resource B is updated before
 * resource A" (CloudFormation User Guide, DependsOn attribute,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-dependson.html);
 * `DependsOn` adds the same order explicitly. `Fn::GetAtt` and `Fn::Sub` references count like `Ref`.
 */

export interface Template {
  readonly Resources: Record<string, Resource>;
  readonly Parameters?: Record<string, { readonly Default?: unknown }>;
  readonly Conditions?: Record<string, unknown>;
  readonly Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  readonly Outputs?: Record<string, unknown>;
}

export interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
  readonly UpdatePolicy?: Record<string, any>;
  readonly DependsOn?: string | string[];
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly Condition?: string;
  readonly Metadata?: unknown;
}

/** The logical ids a value refers to (Ref, Fn::GetAtt, and `${...}` in Fn::Sub), pseudo parameters left out. */
export function referencesIn(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) referencesIn(item, into);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'Ref' && typeof item === 'string' && !item.startsWith('AWS::')) {into.add(item);} else if (key === 'Fn::GetAtt') {into.add(typeof item === 'string' ? item.split('.')[0] : String((item as unknown[])[0]));} else if (key === 'Fn::Sub') {
        const text = typeof item === 'string' ? item : String((item as unknown[])[0]);
        const variables = typeof item === 'string' ? {} : (item as [string, Record<string, unknown>])[1] ?? {};
        for (const [, name] of text.matchAll(/\$\{([^}!]+)\}/g)) {
          const id = name.split('.')[0];
          if (!id.startsWith('AWS::') && !(id in variables)) into.add(id);
        }
        referencesIn(variables, into);
      } else {referencesIn(item, into);}
    }
  }
  return into;
}

/** What a resource depends on in its template: its references (properties and update policy) and its DependsOn. */
export function dependenciesOf(template: Template, logicalId: string): string[] {
  const resource = template.Resources[logicalId];
  const found = referencesIn([resource.Properties ?? {}, resource.UpdatePolicy ?? {}]);
  for (const id of typeof resource.DependsOn === 'string' ? [resource.DependsOn] : resource.DependsOn ?? []) found.add(id);
  return [...found].filter((id) => id in template.Resources && id !== logicalId);
}

/** The resources in an order CloudFormation may create or update them in: every resource after what it depends on. */
export function creationOrder(template: Template): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string): void => {
    const seen = state.get(id);
    if (seen === 'done') return;
    if (seen === 'visiting') throw new Error(`a dependency cycle through ${id}`);
    state.set(id, 'visiting');
    for (const dependency of dependenciesOf(template, id)) visit(dependency);
    state.set(id, 'done');
    order.push(id);
  };
  for (const id of Object.keys(template.Resources).sort()) visit(id);
  return order;
}

/** A deep copy of a template, to mutate. */
export function copyTemplate(template: Template): Template {
  return JSON.parse(JSON.stringify(template)) as Template;
}

/** Renames a logical id everywhere: the resource, every Ref/GetAtt/Sub to it, every DependsOn. */
export function renameResource(template: Template, from: string, to: string): Template {
  const rename = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rename);
    if (typeof value === 'string') return value;
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value).map(([key, item]) => {
      if (key === 'Ref' && item === from) return [key, to];
      if (key === 'Fn::GetAtt') {
        if (typeof item === 'string' && item.split('.')[0] === from) return [key, `${to}.${item.split('.').slice(1).join('.')}`];
        if (Array.isArray(item) && item[0] === from) return [key, [to, ...item.slice(1)]];
      }
      if (key === 'Fn::Sub') {
        const text = typeof item === 'string' ? item : String((item as unknown[])[0]);
        const replaced = text.replace(new RegExp(`\\$\\{${from}([.}])`, 'g'), `\${${to}$1`);
        return [key, typeof item === 'string' ? replaced : [replaced, rename((item as unknown[])[1])]];
      }
      return [key, rename(item)];
    });
    return Object.fromEntries(entries);
  };
  const resources: Record<string, Resource> = {};
  for (const [id, resource] of Object.entries(template.Resources)) {
    const renamed = rename(resource) as Resource & { DependsOn?: string | string[] };
    const dependsOn = typeof renamed.DependsOn === 'string' ? [renamed.DependsOn] : renamed.DependsOn;
    resources[id === from ? to : id] = dependsOn ? { ...renamed, DependsOn: dependsOn.map((d) => (d === from ? to : d)) } : renamed;
  }
  return { ...template, Resources: resources, Outputs: rename(template.Outputs) as Template['Outputs'] };
}
