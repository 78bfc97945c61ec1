import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve(__dirname, '../../bin/iam-alerts.mjs');
const NO_NETWORK = resolve(__dirname, 'support/no-network.cjs');

/**
 * The `iam-alerts` executable as a fresh clone runs it: a separate Node process, no credentials
 * (empty environment, empty home, no .env), and any network access ends it with exit code 99.
 */
function run(args: string[]) {
  const home = mkdtempSync(join(tmpdir(), 'iam-alerts-home-'));
  return spawnSync(process.execPath, ['--require', NO_NETWORK, BIN, ...args], {
    cwd: home,
    env: { PATH: process.env.PATH, HOME: home, POWERTOOLS_LOG_LEVEL: 'SILENT' },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('bin/iam-alerts.mjs', () => {
  it('start renders the samples offline with no credentials and exits 0', () => {
    const result = run(['start', '--no-link']);
    expect(result.stderr).not.toContain('NETWORK ACCESS ATTEMPTED');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('■ Critical: Root console sign-in');
    expect(result.stdout).toContain('9 events: 8 alerts, 1 not in the catalog, 0 unrecognised');
  });

  it('--help lists the commands; a wrong command exits 2', () => {
    const help = run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: iam-alerts <command>');
    expect(run(['nope']).status).toBe(2);
  });
});
