/**
 * WebHDFS, the DataNode's half (WebHdfsHandler): /webhdfs/v1/<path>?op=CREATE|APPEND|OPEN|GETFILECHECKSUM
 * with namenoderpcaddress naming this DataNode's NameNode. The DataNode acts as an HDFS client of
 * that NameNode, as the user in `user.name`, and writes or reads through the real pipeline, so
 * `lab traffic` shows the same frames as a `lab fs -put`. datanode-http.ts loads this module on the
 * first WebHDFS request, so an idle DataNode does not hold the client's code.
 */
import type http from 'node:http';
import { DFSClient, type DFSOutputStream } from '../client/dfs-client.js';
import type { ClusterDescription } from '../home/description.js';
import { RemoteError } from '../protocol/errors.js';
import { sendHttpStream, type HttpExchange } from '../transport/http-journal.js';
import { RpcClient } from '../transport/rpc-client.js';
import type { DatanodeHttpOptions } from './datanode-http.js';
import {
  badParam,
  boolParam,
  DATANODE_CORS_HEADERS,
  DATANODE_OPS,
  fileChecksumJson,
  illegalArgument,
  longParam,
  parseWebHdfsRequest,
  permissionParam,
  sendJson,
  sendWebHdfsError,
  type WebHdfsRequest,
} from '../client/webhdfs.js';
import { WEBHDFS_UPLOAD_BYTES_MAX } from '../protocol/limits.js';

let opCounter = 0;

/**
 * The verb of each data op's operation id. The id rides to the next DataNodes in DataTransfer's
 * traceInfo only as a camelCase verb of at most 13 letters (opIdToTraceInfo), so a WebHDFS write's
 * whole pipeline carries it; lab/trace reads webhdfsCreate and webhdfsAppend as a put, webhdfsOpen
 * as a get.
 */
const OP_VERBS: Record<string, string> = {
  CREATE: 'webhdfsCreate',
  APPEND: 'webhdfsAppend',
  OPEN: 'webhdfsOpen',
  GETFILECHECKSUM: 'webhdfsCksum',
};

/** One WebHDFS data op: parsed and checked, then served through a DFSClient opened for it. */
export async function serveWebHdfs(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  opts: DatanodeHttpOptions,
  exchange: HttpExchange,
): Promise<void> {
  let request: WebHdfsRequest;
  try {
    request = parseWebHdfsRequest(req.method ?? '?', req.url ?? '/');
    if (!DATANODE_OPS.has(request.op)) throw illegalArgument(`Invalid operation ${request.op}`);
    checkNamenode(request, opts.description);
  } catch (err) {
    req.resume();
    return sendWebHdfsError(exchange, res, err);
  }
  if (request.op !== 'CREATE' && request.op !== 'APPEND') req.resume();
  const opId = `${OP_VERBS[request.op] ?? 'webhdfs'}-${process.pid}-${++opCounter}`;
  let client: DFSClient | null = null;
  try {
    client = await clientFor(opts, request.user);
    if (request.op === 'CREATE') return await create(req, res, { request, client, exchange, opId });
    if (request.op === 'APPEND') return await append(req, res, { request, client, exchange, opId });
    if (request.op === 'OPEN') return await open(res, { request, client, exchange, opId });
    if (request.op === 'GETFILECHECKSUM') {
      const checksum = await client.getFileChecksum(request.path, opId);
      if (!checksum) throw new RemoteError('IOException', `${request.path} has no blocks: no checksum`);
      return sendJson(exchange, res, 200, fileChecksumJson(checksum), DATANODE_CORS_HEADERS);
    }
    throw illegalArgument(`Invalid operation ${request.op}`);
  } catch (err) {
    req.resume();
    if (!res.headersSent) return sendWebHdfsError(exchange, res, err);
    res.destroy();
  } finally {
    await client?.close();
  }
}

/** WebHdfsHandler serves only the NameNode it belongs to: namenoderpcaddress must name it. */
function checkNamenode(request: WebHdfsRequest, description: ClusterDescription): void {
  const named = request.params.get('namenoderpcaddress');
  if (named === undefined || named === '')
    throw badParam('namenoderpcaddress', 'namenoderpcaddress is not specified.');
  const own = `${description.namenode.host}:${description.namenode.port}`;
  if (named !== own) {
    throw badParam('namenoderpcaddress', `${named} is not the NameNode of this DataNode (${own}).`);
  }
}

