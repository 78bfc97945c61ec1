import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LAMBDA_ESBUILD, lambdaBundling, lambdaEsbuildOptions } from '../../infra/constructs/bundling';

/**
 * The stack and the cold-start benchmark must bundle alike: every shared esbuild option has to
 * reach both the CDK bundling options and the in-process esbuild options.
 */
describe('shared Lambda bundling options', () => {
  const root = '/project';

  it('maps every shared esbuild option onto the CDK bundling options', () => {
    // A new key in LAMBDA_ESBUILD must be mapped in lambdaBundling (and listed here).
    expect(Object.keys(LAMBDA_ESBUILD).sort()).toEqual(
      ['external', 'format', 'inject', 'mainFields', 'minify', 'platform', 'sourcemap', 'sourcesContent', 'target'].sort(),
    );
    const cdk = lambdaBundling(root);
    expect(cdk).toMatchObject({
      forceDockerBundling: false,
      format: OutputFormat.CJS,
      target: LAMBDA_ESBUILD.target,
      minify: LAMBDA_ESBUILD.minify,
      sourceMap: LAMBDA_ESBUILD.sourcemap,
      sourcesContent: LAMBDA_ESBUILD.sourcesContent,
      externalModules: LAMBDA_ESBUILD.external,
      mainFields: LAMBDA_ESBUILD.mainFields,
      inject: ['/project/handlers/lambda-prelude.ts'],
      tsconfig: '/project/tsconfig.json',
    });
  });

  it('gives the benchmark the same options, plus what NodejsFunction adds itself', () => {
    expect(lambdaEsbuildOptions(root, '/project/handlers/notifier.ts', '/tmp/out.js')).toEqual({
      ...LAMBDA_ESBUILD,
      inject: ['/project/handlers/lambda-prelude.ts'],
      entryPoints: ['/project/handlers/notifier.ts'],
      outfile: '/tmp/out.js',
      bundle: true,
      tsconfig: '/project/tsconfig.json',
      logLevel: 'error',
    });
  });
});
