import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CATALOG } from '../../app/catalog/catalog-config';
import { loadSamples, previewValues, SAMPLES_DIR } from '../../app/local/preview';
import { SEVERITIES } from '../../blocks/alert-view';
import { blockKitViolations } from '../support/block-kit-limits';

/** The curated samples behind `npm start`: what each must show, pinned. */
const EXPECTED: Record<string, { kind: 'alert' | 'ignored'; severity?: string; title?: string }> = {
  '01-root-console-sign-in.eventbridge.json': { kind: 'alert', severity: 'critical', title: 'Critical: Root console sign-in' },
  '02-create-access-key.json': { kind: 'alert', severity: 'critical', title: 'Critical: Access key created: malicious-iam-user' },
  '03-update-assume-role-policy.json': {
    kind: 'alert',
    severity: 'high',
    title: 'High: Role trust policy changed: stratus-red-team-backdoor-r-role',
  },
  '04-trufflehog-get-caller-identity.json': { kind: 'alert', severity: 'high', title: 'High: Offensive tool used against IAM: TruffleHog' },
  '05-create-user.json': { kind: 'alert', severity: 'medium', title: 'Medium: IAM user created: malicious-iam-user' },
  '06-failed-console-sign-in.json': { kind: 'alert', severity: 'medium', title: 'Medium: Failed console sign-in: anaya' },
  '07-detach-user-policy.json': { kind: 'alert', severity: 'low', title: 'Low: Policy detached from IAM user: malicious-iam-user' },
  '08-hostile-user-name.json': { kind: 'alert', severity: 'medium' },
  '09-ignored-describe-account.json': { kind: 'ignored' },
};

describe('samples/', () => {
  const samples = loadSamples();
  const prepared = previewValues(
    samples.map((s) => s.value),
    { catalog: DEFAULT_CATALOG },
  );

  it('holds exactly the pinned samples, each credited in samples/README.md', () => {
    expect(samples.map((s) => s.file)).toEqual(Object.keys(EXPECTED));
    const readme = readFileSync(join(SAMPLES_DIR, 'README.md'), 'utf8');
    for (const { file } of samples) expect(readme).toContain(`| ${file} |`);
  });

  it('gives each sample its expected alert, within Block Kit limits', () => {
    samples.forEach((sample, i) => {
      const item = prepared[i]!;
      const expected = EXPECTED[sample.file]!;
      expect({ file: sample.file, kind: item.kind }).toEqual({ file: sample.file, kind: expected.kind });
      if (item.kind !== 'alert') return;
      expect(item.severity).toBe(expected.severity);
      if (expected.title) expect(JSON.stringify(item.message.blocks[0])).toContain(expected.title);
      expect(blockKitViolations(item.message)).toEqual([]);
    });
  });

  it('covers every severity', () => {
    const severities = new Set(prepared.flatMap((p) => (p.kind === 'alert' ? [p.severity] : [])));
    expect([...severities].sort()).toEqual([...SEVERITIES].sort());
  });

  it('escapes the hostile names so Slack shows them as text, never as mentions or links', () => {
    const hostile = prepared[samples.findIndex((s) => s.file === '08-hostile-user-name.json')]!;
    if (hostile.kind !== 'alert') throw new Error('expected an alert');
    const wire = JSON.stringify(hostile.message);
    expect(wire).not.toContain('<!channel>');
    expect(wire).not.toContain('<@U0ADMIN>');
    expect(wire).not.toContain('<https://evil.example');
    expect(wire).toContain('&lt;!channel&gt;');
    expect(hostile.message.text).toContain('&lt;!channel&gt;');
  });
});
