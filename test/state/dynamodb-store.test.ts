import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbStore } from '../../app/state/dynamodb-store';
import { FileStore } from '../../app/state/file-store';
import { MemoryStore } from '../../app/state/memory-store';
import { updateWithRetry, type VersionedStore } from '../../app/state/versioned-store';
import { mockStateTable, type TableModel } from './dynamodb-table-model';

const NOW = 1_700_000_000;

describe.each([
  ['DynamoDbStore', () => new DynamoDbStore(new DynamoDBClient({}), 'state')],
  ['MemoryStore', () => new MemoryStore()],
  ['FileStore', () => new FileStore(join(mkdtempSync(join(tmpdir(), 'iam-alerts-state-')), 'state.json'))],
] as const)('%s', (_name, makeStore) => {
  let table: TableModel;
  let store: VersionedStore;
  beforeEach(() => {
    table = mockStateTable('state');
    store = makeStore();
  });
  afterEach(() => table.restore());

  it('creates a key only when it does not exist yet', async () => {
    expect(await store.put('k', { n: 1 }, 0, NOW + 60)).toBe(true);
    expect(await store.put('k', { n: 2 }, 0, NOW + 60)).toBe(false);
    expect(await store.get('k', NOW)).toEqual({ value: { n: 1 }, version: 1 });
  });

  it('rejects a write against a stale version', async () => {
    await store.put('k', { n: 1 }, 0, NOW + 60);
    expect(await store.put('k', { n: 2 }, 1, NOW + 60)).toBe(true);
    expect(await store.put('k', { n: 3 }, 1, NOW + 60)).toBe(false);
    expect((await store.get('k', NOW)).value).toEqual({ n: 2 });
  });

  it('treats an expired item as absent but still writes against its version (TTL deletes lazily)', async () => {
    await store.put('k', { n: 1 }, 0, NOW - 1);
    const read = await store.get('k', NOW);
    expect(read).toEqual({ value: undefined, version: 1 });
    expect(await store.put('k', { n: 2 }, read.version, NOW + 60)).toBe(true);
  });

  it('loses no increment when 50 writers race on one key', async () => {
    await Promise.all(
      Array.from({ length: 50 }, () =>
        updateWithRetry<{ n: number }, void>(store, 'counter', { nowSeconds: () => NOW, expiresAtSeconds: NOW + 60 }, (c) => ({
          next: { n: (c?.n ?? 0) + 1 },
          result: undefined,
        })),
      ),
    );
    expect((await store.get<{ n: number }>('counter', NOW)).value?.n).toBe(50);
  });
});

describe('DynamoDbStore items', () => {
  it('stores the TTL attribute `expiration` in epoch seconds beside the version', async () => {
    const table = mockStateTable('state');
    try {
      await new DynamoDbStore(new DynamoDBClient({}), 'state').put('event#1', { status: 'done' }, 0, NOW + 60.5);
      expect(table.items.get('event#1')).toEqual({ id: 'event#1', version: 1, expiration: NOW + 61, data: { status: 'done' } });
    } finally {
      table.restore();
    }
  });
});

describe('FileStore', () => {
  it('keeps its records across restarts', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'iam-alerts-state-')), 'nested', 'state.json');
    await new FileStore(path).put('event#1', { status: 'done' }, 0, NOW + 60);
    expect(await new FileStore(path).get('event#1', NOW)).toEqual({ value: { status: 'done' }, version: 1 });
  });
});
