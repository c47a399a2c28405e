/**
 * `lab oiv -p Web -i FSIMAGE [-addr HOST:PORT]`: Hadoop's WebImageViewer — the read-only WebHDFS
 * ops over an fsimage file, no cluster needed (FSImageHandler, FSImageLoader). GET only (405
 * otherwise); the path must start with /webhdfs/v1 (404 FileNotFoundException otherwise); `op` is
 * required and one of GETFILESTATUS, LISTSTATUS, GETACLSTATUS, GETXATTRS, LISTXATTRS,
 * GETCONTENTSUMMARY (400 IllegalArgumentException otherwise). ACLs and xattrs come back in
 * JsonUtil's shapes, the NameNode's WebHDFS code (cluster/client/webhdfs.ts); FileStatus and
 * ContentSummary in FSImageLoader's own: a HashMap (Java's key order), wrapped in newlines, without
 * the NameNode's storagePolicy or ecPolicy. Errors are JsonUtil's RemoteException with
 * FSImageHandler's statuses: IllegalArgumentException 400, FileNotFoundException 404, another
 * IOException 403. Loopback only, as every server of the lab.
 */
import http from 'node:http';
import type net from 'node:net';
import { javaHashMapOrder } from '../../cluster/common/java-hash-map.js';
import { log4jLine } from '../../cluster/common/log4j.js';
import {
  aclStatusJson,
  illegalArgument,
  permissionString,
  remoteExceptionJson,
  WEBHDFS_PREFIX,
  WebHdfsError,
  xattrEncodingOf,
  xattrNamesJson,
  xattrsJson,
} from '../../cluster/client/webhdfs.js';
import type { FsImage, ImageINode } from '../../cluster/namenode/fsimage/image.js';
import { parseXAttrName } from '../../cluster/namenode/xattr.js';
import { RemoteError } from '../../cluster/protocol/errors.js';
import type { XAttr } from '../../cluster/protocol/messages.js';
import { closeHttpServer, limitHttpServer } from '../../cluster/transport/http-limits.js';
import { err } from '../cli/output.js';
import { untilStopped } from '../cli/signals.js';
import { ViewerFailure } from './offline-viewer.js';

/** OfflineImageViewerPB's -addr default. */
export const WEB_IMAGE_VIEWER_ADDR_DEFAULT = 'localhost:5978';

const JSON_UTF8 = 'application/json; charset=utf-8';

export interface WebImageAnswer {
  status: number;
  body: string;
  /** FSImageHandler's `op=… target=…` log line, for an answered op. */
  log?: string;
}

function fileNotFound(message: string): WebHdfsError {
  return new WebHdfsError('FileNotFoundException', 'java.io.FileNotFoundException', message, 404);
}

function ioException(message: string): WebHdfsError {
  return new WebHdfsError('IOException', 'java.io.IOException', message, 403);
}

/** The image's inodes and directory children by id, for lookups (FSImageLoader's dirmap). */
export class ImageIndex {
  private readonly inodes = new Map<number, ImageINode>();
  private readonly children = new Map<number, number[]>();

  constructor(readonly image: FsImage) {
    for (const inode of image.inodes) this.inodes.set(inode.id, inode);
    for (const d of image.directories) this.children.set(d.parent, d.children);
  }

  inode(id: number): ImageINode {
    const inode = this.inodes.get(id);
    if (!inode) throw ioException(`inode ${id} is listed in the image but not in its INodeSection`);
    return inode;
  }

  childrenOf(id: number): number[] | undefined {
    return this.children.get(id);
  }

  /** FSImageLoader.lookup: component by component from the root; any miss is the path not found. */
  lookup(path: string): ImageINode {
    let current = this.inode(this.image.inodes[0]?.id ?? 0);
    for (const component of path.split('/').filter((c) => c !== '')) {
      const next = (this.children.get(current.id) ?? [])
        .map((id) => this.inode(id))
        .find((child) => child.name === component);
      if (!next) throw fileNotFound(path);
      current = next;
    }
    return current;
  }
}

/** A HashMap's JSON: keys in Java's order; values already JSON text (longs such as Long.MAX stay exact). */
function hashMapJson(entries: readonly [string, string][]): string {
  const byKey = new Map(entries);
  const keys = javaHashMapOrder(entries.map(([key]) => key));
  return `{${keys.map((key) => `${JSON.stringify(key)}:${byKey.get(key) ?? 'null'}`).join(',')}}`;
}

