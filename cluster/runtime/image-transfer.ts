/**
 * The NameNode's `/imagetransfer` HTTP endpoint (ImageServlet) and the Secondary NameNode's side of
 * it (TransferFsImage):
 *   GET  /imagetransfer?getimage=1&txid=N                  streams fsimage_N
 *   GET  /imagetransfer?getedit=1&startTxId=S&endTxId=E    streams edits_S-E
 *   PUT  /imagetransfer?txid=N&imageFile=IMAGE&storageInfo=…  receives a checkpoint image
 * Every response carries the file's MD5 in `X-MD5-Digest`, as Hadoop's does; a PUT carries the
 * image's MD5 in the same header and is installed only if it matches (fsimage.ckpt_N → fsimage_N
 * + .md5), after which old images and segments are purged and the NameNode records the checkpoint.
 *
 * The journal has no frame type for HTTP yet, so each request and response is journaled as a
 * `log` state event starting with `imagetransfer:`.
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { LabConfig } from '../config/config.js';
import type { ClusterDescription } from '../launcher/description.js';
import { md5Hex } from '../namenode/fsimage/md5.js';
import { NAMENODE_LAYOUT_VERSION } from '../namenode/fsimage/image.js';
import { editsName, fsimageName } from '../namenode/name-dir.js';
import type { Journal } from './journal.js';
import { currentDir, installImageBytes, purgeOldStorage, readVersion } from './name-storage.js';

/** Hadoop's default NameNode HTTP port (dfs.namenode.http-address). */
export const NAMENODE_HTTP_PORT_DEFAULT = 9870;

/** The header carrying a file's MD5 (TransferFsImage.MD5_HEADER). */
export const MD5_HEADER = 'x-md5-digest';

/** Who is asking, so the NameNode's journal lines name the Secondary NameNode (lab header). */
export const CALLER_HEADER = 'x-lab-caller';

/** An uploaded image larger than this is refused: a lab namespace is far smaller, garbage is not. */
export const IMAGE_UPLOAD_BYTES_MAX = 512 * 1024 * 1024;

/** dfs.image.transfer.timeout: a transfer that stalls this long fails (and the checkpoint retries). */
export const IMAGE_TRANSFER_TIMEOUT_MS = 60_000;

export const IMAGE_TRANSFER_PATH = '/imagetransfer';

/** Where the NameNode publishes the address its HTTP server bound (the description has no HTTP port yet). */
export function namenodeHttpAddressFile(home: string): string {
  return path.join(home, 'nn-http.address');
}

/**
 * The port the NameNode's HTTP server wants: the description's (when the launcher records one),
 * else a port set with -D dfs.namenode.http-address, else 9870 on a cluster using Hadoop's default
 * ports and an ephemeral one otherwise.
 */
export function namenodeHttpPortWanted(desc: ClusterDescription, config: LabConfig): number {
  const recorded = (desc.namenode as { httpPort?: number }).httpPort;
  if (recorded !== undefined) return recorded;
  const configured = Number(/:(\d+)$/.exec(config.get('dfs.namenode.http-address'))?.[1] ?? 0);
  if (configured !== 0) return configured;
  return desc.namenode.port === 8020 ? NAMENODE_HTTP_PORT_DEFAULT : 0;
}

