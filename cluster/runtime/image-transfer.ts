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
 * Each request and response is an `http` frame in the journal at both ends (./http-journal.ts),
 * tagged with the checkpoint's operation id, which the Secondary sends in a header.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { resolveInside } from '../common/contained-path.js';
import type { LabConfig } from '../config/config.js';
import type { ClusterDescription } from '../home/description.js';
import { md5Hex } from '../namenode/fsimage/md5.js';
import { NAMENODE_LAYOUT_VERSION } from '../namenode/fsimage/image.js';
import {
  editsName,
  fsimageName,
  IMAGE_EDITS_NAME_HEADER,
  IMAGE_MD5_HEADER,
  LATEST_IMAGE,
  parseNameDirFileName,
} from '../namenode/name-dir.js';
import { parseTxId } from '../protocol/identifiers.js';
import {
  HttpTimeoutError,
  httpCall,
  sendHttpResponse,
  type HttpExchange,
} from '../transport/http-journal.js';
import type { Journal } from '../transport/journal.js';
import { currentDir, installImageBytes, listCurrent, purgeOldStorage, readVersion } from './name-storage.js';
import { IMAGE_UPLOAD_BYTES_MAX } from '../protocol/limits.js';

/** The header carrying a file's MD5 (TransferFsImage.MD5_HEADER). */
export const MD5_HEADER = IMAGE_MD5_HEADER;

/** dfs.image.transfer.timeout: a transfer that stalls this long fails (and the checkpoint retries). */
export const IMAGE_TRANSFER_TIMEOUT_MS = 60_000;

export const IMAGE_TRANSFER_PATH = '/imagetransfer';

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
  core: { noteCheckpoint(txid: number, nowMs: number): void };
}

/** A text answer (errors, the PUT's confirmation); the journal's response frame describes it. */
export function reply(
  res: http.ServerResponse,
  exchange: HttpExchange,
  status: number,
  message: string,
): void {
  sendHttpResponse(exchange, res, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    body: Buffer.from(`${message}\n`, 'utf8'),
  });
}

/** ImageServlet: one request to `/imagetransfer` (the NameNode's HTTP server routes it here). */
export async function serveImageTransfer(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  opts: ImageTransferServerOptions,
  exchange: HttpExchange,
): Promise<void> {
  const q = new URL(req.url ?? '/', 'http://namenode').searchParams;
  if (req.method === 'GET' && q.get('getimage') === '1') {
    // `txid=latest` (dfsadmin -fetchImage): the newest image, as getHighestFsImageName finds it.
    if (q.get('txid') === LATEST_IMAGE) {
      const newest = newestImageName(opts.nameDir);
      if (newest === null) return reply(res, exchange, 404, 'Could not find image');
      return sendFile(res, opts, exchange, newest);
    }
    const txid = txidParam(q, 'txid');
    if (txid === null) return reply(res, exchange, 400, 'getimage needs txid=<non-negative integer>');
    return sendFile(res, opts, exchange, fsimageName(txid));
  }
  if (req.method === 'GET' && q.get('getedit') === '1') {
    const start = txidParam(q, 'startTxId');
    const end = txidParam(q, 'endTxId');
    if (start === null || end === null || end < start) {
      return reply(res, exchange, 400, 'getedit needs startTxId=S&endTxId=E with S <= E');
    }
    return sendFile(res, opts, exchange, editsName(start, end));
  }
  if (req.method === 'PUT') return receiveImage(req, res, opts, exchange);
  req.resume();
  reply(
    res,
    exchange,
    400,
    'expected GET ?getimage=1&txid=N, GET ?getedit=1&startTxId=S&endTxId=E, or PUT ?txid=N&imageFile=IMAGE',
  );
}

/** The fsimage_N with the highest N in the name directory, or null when there is none. */
function newestImageName(nameDir: string): string | null {
  const images = listCurrent(nameDir).flatMap((name) => {
    const parsed = parseNameDirFileName(name);
    return parsed.kind === 'fsimage' ? [{ name, txid: parsed.txid }] : [];
  });
  images.sort((a, b) => b.txid - a.txid);
  return images[0]?.name ?? null;
}

/** A txid query parameter, checked as the uint64 it names a file with (fsimage_<txid>); null if absent or malformed. */
function txidParam(q: URLSearchParams, name: string): number | null {
  const text = q.get(name);
  if (text === null) return null;
  try {
    return parseTxId(text, name);
  } catch {
    return null;
  }
}

function sendFile(
  res: http.ServerResponse,
  opts: ImageTransferServerOptions,
  exchange: HttpExchange,
  name: string,
): void {
  // Names are built from checked txids; the containment check holds even if that changes.
  const file = resolveInside(currentDir(opts.nameDir), name);
  let bytes: Buffer;
  try {
    if (file === null) throw new Error(`${name} is outside the name directory`);
    bytes = fs.readFileSync(file);
  } catch {
    reply(res, exchange, 404, `${name} is not in the NameNode's name directory (purged or never written)`);
    return;
  }
  sendHttpResponse(exchange, res, {
    status: 200,
    headers: {
      'content-type': 'application/octet-stream',
      [MD5_HEADER]: md5Hex(bytes),
      [IMAGE_EDITS_NAME_HEADER]: name,
    },
    body: bytes,
    dataBytes: bytes.length,
  });
}