function fileSize(inode: ImageINode): number {
  return (inode.file?.blocks ?? []).reduce((sum, b) => sum + b.numBytes, 0);
}

/** FSImageLoader.getFileStatus(inode, printSuffix): its twelve keys, in the order it puts them. */
function fileStatusMap(index: ImageIndex, inode: ImageINode, pathSuffix: string): string {
  const dir = inode.directory;
  const file = inode.file;
  const permission = (dir ?? file)?.permission ?? { user: '', group: '', mode: 0 };
  return hashMapJson([
    ['accessTime', String(file?.atime ?? 0)],
    ['blockSize', String(file?.preferredBlockSize ?? 0)],
    ['group', JSON.stringify(permission.group)],
    ['length', String(file ? fileSize(inode) : 0)],
    ['modificationTime', String((dir ?? file)?.mtime ?? 0)],
    ['owner', JSON.stringify(permission.user)],
    ['pathSuffix', JSON.stringify(pathSuffix)],
    ['permission', JSON.stringify(permissionString(permission.mode))],
    ['replication', String(file?.replication ?? 0)],
    ['type', JSON.stringify(inode.type)],
    ['fileId', String(inode.id)],
    ['childrenNum', String(dir ? (index.childrenOf(inode.id)?.length ?? 0) : 0)],
  ]);
}

/** FSImageLoader.getContentSummaryMap: counts, length and space below `inode`, and its quotas. */
function contentSummaryMap(index: ImageIndex, inode: ImageINode): string {
  const totals = { directories: 0, files: 0, length: 0, space: 0 };
  const walk = (node: ImageINode): void => {
    if (node.type === 'DIRECTORY') {
      totals.directories++;
      for (const id of index.childrenOf(node.id) ?? []) walk(index.inode(id));
      return;
    }
    const length = fileSize(node);
    totals.files++;
    totals.length += length;
    totals.space += length * (node.file?.replication ?? 0);
  };
  walk(inode);
  return hashMapJson([
    ['directoryCount', String(totals.directories)],
    ['fileCount', String(totals.files)],
    ['length', String(totals.length)],
    ['quota', inode.directory?.nsQuota ?? '-1'],
    ['spaceConsumed', String(totals.space)],
    ['spaceQuota', inode.directory?.dsQuota ?? '-1'],
  ]);
}

function xattrsOf(inode: ImageINode): XAttr[] {
  return (inode.file ?? inode.directory)?.xattrs ?? [];
}

/** GETXATTRS: all of them, or the named ones — each must be there (FSImageLoader.getXAttrs). */
function chosenXAttrs(inode: ImageINode, names: readonly string[]): XAttr[] {
  const all = xattrsOf(inode);
  if (names.length === 0) return all;
  return names.map((prefixed) => {
    let wanted: ReturnType<typeof parseXAttrName>;
    try {
      wanted = parseXAttrName(prefixed);
    } catch (error) {
      throw illegalArgument((error as RemoteError).message);
    }
    const found = all.find((x) => x.namespace === wanted.namespace && x.name === wanted.name);
    if (!found) throw ioException('At least one of the attributes provided was not found.');
    return found;
  });
}

function opContent(index: ImageIndex, op: string, path: string, query: URLSearchParams): string {
  if (!path.startsWith('/')) {
    // FSImageLoader.lookup's Preconditions.checkArgument: an IllegalArgumentException with no message.
    throw illegalArgument('null');
  }
  const inode = index.lookup(path);
  switch (op) {
    case 'GETFILESTATUS':
      return `{"FileStatus":\n${fileStatusMap(index, inode, '')}\n}\n`;
    case 'LISTSTATUS': {
      const entries =
        inode.type === 'DIRECTORY'
          ? (index.childrenOf(inode.id) ?? []).map((id) => {
              const child = index.inode(id);
              return fileStatusMap(index, child, child.name);
            })
          : [fileStatusMap(index, inode, '')];
      return `{"FileStatuses":{"FileStatus":[\n${entries.join(',')}\n]}}\n`;
    }
    case 'GETCONTENTSUMMARY':
      return `{"ContentSummary":\n${contentSummaryMap(index, inode)}\n}\n`;
    case 'LISTXATTRS':
      return JSON.stringify(xattrNamesJson(xattrsOf(inode)));
    case 'GETXATTRS':
      return JSON.stringify(
        xattrsJson(
          chosenXAttrs(inode, query.getAll('xattr.name')),
          xattrEncodingOf(query.get('encoding') ?? undefined),
        ),
      );
    case 'GETACLSTATUS': {
      const attrs = inode.file ?? inode.directory;
      const mode = attrs?.permission.mode ?? 0;
      return JSON.stringify(
        aclStatusJson({
          owner: attrs?.permission.user ?? '',
          group: attrs?.permission.group ?? '',
          permission: mode,
          sticky: (mode & 0o1000) !== 0,
          entries: attrs?.acl ?? [],
        }),
      );
    }
    default:
      throw illegalArgument('Invalid value for webhdfs parameter "op"');
  }
}

