import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main';
import { blockKitViolations } from '../support/block-kit-limits';
import { loadCloudTrailCorpus, toEventBridge } from '../support/corpus';
import { recordedIo } from './cli-io';

const corpus = loadCloudTrailCorpus();
const dir = mkdtempSync(join(tmpdir(), 'iam-alerts-preview-'));

describe('iam-alerts preview', () => {
  it('renders a sample file', async () => {
    const io = recordedIo();
    expect(await main(['preview', 'samples/05-create-user.json', '--no-link'], io)).toBe(0);
    expect(io.out()).toContain('■ Medium: IAM user created: malicious-iam-user');
    expect(io.out()).toContain('1 event: 1 alert, 0 not in the catalog, 0 unrecognised');
  });

  it('reads JSON Lines of EventBridge events from stdin', async () => {
    const lines = corpus
      .slice(0, 12)
      .map((r) => JSON.stringify(toEventBridge(r.value)))
      .join('\n');
    const io = recordedIo({ stdin: lines });
    expect(await main(['preview', '-', '--no-link', '--all'], io)).toBe(0);
    expect(io.out()).toMatch(/12 events: \d+ alerts, \d+ not in the catalog, 0 unrecognised/);
    expect(io.out()).toContain('· ignored DescribeAccount');
  });

  it('prints Slack messages as JSON with --json, within Block Kit limits', async () => {
    const file = join(dir, 'records.json');
    writeFileSync(file, JSON.stringify({ Records: corpus.slice(0, 40).map((r) => r.value) }));
    const io = recordedIo();
    expect(await main(['preview', file, '--json'], io)).toBe(0);
    const messages = io
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(messages.length).toBeGreaterThan(5);
    for (const message of messages) {
      expect(message).toEqual(expect.objectContaining({ kind: 'alert', severity: expect.any(String), text: expect.any(String) }));
      expect(blockKitViolations(message)).toEqual([]);
    }
    expect(io.err()).toMatch(/^40 events: /);
  });

  it('accepts `aws cloudtrail lookup-events` output', async () => {
    const file = join(dir, 'lookup.json');
    const record = corpus.find((r) => r.value.eventName === 'CreateUser')!.value;
    writeFileSync(file, JSON.stringify({ Events: [{ EventId: 'x', CloudTrailEvent: JSON.stringify(record) }] }));
    const io = recordedIo();
    expect(await main(['preview', file, '--no-link'], io)).toBe(0);
    expect(io.out()).toContain('IAM user created');
  });

  it('shows input that is not an event as an "Unrecognised event" alert', async () => {
    const io = recordedIo({ stdin: '{"hello": "world"}' });
    expect(await main(['preview', '-', '--no-link'], io)).toBe(0);
    expect(io.out()).toContain('1 event: 0 alerts, 0 not in the catalog, 1 unrecognised');
  });

  it('fails with exit code 1 naming the line that is not JSON', async () => {
    const io = recordedIo({ stdin: '{"eventName":"CreateUser"}\n{oops\n' });
    expect(await main(['preview', '-'], io)).toBe(1);
    expect(io.err()).toContain('stdin line 2 is not JSON');
  });

  it('fails with exit code 1 for a missing file', async () => {
    const io = recordedIo();
    expect(await main(['preview', join(dir, 'nope.json')], io)).toBe(1);
    expect(io.err()).toContain('ENOENT');
  });

  it('needs exactly one input (exit code 2)', async () => {
    const io = recordedIo();
    expect(await main(['preview', 'a.json', 'b.json'], io)).toBe(2);
    expect(io.err()).toContain('expected exactly one input');
  });
});
