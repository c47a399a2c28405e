/**
 * The RPC server against what a Hadoop client expects of a NameNode's IPC port: the lab's own
 * client end to end, and raw bytes for the cases a real server answers FATAL or in plain text.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import '../../cluster/protocol/registry/all.js'; // entries looked up directly, without a connection
import { createPrng } from '../../cluster/common/prng.js';
import { RemoteError } from '../../cluster/protocol/errors.js';
import { CLIENT_PROTOCOL, DATANODE_PROTOCOL, entryFor } from '../../cluster/protocol/registry/index.js';
import {
  HTTP_GET_RESPONSE,
  RPC_PREAMBLE,
  RpcErrorCode,
  RpcFrameDecoder,
  RpcStatus,
  decodeResponse,
  encodeCall,
  encodeConnectionContext,
  encodeFrame,
  type DecodedResponse,
} from '../../cluster/protocol/rpc-frame.js';
import { Journal } from '../../cluster/transport/journal.js';
import { RpcClient } from '../../cluster/transport/rpc-client.js';
import { startRpcServer, type RpcCallContext, type RpcServer } from '../../cluster/runtime/rpc-server.js';

const journal = new Journal(null, 'test');
let server: RpcServer | null = null;
const seen: RpcCallContext[] = [];

afterEach(async () => {
  await server?.close();
  server = null;
  seen.length = 0;
});

async function serve(): Promise<RpcServer> {
  server = await startRpcServer({
    host: '127.0.0.1',
    port: 0,
    selfId: 'nn',
    journal,
    handler: async (method, params, ctx) => {
      seen.push(ctx);
      const p = params as { src?: string };
      if (method === 'getFileInfo' && p.src === '/missing') return null;
      if (method === 'getFileInfo')
        throw new RemoteError('FileNotFoundException', `File does not exist: ${p.src}`);
      if (method === 'delete') {
        // Answer later the calls whose path says so: replies must find their callers by callId.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (p.src === '/slow') await new Promise<void>((resolve) => setTimeout(resolve, 30));
        return p.src === '/slow';
      }
      return true;
    },
  });
  return server;
}

function connect(s: RpcServer, user?: string): Promise<RpcClient> {
  return RpcClient.connect({
    host: '127.0.0.1',
    port: s.port,
    selfId: 'client',
    peerId: 'nn',
    journal,
    ...(user ? { user } : {}),
  });
}

/** Send bytes, collect everything until the server closes (or a quiet moment), split into responses. */
function rawExchange(
  port: number,
  bytes: Buffer,
  { waitClose = true, quietMs = 300 } = {},
): Promise<{ raw: Buffer; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const done = (closed: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ raw: Buffer.concat(chunks), closed });
    };
    socket.on('data', (c) => chunks.push(c));
    socket.on('close', () => done(true));
    socket.on('error', () => done(true));
    socket.write(bytes);
    if (!waitClose) timer = setTimeout(() => done(false), quietMs);
  });
}

function responses(raw: Buffer): DecodedResponse[] {
  const decoder = new RpcFrameDecoder(false);
  decoder.push(raw);
  const out: DecodedResponse[] = [];
  for (let unit = decoder.next(); unit; unit = decoder.next()) out.push(decodeResponse(unit.raw));
  return out;
}

const CLIENT_ID = Buffer.from('0123456789abcdef');
const context = encodeConnectionContext({ clientId: CLIENT_ID, user: 'alice', protocol: CLIENT_PROTOCOL });
const call = (callId: number, methodName: string, request: Uint8Array): Buffer =>
  encodeCall({ callId, clientId: CLIENT_ID, methodName, protocol: CLIENT_PROTOCOL, request });