/** The NameNode's HTTP address as `host:port`, or undefined when it has not started one. */
export function readNamenodeHttpAddress(home: string, desc: ClusterDescription): string | undefined {
  const recorded = (desc.namenode as { httpPort?: number }).httpPort;
  if (recorded) return `${desc.namenode.host}:${recorded}`;
  try {
    const text = fs.readFileSync(namenodeHttpAddressFile(home), 'utf8').trim();
    return /^[\d.]+:\d+$/.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// NameNode side
// ---------------------------------------------------------------------------------------------

export interface ImageTransferServerOptions {
  home: string;
  desc: ClusterDescription;
  config: LabConfig;
  journal: Journal;
  nameDir: string;
  /** The NameNode core: an installed upload becomes its last checkpoint (getTransactionId, rollEditLog). */
  core: { lastCheckpoint: { txid: number; ms: number } };
}

export interface ImageTransferServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the NameNode's HTTP server with `/imagetransfer` and publishes its address. */
export async function startImageTransfer(opts: ImageTransferServerOptions): Promise<ImageTransferServer> {
  const host = opts.desc.namenode.host;
  const server = http.createServer((req, res) => {
    serveImageTransfer(req, res, opts).catch((err: unknown) => {
      reply(res, opts.journal, describeRequest(req), 500, `internal error: ${(err as Error).message}`);
    });
  });
  server.requestTimeout = IMAGE_TRANSFER_TIMEOUT_MS;
  const wanted = namenodeHttpPortWanted(opts.desc, opts.config);
  const port = await listenWithFallback(server, host, wanted);
  fs.writeFileSync(namenodeHttpAddressFile(opts.home), `${host}:${port}\n`);
  opts.journal.event({
    type: 'log',
    level: 'info',
    text: `imagetransfer: HTTP server up at http://${host}:${port}`,
  });
  return {
    host,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function listenWithFallback(server: http.Server, host: string, port: number): Promise<number> {
  const listen = (p: number): Promise<void> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port: p, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  try {
    await listen(port);
  } catch (err) {
    // 9870 taken (another lab or a real Hadoop): any free port will do, the address file records it.
    if (port === 0 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    await listen(0);
  }
  return (server.address() as net.AddressInfo).port;
}

interface RequestInfo {
  caller: string;
  line: string;
}

function describeRequest(req: http.IncomingMessage): RequestInfo {
  const caller = String(req.headers[CALLER_HEADER] ?? `${req.socket.remoteAddress}:${req.socket.remotePort}`);
  return { caller, line: `${req.method ?? '?'} ${req.url ?? ''}` };
}

function reply(
  res: http.ServerResponse,
  journal: Journal,
  info: RequestInfo,
  status: number,
  message: string,
): void {
  journal.event({
    type: 'log',
    level: status >= 400 ? 'warn' : 'info',
    text: `imagetransfer: send ${status} to ${info.caller} for ${info.line}: ${message}`,
  });
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(`${message}\n`);
}

async function serveImageTransfer(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  opts: ImageTransferServerOptions,
): Promise<void> {
  const info = describeRequest(req);
  opts.journal.event({
    type: 'log',
    level: 'info',
    text: `imagetransfer: recv ${info.line} from ${info.caller}`,
  });
  const url = new URL(req.url ?? '/', 'http://namenode');
  if (url.pathname !== IMAGE_TRANSFER_PATH) {
    reply(
      res,
      opts.journal,
      info,
      404,
      `no such path ${url.pathname}; the NameNode serves ${IMAGE_TRANSFER_PATH}`,
    );
    return;
  }
  const q = url.searchParams;
  if (req.method === 'GET' && q.get('getimage') === '1') {
    const txid = txidParam(q, 'txid');
    if (txid === null)
      return reply(res, opts.journal, info, 400, 'getimage needs txid=<non-negative integer>');
    return sendFile(res, opts, info, fsimageName(txid));
  }
  if (req.method === 'GET' && q.get('getedit') === '1') {
    const start = txidParam(q, 'startTxId');
    const end = txidParam(q, 'endTxId');
    if (start === null || end === null || end < start) {
      return reply(res, opts.journal, info, 400, 'getedit needs startTxId=S&endTxId=E with S <= E');
    }
    return sendFile(res, opts, info, editsName(start, end));
  }
  if (req.method === 'PUT') return receiveImage(req, res, opts, info);
  reply(
    res,
    opts.journal,
    info,
    400,
    'expected GET ?getimage=1&txid=N, GET ?getedit=1&startTxId=S&endTxId=E, or PUT ?txid=N&imageFile=IMAGE',
  );
}

function txidParam(q: URLSearchParams, name: string): number | null {
  const text = q.get(name);
  if (text === null || !/^\d{1,16}$/.test(text)) return null;
  return Number(text);
}

function sendFile(
  res: http.ServerResponse,
  opts: ImageTransferServerOptions,
  info: RequestInfo,
  name: string,
): void {
  const file = path.join(currentDir(opts.nameDir), name);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    reply(
      res,
      opts.journal,
      info,
      404,
      `${name} is not in the NameNode's name directory (purged or never written)`,
    );
    return;
  }
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': bytes.length,
    [MD5_HEADER]: md5Hex(bytes),
  });
  res.end(bytes);
  opts.journal.event({
    type: 'log',
    level: 'info',
    text: `imagetransfer: send 200 ${name} (${bytes.length} bytes) to ${info.caller}`,
  });
}

/** `layoutVersion:namespaceID:cTime:clusterID`, as StorageInfo.toColonSeparatedString. */
export function storageInfoText(identity: { namespaceId: number; cTime: number; clusterId: string }): string {
  return `${NAMENODE_LAYOUT_VERSION}:${identity.namespaceId}:${identity.cTime}:${identity.clusterId}`;
}

async function receiveImage(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  opts: ImageTransferServerOptions,
  info: RequestInfo,
): Promise<void> {
  const q = new URL(req.url ?? '/', 'http://namenode').searchParams;
  const txid = txidParam(q, 'txid');
  const expectedMd5 = req.headers[MD5_HEADER];
  if (txid === null || q.get('imageFile') !== 'IMAGE' || typeof expectedMd5 !== 'string') {
    req.resume();
    return reply(
      res,
      opts.journal,
      info,
      400,
      `PUT needs txid=N&imageFile=IMAGE and an ${MD5_HEADER} header`,
    );
  }
  const storageInfo = q.get('storageInfo');
  const ours = storageInfoText(readVersion(opts.nameDir));
  if (storageInfo !== null && storageInfo !== ours) {
    req.resume();
    return reply(
      res,
      opts.journal,
      info,
      403,
      `storageInfo ${storageInfo} does not match this NameNode's ${ours}`,
    );
  }
  if (fs.existsSync(path.join(currentDir(opts.nameDir), fsimageName(txid)))) {
    req.resume();
    return reply(
      res,
      opts.journal,
      info,
      409,
      `Another checkpointer already uploaded a checkpoint for txid ${txid}`,
    );
  }
  const body = await readBody(req, IMAGE_UPLOAD_BYTES_MAX);
  if (body === null) {
    return reply(res, opts.journal, info, 413, `image larger than ${IMAGE_UPLOAD_BYTES_MAX} bytes refused`);
  }
  try {
    installImageBytes(opts.nameDir, txid, body, expectedMd5);
  } catch (err) {
    return reply(res, opts.journal, info, 400, (err as Error).message);
  }
  purgeOldStorage(opts.nameDir, {
    checkpointsRetained: opts.config.int('dfs.namenode.num.checkpoints.retained'),
    extraEditsRetained: opts.config.int('dfs.namenode.num.extra.edits.retained'),
  });
  opts.core.lastCheckpoint = { txid, ms: Date.now() };
  opts.journal.event({ type: 'checkpoint-done', txid, imageBytes: body.length });
  reply(res, opts.journal, info, 200, `installed ${fsimageName(txid)} (${body.length} bytes)`);
}

function readBody(req: http.IncomingMessage, bytesMax: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let tooBig = false;
    req.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > bytesMax) tooBig = true;
      if (!tooBig) chunks.push(chunk);
    });
    req.on('end', () => resolve(tooBig ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

// ---------------------------------------------------------------------------------------------
// Secondary NameNode side
// ---------------------------------------------------------------------------------------------

export interface TransferClientOptions {
  /** The NameNode's HTTP address, host:port. */
  address: string;
  /** Our lab id (snn), sent so the NameNode's journal names us. */
  selfId: string;
  /** Bind the local end here (the Secondary's own loopback alias). */
  localAddress?: string;
  journal: Journal;
}

export class ImageTransferError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageTransferError';
  }
}

