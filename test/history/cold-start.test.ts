import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The Slack handler loads the /iam-events listeners and the history job eagerly; the CloudTrail
 * SDK must not come with them (it is imported inside the job), or every cold start pays for it.
 * Jest's module registry hides `require.cache`, so this loads the modules in a plain Node process.
 */
describe('cold start', () => {
  it('loading the /iam-events listeners and job loads no AWS SDK client', () => {
    const root = join(__dirname, '../..');
    const script = [
      "require('./app/history/history-job.ts');",
      "require('./app/listeners/commands/iam-events.ts');",
      "require('./app/listeners/actions/history-more.ts');",
      "console.log(JSON.stringify(Object.keys(require.cache).filter((k) => k.includes('@aws-sdk/client-'))));",
    ].join('\n');
    const run = spawnSync(join(root, 'node_modules/.bin/tsx'), ['-e', script], { cwd: root, encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout.trim().split('\n').pop()!)).toEqual([]);
  });
});
