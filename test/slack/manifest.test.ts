import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';

const root = join(__dirname, '../..');
const manifest = parse(readFileSync(join(root, 'manifest.yml'), 'utf8'));

/** The bot scope each Web API method the deployed app calls needs (Slack's method reference). */
const SCOPE_OF_METHOD: Record<string, string | null> = {
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'usergroups.users.list': 'usergroups:read',
  'auth.test': null,
  // Onboarding (issue 13): the DM with the sign-in details, its recipient found by email, the password's modal.
  'conversations.open': 'im:write',
  'users.lookupByEmail': 'users:read.email',
  'views.open': null,
  // The triage loop (issue 14): the "Was this you?" DM, whom to ask, the Home tab.
  'users.info': 'users:read',
  'views.publish': null,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('manifest.yml', () => {
  it('declares /iam-events and interactivity on the same request URL', () => {
    const [command] = manifest.features.slash_commands;
    expect(manifest.features.slash_commands).toHaveLength(1);
    expect(command).toMatchObject({ command: '/iam-events', should_escape: false });
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.interactivity.request_url).toBe(command.url);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it('asks for exactly the bot scopes the deployed code uses', () => {
    // Every Web API call the Slack and notifier code makes (the doctor CLI's optional checks aside:
    // it skips what the app's scopes do not allow).
    const files = [...sourceFiles(join(root, 'app')), ...sourceFiles(join(root, 'handlers'))].filter(
      (f) => !relative(root, f).startsWith('app/doctor/'),
    );
    const methods = new Set<string>();
    for (const file of files) {
      for (const match of readFileSync(file, 'utf8').matchAll(
        /\bslack\.((?:chat|usergroups|conversations|users|reactions|views|files|auth)\.[\w.]+)\(/g,
      )) {
        methods.add(match[1]!);
      }
    }
    const unknown = [...methods].filter((m) => !(m in SCOPE_OF_METHOD));
    expect(unknown).toEqual([]);
    const needed = new Set([...methods].map((m) => SCOPE_OF_METHOD[m]).filter((s): s is string => Boolean(s)));
    needed.add('commands'); // the /iam-events slash command

    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
    expect(manifest.oauth_config.scopes.user).toBeUndefined();
  });

  it('subscribes to app_home_opened on the same request URL, with the Home tab on (issue 14)', () => {
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(['app_home_opened']);
    expect(manifest.settings.event_subscriptions.request_url).toBe(manifest.settings.interactivity.request_url);
    expect(manifest.features.app_home).toMatchObject({ home_tab_enabled: true, messages_tab_enabled: true });
  });

  it('gives the local Socket Mode app the same scopes and events, plus what the doctor reads', () => {
    const local = parse(readFileSync(join(root, 'manifest.local.yml'), 'utf8'));
    expect([...local.oauth_config.scopes.bot].sort()).toEqual([...manifest.oauth_config.scopes.bot, 'channels:read', 'groups:read'].sort());
    expect(local.settings.event_subscriptions.bot_events).toEqual(manifest.settings.event_subscriptions.bot_events);
    expect(local.features.app_home).toEqual(manifest.features.app_home);
  });
});
