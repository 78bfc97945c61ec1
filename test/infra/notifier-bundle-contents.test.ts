import { join, resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { lambdaEsbuildOptions } from '../../infra/constructs/bundling';

/**
 * What the notifier's bundle carries and loads at once: its cold start is the first alert's wait
 * (docs/BENCHMARKS.md, section 2). The Slack side's code stays out of it, and the SDK clients of
 * opt-in or occasional features load on first use, not when the bundle is evaluated.
 */
const ROOT = resolve(__dirname, '../..');

let metafile: Metafile;
beforeAll(async () => {
  const result = await build({
    ...lambdaEsbuildOptions(ROOT, join(ROOT, 'handlers/notifier.ts'), join(ROOT, 'cdk.out/notifier-contents.js')),
    write: false,
    metafile: true,
  });
  metafile = result.metafile;
}, 60_000);

describe('the notifier bundle', () => {
  it('carries none of the Slack side: its composition root, jobs, containment runs, history lookups, response URLs', () => {
    const inputs = Object.keys(metafile.inputs);
    const slackSide = inputs.filter((path) =>
      /^(handlers\/slack(-deps)?\.ts|app\/jobs\/|app\/history\/|app\/containment\/(disable|reenable)|app\/slack\/response-url\.ts|app\/listeners\/)/.test(
        path,
      ),
    );

    expect(slackSide).toEqual([]);
  });

  it.each(['@aws-sdk/client-iam', '@aws-sdk/client-sesv2', '@aws-sdk/client-kms', '@aws-sdk/client-organizations'])(
    'loads %s only on first use (a dynamic import), never at bundle load',
    (client) => {
      const staticImporters = Object.entries(metafile.inputs)
        .filter(([path]) => !path.includes('node_modules/'))
        .filter(([, input]) => input.imports.some((i) => i.original === client && i.kind !== 'dynamic-import'))
        .map(([path]) => path);

      expect(staticImporters).toEqual([]);
    },
  );
});
