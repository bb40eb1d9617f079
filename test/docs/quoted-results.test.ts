/**
 * Measured numbers live in the files the benches write (bench/results/); a page that shows them
 * quotes them in a fenced block whose info string names the file (```text bench/results/x.txt),
 * and this test fails when the quote and the file disagree: every line of the block must be a line
 * of the file, in the file's order. Rerunning a bench and committing its results without updating
 * the quotes fails here.
 */
import { existsSync, readdirSync, readFileSync } from 'fs';
import { join, resolve } from 'path';

const ROOT = resolve(__dirname, '..', '..');

interface Quote {
  readonly page: string;
  readonly line: number;
  readonly file: string;
  readonly lines: string[];
}

/** The fenced blocks of a page that name a results file. */
export function quotes(page: string, markdown: string): Quote[] {
  const found: Quote[] = [];
  let open: { line: number; file?: string; lines: string[] } | undefined;
  markdown.split('\n').forEach((text, i) => {
    const fence = /^```(.*)$/.exec(text);
    if (fence && !open) {
      const file = /^\w*\s+(bench\/results\/\S+)$/.exec(fence[1].trim())?.[1];
      open = { line: i + 1, file, lines: [] };
    } else if (fence && open) {
      if (open.file) {
        found.push({ page, line: open.line, file: open.file, lines: open.lines });
      }
      open = undefined;
    } else if (open) {
      open.lines.push(text);
    }
  });
  return found;
}

/** The quote's lines that are not in the file in order (blank lines skipped). */
export function unquoted(quote: readonly string[], file: readonly string[]): string[] {
  const missing: string[] = [];
  let at = 0;
  for (const line of quote.filter((l) => l.trim() !== '')) {
    const next = file.indexOf(line, at);
    if (next < 0) {
      missing.push(line);
    } else {
      at = next + 1;
    }
  }
  return missing;
}

const PAGES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];
const QUOTES = PAGES.flatMap((page) => quotes(page, readFileSync(join(ROOT, page), 'utf-8')));

test('the pages quote results files', () => {
  expect(QUOTES.map((q) => q.file)).toContain('bench/results/guard-sim.txt');
});

test.each(QUOTES.map((q) => [`${q.page}:${q.line} quotes ${q.file}`, q] as const))('%s as the file says', (_, quote) => {
  expect(existsSync(join(ROOT, quote.file))).toBe(true);
  expect(unquoted(quote.lines, readFileSync(join(ROOT, quote.file), 'utf-8').split('\n'))).toEqual([]);
});

test('a quote out of order, or a number that changed, is found', () => {
  const file = ['a 1.0%', 'b 2.0%', 'c 3.0%'];
  expect(unquoted(['a 1.0%', 'c 3.0%'], file)).toEqual([]);
  expect(unquoted(['c 3.0%', 'a 1.0%'], file)).toEqual(['a 1.0%']);
  expect(unquoted(['b 2.1%'], file)).toEqual(['b 2.1%']);
});