/** `layoutVersion:namespaceID:cTime:clusterID`, as StorageInfo.toColonSeparatedString. */
export function storageInfoText(identity: { namespaceId: number; cTime: number; clusterId: string }): string {
  return `${NAMENODE_LAYOUT_VERSION}:${identity.namespaceId}:${identity.cTime}:${identity.clusterId}`;
}

/** Transaction ids of the image uploads being received. */
const uploadsInProgress = new Set<number>();

async function receiveImage(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  opts: ImageTransferServerOptions,
  exchange: HttpExchange,
): Promise<void> {
  const q = new URL(req.url ?? '/', 'http://namenode').searchParams;
  const txid = txidParam(q, 'txid');
  const expectedMd5 = req.headers[MD5_HEADER];
  if (txid === null || q.get('imageFile') !== 'IMAGE' || typeof expectedMd5 !== 'string') {
    req.resume();
    return reply(res, exchange, 400, `PUT needs txid=N&imageFile=IMAGE and an ${MD5_HEADER} header`);
  }
  // ImageServlet.validateRequest: an upload must name this NameNode's storage (a missing one does
  // not match either), so a stray PUT is refused before its body is read.
  const storageInfo = q.get('storageInfo');
  const ours = storageInfoText(readVersion(opts.nameDir));
  if (storageInfo !== ours) {
    req.resume();
    return reply(res, exchange, 403, `storageInfo ${storageInfo} does not match this NameNode's ${ours}`);
  }
  if (fs.existsSync(path.join(currentDir(opts.nameDir), fsimageName(txid)))) {
    req.resume();
    return reply(res, exchange, 409, `Another checkpointer already uploaded a checkpoint for txid ${txid}`);
  }
  // ImageServlet's currentlyDownloadingCheckpoints: one upload at a time, so at most one image
  // body (≤ IMAGE_UPLOAD_BYTES_MAX) is ever held in memory.
  if (uploadsInProgress.size > 0) {
    req.resume();
    return reply(
      res,
      exchange,
      409,
      `Another checkpointer is already in the process of uploading a checkpoint made at transaction ID ${[...uploadsInProgress][0]}`,
    );
  }
  if (Number(req.headers['content-length'] ?? 0) > IMAGE_UPLOAD_BYTES_MAX) {
    req.resume();
    return reply(res, exchange, 413, `image larger than ${IMAGE_UPLOAD_BYTES_MAX} bytes refused`);
  }
  uploadsInProgress.add(txid);
  let body: Buffer | null;
  try {
    body = await readBody(req, IMAGE_UPLOAD_BYTES_MAX);
  } finally {
    uploadsInProgress.delete(txid);
  }
  if (body === null) {
    return reply(res, exchange, 413, `image larger than ${IMAGE_UPLOAD_BYTES_MAX} bytes refused`);
  }
  try {
    installImageBytes(opts.nameDir, txid, body, expectedMd5);
  } catch (err) {
    return reply(res, exchange, 400, (err as Error).message);
  }
  purgeOldStorage(opts.nameDir, {
    checkpointsRetained: opts.config.int('dfs.namenode.num.checkpoints.retained'),
    extraEditsRetained: opts.config.int('dfs.namenode.num.extra.edits.retained'),
  });
  opts.core.noteCheckpoint(txid, Date.now());
  opts.journal.event({ type: 'checkpoint-done', txid, imageBytes: body.length }, exchange.op);
  reply(res, exchange, 200, `installed ${fsimageName(txid)} (${body.length} bytes)`);
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
    // A peer that goes away mid-body: without this the upload would count as in progress for ever.
    req.on('close', () => {
      if (!req.complete) reject(new Error(`image upload aborted after ${total} bytes`));
    });
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
  /** The checkpoint these transfers belong to: their frames, and the NameNode's, carry it. */
  opId?: string;
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

async function request(
  opts: TransferClientOptions,
  method: 'GET' | 'PUT',
  query: string,
  body: Buffer | null,
  headers: Record<string, string>,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const [host, portText] = opts.address.split(':') as [string, string];
  const url = `${IMAGE_TRANSFER_PATH}?${query}`;
  try {
    return await httpCall({
      journal: opts.journal,
      selfId: opts.selfId,
      peerId: 'nn',
      host,
      port: Number(portText),
      method,
      url,
      headers,
      body,
      dataBytes: body?.length ?? 0,
      // A 200 to a GET is the image or the segment; anything else is a text answer.
      responseDataBytes: (status, resBody) => (method === 'GET' && status === 200 ? resBody.length : 0),
      op: opts.opId,
      timeoutMs: IMAGE_TRANSFER_TIMEOUT_MS,
      localAddress: opts.localAddress,
    });
  } catch (err) {
    if (err instanceof HttpTimeoutError) throw new ImageTransferError(err.message);
    throw new ImageTransferError(
      `cannot reach the NameNode's HTTP server at ${opts.address}: ${(err as Error).message}`,
    );
  }
}
