import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for Lambda's Invoke API (moto's Lambda would need Docker to run a function), for
 * the Slack handler's self-invocations in `npm run test:aws`. The handler's real Lambda client
 * reaches it through AWS_ENDPOINT_URL_LAMBDA; it records each asynchronous invocation's payload
 * and answers 202, as Lambda does once it has queued the event. The test then delivers the
 * payloads to the handler itself, as Lambda would.
 */
export interface FakeLambda {
  /** What to set AWS_ENDPOINT_URL_LAMBDA to. */
  readonly endpoint: string;
  /** Each Invoke: the function named in the path, its invocation type and its payload. */
  readonly invocations: Array<{ functionName: string; invocationType: string; payload: unknown }>;
  close(): Promise<void>;
}

export async function startFakeLambda(): Promise<FakeLambda> {
  const invocations: FakeLambda['invocations'] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(req.url ?? '');
      if (req.method !== 'POST' || !match) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"Type":"User","message":"not an Invoke"}');
        return;
      }
      invocations.push({
        functionName: decodeURIComponent(match[1]!),
        invocationType: String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse'),
        payload: JSON.parse(body || 'null'),
      });
      res.writeHead(202, { 'content-type': 'application/json', 'x-amzn-requestid': `fake-${invocations.length}` }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    invocations,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
