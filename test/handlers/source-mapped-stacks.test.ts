import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { LAMBDA_NODE_OPTIONS, lambdaEsbuildOptions } from '../../infra/constructs/bundling';

/**
 * The functions run without `--enable-source-maps` (it reads the whole source map at every cold
 * start); the bundles map their stacks themselves, when one is formatted (handlers/lambda-prelude.ts).
 * Bundled as the stack bundles, run as Lambda runs them: with the deployed NODE_OPTIONS.
 */
const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');
const ENTRY = join(ROOT, 'test/handlers/support/throwing-handler.ts');
const PRINT_STACK = `require(process.env.BUNDLE).handler().catch((error) => { process.stdout.write(error.stack); });`;

async function stackOf(bundle: string, nodeOptions = LAMBDA_NODE_OPTIONS): Promise<string> {
  const { stdout } = await run(process.execPath, ['-e', PRINT_STACK], {
    env: { PATH: process.env.PATH ?? '', BUNDLE: bundle, NODE_OPTIONS: nodeOptions },
  });
  return stdout;
}

describe('source-mapped stacks in the deployed bundles', () => {
  let dir: string;
  let bundle: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'iam-alerts-stacks-'));
    bundle = join(dir, 'index.js');
    await build(lambdaEsbuildOptions(ROOT, ENTRY, bundle));
  }, 30_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('run without --enable-source-maps', () => {
    expect(LAMBDA_NODE_OPTIONS).not.toContain('--enable-source-maps');
  });

  it('name the TypeScript file, line and function an error was thrown in', async () => {
    const stack = await stackOf(bundle);

    expect(stack.split('\n')[0]).toBe('Error: the event is not valid');
    expect(stack).toMatch(/at validateTheEvent \(.*test\/handlers\/support\/throwing-handler\.ts:8:9\)/);
    // The outermost frame has no caller to name it: its minified name stays.
    expect(stack).toMatch(/at (async )?\w+ \(.*test\/handlers\/support\/throwing-handler\.ts:4:3\)/);
    expect(stack).not.toContain(`${bundle}:`);
  });

  it('print the frames as V8 does when the source map is not there', async () => {
    rmSync(`${bundle}.map`);

    const stack = await stackOf(bundle);

    expect(stack.split('\n')[0]).toBe('Error: the event is not valid');
    expect(stack).toContain(`${bundle}:`);
    expect(stack).not.toContain('throwing-handler.ts');
  });

  it('leave the stacks to Node when it maps them itself (--enable-source-maps)', async () => {
    await build(lambdaEsbuildOptions(ROOT, ENTRY, bundle));

    const stack = await stackOf(bundle, '--enable-source-maps');

    expect(stack).toMatch(/throwing-handler\.ts:8:9/);
  });
});
