/**
 * A template's values with CloudFormation's intrinsic functions resolved, for the suites that model
 * an account: the IAM suite (test/iam/template-world.ts, names and ARNs a deployed stack would
 * have) and the lifecycle model (test/lifecycle/support/stack-model.ts, the physical ids of the
 * resources it has created so far). The functions are CloudFormation's
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html);
 * what `Ref`, `Fn::GetAtt`, imports, mappings and conditions return is each suite's own.
 */
export interface IntrinsicWorld {
  /** Who resolves, the start of an error: "Stack: the IAM suite", "the lifecycle model". */
  readonly resolver: string;
  /** What `Fn::GetAZs` lists the zones of. */
  readonly region: string;
  ref(logicalId: string): unknown;
  getAtt(logicalId: string, attribute: string): unknown;
  importValue(exportName: string): unknown;
  findInMap(map: string, topLevelKey: string, secondLevelKey: string): unknown;
  /** Whether a condition of the template holds: `Fn::If` takes its first branch when it does. */
  condition(name: string): boolean;
  /** A number or boolean of the template as it resolves (as it is, when not given). */
  scalar?(value: number | boolean): unknown;
}

/** A template value (a list, an object, a string) with every intrinsic function in it resolved. */
export function resolveIntrinsics(value: unknown, world: IntrinsicWorld): unknown {
  if (value === null || typeof value !== 'object') {
    return (typeof value === 'number' || typeof value === 'boolean') && world.scalar ? world.scalar(value) : value;
  }
  const resolve = (inner: unknown) => resolveIntrinsics(inner, world);
  const text = (inner: unknown) => resolvedText(inner, world);
  if (Array.isArray(value)) {
    return value.map(resolve);
  }
  const object = value as Record<string, any>;
  const keys = Object.keys(object);
  if (keys.length === 1) {
    const [fn] = keys;
    const argument = object[fn];
    switch (fn) {
      case 'Ref': return world.ref(argument);
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = typeof argument === 'string' ? argument.split('.') : argument;
        return world.getAtt(logicalId, attribute);
      }
      case 'Fn::Join': return (resolve(argument[1]) as unknown[]).join(argument[0]);
      case 'Fn::Sub': return sub(argument, world);
      case 'Fn::Select': return (resolve(argument[1]) as unknown[])[Number(resolve(argument[0]))];
      case 'Fn::Split': return text(argument[1]).split(argument[0]);
      case 'Fn::ImportValue': return world.importValue(text(argument));
      case 'Fn::GetAZs': return [`${world.region}a`, `${world.region}b`, `${world.region}c`];
      case 'Fn::FindInMap': {
        const [map, top, second] = (argument as unknown[]).map(text);
        return world.findInMap(map, top, second);
      }
      case 'Fn::If': return resolve(world.condition(argument[0]) ? argument[1] : argument[2]);
      case 'Fn::Base64': return Buffer.from(text(argument)).toString('base64');
      default:
        if (fn.startsWith('Fn::')) {
          throw new Error(`${world.resolver} cannot resolve ${fn}`);
        }
    }
  }
  return Object.fromEntries(keys.map((key) => [key, resolve(object[key])]));
}

/** A template value that must resolve to a string (a name, an ARN, a part of one). */
export function resolvedText(value: unknown, world: IntrinsicWorld): string {
  const resolved = resolveIntrinsics(value, world);
  if (typeof resolved !== 'string') {
    throw new Error(`${world.resolver} expected a string, got ${JSON.stringify(resolved)} from ${JSON.stringify(value)}`);
  }
  return resolved;
}

/** `Fn::Sub`: `${Name}` is a variable of the call, else a `Ref`; `${Id.Attribute}` a `Fn::GetAtt`; `${!…}` is left as written. */
function sub(argument: unknown, world: IntrinsicWorld): string {
  const [text, variables] = typeof argument === 'string' ? [argument, {}] : argument as [string, Record<string, unknown>];
  return text.replace(/\$\{([^}!]+)\}/g, (_match, name: string) => {
    if (name in variables) {
      return resolvedText(variables[name], world);
    }
    const [logicalId, attribute] = name.split('.');
    return String(attribute === undefined ? world.ref(logicalId) : world.getAtt(logicalId, attribute));
  });
}
