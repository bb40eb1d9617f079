/**
 * Whether a policy's resource (an ARN that may hold `*` and `?`) can name a resource of a type
 * whose ARN format is `arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}`.
 *
 * A `${Variable}` of a format stands for one or more characters other than `:` (no part of an ARN
 * format spans a colon), while a `*` of the policy's resource stands for any characters, colons
 * included (IAM's glob). The two patterns are compared exactly: the resource matches the type when
 * at least one ARN satisfies both, found by a search over positions of the two patterns.
 */
type Token = { literal: string } | { variable: true } | { anyRun: true } | { anyOne: true };

function formatTokens(format: string): Token[] {
  const tokens: Token[] = [];
  for (const part of format.split(/(\$\{[^}]+\})/)) {
    if (part.startsWith('${')) {
      tokens.push({ variable: true });
    } else {
      tokens.push(...part.split('').map((literal) => ({ literal })));
    }
  }
  return tokens;
}

function globTokens(resource: string): Token[] {
  return resource.split('').map((c) => (c === '*' ? { anyRun: true } : c === '?' ? { anyOne: true } : { literal: c }));
}

/** One character both tokens can consume, if any. */
function sharedCharacter(glob: Token, format: Token): boolean {
  if ('literal' in glob && 'literal' in format) {
    return glob.literal === format.literal;
  }
  if ('literal' in glob) {
    return !('variable' in format) || glob.literal !== ':';
  }
  return true; // a `*` or `?` takes whatever the format has there
}

/** Whether some ARN matches both the policy resource `resource` and the type's `format`. */
export function resourceMatchesFormat(resource: string, format: string): boolean {
  const glob = globTokens(resource);
  const type = formatTokens(format);
  // State: position in the glob, position in the format, and whether the format's current
  // variable has consumed a character yet (a variable is never empty).
  const seen = new Set<string>();
  const queue: Array<[number, number, boolean]> = [[0, 0, false]];
  while (queue.length > 0) {
    const [i, j, started] = queue.pop()!;
    const key = `${i},${j},${started}`;
    if (seen.has(key)) {
      continue;
    }
    seen.add(key);
    if (i === glob.length && j === type.length) {
      return true;
    }
    const g = glob[i];
    const f = type[j];
    // Moves that consume nothing: a `*` may end, a started variable may end.
    if (g && 'anyRun' in g) {
      queue.push([i + 1, j, started]);
    }
    if (f && 'variable' in f && started) {
      queue.push([i, j + 1, false]);
    }
    // Moves that consume one character of both.
    if (g && f && sharedCharacter(g, f)) {
      const nextI = 'anyRun' in g ? i : i + 1;
      if ('variable' in f) {
        queue.push([nextI, j, true]);
      } else {
        queue.push([nextI, j + 1, false]);
      }
    }
  }
  return false;
}
