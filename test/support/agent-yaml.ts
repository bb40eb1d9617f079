import { isScalar, parseDocument, Scalar, visit } from 'yaml';

/**
 * Reads YAML as the CodeDeploy agent reads appspec.yml: Ruby's `YAML.load`, i.e. Psych on libyaml,
 * YAML 1.1 (https://github.com/aws/aws-codedeploy-agent/blob/main/lib/instance_agent/plugins/codedeploy/application_specification/application_specification.rb).
 *
 * The `yaml` package parses in YAML 1.1 mode and keeps the nodes; every plain scalar (untagged,
 * unquoted) is then resolved again by a port of Psych's `ScalarScanner#tokenize`
 * (Psych 4.0.3, Ruby 3.1's: https://github.com/ruby/psych/blob/v4.0.3/lib/psych/scalar_scanner.rb), which reads more plain
 * scalars as non-strings than YAML 1.1 does. It is written from Psych's source, not from the
 * writer's quoting rule, so the tests check one against the other. Text libyaml refuses or splits
 * differently from the `yaml` package fails here too. Symbols come back as JS symbols, times and
 * dates as `{ time }` / `{ date }`.
 */
export function readAgentYaml(text: string): unknown {
  const raw = LIBYAML_RAW.exec(text);
  if (raw) {
    throw new Error(`libyaml refuses or breaks a line at the raw code point U+${raw[0].charCodeAt(0).toString(16).padStart(4, '0')}`);
  }
  const document = parseDocument(text, { version: '1.1', strict: true, uniqueKeys: true, prettyErrors: false });
  if (document.errors.length > 0) {
    throw document.errors[0];
  }
  visit(document, {
    Scalar(_key, node) {
      if (isScalar(node) && node.type === Scalar.PLAIN && node.tag === undefined && node.source !== undefined) {
        node.value = psychTokenize(node.source);
      }
    },
  });
  return document.toJS();
}

/**
 * Code points libyaml's reader refuses ("control characters are not allowed": C1 controls but
 * U+0085, U+FFFE, U+FFFF) or takes for line breaks (U+0085, U+2028, U+2029, YAML 1.1's extra
 * line breaks: https://yaml.org/spec/1.1/#id871136), where the `yaml` package reads them as text.
 */
const LIBYAML_RAW = /[\u007f-\u009f\u2028\u2029\ufffe\uffff]/;

// Psych 4.0.3's patterns (Ruby 3.1), with Ruby's `^`/`$` (line anchors) as the `m` flag and
// `[[:alpha:]]` as `\p{Alphabetic}`.
const STRING_LIKE = /^[^\d.:-]?[\p{Alphabetic}_\s!@#$%^&*(){}<>|/\\~;=]+/mu;
const TIME = /^-?\d{4}-\d{1,2}-\d{1,2}(?:[Tt]|\s+)\d{1,2}:\d\d:\d\d(?:\.\d*)?(?:\s*(?:Z|[-+]\d{1,2}:?(?:\d\d)?))?$/m;
const DATE = /^\d{4}-(?:1[012]|0\d|\d)-(?:[12]\d|3[01]|0\d|\d)$/m;
const BASE_60 = /^[-+]?[0-9][0-9_]*(:[0-5]?[0-9]){1,2}(?:\.[0-9_]*)?$/m;
const FLOAT = /^(?:[-+]?([0-9][0-9_,]*)?\.[0-9]*([eE][-+][0-9]+)?)$/m;
const INTEGER = /^(?:[-+]?0b[0-1_,]+|[-+]?0[0-7_,]+|[-+]?(?:0|[1-9](?:[0-9]|,[0-9]|_[0-9])*)|[-+]?0x[0-9a-fA-F_,]+)$/m;

/** What Psych makes of a plain scalar's text: a string, or the value it stands for. */
function psychTokenize(text: string): unknown {
  if (text === '') {
    return null;
  }
  if (STRING_LIKE.test(text) || text.includes('\n')) {
    if (text.length > 5 || /^[^ytonf~]/im.test(text)) {
      return text;
    }
    if (text === '~' || /^null$/im.test(text)) {
      return null;
    }
    if (/^(?:yes|true|on)$/im.test(text)) {
      return true;
    }
    if (/^(?:no|false|off)$/im.test(text)) {
      return false;
    }
    return text;
  }
  if (TIME.test(text)) {
    return { time: text };
  }
  if (DATE.test(text)) {
    return { date: text };
  }
  if (/^\+?\.inf$/im.test(text)) {
    return Infinity;
  }
  if (/^-\.inf$/im.test(text)) {
    return -Infinity;
  }
  if (/^\.nan$/im.test(text)) {
    return NaN;
  }
  if (/^:./m.test(text)) {
    return Symbol.for(text.slice(1));
  }
  if (BASE_60.test(text)) {
    return { base60: text };
  }
  if (FLOAT.test(text)) {
    return /^[-+]?\.$/.test(text) ? text : Number.parseFloat(text.replace(/[,_]/g, ''));
  }
  return INTEGER.test(text) ? rubyInteger(text.replace(/[,_]/g, '')) : text;
}

/** Ruby's `Integer(digits)`: `0b` binary, `0x` hexadecimal, a leading `0` octal, else decimal. */
function rubyInteger(digits: string): number {
  const sign = digits.startsWith('-') ? -1 : 1;
  const unsigned = digits.replace(/^[-+]/, '');
  const [radix, body] = /^0b/i.test(unsigned) ? [2, unsigned.slice(2)]
    : /^0x/i.test(unsigned) ? [16, unsigned.slice(2)]
      : /^0./.test(unsigned) ? [8, unsigned.slice(1)]
        : [10, unsigned];
  return sign * Number.parseInt(body, radix);
}
