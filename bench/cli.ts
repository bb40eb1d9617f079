/**
 * The cost of the `cdk-rollouts` command: what it adds to the npm tarball, and how fast it starts.
 *
 * - Size: the bundle (assets/cli/cdk-rollouts/cdk-rollouts.js, built by `npx projen pre-compile`),
 *   raw and gzipped (what it adds to the gzipped tarball), against the whole package as `npm pack`
 *   would pack it.
 * - Start: wall and CPU time (user + system) of `--version` and `--help`, which load no AWS SDK, and
 *   of `watch` until its first request reaches a local endpoint (it loads the SDK clients, reads its
 *   configuration and signs a request), each the median of `RUNS` child processes, against `node -e 0`.
 *   Wall times depend on the machine's load, printed with them; CPU times much less.
 *
 * Fails when the bundle grows past `MAX_GZIP_BYTES` or the command takes a second or more to start.
 * Writes its output to bench/results/cli.txt, which docs/watch.md quotes (test/docs/quoted-results.test.ts).
 *
 * Usage: npx projen bench:cli
 */
import { spawn, spawnSync } from 'child_process';
import { readFileSync, statSync, writeFileSync } from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { loadavg } from 'os';
import { join } from 'path';
import { gzipSync } from 'zlib';
import { median } from './support/summary';

const ROOT = join(__dirname, '..');
const BUNDLE = join(ROOT, 'assets', 'cli', 'cdk-rollouts', 'cdk-rollouts.js');
const RESULTS = join(ROOT, 'bench', 'results', 'cli.txt');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
/** The bound the README states for what the command adds to the gzipped tarball. */
export const MAX_GZIP_BYTES = 400 * 1024;
const MAX_START_MS = 1000;

/** Runs a child to completion: wall time, and the child's own CPU time (user + system). */
function timed(args: string[]): { wallMs: number; cpuMs: number } {
  const started = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, ...args], { encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const [user, system] = result.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { wallMs, cpuMs: (user + system) * 1000 };
}

/** Starts `watch` against a local endpoint and measures the time to its first request. */
async function timeToFirstRequest(): Promise<number> {
  let resolveFirst!: (ms: number) => void;
  const first = new Promise<number>((resolve) => (resolveFirst = resolve));
  let started = 0n;
  const server = http.createServer((_request, response) => {
    resolveFirst(Number(process.hrtime.bigint() - started) / 1e6);
    response.writeHead(400, { 'content-type': 'text/xml' }).end('<ErrorResponse><Error><Code>ValidationError</Code><Message>Stack with id Bench does not exist</Message></Error></ErrorResponse>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  started = process.hrtime.bigint();
  const child = spawn(process.execPath, [BUNDLE, 'watch', '--stack', 'Bench'], {
    env: {
      PATH: process.env.PATH,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIABENCH0000000000',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_ENDPOINT_URL_CLOUDFORMATION: `http://127.0.0.1:${port}`,
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    },
    stdio: 'ignore',
  });
  const ms = await first;
  await new Promise((resolve) => child.on('close', resolve));
  server.close();
  return ms;
}

async function main(): Promise<void> {
  const lines: string[] = [];
  const print = (line: string) => {
    lines.push(line);
    console.log(line);
  };
  const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');
  print(`cdk-rollouts bench: ${RUNS} runs each, node ${process.version}, load average ${load()}`);
  const bytes = statSync(BUNDLE).size;
  const gzipped = gzipSync(readFileSync(BUNDLE), { level: 9 }).length;
  const packed = JSON.parse(spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' }).stdout) as Array<{ size: number; unpackedSize: number }>;
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
  print(`size: bundle ${kb(bytes)}, ${kb(gzipped)} gzipped (the tarball's share); the package: ${kb(packed[0].size)} tarball, ${kb(packed[0].unpackedSize)} unpacked`
    + ` (bound: ${kb(MAX_GZIP_BYTES)} gzipped)`);

  const baseline = Array.from({ length: RUNS }, () => timed(['-e', '0']));
  const version = Array.from({ length: RUNS }, () => timed([BUNDLE, '--version']));
  const help = Array.from({ length: RUNS }, () => timed([BUNDLE, '--help']));
  const watchStarts: number[] = [];
  for (let i = 0; i < RUNS; i++) watchStarts.push(await timeToFirstRequest());
  const show = (name: string, runs: Array<{ wallMs: number; cpuMs: number }>) =>
    `${name} ${median(runs.map((r) => r.wallMs)).toFixed(0)} ms wall, ${median(runs.map((r) => r.cpuMs)).toFixed(0)} ms CPU`;
  print(`start: ${show('node -e 0', baseline)}; ${show('--version', version)}; ${show('--help', help)}; `
    + `watch to its first request ${median(watchStarts).toFixed(0)} ms wall (median; load average ${load()})`);
  const problems = [
    ...(gzipped > MAX_GZIP_BYTES ? [`the bundle is ${kb(gzipped)} gzipped, over ${kb(MAX_GZIP_BYTES)}`] : []),
    ...(median(watchStarts) >= MAX_START_MS ? [`watch took ${median(watchStarts).toFixed(0)} ms to its first request, not under ${MAX_START_MS} ms`] : []),
  ];
  if (problems.length > 0) {
    console.log(`FAILED: ${problems.join('; ')}`);
    process.exit(1);
  }
  writeFileSync(RESULTS, `${lines.join('\n')}\n`);
  console.log(`wrote ${RESULTS}`);
}

if (require.main === module) void main();
