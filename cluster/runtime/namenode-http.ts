/**
 * The NameNode's HTTP server (dfs.namenode.http-address, 9870 by default), serving what HDFS
 * serves over HTTP:
 *   GET /fsck?ugi=USER&path=P&files=1&blocks=1&locations=1&racks=1&openforwrite=1&move=1&delete=1
 *        FsckServlet: the NameNode walks the namespace and streams NamenodeFsck's report text;
 *        with move/delete it first copies each corrupt file's readable blocks to /lost+found and/or
 *        deletes it (./fsck-repair.ts), as the user who asked.
 *        `&format=json` (lab-only) answers the same walk as JSON (FsckResult) for the lab's own
 *        tools: `lab fsck --json`, the dashboard, the balancer, probes and scenarios.
 *   GET /jmx[?qry=Hadoop:service=NameNode,name=…][?get=NAME::ATTRIBUTE]
 *        JMXJsonServlet: the NameNode's beans (cluster/namenode/jmx.ts).
 *   GET /conf, /stacks   the NameNode's configuration and process state (./daemon-pages.ts).
 *   GET /startupProgress   StartupProgressServlet: the phases of this start with their counts.
 *   GET|PUT /imagetransfer    ImageServlet: the checkpoint's transfers (./image-transfer.ts).
 *   GET|PUT|POST|DELETE /webhdfs/v1/<path>?op=…   WebHDFS (./webhdfs-namenode.ts).
 *   GET /, /dfshealth.html, /explorer.html    the web UI (./web-ui.ts), reading /jmx and WebHDFS.
 * Each request and response is an `http` frame in the journal (./http-journal.ts). The server
 * binds the NameNode's loopback address only.
 */
import fs from 'node:fs';
import http from 'node:http';
import { labUser } from '../common/user.js';
import {
  corruptFileBlocksText,
  fsckBlockIdText,
  fsckRepairTargets,
  fsckReportText,
  toReport,
  type FsckRequest,
} from '../namenode/fsck-report.js';
import { jmxBody, namenodeBeans, queryBeans } from '../namenode/jmx.js';
import type { NameNodeCore } from '../namenode/namenode.js';
import type { StartupProgressView } from '../namenode/startup-progress.js';
import { namenodeHttpAddressFile, namenodeHttpPortWanted } from '../home/http-address.js';
import { readLabWebAddress } from '../home/lab-web-address.js';
import { recvHttpRequest, sendHttpResponse, type HttpExchange } from '../transport/http-journal.js';
import { limitHttpServer, closeHttpServer, listenWithFallback } from '../transport/http-limits.js';
import { CONF_PATH, daemonPage, STACKS_PATH } from './daemon-pages.js';
import { COMPILE_INFO, processBeans } from './process-info.js';
import { serveWebHdfs, type WebHdfsNamenodeOptions } from './webhdfs-namenode.js';
import { WEBHDFS_PREFIX } from '../client/webhdfs.js';
import { namenodeUiPage } from './web-ui.js';
import {
  IMAGE_TRANSFER_PATH,
  IMAGE_TRANSFER_TIMEOUT_MS,
  reply,
  serveImageTransfer,
  type ImageTransferServerOptions,
} from './image-transfer.js';

export const FSCK_PATH = '/fsck';
export const JMX_PATH = '/jmx';
export const STARTUP_PROGRESS_PATH = '/startupProgress';

/** hadoop.http.staticuser.user: who an HTTP request without a user is. */
export const HTTP_STATIC_USER = 'dr.who';

/** A path in /fsck's query longer than this is refused: HDFS's own limit on a path is 8000 bytes. */
const FSCK_PATH_BYTES_MAX = 8_000;

export interface NamenodeHttpOptions extends ImageTransferServerOptions {
  core: NameNodeCore;
  /** The NameNode's RPC address (NameNodeStatus.HostAndPort). */
  rpcAddress: string;
  softwareVersion: string;
  startedMs: number;
  /** StartupProgressServlet's view of this start, brought up to date. */
  startupProgress: (nowMs: number) => StartupProgressView;
  /** What WebHDFS needs: the NameNode's call handler (as an RPC) and its DataNodes. */
  webhdfs: Omit<WebHdfsNamenodeOptions, 'datanodes' | 'rpcAddress'>;
}

