/**
 * Every relative link of the repository's Markdown (README, docs/, the examples', bench's and the
 * test helpers' pages) leads to a file that exists, and every `#anchor` to a heading of that page,
 * as GitHub renders them. Links to the web are not followed (no internet here); they must at least
 * be https.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';

const ROOT = resolve(__dirname, '..', '..');

/** The Markdown pages a reader of the repository meets. */
function pages(): string[] {
  const inDir = (dir: string) => (existsSync(join(ROOT, dir)) ? readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.md')).map((f) => join(dir, f)) : []);
  const examples = readdirSync(join(ROOT, 'examples')).filter((d) => statSync(join(ROOT, 'examples', d)).isDirectory()).flatMap((d) => inDir(join('examples', d)));
  return [...inDir('.'), ...inDir('docs'), ...inDir('bench'), ...inDir(join('test', 'support')), ...examples]
    .filter((page) => !['API.md', 'LICENSE.md'].includes(page));
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
export function headingAnchor(heading: string): string {
  return heading.trim().toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors a page offers: its headings (GitHub numbers repeats -1, -2, …) and explicit `<a id>`s. */
function anchors(markdown: string): Set<string> {
  const found = new Set<string>();
  const seen = new Map<string, number>();
  const withoutCode = markdown.replace(/^```[\s\S]*?^```/gm, '');
  for (const match of withoutCode.matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const anchor = headingAnchor(match[1]);
    const count = seen.get(anchor) ?? 0;
    seen.set(anchor, count + 1);
    found.add(count === 0 ? anchor : `${anchor}-${count}`);
  }
  for (const match of withoutCode.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) {
    found.add(match[1]);
  }
  return found;
}

/** The links of a page outside code: inline `[text](target)` and reference definitions `[x]: target`. */
function links(markdown: string): Array<{ target: string; line: number }> {
  const result: Array<{ target: string; line: number }> = [];
  const lines = markdown.split('\n');
  let inCode = false;
  lines.forEach((text, i) => {
    if (/^```/.test(text)) {
      inCode = !inCode;
      return;
    }
    if (inCode) {
      return;
    }
    const prose = text.replace(/`[^`]*`/g, '');
    for (const match of prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      result.push({ target: match[1], line: i + 1 });
    }
    const definition = /^\s*\[[^\]]+\]:\s+(\S+)/.exec(prose);
    if (definition) {
      result.push({ target: definition[1], line: i + 1 });
    }
  });
  return result;
}

const PAGES = pages();

test('the pages are found', () => {
  expect(PAGES).toEqual(expect.arrayContaining(['README.md', join('docs', 'ARCHITECTURE.md')]));
});

test.each(PAGES)('%s: every link leads somewhere', (page) => {
  const markdown = readFileSync(join(ROOT, page), 'utf-8');
  const broken: string[] = [];
  for (const { target, line } of links(markdown)) {
    if (/^[a-z]+:/i.test(target)) {
      if (!/^(https|mailto):/.test(target)) {
        broken.push(`${page}:${line} ${target}: only https links to the web`);
      }
      continue;
    }
    const [path, anchor] = target.split('#');
    const file = path === '' ? join(ROOT, page) : resolve(ROOT, dirname(page), decodeURIComponent(path));
    if (!existsSync(file)) {
      broken.push(`${page}:${line} ${target}: no file ${relative(ROOT, file)}`);
      continue;
    }
    if (anchor !== undefined && file.endsWith('.md') && !anchors(readFileSync(file, 'utf-8')).has(anchor)) {
      broken.push(`${page}:${line} ${target}: no heading #${anchor} in ${relative(ROOT, file)}`);
    }
  }
  expect(broken).toEqual([]);
});

test('a heading becomes GitHub\'s anchor', () => {
  expect(headingAnchor('Judging a canary: `HealthCheck.lambdaErrorRate` and the guard simulator'))
    .toBe('judging-a-canary-healthchecklambdaerrorrate-and-the-guard-simulator');
  expect(headingAnchor('Permissions, per actor')).toBe('permissions-per-actor');
  expect(headingAnchor('What `LambdaRollout` does on `cdk deploy`')).toBe('what-lambdarollout-does-on-cdk-deploy');
});
