/**
 * The DataNode's HTTP server (dfs.datanode.http.address, 9864), loopback only:
 *   /webhdfs/v1/<path>?op=CREATE|APPEND|OPEN|GETFILECHECKSUM&namenoderpcaddress=…   the second step of
 *        WebHDFS's data ops (WebHdfsHandler): the DataNode acts as an HDFS client of the NameNode
 *        named in the query, as the user in `user.name`, and writes or reads through the real
 *        pipeline (create → addBlock → WRITE_BLOCK packets → complete; getBlockLocations →
 *        READ_BLOCK), so `lab traffic` shows the same frames as a `lab fs -put`.
 *   GET /jmx      DataNodeInfo and FSDatasetState, as JMXJsonServlet, and the process's java.lang beans.
 *   GET /conf, /stacks   the DataNode's configuration and process state (./daemon-pages.ts).
 *   GET /         a small status page (Hadoop's datanode.html).
 * Responses to WebHDFS carry `Access-Control-Allow-Origin: *` and OPTIONS is answered, as
 * WebHdfsHandler does, so the NameNode's web UI can upload to a DataNode from the browser.
 */
import http from 'node:http';
import { DFSClient, type DFSOutputStream } from '../client/dfs-client.js';
import type { LabConfig } from '../config/config.js';
import type { ClusterDescription } from '../home/description.js';
import { jmxBody, queryBeans, type JmxBean } from '../namenode/jmx.js';
import { RemoteError } from '../protocol/errors.js';
import {
  recvHttpRequest,
  sendHttpResponse,
  sendHttpStream,
  type HttpExchange,
} from '../transport/http-journal.js';
import type { Journal } from '../transport/journal.js';
import { limitHttpServer, closeHttpServer, listenWithFallback } from '../transport/http-limits.js';
import { daemonPage } from './daemon-pages.js';
import { processBeans } from './process-info.js';
import { RpcClient } from '../transport/rpc-client.js';
import {
  badParam,
  boolParam,
  DATANODE_OPS,
  fileChecksumJson,
  illegalArgument,
  longParam,
  parseWebHdfsRequest,
  permissionParam,
  sendJson,
  sendWebHdfsError,
  WEBHDFS_PREFIX,
  WEBHDFS_UPLOAD_BYTES_MAX,
  type WebHdfsRequest,
} from '../client/webhdfs.js';

/** dfs.datanode.http.address's port (DFSConfigKeys.DFS_DATANODE_HTTP_DEFAULT_PORT). */
export const DATANODE_HTTP_PORT_DEFAULT = 9864;

/** A WebHDFS transfer that stalls this long is cut (the lab's files are small). */
const DATANODE_HTTP_TIMEOUT_MS = 120_000;

/** What the DataNode's pages show: its state now. */
export interface DatanodeHttpState {
  datanodeUuid: string;
  storageId: string;
  clusterId: string;
  blockPoolId: string;
  dataDir: string;
  xferPort: number;
  capacity: number;
  dfsUsed: number;
  remaining: number;
  nonDfsUsed: number;
  numBlocks: number;
  xceiverCount: number;
}

export interface DatanodeHttpOptions {
  id: string;
  host: string;
  port: number;
  journal: Journal;
  description: ClusterDescription;
  config: LabConfig;
  softwareVersion: string;
  startedMs: number;
  /** null until the DataNode has registered its volume. */
  state: () => DatanodeHttpState | null;
}

export interface DatanodeHttpServer {
  port: number;
  close(): Promise<void>;
}

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, PUT, POST, OPTIONS',
  'access-control-allow-headers': 'content-type',
  'access-control-max-age': '86400',
};

export async function startDatanodeHttp(opts: DatanodeHttpOptions): Promise<DatanodeHttpServer> {
  let boundPort = 0;
  const server = http.createServer((req, res) => {
    const isUpload = req.method === 'PUT' || req.method === 'POST';
    const exchange = recvHttpRequest(opts.journal, req, {
      serverId: opts.id,
      dataBytes: isUpload ? Number(req.headers['content-length'] ?? 0) || 0 : 0,
    });
    route(req, res, { ...opts, port: boundPort }, exchange).catch((err: unknown) => {
      if (!res.headersSent) sendWebHdfsError(exchange, res, err);
      else res.destroy();
    });
  });
  limitHttpServer(server, { requestTimeoutMs: DATANODE_HTTP_TIMEOUT_MS });
  const port = await listenWithFallback(server, opts.host, opts.port);
  boundPort = port;
  return {
    port,
    close: () => closeHttpServer(server),
  };
}

