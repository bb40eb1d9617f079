/**
 * Detects stale generated files: `record` hashes every file projen generates plus API.md and the
 * reference pages under docs/, and
 * `verify` (run after projen and docgen have regenerated them) fails when any hash changed.
 * A changed hash means the copy in the working tree — on CI, the committed one — was out of date.
 */
import { createHash } from 'crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';

const RECORD_FILE = join('node_modules', '.cache', 'generated-files.json');
/** Written by docgen and build-tools/reference-pages.ts in post-compile, not by projen's synth. */
const ALWAYS_GENERATED = ['API.md', '.projen/files.json', 'docs/defaults.md', 'docs/limits.md'];

function generatedFiles(): string[] {
  const manifest = JSON.parse(readFileSync('.projen/files.json', 'utf-8')) as { files: string[] };
  return [...new Set([...manifest.files, ...ALWAYS_GENERATED])].sort();
}

function hashes(files: string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const file of files) {
    result[file] = existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex') : 'missing';
  }
  return result;
}

function main(mode: string | undefined): void {
  if (mode === 'record') {
    mkdirSync(dirname(RECORD_FILE), { recursive: true });
    writeFileSync(RECORD_FILE, JSON.stringify(hashes(generatedFiles()), undefined, 2));
    return;
  }
  if (mode === 'verify') {
    const before = JSON.parse(readFileSync(RECORD_FILE, 'utf-8')) as Record<string, string>;
    const after = hashes([...new Set([...Object.keys(before), ...generatedFiles()])]);
    const stale = Object.keys(after).filter((file) => before[file] !== after[file]);
    if (stale.length > 0) {
      console.error(`Generated files were out of date and have been regenerated; review and commit them:\n  ${stale.join('\n  ')}`);
      process.exit(1);
    }
    console.log(`Generated files are up to date (${Object.keys(after).length} checked).`);
    return;
  }
  console.error('usage: check-generated.ts record|verify');
  process.exit(2);
}

main(process.argv[2]);
