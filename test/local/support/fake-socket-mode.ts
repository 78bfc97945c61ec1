import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A local stand-in for Slack's Socket Mode WebSocket endpoint (the URL `apps.connections.open`
 * returns): a minimal RFC 6455 server that says `hello`, sends envelopes and records the acks, so
 * the real @slack/socket-mode client inside Bolt can be driven without a network.
 */
export interface FakeSocketMode {
  url: string;
  /** Resolves once a client has connected and been greeted. */
  connected: Promise<void>;
  /** Resolves once the client has closed the connection (close handshake done). */
  disconnected: Promise<void>;
  /** Sends an envelope to the connected client. */
  send(envelope: Record<string, unknown>): void;
  /** Every JSON message the client sent (acks: `{ envelope_id, payload? }`). */
  received: Array<Record<string, unknown>>;
  /** Resolves with the ack of `envelopeId` once it arrives. */
  ackOf(envelopeId: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export async function startFakeSocketMode(): Promise<FakeSocketMode> {
  const received: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  let client: Socket | undefined;
  let onConnected: () => void = () => undefined;
  const connected = new Promise<void>((resolve) => {
    onConnected = resolve;
  });
  let onDisconnected: () => void = () => undefined;
  const disconnected = new Promise<void>((resolve) => {
    onDisconnected = resolve;
  });

  const server: Server = createServer((_, res) => res.writeHead(426).end());
  server.on('upgrade', (req, socket: Socket) => {
    const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}${GUID}`).digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    client = socket;
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const frame = readFrame(buffer);
        if (!frame) break;
        buffer = buffer.subarray(frame.length);
        if (frame.opcode === 0x1) {
          received.push(JSON.parse(frame.payload.toString('utf8')) as Record<string, unknown>);
          for (const wake of waiters.splice(0)) wake();
        } else if (frame.opcode === 0x9) {
          socket.write(encodeFrame(0xa, frame.payload));
        } else if (frame.opcode === 0x8) {
          // Complete the close handshake, as Slack does, then drop the connection.
          socket.write(encodeFrame(0x8, frame.payload.subarray(0, 2)));
          setImmediate(() => socket.destroy());
        }
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => onDisconnected());
    socket.write(
      encodeFrame(0x1, Buffer.from(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0FAKE' } }))),
    );
    onConnected();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `ws://127.0.0.1:${port}/link`,
    connected,
    disconnected,
    received,
    send(envelope) {
      if (!client) throw new Error('no Socket Mode client connected');
      client.write(encodeFrame(0x1, Buffer.from(JSON.stringify(envelope))));
    },
    async ackOf(envelopeId, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const ack = received.find((m) => m.envelope_id === envelopeId);
        if (ack) return ack;
        if (Date.now() > deadline) throw new Error(`no ack for envelope ${envelopeId}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        client?.destroy();
        server.close(() => resolve());
      }),
  };
}

function readFrame(buffer: Buffer): { opcode: number; payload: Buffer; length: number } | undefined {
  if (buffer.length < 2) return undefined;
  const opcode = buffer[0]! & 0x0f;
  const masked = (buffer[1]! & 0x80) !== 0;
  let length = buffer[1]! & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return undefined;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return undefined;
    length = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  const maskLength = masked ? 4 : 0;
  if (buffer.length < offset + maskLength + length) return undefined;
  const mask = buffer.subarray(offset, offset + maskLength);
  const payload = Buffer.from(buffer.subarray(offset + maskLength, offset + maskLength + length));
  if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
  return { opcode, payload, length: offset + maskLength + length };
}

function encodeFrame(opcode: number, payload: Buffer): Buffer {
  const header =
    payload.length < 126
      ? Buffer.from([0x80 | opcode, payload.length])
      : payload.length < 65_536
        ? Buffer.from([0x80 | opcode, 126, payload.length >> 8, payload.length & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigLength(payload.length)]);
  return Buffer.concat([header, payload]);
}

function bigLength(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}
