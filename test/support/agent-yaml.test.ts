import { readAgentYaml } from './agent-yaml';

/**
 * What Ruby 3.1's `YAML.load` (Psych 4.0.3, libyaml 0.2.5) returned for each line, run once by
 * hand (the notes of issue 14 give the script). Psych refuses dates and times in `YAML.load`
 * (Psych::DisallowedClass); the reader returns them as `{ date }` and `{ time }`.
 */
describe('readAgentYaml reads plain scalars as Psych does', () => {
  test.each([
    ['TrUe', true],
    ['OFF', false],
    ['nUlL', null],
    ['~', null],
    ['', null],
    ['y', 'y'],
    ['0644', 420],
    ['0x1F', 31],
    ['0b1_01', 5],
    ['1,000', 1000],
    ['5,', '5,'],
    ['1e3', '1e3'],
    ['1.5e+3', 1500],
    ['1_000.5', 1000.5],
    ['.iNf', Infinity],
    ['-.inf', -Infinity],
    ['.NaN', NaN],
    ['1:20', { base60: '1:20' }],
    [':sym', Symbol.for('sym')],
    ['2024-01-01', { date: '2024-01-01' }],
    ['-2024-01-01 00:00:00', { time: '-2024-01-01 00:00:00' }],
    ['two words', 'two words'],
    ['über', 'über'],
  ])('%j as %p', (text, value) => {
    expect((readAgentYaml(`a: ${text}\n`) as { a: unknown }).a).toEqual(value);
  });

  test('quoted scalars are strings, whatever they hold', () => {
    expect(readAgentYaml('a: "on"\nb: \'0644\'\nc: ":sym"\n')).toEqual({ a: 'on', b: '0644', c: ':sym' });
  });

  test('escaped line separators read back; raw ones, which libyaml reads as line breaks, fail', () => {
    expect(readAgentYaml('a: "x\\u2028y\\u0085z"\n')).toEqual({ a: 'x\u2028y\u0085z' });
    expect(() => readAgentYaml('a: "x\u2028y"\n')).toThrow('libyaml refuses or breaks a line at the raw code point U+2028');
    expect(() => readAgentYaml('a: x\u0085y\n')).toThrow('libyaml refuses or breaks a line at the raw code point U+0085');
    expect(() => readAgentYaml('a: "x\u007fy"\n')).toThrow('libyaml refuses or breaks a line at the raw code point U+007f');
  });

  test('a YAML syntax error fails', () => {
    expect(() => readAgentYaml('a: [b\n')).toThrow();
    expect(() => readAgentYaml('a: 1\na: 2\n')).toThrow();
  });
});
