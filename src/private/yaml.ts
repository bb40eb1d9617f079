import { Document, Scalar, ScalarTag, visit } from 'yaml';

/**
 * The YAML writer for the documents the library generates (appspec.yml), built on the `yaml`
 * package (bundled: a jsii library ships its runtime dependencies inside its package) in its
 * YAML 1.1 mode, the YAML the reader of appspec.yml speaks: the CodeDeploy agent parses it with
 * Ruby's `YAML.load`, i.e. Psych on libyaml, both YAML 1.1
 * (https://github.com/aws/aws-codedeploy-agent/blob/main/lib/instance_agent/plugins/codedeploy/application_specification/application_specification.rb).
 *
 * Block style, two spaces per level, sequences indented under their key, keys in the order the
 * caller gives them, no line folding; a string is written plain unless a reader could take it for
 * something else, and then in double quotes. The same input always gives the same text.
 *
 * The YAML 1.1 schema alone is not what Psych reads. build-tools/psych-check.ts writes 16,938
 * strings (curated, and random from a fixed seed) through Ruby 3.1's Psych 4.0.3 on libyaml 0.2.5:
 * the package in plain YAML 1.1 mode writes 222 of them so that Psych reads something else or
 * refuses the file; with the two additions below, none.
 * - Psych's scalar scanner reads more plain scalars as non-strings than YAML 1.1 does
 *   (https://github.com/ruby/psych/blob/master/lib/psych/scalar_scanner.rb): booleans and nulls
 *   in any letter case (`TrUe`, `oN`, `nUlL`), a leading `:` as a Ruby symbol, digits with commas
 *   as numbers (`1,000` is 1000), `.iNf`, timestamps after a `-`. `PSYCH_NON_STRINGS` makes the
 *   writer quote them. Number rules differ between Psych versions (Psych 4.0.3 reads `5,` as a
 *   string, older ones as 5) and the agent runs on several Rubies (2.7 on Windows, 3.1 and 3.2 on
 *   Ubuntu: release notes of agent 1.7.0, https://github.com/aws/aws-codedeploy-agent/releases),
 *   so the writer quotes every string that starts like a number.
 * - The package writes some code points raw that libyaml reads as a line break (U+0085, U+2028,
 *   U+2029) or refuses ("control characters are not allowed": U+007F–U+009F, U+FFFE, U+FFFF).
 *   Strings holding them (or a tab or a byte-order mark, for legibility) are double-quoted, and
 *   those code points are written as `\u` escapes.
 */

/** A scalar written exactly as given, e.g. `0.0`, which must stay a number, or a token for a number. */
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

/** Renders `document` as YAML text ending with a newline. */
export function toYaml(document: YamlMapping): string {
  const yaml = new Document(withQuotedNodes(document), { version: '1.1', compat: PSYCH_NON_STRINGS, customTags: [PLAIN_TAG] });
  visit(yaml, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && FORCE_DOUBLE_QUOTES.test(node.value)) {
        node.type = Scalar.QUOTE_DOUBLE;
      }
    },
  });
  const text = yaml.toString({
    indent: 2,
    indentSeq: true,
    // One line per scalar: no folding, multi-line strings double-quoted with `\n`, never single quotes.
    lineWidth: 0,
    blockQuote: false,
    doubleQuotedMinMultiLineLength: Infinity,
    singleQuote: false,
  });
  // Only double-quoted scalars hold these code points (the visitor above), where `\u` escapes are valid.
  return text.replace(RAW_IN_DOUBLE_QUOTES, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Any string `compat` tests match is written quoted; Psych reads these plain scalars as non-strings. */
const PSYCH_NON_STRINGS: ScalarTag[] = [
  { tag: 'tag:psych,boolean-or-null', default: true, test: /^(?:~|null|true|false|yes|no|on|off)$/i, resolve: (text) => text },
  { tag: 'tag:psych,symbol', default: true, test: /^:/, resolve: (text) => text },
  // Numbers (with `,` or `_`), dates, timestamps and base-60 numbers start with a digit, possibly after a sign or a dot.
  { tag: 'tag:psych,number', default: true, test: /^[-+]?(?:\.?[0-9]|\.(?:inf|nan)$)/i, resolve: (text) => text },
];

/** `YamlPlain` is written as its text, with no tag. */
const PLAIN_TAG: ScalarTag = {
  tag: 'tag:cdk-codedeploy-rollouts,plain',
  default: true,
  identify: (value) => value instanceof YamlPlain,
  resolve: (text) => new YamlPlain(text),
  stringify: (item) => (item.value as YamlPlain).text,
};

const RAW_CODE_POINTS = '\\u007f-\\u009f\\u2028\\u2029\\ufeff\\ufffe\\uffff';
const FORCE_DOUBLE_QUOTES = new RegExp(`[\\t${RAW_CODE_POINTS}]`);
const RAW_IN_DOUBLE_QUOTES = new RegExp(`[${RAW_CODE_POINTS}]`, 'g');

/** The document with every `YamlQuoted` as a double-quoted scalar node. */
function withQuotedNodes(value: YamlValue): unknown {
  if (value instanceof YamlQuoted) {
    const scalar = new Scalar(value.value);
    scalar.type = Scalar.QUOTE_DOUBLE;
    return scalar;
  }
  if (typeof value !== 'object' || value instanceof YamlPlain) {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map(withQuotedNodes);
  }
  const mapping: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as YamlMapping)) {
    if (item !== undefined) {
      mapping[key] = withQuotedNodes(item);
    }
  }
  return mapping;
}
