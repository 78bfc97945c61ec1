import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, type GetCommandInput, PutCommand, type PutCommandInput } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';

/**
 * A faithful in-test model of the stack's DynamoDB table (partition key `id`), behind
 * aws-sdk-client-mock: GetItem returns a copy of the stored item, PutItem honours the condition
 * expressions the store uses (`attribute_not_exists(#id)`, `#version = :expected`) and throws
 * ConditionalCheckFailedException like DynamoDB when they fail. Any other expression fails the
 * test, so the model can never silently accept a write DynamoDB would treat differently.
 * Every client instance in the process shares it, as containers share one table.
 */
export interface TableModel {
  items: Map<string, Record<string, unknown>>;
  puts: number;
  conditionalFailures: number;
  restore(): void;
}

export function mockStateTable(tableName: string): TableModel {
  const mock = mockClient(DynamoDBDocumentClient);
  const model: TableModel = { items: new Map(), puts: 0, conditionalFailures: 0, restore: () => mock.restore() };

  mock.on(GetCommand).callsFake(async (input: GetCommandInput) => {
    expectTable(input.TableName, tableName);
    const item = model.items.get(String(input.Key?.id));
    // Yield like a network call, so concurrent callers interleave as they would against DynamoDB.
    await new Promise((resolve) => setImmediate(resolve));
    return { Item: item ? structuredClone(item) : undefined };
  });

  mock.on(PutCommand).callsFake(async (input: PutCommandInput) => {
    expectTable(input.TableName, tableName);
    await new Promise((resolve) => setImmediate(resolve));
    const item = input.Item as Record<string, unknown>;
    const current = model.items.get(String(item.id));
    if (!conditionHolds(input, current)) {
      model.conditionalFailures++;
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    }
    model.puts++;
    model.items.set(String(item.id), structuredClone(item));
    return {};
  });
  return model;
}

// Not jest's expect: the Slack harness, and so this model, also runs in the benchmarks (bench/).
function expectTable(actual: string | undefined, expected: string): void {
  if (actual !== expected) throw new Error(`the table model serves ${expected}, not ${actual}`);
}

function conditionHolds(input: PutCommandInput, current: Record<string, unknown> | undefined): boolean {
  const expression = input.ConditionExpression;
  if (expression === undefined) return true;
  const names = input.ExpressionAttributeNames ?? {};
  const values = input.ExpressionAttributeValues ?? {};
  const notExists = /^attribute_not_exists\((#\w+)\)$/.exec(expression);
  if (notExists?.[1]) return current === undefined || !(String(names[notExists[1]]) in current);
  const equals = /^(#\w+) = (:\w+)$/.exec(expression);
  if (equals?.[1] && equals[2]) return current !== undefined && current[String(names[equals[1]])] === values[equals[2]];
  throw new Error(`the table model does not know the condition "${expression}"`);
}