/** Downloads fsimage_N; verifies the MD5 header. */
export function downloadImage(opts: TransferClientOptions, txid: number): Promise<Buffer> {
  return download(opts, `getimage=1&txid=${txid}`, fsimageName(txid));
}

/** Downloads edits_S-E; verifies the MD5 header. */
export function downloadEdits(
  opts: TransferClientOptions,
  startTxid: number,
  endTxid: number,
): Promise<Buffer> {
  return download(opts, `getedit=1&startTxId=${startTxid}&endTxId=${endTxid}`, editsName(startTxid, endTxid));
}

async function download(opts: TransferClientOptions, query: string, name: string): Promise<Buffer> {
  const res = await request(opts, 'GET', query, null, {});
  if (res.status !== 200) {
    throw new ImageTransferError(
      `GET ${name} from the NameNode failed: ${res.status} ${res.body.toString('utf8').trim()}`,
    );
  }
  const md5 = res.headers[MD5_HEADER];
  const actual = md5Hex(res.body);
  if (typeof md5 === 'string' && md5 !== actual) {
    throw new ImageTransferError(`${name} arrived with MD5 ${actual}, the NameNode sent ${md5}`);
  }
  return res.body;
}

/** Uploads a checkpoint image; resolves when the NameNode has installed it. */
export async function uploadImage(
  opts: TransferClientOptions,
  upload: { txid: number; bytes: Buffer; storageInfo: string },
): Promise<void> {
  const query = `txid=${upload.txid}&imageFile=IMAGE&storageInfo=${encodeURIComponent(upload.storageInfo)}`;
  const res = await request(opts, 'PUT', query, upload.bytes, { [MD5_HEADER]: md5Hex(upload.bytes) });
  if (res.status !== 200) {
    throw new ImageTransferError(
      `PUT ${fsimageName(upload.txid)} to the NameNode failed: ${res.status} ${res.body.toString('utf8').trim()}`,
    );
  }
}

interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function request(
  opts: TransferClientOptions,
  method: 'GET' | 'PUT',
  query: string,
  body: Buffer | null,
  headers: Record<string, string>,
): Promise<HttpResult> {
  const [host, portText] = opts.address.split(':') as [string, string];
  const line = `${method} ${IMAGE_TRANSFER_PATH}?${query}`;
  opts.journal.event({
    type: 'log',
    level: 'info',
    text: `imagetransfer: send ${line} to nn${body ? ` (${body.length} bytes)` : ''}`,
  });
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host,
        port: Number(portText),
        method,
        path: `${IMAGE_TRANSFER_PATH}?${query}`,
        headers: {
          ...headers,
          [CALLER_HEADER]: opts.selfId,
          ...(body
            ? { 'content-length': String(body.length), 'content-type': 'application/octet-stream' }
            : {}),
        },
        timeout: IMAGE_TRANSFER_TIMEOUT_MS,
        ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const result = { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) };
          opts.journal.event({
            type: 'log',
            level: result.status === 200 ? 'info' : 'warn',
            text: `imagetransfer: recv ${result.status} (${result.body.length} bytes) from nn for ${line}`,
          });
          resolve(result);
        });
      },
    );
    req.on('timeout', () =>
      req.destroy(new ImageTransferError(`${line} timed out after ${IMAGE_TRANSFER_TIMEOUT_MS} ms`)),
    );
    req.on('error', (err) =>
      reject(
        err instanceof ImageTransferError
          ? err
          : new ImageTransferError(
              `cannot reach the NameNode's HTTP server at ${opts.address}: ${err.message}`,
            ),
      ),
    );
    req.end(body ?? undefined);
  });
}
