import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { createLogger } from '../../app/logger';
import { makeStateStore } from '../../app/state/make-store';
import { MemoryStore } from '../../app/state/memory-store';
import { mockStateTable } from './dynamodb-table-model';

describe('makeStateStore', () => {
  const logger = createLogger('test');
  const NOW = 1_700_000_000;

  it('uses the DynamoDB table named by the stack', async () => {
    const table = mockStateTable('iam-alerts-state');
    try {
      const store = await makeStateStore({ stateTableName: 'iam-alerts-state', idempotencyTableName: 'iam-alerts-state' }, logger);
      await store?.put('event#1', { status: 'done' }, 0, NOW);
      expect(table.items.has('event#1')).toBe(true);
    } finally {
      table.restore();
    }
  });

  it('keeps dedupe records in the idempotency table when the two names differ', async () => {
    // What matters here is which table each key is written to.
    const seen: string[] = [];
    const mock = mockClient(DynamoDBDocumentClient);
    mock.on(PutCommand).callsFake(async (input) => {
      seen.push(`${input.TableName}:${input.Item.id}`);
      return {};
    });
    try {
      const store = await makeStateStore({ stateTableName: 'state', idempotencyTableName: 'dedupe' }, logger);
      await store?.put('event#1', {}, 0, NOW);
      await store?.put('burst#C#a#1#0', {}, 0, NOW);
      expect(seen).toEqual(['dedupe:event#1', 'state:burst#C#a#1#0']);
    } finally {
      mock.restore();
    }
  });

  it('falls back to the local option, and to no store at all', async () => {
    expect(await makeStateStore({}, logger, 'memory')).toBeInstanceOf(MemoryStore);
    expect(await makeStateStore({}, logger)).toBeUndefined();
  });
});
