import { readdirSync, readFileSync, statSync } from 'fs';
import { dirname, join, normalize, relative } from 'path';
import { SRC_INDEX, SRC_LAYERS } from '../../projenrc/layers';

// The import graph of src/, read from the sources (type-only imports included), against the layers
// that lint enforces too: an oracle that does not depend on eslint-plugin-import's resolver.

const SRC = join(__dirname, '..', '..', 'src');

/** Every `.ts` file under src/, as a path relative to src/. */
function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : name.endsWith('.ts') ? [relative(SRC, path)] : [];
  });
}

/** The src/ files each file imports (relative imports, `import type` and re-exports included). */
function importGraph(): Map<string, string[]> {
  const files = new Set(sourceFiles());
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(join(SRC, file), 'utf8');
    const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((match) => match[1]);
    graph.set(file, specifiers.map((specifier) => {
      const target = normalize(join(dirname(file), specifier));
      const resolved = [`${target}.ts`, join(target, 'index.ts')].find((candidate) => files.has(candidate));
      if (!resolved) {
        throw new Error(`${file}: import '${specifier}' resolves to no file under src/`);
      }
      return resolved;
    }));
  }
  return graph;
}

/** Every import that breaks a layer rule, as `<file> -> <import>: <why>`. */
export function layerViolations(graph: Map<string, string[]>): string[] {
  const layers = new Map(SRC_LAYERS.map((layer) => [layer.folder, layer]));
  const folderOf = (file: string) => (file.includes('/') ? file.split('/')[0] : file);
  const violations: string[] = [];
  for (const [file, imports] of graph) {
    for (const imported of imports) {
      const [from, to] = [folderOf(file), folderOf(imported)];
      if (to === SRC_INDEX) {
        violations.push(`${file} -> ${imported}: index.ts only re-exports`);
      } else if (from !== to && from !== SRC_INDEX) {
        const layer = layers.get(from);
        if (!layer) {
          violations.push(`${file}: src/${from} is no layer of projenrc/layers.ts`);
        } else if (!layer.mayImport.includes(to)) {
          violations.push(`${file} -> ${imported}: ${layer.why}`);
        }
      }
    }
  }
  return violations;
}

/** Every import cycle between files, each as its files in order, found by a depth-first walk. */
export function importCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    path.push(file);
    for (const imported of graph.get(file) ?? []) {
      if (state.get(imported) === 'open') {
        cycles.push(path.slice(path.indexOf(imported)));
      } else if (!state.has(imported)) {
        visit(imported);
      }
    }
    path.pop();
    state.set(file, 'done');
  };
  [...graph.keys()].sort().forEach((file) => state.has(file) || visit(file));
  return cycles;
}

const graph = importGraph();

test('every folder of src/ is a layer', () => {
  const folders = new Set([...graph.keys()].filter((file) => file.includes('/')).map((file) => file.split('/')[0]));
  expect([...folders].sort()).toEqual(SRC_LAYERS.map((layer) => layer.folder).sort());
});

test('src/ imports only downward, type-only imports included', () => {
  expect(layerViolations(graph)).toEqual([]);
});

test('src/ has no import cycle between files', () => {
  expect(importCycles(graph)).toEqual([]);
});

test('the checks find what they look for', () => {
  const broken = new Map([
    ['private/validation.ts', ['health/rollback.ts']],
    ['health/rollback.ts', ['private/validation.ts']],
    ['revision/revision-deployment.ts', ['server/server-rollout.ts', 'index.ts']],
    ['server/server-rollout.ts', ['revision/revision-deployment.ts']],
  ]);
  expect(layerViolations(broken)).toEqual([
    'private/validation.ts -> health/rollback.ts: private/ helpers import only the contract',
    'revision/revision-deployment.ts -> server/server-rollout.ts: revisions deploy to any server deployment group: they import no rollout',
    'revision/revision-deployment.ts -> index.ts: index.ts only re-exports',
  ]);
  expect(importCycles(broken)).toEqual([
    ['health/rollback.ts', 'private/validation.ts'],
    ['revision/revision-deployment.ts', 'server/server-rollout.ts'],
  ]);
});