async function route(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  opts: DatanodeHttpOptions,
  exchange: HttpExchange,
): Promise<void> {
  const pathname = (req.url ?? '/').split('?')[0] ?? '/';
  if (pathname === WEBHDFS_PREFIX || pathname.startsWith(`${WEBHDFS_PREFIX}/`)) {
    if (req.method === 'OPTIONS') {
      req.resume();
      return sendHttpResponse(exchange, res, { status: 200, headers: CORS_HEADERS, body: Buffer.alloc(0) });
    }
    return serveWebHdfs(req, res, opts, exchange);
  }
  req.resume();
  if (req.method !== 'GET') {
    return text(exchange, res, 405, `HTTP method ${req.method ?? '?'} is not supported by this URL\n`);
  }
  const url = new URL(req.url ?? '/', 'http://datanode');
  const common = daemonPage(req, url, { daemon: opts.id, config: opts.config });
  if (common) {
    return sendHttpResponse(exchange, res, {
      status: common.status,
      headers: { 'content-type': common.contentType },
      body: Buffer.from(common.body, 'utf8'),
    });
  }
  if (pathname === '/jmx') {
    const beans = [...datanodeBeans(opts), ...processBeans(opts.startedMs, Date.now())];
    const answer = queryBeans(beans, url.searchParams);
    return sendHttpResponse(exchange, res, {
      status: answer.status,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: Buffer.from(jmxBody(answer), 'utf8'),
    });
  }
  if (pathname === '/' || pathname === '/index.html' || pathname === '/datanode.html') {
    return sendHttpResponse(exchange, res, {
      status: 200,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: Buffer.from(statusPage(opts), 'utf8'),
    });
  }
  text(
    exchange,
    res,
    404,
    `no such path ${pathname}; the DataNode serves /, /jmx, /conf, /stacks and ${WEBHDFS_PREFIX}\n`,
  );
}

function text(exchange: HttpExchange, res: http.ServerResponse, status: number, body: string): void {
  sendHttpResponse(exchange, res, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    body: Buffer.from(body, 'utf8'),
  });
}

// ---------------------------------------------------------------------------------------------
// WebHDFS, the DataNode's half
// ---------------------------------------------------------------------------------------------

let opCounter = 0;

async function serveWebHdfs(
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
  const opId = `webhdfs-${request.op.toLowerCase()}-${process.pid}-${++opCounter}`;
  let client: DFSClient | null = null;
  try {
    client = await clientFor(opts, request.user);
    if (request.op === 'CREATE') return await create(req, res, { request, client, exchange, opId });
    if (request.op === 'APPEND') return await append(req, res, { request, client, exchange, opId });
    if (request.op === 'OPEN') return await open(res, { request, client, exchange, opId });
    if (request.op === 'GETFILECHECKSUM') {
      const checksum = await client.getFileChecksum(request.path, opId);
      if (!checksum) throw new RemoteError('IOException', `${request.path} has no blocks: no checksum`);
      return sendJson(exchange, res, 200, fileChecksumJson(checksum), CORS_HEADERS);
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
  sendJson(ctx.exchange, res, 201, null, { location: `hdfs://${nn}${request.path}`, ...CORS_HEADERS });
}

/** APPEND: the request body at the end of the file (DFSClient.append); 200 with no body. */
async function append(req: http.IncomingMessage, res: http.ServerResponse, ctx: OpContext): Promise<void> {
  const out = await ctx.client.append(ctx.request.path, { opId: ctx.opId });
  await pump(req, out);
  sendJson(ctx.exchange, res, 200, null, CORS_HEADERS);
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
  if (offset > input.fileLength) {
    throw new RemoteError(
      'IOException',
      `Offset=${offset} out of the range [0, ${input.fileLength}]; OPEN, path=${request.path}`,
    );
  }
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
    headers: { 'content-type': 'application/octet-stream', 'content-length': count, ...CORS_HEADERS },
    chunks: limited(),
  });
}

