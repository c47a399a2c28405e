/**
 * The DataNode's HTTP server (dfs.datanode.http.address, 9864), loopback only:
 *   /webhdfs/v1/<path>?op=CREATE|APPEND|OPEN|GETFILECHECKSUM&namenoderpcaddress=…   the second step of
 *        WebHDFS's data ops (WebHdfsHandler): the DataNode acts as an HDFS client of the NameNode
 *        named in the query, as the user in `user.name`, and writes or reads through the real
 *        pipeline (create → addBlock → WRITE_BLOCK packets → complete; getBlockLocations →
 *        READ_BLOCK), so `lab traffic` shows the same frames as a `lab fs -put`
 *        (./datanode-webhdfs.ts, loaded on the first such request).
 *   GET /jmx      DataNodeInfo and FSDatasetState, as JMXJsonServlet, and the process's java.lang beans.
 *   GET /conf, /stacks   the DataNode's configuration and process state (./daemon-pages.ts).
 *   GET /         a small status page (Hadoop's datanode.html).
 * Responses to WebHDFS carry `Access-Control-Allow-Origin: *` and OPTIONS is answered, as
 * WebHdfsHandler does, so the NameNode's web UI can upload to a DataNode from the browser.
 */
import http from 'node:http';
import type { LabConfig } from '../config/config.js';
import type { ClusterDescription } from '../home/description.js';
import { jmxBody, queryBeans, type JmxBean } from '../namenode/jmx.js';
import { recvHttpRequest, sendHttpResponse, type HttpExchange } from '../transport/http-journal.js';
import type { Journal } from '../transport/journal.js';
import { limitHttpServer, closeHttpServer, listenWithFallback } from '../transport/http-limits.js';
import { daemonPage } from './daemon-pages.js';
import { processBeans } from './process-info.js';
import { DATANODE_CORS_HEADERS, sendWebHdfsError, WEBHDFS_PREFIX } from '../client/webhdfs.js';
import { DATANODE_HTTP_TIMEOUT_MS } from '../protocol/limits.js';

/** dfs.datanode.http.address's port (DFSConfigKeys.DFS_DATANODE_HTTP_DEFAULT_PORT). */
export const DATANODE_HTTP_PORT_DEFAULT = 9864;

/** What the DataNode's pages show: its state now. */
export interface DatanodeHttpState {
  datanodeUuid: string;
  storageId: string;
  clusterId: string;
  blockPoolId: string;
  dataDir: string;
  xferPort: number;
  /** The IPC port (ClientDatanodeProtocol); 0 until it is bound. */
  ipcPort: number;
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
      return sendHttpResponse(exchange, res, {
        status: 200,
        headers: DATANODE_CORS_HEADERS,
        body: Buffer.alloc(0),
      });
    }
    // Loaded on the first WebHDFS request: the HDFS client it serves through is most of what an
    // idle DataNode would otherwise hold in memory for nothing (an idle DataNode's RSS).
    const { serveWebHdfs } = await import('./datanode-webhdfs.js');
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
    // dfs.datanode.ipc.address's port: the ClientDatanodeProtocol server (DataNode.getRpcPort).
    RpcPort: String(s?.ipcPort ?? 0),
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