/** An HDFS client of the NameNode, as `user`, speaking from this DataNode's address under its name. */
async function clientFor(opts: DatanodeHttpOptions, user: string): Promise<DFSClient> {
  const namenode = await RpcClient.connect({
    host: opts.description.namenode.host,
    port: opts.description.namenode.port,
    selfId: opts.id,
    peerId: opts.description.namenode.id,
    journal: opts.journal,
    user,
    localAddress: opts.host,
  });
  const client = new DFSClient({
    session: { description: opts.description, config: opts.config, journal: opts.journal, namenode },
    selfId: opts.id,
    clientHost: opts.host,
    warn: (line) => opts.journal.event({ type: 'log', level: 'warn', text: `${opts.id}: ${line}` }),
  });
  const close = client.close.bind(client);
  client.close = async () => {
    await close();
    namenode.close();
  };
  return client;
}

interface OpContext {
  request: WebHdfsRequest;
  client: DFSClient;
  exchange: HttpExchange;
  opId: string;
}

/** CREATE: the request body through a pipeline; 201 with `Location: hdfs://<nn><path>`. */
async function create(req: http.IncomingMessage, res: http.ServerResponse, ctx: OpContext): Promise<void> {
  const { request, client } = ctx;
  const replication = longParam(request, 'replication', null, 1);
  const blockSize = longParam(request, 'blocksize', null, 1);
  const out = await client.create(request.path, {
    overwrite: boolParam(request, 'overwrite', false),
    createParent: boolParam(request, 'createparent', true),
    permission: permissionParam(request, 0o644),
    ...(replication !== null ? { replication } : {}),
    ...(blockSize !== null ? { blockSize } : {}),
    opId: ctx.opId,
  });
  await pump(req, out);
  const nn = request.params.get('namenoderpcaddress') ?? '';
  sendJson(ctx.exchange, res, 201, null, {
    location: `hdfs://${nn}${request.path}`,
    ...DATANODE_CORS_HEADERS,
  });
}

/** APPEND: the request body at the end of the file (DFSClient.append); 200 with no body. */
async function append(req: http.IncomingMessage, res: http.ServerResponse, ctx: OpContext): Promise<void> {
  const out = await ctx.client.append(ctx.request.path, { opId: ctx.opId });
  await pump(req, out);
  sendJson(ctx.exchange, res, 200, null, DATANODE_CORS_HEADERS);
}

/** The request body into the output stream, bounded; the stream is aborted on any failure. */
async function pump(req: http.IncomingMessage, out: DFSOutputStream): Promise<void> {
  let received = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      received += chunk.length;
      if (received > WEBHDFS_UPLOAD_BYTES_MAX) {
        throw illegalArgument(`upload larger than ${WEBHDFS_UPLOAD_BYTES_MAX} bytes refused`);
      }
      await out.write(chunk);
    }
    await out.close();
  } catch (err) {
    out.abort();
    throw err;
  }
}

/** OPEN: the file's bytes from `offset`, `length` of them at most, every chunk CRC-checked. */
async function open(res: http.ServerResponse, ctx: OpContext): Promise<void> {
  const { request, client } = ctx;
  const offset = longParam(request, 'offset', 0);
  const length = longParam(request, 'length', null);
  const input = await client.open(request.path, ctx.opId, offset);
  // WebHdfsHandler seeks the DFSInputStream there first; DFSInputStream.seek refuses past the end.
  if (offset > input.fileLength) throw new RemoteError('EOFException', 'Cannot seek after EOF');
  const count = Math.min(input.fileLength - offset, length ?? Number.MAX_SAFE_INTEGER);
  async function* limited(): AsyncGenerator<Buffer> {
    let left = count;
    if (left === 0) return;
    for await (const chunk of input) {
      const part = chunk.length > left ? chunk.subarray(0, left) : chunk;
      left -= part.length;
      yield part;
      if (left === 0) return;
    }
  }
  await sendHttpStream(ctx.exchange, res, {
    status: 200,
    headers: {
      'content-type': 'application/octet-stream',
      'content-length': count,
      ...DATANODE_CORS_HEADERS,
    },
    chunks: limited(),
  });
}
