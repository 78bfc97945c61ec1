import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { join } from 'node:path';
import { main } from '../../cli/main';
import { recordedIo } from '../cli/cli-io';

/**
 * Local mode shows what onboarding (issue 13) would send: under the sample CreateUser alert, the
 * owner's DM as Slack would render it, with no password (none exists offline), no AWS or Slack call.
 */
describe('the onboarding DM in npm start and preview', () => {
  const guards: jest.SpyInstance[] = [];
  beforeEach(() => {
    const refuse = (() => {
      throw new Error('network access attempted');
    }) as never;
    guards.push(
      jest.spyOn(net.Socket.prototype, 'connect').mockImplementation(refuse),
      jest.spyOn(http, 'request').mockImplementation(refuse),
      jest.spyOn(https, 'request').mockImplementation(refuse),
      jest.spyOn(globalThis, 'fetch').mockImplementation(refuse),
    );
  });
  afterEach(() => {
    for (const guard of guards.splice(0)) guard.mockRestore();
  });

  it('npm start shows it under the sample CreateUser, saying the sample user would not qualify', async () => {
    const io = recordedIo({ env: {} });

    expect(await main(['start', '--no-link'], io)).toBe(0);

    const out = io.out();
    const at = out.indexOf('■ Medium: IAM user created: malicious-iam-user');
    const dm = out.indexOf('■ Your AWS console sign-in', at);
    expect(at).toBeGreaterThan(-1);
    expect(dm).toBeGreaterThan(at);
    expect(out).toContain(
      'malicious-iam-user does not qualify (neither an email address in ONBOARDING_EMAIL_DOMAINS nor an owner tag); with ONBOARDING=auto or approve (it is off here)',
    );
    expect(out).toContain('IAM user christophe created an IAM user for you in AWS account 229654561268.');
    expect(out).toContain('Sign-in URL: https://229654561268.signin.aws.amazon.com/console');
    expect(out).toContain('[ Reveal password ]');
    expect(out).not.toMatch(/Password:\s+\S{20,}/);
  });

  it('preview says when the user would get it under the current settings', async () => {
    const record = JSON.parse(readFileSync(join(__dirname, '../../samples/05-create-user.json'), 'utf8'));
    const jane = { ...record, requestParameters: { userName: 'jane@example.com' } };
    const io = recordedIo({ env: { ONBOARDING: 'auto', ONBOARDING_EMAIL_DOMAINS: 'example.com' }, stdin: JSON.stringify(jane) });

    expect(await main(['preview', '-', '--no-link'], io)).toBe(0);

    expect(io.out()).toContain("With ONBOARDING=auto (as set here), jane@example.com's owner (the user name) would get this DM");
    expect(io.out()).toContain('User name: jane@example.com');
  });

  it('shows nothing of it under other alerts', async () => {
    const io = recordedIo({ env: {} });

    expect(await main(['preview', 'samples/02-create-access-key.json', '--no-link'], io)).toBe(0);
    expect(io.out()).not.toContain('Your AWS console sign-in');
  });
});