describe('RPC server', () => {
  it('answers an application error with the HDFS exception and keeps the connection', async () => {
    const s = await serve();
    const client = await connect(s, 'alice');
    await expect(client.call('getFileInfo', { src: '/nope' })).rejects.toMatchObject({
      errorClass: 'FileNotFoundException',
      message: 'File does not exist: /nope',
    });
    await expect(client.call('getFileInfo', { src: '/missing' })).resolves.toBeNull();
    await expect(client.call('mkdirs', { src: '/a', permission: 0o755, createParent: true })).resolves.toBe(
      true,
    );
    expect(seen.map((c) => c.user)).toEqual(['alice', 'alice', 'alice']);
    expect(seen.map((c) => c.callId)).toEqual([0, 1, 2]);
    client.close();
  });

  it('answers calls in flight together, each with its own callId, in the order they finish', async () => {
    const s = await serve();
    const client = await connect(s);
    const slow = client.call('delete', { src: '/slow', recursive: true });
    const fast = client.call('delete', { src: '/fast', recursive: true });
    await expect(Promise.all([slow, fast])).resolves.toEqual([true, false]);
    client.close();
  });

  it("gives an HTTP GET Hadoop's plain-text answer", async () => {
    const s = await serve();
    const { raw } = await rawExchange(s.port, Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    expect(raw.toString('latin1')).toBe(HTTP_GET_RESPONSE);
  });

  it('answers a wrong preamble with FATAL VersionMismatch and closes, then serves others', async () => {
    const s = await serve();
    const { raw, closed } = await rawExchange(s.port, Buffer.from('hrpc\x04\x00\x00', 'latin1'));
    const [fatal] = responses(raw);
    expect(closed).toBe(true);
    expect(fatal?.header).toMatchObject({
      status: RpcStatus.FATAL,
      exceptionClassName: 'org.apache.hadoop.ipc.RPC$VersionMismatch',
      errorDetail: RpcErrorCode.FATAL_VERSION_MISMATCH,
    });
    const client = await connect(s);
    await expect(client.call('getFileInfo', { src: '/missing' })).resolves.toBeNull();
    client.close();
  });

  it('answers FATAL and closes for a call before the context and for an oversized frame', async () => {
    const s = await serve();
    const early = await rawExchange(
      s.port,
      Buffer.concat([RPC_PREAMBLE, call(0, 'getFileInfo', Buffer.from('0a012f', 'hex'))]),
    );
    expect(responses(early.raw)[0]?.header.errorMsg).toBe('Connection context not established');
    expect(early.closed).toBe(true);
    const huge = Buffer.alloc(4);
    huge.writeUInt32BE(0xffffffff);
    const big = await rawExchange(s.port, Buffer.concat([RPC_PREAMBLE, context, huge]));
    expect(responses(big.raw)[0]?.header).toMatchObject({
      status: RpcStatus.FATAL,
      errorDetail: RpcErrorCode.FATAL_INVALID_RPC_HEADER,
    });
  });

  it('names an unknown method as Hadoop does and keeps serving the connection', async () => {
    const s = await serve();
    const request = entryFor(CLIENT_PROTOCOL, 'getFileInfo')!.encodeRequest({ src: '/missing' } as never);
    const { raw, closed } = await rawExchange(
      s.port,
      Buffer.concat([
        RPC_PREAMBLE,
        context,
        call(1, 'dropAllTables', new Uint8Array()),
        call(2, 'getFileInfo', request),
      ]),
      { waitClose: false },
    );
    const [unknown, ok] = responses(raw);
    expect(closed).toBe(false);
    expect(unknown?.header).toMatchObject({
      callId: 1,
      status: RpcStatus.ERROR,
      exceptionClassName: 'org.apache.hadoop.ipc.RpcNoSuchMethodException',
      errorMsg:
        'Unknown method dropAllTables called on org.apache.hadoop.hdfs.protocol.ClientProtocol protocol.',
      errorDetail: RpcErrorCode.ERROR_NO_SUCH_METHOD,
    });
    expect(ok?.header).toMatchObject({ callId: 2, status: RpcStatus.SUCCESS });
  });

  it('ignores pings (callId -4) and refuses a request missing a required field with FATAL', async () => {
    const s = await serve();
    const ping = encodeFrame([Buffer.from('0802100018072210' + CLIENT_ID.toString('hex'), 'hex')]);
    const { raw, closed } = await rawExchange(
      s.port,
      Buffer.concat([RPC_PREAMBLE, context, ping, call(5, 'getFileInfo', new Uint8Array())]),
    );
    const answers = responses(raw);
    expect(answers).toHaveLength(1);
    expect(answers[0]?.callId).toBe(5);
    expect(answers[0]?.header.errorDetail).toBe(RpcErrorCode.FATAL_DESERIALIZING_REQUEST);
    expect(answers[0]?.header.errorMsg).toMatch(
      /IPC server unable to read call parameters: Message missing required fields: src/,
    );
    expect(closed).toBe(true);
  });

  it('survives random bytes, truncated frames and bad headers, and keeps serving', async () => {
    const s = await serve();
    const prng = createPrng('rpc-fuzz');
    const valid = Buffer.concat([
      RPC_PREAMBLE,
      context,
      call(1, 'getFileInfo', Buffer.from('0a012f', 'hex')),
    ]);
    for (let i = 0; i < 40; i++) {
      const kind = i % 4;
      let bytes: Buffer;
      if (kind === 0) bytes = Buffer.from(Array.from({ length: 1 + prng.int(200) }, () => prng.int(256)));
      else if (kind === 1) bytes = valid.subarray(0, 7 + prng.int(valid.length - 7));
      else {
        // A valid preamble and context, then a frame whose body is garbage or a flipped valid frame.
        const body = Buffer.from(valid.subarray(RPC_PREAMBLE.length + context.length));
        for (let j = 0; j < 3; j++) body[4 + prng.int(body.length - 4)] = prng.int(256);
        bytes = Buffer.concat([RPC_PREAMBLE, context, kind === 2 ? body : body.subarray(0, body.length - 3)]);
      }
      await rawExchange(s.port, bytes, { waitClose: false, quietMs: 20 });
    }
    const client = await connect(s);
    await expect(client.call('getFileInfo', { src: '/missing' })).resolves.toBeNull();
    client.close();
  });

  it('tells a client whose server is gone what to check', async () => {
    const s = await serve();
    const port = s.port;
    await s.close();
    server = null;
    await expect(
      RpcClient.connect({ host: '127.0.0.1', port, selfId: 'client', peerId: 'nn', journal }),
    ).rejects.toThrowError(/cannot reach nn at 127\.0\.0\.1:\d+ \(ECONNREFUSED\); is the cluster running\?/);
  });
});

describe('naming a DataNode before it registers', () => {
  it('names a DatanodeProtocol connection from its address, so versionRequest is not "client"', async () => {
    server = await startRpcServer({
      host: '127.0.0.1',
      port: 0,
      selfId: 'nn',
      journal,
      callerOfAddress: (protocol, host) =>
        protocol === DATANODE_PROTOCOL && host === '127.0.0.1' ? 'dn1' : undefined,
      handler: (_method, _params, ctx) => {
        seen.push(ctx);
        return {
          namespaceId: 1,
          clusterId: 'CID-1',
          blockPoolId: 'BP-1-127.0.0.1-1',
          layoutVersion: -66,
          cTime: 0,
          softwareVersion: '3.3.6',
        };
      },
    });
    const dn = await RpcClient.connect({
      host: '127.0.0.1',
      port: server.port,
      selfId: 'dn1',
      peerId: 'nn',
      journal,
      protocol: DATANODE_PROTOCOL,
    });
    const client = await connect(server);
    try {
      await dn.call('versionRequest', {});
      await client.call('getServerDefaults', {}).catch(() => undefined);
      expect(seen.map((c) => c.caller)).toEqual(['dn1', 'client']);
    } finally {
      dn.close();
      client.close();
    }
  });
});
