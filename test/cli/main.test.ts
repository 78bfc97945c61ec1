import { COMMANDS, main } from '../../cli/main';
import { recordedIo } from './cli-io';

describe('iam-alerts command line', () => {
  it('lists every command with --help and exits 0', async () => {
    const io = recordedIo();
    expect(await main(['--help'], io)).toBe(0);
    for (const name of ['start', 'preview', 'replay', 'doctor']) expect(io.out()).toContain(`  ${name}`);
    expect(io.out()).toContain('Exit codes');
  });

  it('prints usage to stderr and exits 2 with no command', async () => {
    const io = recordedIo();
    expect(await main([], io)).toBe(2);
    expect(io.err()).toContain('Usage: iam-alerts <command>');
  });

  it('rejects an unknown command with exit code 2', async () => {
    const io = recordedIo();
    expect(await main(['deploy'], io)).toBe(2);
    expect(io.err()).toContain('unknown command "deploy"');
  });

  it.each(Object.keys(COMMANDS))('%s --help prints its usage and exits 0', async (name) => {
    const io = recordedIo();
    expect(await main([name, '--help'], io)).toBe(0);
    expect(io.out()).toMatch(/^Usage: iam-alerts /);
    expect(io.out()).toContain('Exit codes');
  });

  it('answers an unknown option with the command help and exit code 2', async () => {
    const io = recordedIo();
    expect(await main(['preview', '--colour', 'x.json'], io)).toBe(2);
    expect(io.err()).toContain("Unknown option '--colour'");
    expect(io.err()).toContain('Usage: iam-alerts preview');
  });

  it('reports a bad setting as a failure (exit 1) naming the variable', async () => {
    const io = recordedIo({ env: { SLACK_BOT_TOKEN: 'not-a-token' } });
    expect(await main(['start'], io)).toBe(1);
    expect(io.err()).toContain('SLACK_BOT_TOKEN');
  });
});
