import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CATALOG } from '../../app/catalog/catalog-config';
import { InputFormatError } from '../../app/local/errors';
import { previewValues, readEventValues } from '../../app/local/preview';
import { blockKitViolations } from '../support/block-kit-limits';
import { loadCloudTrailCorpus, toEventBridge, toSnsEvent } from '../support/corpus';

interface Expectation {
  outcome: 'alert' | 'ignored' | 'rejected';
  severity?: string;
}
const expectations = JSON.parse(readFileSync(join(__dirname, '../fixtures/corpus-expectations.json'), 'utf8')).records as Record<
  string,
  Expectation
>;
const corpus = loadCloudTrailCorpus();

describe('previewValues over the CloudTrail corpus', () => {
  it.each([
    ['bare CloudTrail records', (v: Record<string, unknown>) => v],
    ['EventBridge events', toEventBridge],
    ['SNS events', (v: Record<string, unknown>) => toSnsEvent(toEventBridge(v))],
  ])('decides as the notifier does for %s', (_, wrap) => {
    const prepared = previewValues(
      corpus.map((r) => wrap(r.value)),
      { catalog: DEFAULT_CATALOG },
    );
    expect(prepared).toHaveLength(corpus.length);
    prepared.forEach((item, i) => {
      const expected = expectations[corpus[i]!.key]!;
      expect({ key: corpus[i]!.key, kind: item.kind }).toEqual({ key: corpus[i]!.key, kind: expected.outcome });
      if (item.kind === 'alert') {
        expect(item.severity).toBe(expected.severity);
        expect(blockKitViolations(item.message)).toEqual([]);
      }
    });
  });
});

describe('readEventValues', () => {
  const a = { eventName: 'CreateUser' };
  const b = { eventName: 'DeleteUser' };

  it('reads one JSON object, an array, or JSON Lines', () => {
    expect(readEventValues(JSON.stringify(a))).toEqual([a]);
    expect(readEventValues(JSON.stringify([a, b]))).toEqual([a, b]);
    expect(readEventValues(`${JSON.stringify(a)}\n\n${JSON.stringify(b)}\n`)).toEqual([a, b]);
  });

  it('unwraps CloudTrail log files and lookup-events output, but leaves SNS events whole', () => {
    expect(readEventValues(JSON.stringify({ Records: [a, b] }))).toEqual([a, b]);
    expect(readEventValues(JSON.stringify({ Events: [{ CloudTrailEvent: JSON.stringify(a) }] }))).toEqual([a]);
    const sns = toSnsEvent(a);
    expect(readEventValues(JSON.stringify(sns))).toEqual([sns]);
  });

  it('names the line that is not JSON, and refuses empty input', () => {
    expect(() => readEventValues('{"a":1}\nnope', 'events.jsonl')).toThrow(InputFormatError);
    expect(() => readEventValues('{"a":1}\nnope', 'events.jsonl')).toThrow(/events.jsonl line 2 is not JSON/);
    expect(() => readEventValues('  \n')).toThrow(InputFormatError);
  });
});
