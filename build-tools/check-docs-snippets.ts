/**
 * Compiles every TypeScript snippet of the pages under docs/ as jsii-rosetta compiles the README's
 * and the TSDoc's (`jsii-rosetta extract --strict`, which reads only what the assembly holds): in the
 * fixture named by the block (`rosetta/<name>.ts-fixture`, `default` unless the block says
 * `fixture=<name>`, none with `nofixture`), against the compiled library and its peer dependencies,
 * translated into every jsii language. Fails on the first page with a snippet that does not compile,
 * naming the page and the line.
 *
 * Usage (after `npx projen compile`): ts-node build-tools/check-docs-snippets.ts [docs]
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from 'fs';
import { join, relative, resolve } from 'path';
import { RosettaTranslator, SnippetParameters, TypeScriptSnippet, typeScriptSnippetFromCompleteSource } from 'jsii-rosetta';

const ROOT = resolve(__dirname, '..');
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf-8')) as { name: string; peerDependencies: Record<string, string> };

/** A fenced TypeScript block of a Markdown page: its source, info-string parameters and line. */
interface Block {
  readonly source: string;
  readonly parameters: Record<string, string>;
  readonly line: number;
}

/** The ```ts and ```typescript blocks of a page, with their info-string parameters (`fixture=x`, `nofixture`). */
export function typeScriptBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  for (const match of markdown.matchAll(/^```(?:ts|typescript)(?:[ \t]+([^\n]*))?\n([\s\S]*?)\n```$/gm)) {
    const parameters = Object.fromEntries((match[1] ?? '').split(/\s+/).filter((p) => p !== '').map((p) => {
      const [key, ...value] = p.split('=');
      return [key, value.join('=') || 'true'];
    }));
    blocks.push({ source: match[2], parameters, line: markdown.slice(0, match.index).split('\n').length + 1 });
  }
  return blocks;
}

/** The snippet as rosetta compiles it: inside its fixture unless it says `nofixture`. */
function completeSource(block: Block): string {
  if (block.parameters.nofixture) {
    return block.source;
  }
  const fixture = join(ROOT, 'rosetta', `${block.parameters.fixture ?? 'default'}.ts-fixture`);
  if (!existsSync(fixture)) {
    throw new Error(`no fixture ${relative(ROOT, fixture)}`);
  }
  return readFileSync(fixture, 'utf-8').replace('/// here', block.source);
}

async function main(): Promise<void> {
  const dir = resolve(ROOT, process.argv[2] ?? 'docs');
  const pages = readdirSync(dir).filter((f) => f.endsWith('.md')).sort();
  // The library as built (lib/ and .jsii) and its peer dependencies, as rosetta's extract links them.
  const dependencies = Object.fromEntries([PACKAGE.name, ...Object.keys(PACKAGE.peerDependencies)].map((name) => [name, {
    type: 'concrete' as const,
    resolvedDirectory: realpathSync(name === PACKAGE.name ? ROOT : join(ROOT, 'node_modules', name)),
  }]));
  const snippets: Array<{ page: string; block: Block; snippet: TypeScriptSnippet }> = [];
  for (const page of pages) {
    for (const block of typeScriptBlocks(readFileSync(join(dir, page), 'utf-8'))) {
      const snippet = typeScriptSnippetFromCompleteSource(completeSource(block), { api: { api: 'moduleReadme', moduleFqn: `docs-${page.replace(/\W/g, '-')}` }, field: { field: 'markdown', line: block.line } }, true, {
        [SnippetParameters.$PROJECT_DIRECTORY]: ROOT,
      });
      snippets.push({ page, block, snippet: { ...snippet, compilationDependencies: dependencies } });
    }
  }
  const translator = new RosettaTranslator({ includeCompilerDiagnostics: true });
  const result = await translator.translateAll(snippets.map((snippet) => snippet.snippet), false);
  const errors = result.diagnostics.filter((d) => d.isError);
  if (errors.length > 0) {
    for (const error of errors) {
      console.log(error.formattedMessage);
    }
    throw new Error(`${errors.length} error(s) compiling the TypeScript snippets of ${relative(ROOT, dir)}/`);
  }
  console.log(`${snippets.length} TypeScript snippets of ${pages.length} pages under ${relative(ROOT, dir)}/ compile under jsii-rosetta and translate`);
}

if (require.main === module) {
  main().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
