import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/**
 * How every iam-alerts Lambda is bundled, in esbuild's own terms: the ONE definition that the
 * CDK stack ({@link lambdaBundling}, used by `AlertsFunction`) and the cold-start benchmark
 * ({@link lambdaEsbuildOptions}, used by `bench/cold-start.ts`) both read, so that the benchmark
 * measures the bundle that deploys.
 */
export const LAMBDA_ESBUILD = {
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  minify: true,
  sourcemap: true,
  // The map points at files in the repository; copying the sources in only grows the asset.
  sourcesContent: false,
  // Bundle the AWS SDK too: the versions tested are the versions that run.
  external: [] as string[],
  // The ES module builds (`module`) of the AWS SDK and Smithy packages instead of their CommonJS
  // ones, so esbuild can drop what the handlers never use: about 150 KB less of the notifier's
  // bundle for V8 to parse at every cold start.
  mainFields: ['module', 'main'] as string[],
  // Runs first in every bundle: stack traces mapped to the TypeScript sources when an error is
  // logged, reading the source map only then (instead of `--enable-source-maps`, see below).
  // Relative to the project root, as NodejsFunction and the benchmark both build from there.
  inject: ['handlers/lambda-prelude.ts'] as string[],
} as const satisfies BuildOptions;

/**
 * The Node.js options every iam-alerts Lambda runs with (its `NODE_OPTIONS`): none. Stack traces
 * still point at the TypeScript sources (`handlers/lambda-prelude.ts`), without the price of
 * `--enable-source-maps`, which reads and indexes the whole source map when the bundle loads, at
 * every cold start (measured in docs/BENCHMARKS.md, section 2).
 */
export const LAMBDA_NODE_OPTIONS: string = '';

/**
 * {@link LAMBDA_ESBUILD} as `NodejsFunction` bundling options (local esbuild, never Docker, so
 * `cdk synth` works offline in CI). CDK turns these into esbuild CLI flags one for one.
 */
export function lambdaBundling(projectRoot: string): BundlingOptions {
  return {
    forceDockerBundling: false,
    format: LAMBDA_ESBUILD.format === 'cjs' ? OutputFormat.CJS : OutputFormat.ESM,
    target: LAMBDA_ESBUILD.target,
    minify: LAMBDA_ESBUILD.minify,
    sourceMap: LAMBDA_ESBUILD.sourcemap,
    sourcesContent: LAMBDA_ESBUILD.sourcesContent,
    externalModules: [...LAMBDA_ESBUILD.external],
    mainFields: [...LAMBDA_ESBUILD.mainFields],
    inject: LAMBDA_ESBUILD.inject.map((file) => `${projectRoot}/${file}`),
    tsconfig: `${projectRoot}/tsconfig.json`,
  };
}

/**
 * The esbuild build options equivalent to what `NodejsFunction` runs for {@link lambdaBundling}
 * (`esbuild --bundle <entry> --target=… --platform=node --format=… --outfile=… --minify
 * --sourcemap --sources-content=false --main-fields=module,main --tsconfig=…`), for building the same bundle in-process.
 */
export function lambdaEsbuildOptions(projectRoot: string, entry: string, outfile: string): BuildOptions {
  return {
    ...LAMBDA_ESBUILD,
    external: [...LAMBDA_ESBUILD.external],
    mainFields: [...LAMBDA_ESBUILD.mainFields],
    inject: LAMBDA_ESBUILD.inject.map((file) => `${projectRoot}/${file}`),
    entryPoints: [entry],
    outfile,
    bundle: true,
    tsconfig: `${projectRoot}/tsconfig.json`,
    logLevel: 'error',
  };
}
