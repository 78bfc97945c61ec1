import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { DynamoDbStore } from './dynamodb-store';
import { FileStore } from './file-store';
import { MemoryStore } from './memory-store';
import type { VersionedStore } from './versioned-store';

/** Where the notifier keeps dedupe records and bursts when no DynamoDB table is configured. */
export type LocalStateOption = 'none' | 'memory' | { file: string };

/**
 * Picks the notifier's state store: the stack's DynamoDB table when `STATE_TABLE_NAME` /
 * `IDEMPOTENCY_TABLE_NAME` are set (they name the same table in the stack; when they differ,
 * dedupe records go to the idempotency table and the rest to the state table), else the local
 * option.
 */
export async function makeStateStore(
  config: Pick<Config, 'stateTableName' | 'idempotencyTableName' | 'functionName'>,
  logger: Logger,
  local: LocalStateOption = 'none',
): Promise<VersionedStore | undefined> {
  const stateTable = config.stateTableName ?? config.idempotencyTableName;
  const dedupeTable = config.idempotencyTableName ?? config.stateTableName;
  if (stateTable && dedupeTable) {
    const client = new DynamoDBClient({});
    const state = new DynamoDbStore(client, stateTable);
    return dedupeTable === stateTable ? state : new KeyRoutedStore(new DynamoDbStore(client, dedupeTable), state);
  }
  if (config.functionName) {
    logger.warn('no STATE_TABLE_NAME or IDEMPOTENCY_TABLE_NAME: alerts are neither deduplicated nor grouped');
  }
  if (local === 'memory') return new MemoryStore();
  if (typeof local === 'object') return new FileStore(local.file);
  return undefined;
}

/** Sends dedupe records (`event#…`) to one store and everything else to another. */
class KeyRoutedStore implements VersionedStore {
  constructor(
    private readonly dedupe: VersionedStore,
    private readonly state: VersionedStore,
  ) {}
  private pick(key: string): VersionedStore {
    return key.startsWith('event#') ? this.dedupe : this.state;
  }
  get<T>(key: string, nowSeconds: number) {
    return this.pick(key).get<T>(key, nowSeconds);
  }
  put<T>(key: string, value: T, expectedVersion: number, expiresAtSeconds: number) {
    return this.pick(key).put(key, value, expectedVersion, expiresAtSeconds);
  }
}
