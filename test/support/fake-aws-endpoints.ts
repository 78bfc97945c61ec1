import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Local stand-ins for the two AWS JSON APIs the Slack function calls before any listener runs
 * (Secrets Manager's GetSecretValue, DynamoDB's GetItem and PutItem), for code running in another
 * process, where no SDK mock reaches: the deployed bundles (test/infra/bundles.test.ts). They speak
 * the wire protocol the real SDK clients use (`x-amz-target`, JSON 1.1 / 1.0) and reach them through
 * AWS_ENDPOINT_URL_SECRETS_MANAGER and AWS_ENDPOINT_URL_DYNAMODB. Anything else they answer with an
 * error, so a call they do not model fails the test instead of passing silently.
 */
export interface FakeAwsEndpoint {
  readonly url: string;
  close(): Promise<void>;
}

async function serveJson(
  handle: (target: string, body: Record<string, any>) => { status: number; body: unknown },
  contentType: string,
): Promise<FakeAwsEndpoint> {
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (chunk) => {
      raw += chunk;
    });
    req.on('end', () => {
      const { status, body } = handle(String(req.headers['x-amz-target'] ?? ''), JSON.parse(raw || '{}'));
      res.writeHead(status, { 'content-type': contentType }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** GetSecretValue for the given secret IDs (plain string values). */
export function fakeSecretsManager(values: Readonly<Record<string, string>>): Promise<FakeAwsEndpoint> {
  return serveJson((target, body) => {
    const value = values[String(body.SecretId)];
    if (target !== 'secretsmanager.GetSecretValue' || value === undefined) {
      return { status: 400, body: { __type: 'ResourceNotFoundException', message: `no secret ${body.SecretId}` } };
    }
    return { status: 200, body: { ARN: body.SecretId, Name: body.SecretId, SecretString: value, VersionId: 'v1' } };
  }, 'application/x-amz-json-1.1');
}

/**
 * GetItem and PutItem on one table keyed by `id`, with the two conditions `DynamoDbStore` writes
 * (`attribute_not_exists(#id)`, `#version = :expected`), as DynamoDB evaluates them.
 */
export function fakeDynamoDb(tableName: string): Promise<FakeAwsEndpoint> {
  const items = new Map<string, Record<string, any>>();
  const failed = (type: string, message: string) => ({
    status: 400,
    body: { __type: `com.amazonaws.dynamodb.v20120810#${type}`, message },
  });
  return serveJson((target, body) => {
    if (body.TableName !== tableName) return failed('ResourceNotFoundException', `no table ${body.TableName}`);
    if (target === 'DynamoDB_20120810.GetItem') {
      const item = items.get(String(body.Key?.id?.S));
      return { status: 200, body: item ? { Item: item } : {} };
    }
    if (target === 'DynamoDB_20120810.PutItem') {
      const id = String(body.Item?.id?.S);
      const current = items.get(id);
      const condition = String(body.ConditionExpression ?? '');
      const names = body.ExpressionAttributeNames ?? {};
      const values = body.ExpressionAttributeValues ?? {};
      let holds: boolean;
      const notExists = /^attribute_not_exists\((#\w+)\)$/.exec(condition);
      const equals = /^(#\w+) = (:\w+)$/.exec(condition);
      if (condition === '') holds = true;
      else if (notExists) holds = current === undefined || !(names[notExists[1]!] in current);
      else if (equals) holds = current !== undefined && JSON.stringify(current[names[equals[1]!]]) === JSON.stringify(values[equals[2]!]);
      else return failed('ValidationException', `the fake does not know the condition ${condition}`);
      if (!holds) return failed('ConditionalCheckFailedException', 'The conditional request failed');
      items.set(id, body.Item);
      return { status: 200, body: {} };
    }
    return failed('UnknownOperationException', `the fake does not serve ${target}`);
  }, 'application/x-amz-json-1.0');
}