/** FSImageHandler.channelRead0 and exceptionCaught: one request's answer. Pure. */
export function webImageAnswer(index: ImageIndex, method: string, rawUrl: string): WebImageAnswer {
  if (method !== 'GET') return { status: 405, body: '' };
  try {
    const url = new URL(rawUrl, 'http://oiv');
    const pathname = decodeURIComponent(url.pathname);
    if (!pathname.startsWith(WEBHDFS_PREFIX)) {
      throw fileNotFound(`Path: ${pathname} should start with ${WEBHDFS_PREFIX}`);
    }
    const path = pathname.slice(WEBHDFS_PREFIX.length);
    const op = url.searchParams.get('op')?.toUpperCase();
    if (op === undefined) throw illegalArgument('Param op must be specified.');
    const body = opContent(index, op, path, url.searchParams);
    return { status: 200, body, log: `op=${op} target=${path}` };
  } catch (error) {
    const failure =
      error instanceof WebHdfsError
        ? error
        : error instanceof URIError
          ? illegalArgument(`URLDecoder: ${error.message}`)
          : new WebHdfsError('IOException', 'java.io.IOException', (error as Error).message, 500);
    const body = remoteExceptionJson(failure).replace('"message":"null"', '"message":null');
    return { status: failure.status, body };
  }
}

/** `-addr`: HOST:PORT on loopback (localhost is 127.0.0.1), as NetUtils.createSocketAddr reads it. */
export function parseViewerAddress(text: string): { host: string; port: number } {
  const match = /^(localhost|127(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (!match || port > 65_535) {
    throw new ViewerFailure(
      `-addr is HOST:PORT on loopback (localhost or 127.x.y.z, port 0-65535), not ${text}: the lab serves nothing beyond this machine`,
    );
  }
  return { host: match[1] === 'localhost' ? '127.0.0.1' : (match[1] as string), port };
}

/** A started viewer: the port it bound and how to stop it. */
export interface WebImageViewer {
  host: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the viewer on `addr` and logs WebImageViewer's start line (stderr, log4j). */
export async function startWebImageViewer(image: FsImage, addr: string): Promise<WebImageViewer> {
  const { host, port } = parseViewerAddress(addr);
  const index = new ImageIndex(image);
  const server = http.createServer((req, res) => {
    req.resume();
    const answer = webImageAnswer(index, req.method ?? 'GET', req.url ?? '/');
    if (answer.log) err(log4jLine('INFO', 'offlineImageViewer.FSImageHandler', answer.log, new Date()));
    const headers: Record<string, string | number> = { connection: 'close' };
    if (answer.status !== 405) {
      headers['content-type'] = JSON_UTF8;
      headers['content-length'] = Buffer.byteLength(answer.body);
    }
    res.writeHead(answer.status, headers);
    res.end(answer.body);
  });
  limitHttpServer(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new ViewerFailure(
          `cannot listen on ${host}:${port} (${error.code ?? error.message}); choose another with -addr 127.0.0.1:PORT`,
        ),
      ),
    );
    server.listen({ host, port, exclusive: true }, () => resolve());
  });
  const bound = (server.address() as net.AddressInfo).port;
  err(
    log4jLine(
      'INFO',
      'offlineImageViewer.WebImageViewer',
      `WebImageViewer started. Listening on /${host}:${bound}. Press Ctrl+C to stop the viewer.`,
      new Date(),
    ),
  );
  return { host, port: bound, close: () => closeHttpServer(server) };
}

/** `lab oiv -p Web`: serves `image` until Ctrl-C. */
export async function runWebImageViewer(image: FsImage, addr: string): Promise<void> {
  const viewer = await startWebImageViewer(image, addr);
  await untilStopped();
  await viewer.close();
}
