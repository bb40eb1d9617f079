/**
 * Fails when the generated Python binding still holds TypeScript: an example that jsii-rosetta did
 * not translate is copied verbatim into the Python README and docstrings, and Python users read
 * `import { Duration } from 'aws-cdk-lib'`. Lines are TypeScript when they import, declare or
 * define functions the way only TypeScript does.
 *
 * Usage: ts-node build-tools/check-python-docs.ts <binding directory>
 */
import { readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';

const TYPESCRIPT = /^\s*(import \{|import \* as |declare const |const \w+ = |let \w+ = |new \w+\(this, )|\(\w+: \w+\) =>|\bfunction \w+\(/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.(py|md)$/.test(name) ? [path] : [];
  });
}

const dir = process.argv[2];
const found = files(dir).flatMap((file) => readFileSync(file, 'utf-8').split('\n')
  .map((line, i) => ({ where: `${file}:${i + 1}`, line }))
  .filter(({ line }) => TYPESCRIPT.test(line)));
if (found.length > 0) {
  console.error(found.map(({ where, line }) => `${where}: ${line.trim()}`).join('\n'));
  console.error(`TypeScript left in the Python binding: ${found.length} lines (above)`);
  process.exit(1);
}
console.log(`${files(dir).length} files of the Python binding hold no TypeScript`);