// ---------------------------------------------------------------------------------------------
// /jmx and the status page
// ---------------------------------------------------------------------------------------------

export const DATANODE_INFO_BEAN = 'Hadoop:service=DataNode,name=DataNodeInfo';
export const FSDATASET_STATE_BEAN = 'Hadoop:service=DataNode,name=FSDatasetState';

/** DataNodeMXBean and FSDatasetMBean: the attributes the lab fills honestly. */
export function datanodeBeans(opts: DatanodeHttpOptions): JmxBean[] {
  const s = opts.state();
  const nn = `${opts.description.namenode.host}`;
  const info: JmxBean = {
    name: DATANODE_INFO_BEAN,
    modelerType: 'org.apache.hadoop.hdfs.server.datanode.DataNode',
    Version: opts.softwareVersion,
    SoftwareVersion: opts.softwareVersion,
    // The lab's DataNodes run no ClientDatanodeProtocol server (dfs.datanode.ipc.address): they
    // register ipcPort 0, and this says the same.
    RpcPort: '0',
    DataPort: String(s?.xferPort ?? 0),
    HttpPort: String(opts.port),
    DatanodeHostname: opts.id,
    ClusterId: s?.clusterId ?? '',
    NamenodeAddresses: JSON.stringify(s ? { [nn]: s.blockPoolId } : {}),
    VolumeInfo: JSON.stringify(
      s
        ? {
            [s.dataDir]: {
              usedSpace: s.dfsUsed,
              freeSpace: s.remaining,
              reservedSpace: 0,
              numBlocks: s.numBlocks,
            },
          }
        : {},
    ),
    XceiverCount: s?.xceiverCount ?? 0,
  };
  const dataset: JmxBean = {
    name: FSDATASET_STATE_BEAN,
    modelerType: 'org.apache.hadoop.hdfs.server.datanode.fsdataset.impl.FsDatasetImpl',
    Capacity: s?.capacity ?? 0,
    DfsUsed: s?.dfsUsed ?? 0,
    Remaining: s?.remaining ?? 0,
    NumFailedVolumes: 0,
    FailedStorageLocations: [],
    LastVolumeFailureDate: 0,
    EstimatedCapacityLostTotal: 0,
    StorageInfo: s ? `FSDataset{dirpath='[${s.dataDir}]'}` : '',
    NumBlocks: s?.numBlocks ?? 0,
  };
  return [info, dataset];
}

function statusPage(opts: DatanodeHttpOptions): string {
  const s = opts.state();
  const esc = (t: string | number): string => String(t).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const row = (k: string, v: string | number): string => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>DataNode Information</title>
<style>body{font-family:sans-serif;margin:24px}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}table{border-collapse:collapse}</style>
</head><body>
<h1>DataNode on ${esc(opts.id)} (${esc(opts.host)})</h1>
<table id="datanode-info">
${row('Cluster ID', s?.clusterId ?? '(not registered yet)')}
${row('Started', new Date(opts.startedMs).toString())}
${row('Version', opts.softwareVersion)}
${row('NameNode', `${opts.description.namenode.host}:${opts.description.namenode.port}`)}
${row('Block Pool ID', s?.blockPoolId ?? '')}
${row('Datanode UUID', s?.datanodeUuid ?? '')}
${row('Storage ID', s?.storageId ?? '')}
${row('Data directory', s?.dataDir ?? '')}
${row('Transfer port', s?.xferPort ?? 0)}
${row('Capacity', s?.capacity ?? 0)}
${row('DFS Used', s?.dfsUsed ?? 0)}
${row('Remaining', s?.remaining ?? 0)}
${row('Blocks', s?.numBlocks ?? 0)}
</table>
<p>Beans: <a href="/jmx">/jmx</a> · configuration: <a href="/conf">/conf</a> · process: <a href="/stacks">/stacks</a></p>
</body></html>
`;
}
