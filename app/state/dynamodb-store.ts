import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, type PutCommandInput } from '@aws-sdk/lib-dynamodb';
import { StateStoreError, type Versioned, type VersionedStore } from './versioned-store';

/**
 * {@link VersionedStore} on the stack's DynamoDB table (partition key `id`, TTL attribute
 * `expiration`). Each item is `{ id, version, expiration, data }`; writes are conditional puts
 * (`attribute_not_exists(id)` for a new key, `version = :expected` otherwise), so concurrent
 * containers cannot overwrite each other.
 */
export class DynamoDbStore implements VersionedStore {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async get<T>(key: string, nowSeconds: number): Promise<Versioned<T>> {
    try {
      const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: { id: key }, ConsistentRead: true }));
      if (!Item) return { value: undefined, version: 0 };
      const version = typeof Item.version === 'number' ? Item.version : 0;
      const live = typeof Item.expiration !== 'number' || Item.expiration >= nowSeconds;
      return { value: live ? (Item.data as T) : undefined, version };
    } catch (error) {
      throw new StateStoreError(`could not read ${key} from ${this.tableName}`, { cause: error });
    }
  }

  async put<T>(key: string, value: T, expectedVersion: number, expiresAtSeconds: number): Promise<boolean> {
    const condition: Pick<PutCommandInput, 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'> =
      expectedVersion === 0
        ? { ConditionExpression: 'attribute_not_exists(#id)', ExpressionAttributeNames: { '#id': 'id' } }
        : {
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': expectedVersion },
          };
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { id: key, version: expectedVersion + 1, expiration: Math.ceil(expiresAtSeconds), data: value },
          ...condition,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException') return false;
      throw new StateStoreError(`could not write ${key} to ${this.tableName}`, { cause: error });
    }
  }
}
