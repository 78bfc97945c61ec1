import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { lambdaEsbuildOptions } from '../infra/constructs/bundling';

/**
 * Benchmark 2, breakdown: `require(bundle)` alone (Lambda's init phase; the first invocation is
 * `bench/first-response.ts`). Each handler is bundled as the CDK stack bundles it (the same options,
 * from `infra/constructs/bundling.ts`: platform node, target node22, CommonJS, minified, source
 * maps, every dependency bundled), then the time
 * `node -e "require(bundle)"` takes is compared with a bare `node -e 0`, alternating the two over
 * many runs on the same machine. Ratios, not absolute times, are the result: they carry over
 * between machines far better.
 */
export interface ColdStartResult {
  handler: string;
  bundleBytes: number;
  mapBytes: number;
  /** Median wall time of `node -e "require(bundle)"`, ms. */
  requireMs: number;
  /** Median wall time of `node -e 0`, ms. */
  bareMs: number;
  ratio: number;
  goal: number;
  /** The same ratio with `--enable-source-maps` (Node parses the source map at load) on both sides. */
  ratioWithNodeOptions: number;
}

export const HANDLERS = [
  { name: 'notifier', entry: 'handlers/notifier.ts', goal: 1.5 },
  { name: 'slack', entry: 'handlers/slack.ts', goal: 3 },
] as const;

export async function bundleHandler(entry: string, outdir: string): Promise<string> {
  const outfile = join(outdir, `${entry.replace(/[/.]/g, '_')}.js`);
  await build(lambdaEsbuildOptions(resolve('.'), resolve(entry), outfile));
  return outfile;
}

export async function measureColdStart(options: { runs: number }): Promise<ColdStartResult[]> {
  const outdir = mkdtempSync(join(tmpdir(), 'iam-alerts-bundles-'));
  const bundles = await Promise.all(HANDLERS.map(async (h) => ({ ...h, file: await bundleHandler(h.entry, outdir) })));
  // What the functions ran with before issue 15; now a breakdown of what it costs.
  const nodeOptions = ['--enable-source-maps'];
  const samples = new Map<string, number[]>();
  const add = (key: string, ms: number) => samples.set(key, [...(samples.get(key) ?? []), ms]);
  const time = (args: string[]): number => {
    const started = process.hrtime.bigint();
    execFileSync(process.execPath, args, { stdio: 'ignore' });
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  const load = (file: string) => ['-e', `require(${JSON.stringify(file)})`];
  // One warm-up of each (file cache), then alternate so drift affects every column alike.
  time(['-e', '0']);
  for (const b of bundles) time(load(b.file));
  for (let run = 0; run < options.runs; run++) {
    add('bare', time(['-e', '0']));
    add('bare+options', time([...nodeOptions, '-e', '0']));
    for (const b of bundles) {
      add(b.name, time(load(b.file)));
      add(`${b.name}+options`, time([...nodeOptions, ...load(b.file)]));
    }
  }
  const bareMs = median(samples.get('bare') ?? []);
  const bareWithOptionsMs = median(samples.get('bare+options') ?? []);
  return bundles.map((b) => {
    const requireMs = median(samples.get(b.name) ?? []);
    return {
      handler: b.entry,
      bundleBytes: statSync(b.file).size,
      mapBytes: statSync(`${b.file}.map`).size,
      requireMs,
      bareMs,
      ratio: requireMs / bareMs,
      goal: b.goal,
      ratioWithNodeOptions: median(samples.get(`${b.name}+options`) ?? []) / bareWithOptionsMs,
    };
  });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