export interface NamenodeHttpServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the NameNode's HTTP server and publishes its address (nn-http.address). */
export async function startNamenodeHttp(opts: NamenodeHttpOptions): Promise<NamenodeHttpServer> {
  const host = opts.desc.namenode.host;
  const server = http.createServer((req, res) => {
    // A PUT's body is the image: its content-length is the payload the request frame carries.
    const dataBytes =
      req.method === 'PUT' && req.url?.startsWith(IMAGE_TRANSFER_PATH)
        ? Number(req.headers['content-length'] ?? 0) || 0
        : 0;
    const exchange = recvHttpRequest(opts.journal, req, { serverId: opts.journal.proc, dataBytes });
    route(req, res, opts, exchange).catch((err: unknown) => {
      reply(res, exchange, 500, `internal error: ${(err as Error).message}`);
    });
  });
  limitHttpServer(server, { requestTimeoutMs: IMAGE_TRANSFER_TIMEOUT_MS });
  const port = await listenWithFallback(server, host, namenodeHttpPortWanted(opts.desc, opts.config));
  fs.writeFileSync(namenodeHttpAddressFile(opts.home), `${host}:${port}\n`);
  opts.journal.event({ type: 'log', level: 'info', text: `HTTP server up at http://${host}:${port}` });
  return {
    host,
    port,
    close: () => closeHttpServer(server),
  };
}

/** The learning pages' URL while `lab web` serves them for this lab home. */
function learningPagesUrl(home: string): string | undefined {
  const address = readLabWebAddress(home);
  return address === undefined ? undefined : `http://${address}/lab/`;
}

async function route(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  opts: NamenodeHttpOptions,
  exchange: HttpExchange,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://namenode');
  if (url.pathname === IMAGE_TRANSFER_PATH) return serveImageTransfer(req, res, opts, exchange);
  if (url.pathname === WEBHDFS_PREFIX || url.pathname.startsWith(`${WEBHDFS_PREFIX}/`)) {
    return serveWebHdfs(
      req,
      res,
      {
        ...opts.webhdfs,
        datanodes: () => opts.core.datanodeReport('ALL'),
        rpcAddress: opts.rpcAddress,
      },
      exchange,
    );
  }
  req.resume();
  const common = daemonPage(req, url, { daemon: opts.journal.proc, config: opts.config });
  if (common) {
    return sendHttpResponse(exchange, res, {
      status: common.status,
      headers: { 'content-type': common.contentType },
      body: Buffer.from(common.body, 'utf8'),
    });
  }
  const page =
    req.method === 'GET'
      ? namenodeUiPage(url.pathname, {
          defaultUser: labUser(),
          learningPagesUrl: learningPagesUrl(opts.home),
        })
      : undefined;
  if (page) {
    return sendHttpResponse(exchange, res, {
      status: 200,
      headers: { 'content-type': page.contentType },
      body: Buffer.from(page.body, 'utf8'),
    });
  }
  if (url.pathname === STARTUP_PROGRESS_PATH && req.method === 'GET') {
    return sendHttpResponse(exchange, res, {
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: Buffer.from(JSON.stringify(opts.startupProgress(Date.now())), 'utf8'),
    });
  }
  if (url.pathname === FSCK_PATH || url.pathname === JMX_PATH || url.pathname === STARTUP_PROGRESS_PATH) {
    if (req.method !== 'GET') {
      return reply(res, exchange, 405, `HTTP method ${req.method ?? '?'} is not supported by this URL`);
    }
    return url.pathname === FSCK_PATH
      ? serveFsck(req, res, opts, exchange, url.searchParams)
      : serveJmx(res, opts, exchange, url.searchParams);
  }
  reply(
    res,
    exchange,
    404,
    `no such path ${url.pathname}; the NameNode serves / (the web UI), ${WEBHDFS_PREFIX}, ${FSCK_PATH}, ${JMX_PATH}, ${CONF_PATH}, ${STACKS_PATH}, ${STARTUP_PROGRESS_PATH} and ${IMAGE_TRANSFER_PATH}`,
  );
}

/** DFSck's flags as /fsck's query carries them (`files=1`); any value but absent turns one on. */
function fsckRequestOf(query: URLSearchParams): FsckRequest | string {
  const path = query.get('path');
  if (path === null) return 'fsck needs path=<an absolute HDFS path>';
  if (!path.startsWith('/')) return `fsck: path ${path} is not absolute`;
  if (Buffer.byteLength(path) > FSCK_PATH_BYTES_MAX)
    return `fsck: path longer than ${FSCK_PATH_BYTES_MAX} bytes`;
  return {
    path,
    files: query.has('files'),
    blocks: query.has('blocks'),
    locations: query.has('locations'),
    racks: query.has('racks'),
    openforwrite: query.has('openforwrite'),
    includeSnapshots: query.has('includeSnapshots'),
  };
}

