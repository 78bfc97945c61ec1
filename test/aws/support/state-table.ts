import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDbStore } from '../../../app/state/dynamodb-store';

/**
 * The notifier's state table on moto (`npm run test:aws`), for tests that race real SDK clients
 * on it. Each test names its own table: moto's server is shared by every test file of the run.
 */

/**
 * Creates a table shaped like the stack's `State` table (`infra/stacks/iam-alerts-stack.ts`):
 * partition key `id` (string), on demand, TTL on `expiration`. Moto records the TTL setting but
 * deletes nothing, which is what AWS may do for up to two days too: readers check the expiry.
 */
export async function createStateTable(tableName: string, client = new DynamoDBClient({})): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await client.send(
    new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true } }),
  );
}

/** What the writes of the clients made by {@link stateClient} ran into. */
export interface WriteRaces {
  /** PutItem calls that DynamoDB (moto) refused with ConditionalCheckFailedException: lost races. */
  conditionalFailures: number;
}

export const newWriteRaces = (): WriteRaces => ({ conditionalFailures: 0 });

/**
 * A DynamoDB client as a Lambda container builds it (`new DynamoDBClient({})`, so it reaches moto
 * through AWS_ENDPOINT_URL), with one difference that makes moto behave like DynamoDB:
 *
 * DynamoDB applies the writes to one item one at a time, so of two conditional puts racing on an
 * item at most one can see the old version. Moto's PutItem reads the item, evaluates the condition
 * and stores the new item as separate steps with no lock, in a threaded server: two racing puts
 * can both pass (2 of 300 rounds of 40 concurrent `attribute_not_exists` / `version = :expected`
 * puts on one key did, on moto 5.2.1). So the clients of one test process let a single PutItem per
 * item be in flight at a time. Reads, and writes to other items, still run concurrently: each
 * writer still reads, decides and writes against the version it read, and the condition
 * expression evaluated by moto still decides who wins, as it would in DynamoDB.
 *
 * Conditional-check failures are counted in `races`, so a test can show that the race it set up
 * really happened.
 */
export function stateClient(races?: WriteRaces): DynamoDBClient {
  const client = new DynamoDBClient({});
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Item?: { id?: string | { S?: string } } };
      const id = input.Item?.id;
      const itemKey = typeof id === 'string' ? id : id?.S;
      if (!/^Put(Item)?Command$/.test(context.commandName ?? '') || itemKey === undefined) return next(args);
      try {
        return await oneWriterPerItem(itemKey, () => next(args));
      } catch (error) {
        if (races && (error as Error).name === 'ConditionalCheckFailedException') races.conditionalFailures++;
        throw error;
      }
    },
    { step: 'initialize', name: 'motoOneWriterPerItem' },
  );
  return client;
}

/** The real {@link DynamoDbStore} on `tableName`, through its own {@link stateClient}. */
export function stateStore(tableName: string, races?: WriteRaces): DynamoDbStore {
  return new DynamoDbStore(stateClient(races), tableName);
}

/** Tail of the queue of writes per item key, shared by every client of this test file. */
const writesInFlight = new Map<string, Promise<unknown>>();

async function oneWriterPerItem<T>(itemKey: string, write: () => Promise<T>): Promise<T> {
  const previous = writesInFlight.get(itemKey) ?? Promise.resolve();
  const run = previous.then(write);
  const tail = run.catch(() => undefined);
  writesInFlight.set(itemKey, tail);
  try {
    return await run;
  } finally {
    if (writesInFlight.get(itemKey) === tail) writesInFlight.delete(itemKey);
  }
}
