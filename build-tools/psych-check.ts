/**
 * Checks the appspec.yml writer and the tests' YAML reader against the real reader: Ruby's
 * `YAML.load` (Psych on libyaml), which the CodeDeploy agent uses. Not part of the test command,
 * since the machines have no Ruby; run it by hand after changing either file.
 *
 * - Writer: each string (curated, then random from a fixed seed) is written by `toYaml` as a value,
 *   a sequence item and a nested value; Psych must read back the same string everywhere. The
 *   `yaml` package in plain YAML 1.1 mode, what the writer builds on, is measured alongside.
 * - Reader: each string that is a plain scalar is read by `readAgentYaml` and by Psych; both must
 *   agree on whether it is a string.
 *
 * Usage: apt-get install ruby && ts-node --project test/tsconfig.json build-tools/psych-check.ts
 */
import { execFileSync } from 'child_process';
import { join } from 'path';
import * as fc from 'fast-check';
import { Document } from 'yaml';
import { toYaml, YamlMapping } from '../src/private/yaml';
import { readAgentYaml } from '../test/support/agent-yaml';

const CURATED = [
  'on', 'off', 'yes', 'no', 'y', 'n', 'Y', 'N', 'OFF', 'TrUe', 'fAlSe', 'oN', 'yEs', 'nUlL', '~', 'null', 'NULL',
  '0644', '644', '0o17', '0x1F', '0b101', '1_000', '1,000', '0,7', '0x1,F', '5,', '1:20', '0:30', '1e3', '1.5e+3',
  '.5', '+1', '1.', '+.', '.', '.inf', '.iNf', '-.Inf', '.NaN', '.NAn', '2024-01-01', '2024-1-1',
  '2001-12-14t21:59:43.10-05:00', '-2024-01-01 00:00:00', ':sym', '::', '*.sh', '&a', '!t', '%x', '@x', '`x`',
  '[x]', '{x}', '|x', '>x', '#c', 'a#b', 'a #c', 'a: b', 'ends:', '-', '- x', '-rf', '?', '? x', '---', '...',
  '<<', '=', '', ' ', ' pad', 'pad ', 'a\tb', '\tb', 'line\nbreak', 'a\n\nb', 'a\n', '\n', 'a\r\nb',
  `${'x'.repeat(60)}\ny`, 'a\u0085b', 'a\u2028b', 'a\u2029b', 'a\u007fb', 'a\u0080b', 'a\u009fb', '\ufeffb',
  'a\ufffeb', 'a\uffffb', 'a\u00a0b', 'über', '日本語', '😀', 'C:\\app', 'u:bob:rw', 'a\\b', '"q"', "'s'",
  '${Token[TOKEN.12]}', 'v1.2',
];

/** Strings a UTF-8 file can hold (no lone surrogates): binary, printable, and number- and keyword-like. */
const RANDOM = fc.sample(fc.oneof(
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 8 }),
  fc.stringMatching(/^[-+.:,_ 0-9a-fnoltrsuxyeETZN~]{1,10}$/),
), { numRuns: 20000, seed: 42 });

const STRINGS = [...new Set([...CURATED, ...RANDOM])];

/** Psych's reading of each text, one JSON line each. */
function psych(texts: string[]): string[] {
  const output = execFileSync('ruby', [join(__dirname, 'psych-check.rb')], { input: texts.join('\0'), maxBuffer: 256 * 1024 * 1024 });
  return output.toString('utf-8').trimEnd().split('\n');
}

/** Psych's line for a document that reads back as `document`, every scalar a string. */
function allStrings(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(allStrings);
  }
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).map(([key, item]) => [['String', key], allStrings(item)]);
  }
  return ['String', value];
}

function checkWriter(name: string, write: (document: YamlMapping) => string): number {
  const documents = STRINGS.map((value) => ({ value, list: [value], nested: { key: [{ value }] } }));
  const read = psych(documents.map(write));
  const misread = documents.filter((document, i) => read[i] !== JSON.stringify(allStrings(document)));
  console.log(`${name}: Psych misreads or refuses ${misread.length} of ${documents.length} strings`);
  misread.slice(0, 20).forEach((document) => console.log(`  ${JSON.stringify(document.value)}`));
  return misread.length;
}

function checkReader(): number {
  const plain = STRINGS.filter((value) => {
    try {
      return new Document({ value }, { version: '1.1' }).toString().startsWith(`value: ${value}\n`);
    } catch {
      return false;
    }
  });
  const texts = plain.map((value) => `value: ${value}\n`);
  const read = psych(texts);
  const disagree = plain.filter((value, i) => {
    const psychString = read[i] === JSON.stringify(allStrings({ value }));
    let ours: boolean;
    try {
      ours = (readAgentYaml(texts[i]) as { value: unknown }).value === value;
    } catch {
      ours = false;
    }
    return psychString !== ours;
  });
  console.log(`readAgentYaml: disagrees with Psych on ${disagree.length} of ${plain.length} plain scalars`);
  disagree.slice(0, 20).forEach((value) => console.log(`  ${JSON.stringify(value)}`));
  return disagree.length;
}

console.log(execFileSync('ruby', ['-ryaml', '-e', 'puts "Ruby #{RUBY_VERSION}, Psych #{Psych::VERSION}, libyaml #{Psych::LIBYAML_VERSION}"']).toString().trim());
checkWriter('yaml package, YAML 1.1 mode', (document) => new Document(document, { version: '1.1' }).toString({ lineWidth: 0 }));
const failures = checkWriter('toYaml', toYaml) + checkReader();
process.exit(failures > 0 ? 1 : 0);
