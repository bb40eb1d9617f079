/**
 * The layers of src/: each folder and the folders it may import (docs/ARCHITECTURE.md draws them).
 * One definition for the two checks: lint (`import/no-restricted-paths`, configured by
 * .projenrc.ts) and the import-graph test (test/architecture/layers.test.ts), which also sees
 * type-only imports and cycles between files.
 */
export interface Layer {
  /** The folder under src/. */
  readonly folder: string;
  /** The other folders under src/ it may import from. */
  readonly mayImport: string[];
  /** Why, in lint's message when an import breaks the rule. */
  readonly why: string;
}

export const SRC_LAYERS: Layer[] = [
  { folder: 'contract', mayImport: [], why: 'the contract is dependency-free: it imports nothing from src/' },
  { folder: 'handlers', mayImport: ['contract'], why: 'handlers see only the contract and their own folder' },
  {
    folder: 'cli',
    mayImport: ['handlers', 'contract'],
    why: 'the cdk-rollouts command runs on a workstation, bundled like a handler: it reads what the constructs record (the contract) '
      + 'and reuses the handlers\' runtime helpers (status sets, AppSpec reading, error classification), and builds no construct',
  },
  { folder: 'private', mayImport: ['contract'], why: 'private/ helpers import only the contract' },
  { folder: 'config', mayImport: ['private', 'contract'], why: 'value objects import only private/ and the contract' },
  { folder: 'health', mayImport: ['private', 'contract'], why: 'value objects import only private/ and the contract' },
  { folder: 'rollout', mayImport: ['config', 'health', 'private', 'contract'], why: 'the rollout core sits below the constructs' },
  { folder: 'functions', mayImport: ['handlers', 'private', 'contract'], why: 'the library\'s functions sit below the constructs' },
  {
    folder: 'revision',
    mayImport: ['functions', 'rollout', 'config', 'health', 'private', 'contract'],
    why: 'revisions deploy to any server deployment group: they import no rollout',
  },
  {
    folder: 'lambda',
    mayImport: ['functions', 'rollout', 'config', 'health', 'private', 'contract'],
    why: 'the Lambda rollout imports no server construct',
  },
  {
    folder: 'server',
    mayImport: ['revision', 'functions', 'rollout', 'config', 'health', 'private', 'contract'],
    why: 'the server rollout imports no Lambda construct',
  },
  { folder: 'guardrails', mayImport: ['private', 'contract'], why: 'guardrails read templates, not constructs' },
  {
    folder: 'dashboard',
    mayImport: ['lambda', 'server', 'health', 'private', 'contract'],
    why: 'the rollout dashboard graphs both kinds of rollout (and finds the guard\'s alarm by its id), so it sits above both and below index.ts only',
  },
];

/** The file that re-exports the public API: nothing in src/ imports it. */
export const SRC_INDEX = 'index.ts';

/** The layers as `import/no-restricted-paths` zones (paths relative to the repository root). */
export function restrictedPathZones(): Array<{ target: string; from: string[]; message: string }> {
  const folders = SRC_LAYERS.map((layer) => layer.folder);
  return [
    ...SRC_LAYERS.map((layer) => ({
      target: `./src/${layer.folder}`,
      from: folders.filter((folder) => folder !== layer.folder && !layer.mayImport.includes(folder)).map((folder) => `./src/${folder}`),
      message: layer.why,
    })).filter((zone) => zone.from.length > 0),
    { target: './src', from: [`./src/${SRC_INDEX}`], message: 'index.ts only re-exports: import the module itself' },
  ];
}
