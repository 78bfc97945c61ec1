import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * What loading the Slack handler module costs: config, logging, signature checking and job
 * dispatch only. Bolt comes on the first HTTP request, the composition root (Secrets Manager) on
 * the first invocation, the IAM, CloudTrail and Lambda SDKs when first used. Jest's module registry
 * hides `require.cache`, so this loads the module in a plain Node process.
 */
describe('Slack handler cold start', () => {
  it('loads no AWS SDK client and not Bolt at module scope', () => {
    const root = join(__dirname, '../..');
    const script = [
      "require('./handlers/slack.ts');",
      'const loaded = Object.keys(require.cache).filter((k) => /node_modules\\/(@aws-sdk\\/client-|@slack\\/bolt\\/)/.test(k));',
      'console.log(JSON.stringify([...new Set(loaded.map((k) => k.replace(/.*node_modules\\/((@[^/]+\\/)?[^/]+).*/, "$1")))]));',
    ].join('\n');
    const run = spawnSync(join(root, 'node_modules/.bin/tsx'), ['-e', script], { cwd: root, encoding: 'utf8', timeout: 30_000 });

    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout.trim().split('\n').pop()!)).toEqual([]);
  });
});