/** NamenodeFsck's options in DFSck's order (query name → option), to name them as DFSck typed them. */
const FSCK_FLAG_ORDER = [
  ['files', '-files'],
  ['openforwrite', '-openforwrite'],
  ['blocks', '-blocks'],
  ['locations', '-locations'],
  ['racks', '-racks'],
  ['replicadetails', '-replicaDetails'],
  ['storagepolicies', '-storagepolicies'],
  ['maintenance', '-maintenance'],
] as const;

/** The text of an fsck that does not walk: `-blockId` and `-list-corruptfileblocks`; null otherwise. */
function fsckSpecialText(
  core: NameNodeCore,
  query: URLSearchParams,
  who: { user: string; clientIp: string; startTimeMs: number; path: string },
): string | null {
  const blockIds = query.get('blockId');
  if (blockIds !== null) return fsckBlockIdText({ ...who, blockIds }, (id) => core.fsckBlock(id));
  if (!query.has('listcorruptfileblocks')) return null;
  // A path that does not exist gets the report's `Path '…' does not exist`.
  const answer = core.listCorruptFileBlocks(who.path, query.get('startblockafter'));
  return answer === null ? null : corruptFileBlocksText(who, answer);
}

async function serveFsck(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  opts: NamenodeHttpOptions,
  exchange: HttpExchange,
  query: URLSearchParams,
): Promise<void> {
  const request = fsckRequestOf(query);
  if (typeof request === 'string') return reply(res, exchange, 400, request);
  const startTimeMs = Date.now();
  const who = {
    // JspHelper.getUGI: user.name first, then the first name of DFSck's `ugi=` list, else the static user.
    user: query.get('user.name') ?? query.get('ugi')?.split(',')[0] ?? HTTP_STATIC_USER,
    clientIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '?',
    startTimeMs,
    path: request.path,
  };
  const special = fsckSpecialText(opts.core, query, who);
  if (special !== null) return sendFsckText(exchange, res, special);
  const walk = opts.core.fsck(request);
  if (query.get('format') === 'json') {
    return sendHttpResponse(exchange, res, {
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: Buffer.from(`${JSON.stringify(walk)}\n`, 'utf8'),
    });
  }
  const report = toReport(walk, {
    ...who,
    args: FSCK_FLAG_ORDER.filter(([q]) => query.has(q)).map(([, flag]) => flag),
    nnHttpAddress: `${exchange.link.serverAddr}`,
    minReplication: opts.config.int('dfs.namenode.replication.min'),
    endTimeMs: Date.now(),
  });
  const internalError = await repairIfAsked(opts, query, {
    user: who.user,
    paths: fsckRepairTargets(report),
  });
  const endTimeMs = Date.now();
  const ended = { ...report, internalError, endTimeMs, elapsedMs: endTimeMs - startTimeMs };
  sendFsckText(exchange, res, fsckReportText(ended).text);
}

/** -move and -delete (`move=1`, `delete=1`): NamenodeFsck's repair of the corrupt closed files. */
async function repairIfAsked(
  opts: NamenodeHttpOptions,
  query: URLSearchParams,
  ask: { user: string; paths: string[] },
): Promise<boolean> {
  const move = query.has('move');
  const del = query.has('delete');
  if ((!move && !del) || ask.paths.length === 0) return false;
  const { repairCorruptFiles } = await import('./fsck-repair.js');
  return repairCorruptFiles({
    description: opts.desc,
    config: opts.config,
    journal: opts.journal,
    ...ask,
    move,
    delete: del,
  });
}

function sendFsckText(exchange: HttpExchange, res: http.ServerResponse, text: string): void {
  sendHttpResponse(exchange, res, {
    status: 200,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    body: Buffer.from(text, 'utf8'),
  });
}

function serveJmx(
  res: http.ServerResponse,
  opts: NamenodeHttpOptions,
  exchange: HttpExchange,
  query: URLSearchParams,
): void {
  const nowMs = Date.now();
  const beans = namenodeBeans({
    ...opts.core.jmxState(nowMs),
    rpcAddress: opts.rpcAddress,
    nameDirs: [opts.nameDir],
    softwareVersion: opts.softwareVersion,
    compileInfo: COMPILE_INFO,
    startedMs: opts.startedMs,
    nowMs,
  });
  const answer = queryBeans([...beans, ...processBeans(opts.startedMs, nowMs)], query);
  sendHttpResponse(exchange, res, {
    status: answer.status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: Buffer.from(jmxBody(answer), 'utf8'),
  });
}
