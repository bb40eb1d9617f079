/**
 * A small, deterministic YAML writer for the documents the library generates (appspec.yml).
 *
 * Block style only, two spaces per level, keys in the order the caller gives them, and one
 * quoting rule: a string is written plain unless a YAML 1.1 or 1.2 reader (the CodeDeploy agent
 * uses Ruby's, which follows 1.1) could read it as something else, in which case it is written in
 * double quotes with escapes. The same input always gives the same text.
 */

/** A scalar written exactly as given, e.g. `0.0`, which must stay a number. */
export class YamlPlain {
  public constructor(public readonly text: string) {}
}

/** A string always written in double quotes, whatever it holds. */
export class YamlQuoted {
  public constructor(public readonly value: string) {}
}

/** A value of a YAML document. */
export type YamlValue = string | number | YamlPlain | YamlQuoted | ReadonlyArray<YamlValue> | YamlMapping;

/** A mapping; keys whose value is `undefined` are left out. */
export interface YamlMapping {
  readonly [key: string]: YamlValue | undefined;
}

const INDENT = '  ';

/** Renders `document` as YAML text ending with a newline. */
export function toYaml(document: YamlMapping): string {
  return `${mappingLines(document, '').join('\n')}\n`;
}

/** One string as a YAML scalar: plain when that reads back as the same string, quoted otherwise. */
export function yamlString(value: string): string {
  return needsQuotes(value) ? doubleQuoted(value) : value;
}

/** YAML 1.1 booleans and nulls (YAML 1.2 keeps only some of them); matched case-insensitively. */
const RESERVED_WORDS = /^(?:~|null|true|false|yes|no|on|off|y|n)$/i;
/** Numbers, dates and base-60 numbers all start with a digit, possibly after a sign or a dot; also `.inf` and `.nan`. */
const NUMBER_LIKE = /^[-+]?(?:\.?[0-9]|\.(?:inf|nan)$)/i;
/** Characters that start something other than a plain scalar (sequence, mapping, anchor, tag, comment, quote, …). */
const LEADING_INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`]/;
/** Characters a plain scalar cannot hold (line breaks, tabs, other control characters, byte-order mark). */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function needsQuotes(value: string): boolean {
  return value === ''
    || value !== value.trim()
    || LEADING_INDICATOR.test(value)
    || value.includes(': ')
    || value.endsWith(':')
    || value.includes(' #')
    || RESERVED_WORDS.test(value)
    || NUMBER_LIKE.test(value)
    || UNPRINTABLE.test(value);
}

const ESCAPED = new RegExp(`[\\\\"]|${UNPRINTABLE.source}`, 'g');
const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '"': '\\"',
  '\0': '\\0',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
};

function doubleQuoted(value: string): string {
  const escaped = value.replace(ESCAPED, (char) => SHORT_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `"${escaped}"`;
}

function scalar(value: string | number | YamlPlain | YamlQuoted): string {
  if (value instanceof YamlPlain) {
    return value.text;
  }
  if (value instanceof YamlQuoted) {
    return doubleQuoted(value.value);
  }
  return typeof value === 'number' ? String(value) : yamlString(value);
}

function isScalar(value: YamlValue): value is string | number | YamlPlain | YamlQuoted {
  return typeof value !== 'object' || value instanceof YamlPlain || value instanceof YamlQuoted;
}

function isSequence(value: YamlValue): value is ReadonlyArray<YamlValue> {
  return Array.isArray(value);
}

/** `key: scalar`, or `key:` followed by the nested block one level deeper; `[]` and `{}` when empty. */
function mappingLines(mapping: YamlMapping, indent: string): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(mapping)) {
    if (value === undefined) {
      continue;
    }
    const nested = isScalar(value) ? [] : blockLines(value, indent + INDENT);
    if (isScalar(value)) {
      lines.push(`${indent}${yamlString(key)}: ${scalar(value)}`);
    } else if (nested.length === 0) {
      lines.push(`${indent}${yamlString(key)}: ${isSequence(value) ? '[]' : '{}'}`);
    } else {
      lines.push(`${indent}${yamlString(key)}:`, ...nested);
    }
  }
  return lines;
}

/** Each item as `- scalar`, or `- ` followed by the first line of its block and the rest aligned with it. */
function sequenceLines(sequence: ReadonlyArray<YamlValue>, indent: string): string[] {
  const lines: string[] = [];
  for (const item of sequence) {
    if (isScalar(item)) {
      lines.push(`${indent}- ${scalar(item)}`);
      continue;
    }
    const nested = blockLines(item, indent + INDENT);
    if (nested.length === 0) {
      lines.push(`${indent}- ${isSequence(item) ? '[]' : '{}'}`);
    } else {
      lines.push(`${indent}- ${nested[0].slice(indent.length + INDENT.length)}`, ...nested.slice(1));
    }
  }
  return lines;
}

function blockLines(value: ReadonlyArray<YamlValue> | YamlMapping, indent: string): string[] {
  return isSequence(value) ? sequenceLines(value, indent) : mappingLines(value as YamlMapping, indent);
}
