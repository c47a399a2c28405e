/**
 * WebHDFS on the NameNode (NamenodeWebHdfsMethods): the namespace ops are answered here, through
 * the same handler as an RPC (so they are permission-checked as `user.name`, edit-logged and
 * journaled like any call); the data ops (CREATE, APPEND, OPEN, GETFILECHECKSUM) are answered
 * with a 307 to a DataNode's HTTP port, which does the work as an HDFS client (datanode-http.ts).
 * The NameNode never receives file bytes.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type http from 'node:http';
import { parseAclSpec } from '../namenode/acl.js';
import { checkPath } from '../namenode/paths.js';
import { decodeXAttrValue, parseXAttrName } from '../namenode/xattr.js';
import { RemoteError } from '../protocol/errors.js';
import type { RpcMethod, RpcMethods } from '../protocol/messages.js';
import type { DatanodeStatus, FileStatus } from '../protocol/types.js';
import type { HttpExchange } from '../transport/http-journal.js';
import {
  aclSpecParam,
  aclStatusJson,
  authFilterRefusal,
  blockLocationsJson,
  boolParam,
  checkRemoteUser,
  contentSummaryJson,
  fileStatusJson,
  forbidden,
  fsActionParam,
  fsStatusJson,
  illegalArgument,
  locatedBlocksJson,
  longParam,
  longParamText,
  missingParam,
  optionalParam,
  parseWebHdfsRequest,
  permissionParam,
  quotaParam,
  quotaUsageJson,
  redirectLocation,
  requiredParam,
  sendFilterFailure,
  sendJson,
  sendWebHdfsError,
  serverDefaultsJson,
  snapshotDiffJson,
  snapshottableDirsJson,
  unsupported,
  xattrEncodingParam,
  xattrFlagParam,
  xattrNamesJson,
  xattrsJson,
  type WebHdfsRequest,
} from '../client/webhdfs.js';
import { WEBHDFS_LISTING_PAGES_MAX } from '../protocol/limits.js';

/** A call into the NameNode as an RPC is made: `user` is the effective user. */
export type NamenodeCall = <M extends RpcMethod>(
  method: M,
  params: RpcMethods[M]['req'],
  ctx: { caller: string; callerAddr: string; user: string; opId?: string },
) => Promise<RpcMethods[M]['res']>;

export interface WebHdfsNamenodeOptions {
  call: NamenodeCall;
  datanodes: () => DatanodeStatus[];
  /** host:port of the NameNode's RPC server (namenoderpcaddress in redirects). */
  rpcAddress: string;
  defaultReplication: number;
  defaultBlockSizeBytes: number;
}

let opCounter = 0;

export async function serveWebHdfs(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  opts: WebHdfsNamenodeOptions,
  exchange: HttpExchange,
): Promise<void> {
  req.resume();
  const refusal = authFilterRefusal(req.url ?? '/');
  if (refusal !== undefined) return sendFilterFailure(exchange, res, refusal);
  try {
    const request = parseWebHdfsRequest(req.method ?? '?', req.url ?? '/');
    checkRemoteUser(request);
    // FSDirectory's check, before any op: `..`, `.`, `//` and ':' components are refused, never resolved.
    checkPath(request.path);
    const callerAddr = req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '';
    const opId = `webhdfs-${process.pid}-${++opCounter}`;
    const call: Call = (method, params) =>
      opts.call(method, params, { caller: exchange.link.clientId, callerAddr, user: request.user, opId });
    await answer(request, { call, opts, exchange, res });
  } catch (err) {
    sendWebHdfsError(exchange, res, err);
  }
}

type Call = <M extends RpcMethod>(method: M, params: RpcMethods[M]['req']) => Promise<RpcMethods[M]['res']>;

interface Ctx {
  call: Call;
  opts: WebHdfsNamenodeOptions;
  exchange: HttpExchange;
  res: http.ServerResponse;
}

// Long: one case per WebHDFS op (GETFILESTATUS, LISTSTATUS, CREATE, …): a table a reader scans beside WebHdfsFileSystem.
async function answer(req: WebHdfsRequest, ctx: Ctx): Promise<void> {
  const { call, exchange, res } = ctx;
  const json = (body: unknown): void => sendJson(exchange, res, 200, body);
  const src = req.path;
  switch (req.op) {
    case 'GETFILESTATUS': {
      const status = await call('getFileInfo', { src });
      if (!status) throw new RemoteError('FileNotFoundException', `File does not exist: ${src}`);
      return json({ FileStatus: fileStatusJson(status, '') });
    }
    case 'LISTSTATUS': {
      const entries = await listAll(call, src);
      return json({ FileStatuses: { FileStatus: entries.map((s) => fileStatusJson(s, s.pathSuffix)) } });
    }
    case 'LISTSTATUS_BATCH':
      return json(await listBatch(call, src, req.params.get('startafter') ?? ''));
    case 'GETCONTENTSUMMARY':
      return json(contentSummaryJson(await call('getContentSummary', { src })));
    case 'GETQUOTAUSAGE':
      return json(quotaUsageJson(await call('getQuotaUsage', { src })));
    case 'SETQUOTA':
      await call('setQuota', {
        src,
        nsQuota: quotaParam(req, 'namespacequota'),
        ssQuota: quotaParam(req, 'storagespacequota'),
      });
      return sendJson(exchange, res, 200, null);
    case 'GETXATTRS':
    case 'LISTXATTRS':
    case 'SETXATTR':
    case 'REMOVEXATTR':
      return xattrOp(req, ctx);
    case 'GETACLSTATUS':
    case 'MODIFYACLENTRIES':
    case 'REMOVEACLENTRIES':
    case 'REMOVEDEFAULTACL':
    case 'REMOVEACL':
    case 'SETACL':
      return aclOp(req, ctx);
    case 'ALLOWSNAPSHOT':
    case 'DISALLOWSNAPSHOT':
    case 'CREATESNAPSHOT':
    case 'DELETESNAPSHOT':
    case 'RENAMESNAPSHOT':
    case 'GETSNAPSHOTDIFF':
    case 'GETSNAPSHOTTABLEDIRECTORYLIST':
      return snapshotOp(req, ctx);
    case 'GETSERVERDEFAULTS':
      return json(serverDefaultsJson(await call('getServerDefaults', {})));
    case 'GETSTATUS':
      return json(fsStatusJson(await call('getFsStats', {})));
    case 'CHECKACCESS':
      await call('checkAccess', { src, mode: fsActionParam(req) });
      return sendJson(exchange, res, 200, null);
    case 'TRUNCATE': {
      const newLength = longParam(req, 'newlength', null);
      if (newLength === null) throw missingParam(req, 'newlength');
      // NamenodeWebHdfsMethods treats each request as its own client: DFSClient_<random long>.
      const clientName = `DFSClient_${randomBytes(8).readBigInt64BE()}`;
      return json({ boolean: await call('truncate', { src, newLength, clientName }) });
    }
    case 'CONCAT': {
      // ConcatSourcesParam.getAbsolutePaths is String.split(","): trailing empty names dropped.
      const srcs = requiredParam(req, 'sources').split(',');
      while (srcs.at(-1) === '') srcs.pop();
      await call('concat', { trg: src, srcs });
      return sendJson(exchange, res, 200, null);
    }
    case 'GETHOMEDIRECTORY':
      return json({ Path: `/user/${req.user}` });
    case 'GETTRASHROOT':
      return json({ Path: `/user/${req.user}/.Trash` });
    case 'GETFILEBLOCKLOCATIONS':
    case 'GET_BLOCK_LOCATIONS': {
      const offset = longParam(req, 'offset', 0);
      const length = longParam(req, 'length', Number.MAX_SAFE_INTEGER);
      const located = await call('getBlockLocations', { src, offset, length, readerHost: '' });
      if (!located) throw new RemoteError('FileNotFoundException', `File does not exist: ${src}`);
      if (req.op === 'GETFILEBLOCKLOCATIONS') return json(blockLocationsJson(located));
      const byUuid = new Map(ctx.opts.datanodes().map((d) => [d.datanodeUuid, d]));
      return json(locatedBlocksJson(located, (uuid) => byUuid.get(uuid)));
    }
    case 'MKDIRS':
      return json({
        boolean: await call('mkdirs', { src, permission: permissionParam(req, 0o755), createParent: true }),
      });
    case 'RENAME': {
      const dst = requiredParam(req, 'destination');
      if (!dst.startsWith('/')) {
        throw illegalArgument(`Invalid parameter value: destination = ${dst} is not an absolute path.`);
      }
      return json({ boolean: await call('rename', { src, dst }) });
    }
    case 'DELETE':
      return json({ boolean: await call('delete', { src, recursive: boolParam(req, 'recursive', false) }) });
    case 'SETREPLICATION': {
      const replication = longParam(req, 'replication', ctx.opts.defaultReplication, 1);
      return json({ boolean: await call('setReplication', { src, replication }) });
    }
    case 'SETOWNER': {
      const username = req.params.get('owner') || null;
      const groupname = req.params.get('group') || null;
      if (username === null && groupname === null) throw illegalArgument('Both owner and group are empty.');
      await call('setOwner', { src, username, groupname });
      return sendJson(exchange, res, 200, null);
    }
    case 'SETPERMISSION':
      await call('setPermission', { src, permission: permissionParam(req, 0o755) });
      return sendJson(exchange, res, 200, null);
    case 'SETTIMES':
      await call('setTimes', {
        src,
        mtime: longParam(req, 'modificationtime', -1, -1),
        atime: longParam(req, 'accesstime', -1, -1),
      });
      return sendJson(exchange, res, 200, null);
    case 'CREATE':
    case 'APPEND':
    case 'OPEN':
    case 'GETFILECHECKSUM':
      return redirect(req, ctx);
    default:
      // Param.toString is `name=value`: Hadoop's message reads "op=NULL is not supported".
      throw unsupported(`op=${req.op} is not supported`);
  }
}

/** The ACL ops (NamenodeWebHdfsMethods → ClientProtocol's ACL calls, FSDirAclOp's checks). */
async function aclOp(req: WebHdfsRequest, ctx: Ctx): Promise<void> {
  const { call, exchange, res } = ctx;
  const src = req.path;
  const done = (): void => sendJson(exchange, res, 200, null);
  switch (req.op) {
    case 'GETACLSTATUS':
      return sendJson(exchange, res, 200, aclStatusJson(await call('getAclStatus', { src })));
    case 'MODIFYACLENTRIES':
      await call('modifyAclEntries', { src, aclSpec: parseAclSpec(aclSpecParam(req), true) });
      return done();
    case 'REMOVEACLENTRIES':
      await call('removeAclEntries', { src, aclSpec: parseAclSpec(aclSpecParam(req), false) });
      return done();
    case 'SETACL':
      await call('setAcl', { src, aclSpec: parseAclSpec(aclSpecParam(req), true) });
      return done();
    case 'REMOVEDEFAULTACL':
      await call('removeDefaultAcl', { src });
      return done();
    default:
      await call('removeAcl', { src });
      return done();
  }
}

/** The snapshot ops (NamenodeWebHdfsMethods → ClientProtocol's snapshot calls). */
async function snapshotOp(req: WebHdfsRequest, ctx: Ctx): Promise<void> {
  const { call, exchange, res } = ctx;
  const snapshotRoot = req.path;
  const done = (): void => sendJson(exchange, res, 200, null);
  switch (req.op) {
    case 'ALLOWSNAPSHOT':
      await call('allowSnapshot', { snapshotRoot });
      return done();
    case 'DISALLOWSNAPSHOT':
      await call('disallowSnapshot', { snapshotRoot });
      return done();
    case 'CREATESNAPSHOT': {
      const snapshotName = optionalParam(req, 'snapshotname');
      return sendJson(exchange, res, 200, {
        Path: await call('createSnapshot', { snapshotRoot, snapshotName }),
      });
    }
    case 'DELETESNAPSHOT':
      await call('deleteSnapshot', { snapshotRoot, snapshotName: requiredParam(req, 'snapshotname') });
      return done();
    case 'RENAMESNAPSHOT': {
      const snapshotOldName = requiredParam(req, 'oldsnapshotname');
      await call('renameSnapshot', {
        snapshotRoot,
        snapshotOldName,
        snapshotNewName: requiredParam(req, 'snapshotname'),
      });
      return done();
    }
    case 'GETSNAPSHOTDIFF': {
      const names = { from: optionalParam(req, 'oldsnapshotname'), to: optionalParam(req, 'snapshotname') };
      const report = await call('getSnapshotDiffReport', {
        snapshotRoot,
        fromSnapshot: names.from ?? '',
        toSnapshot: names.to ?? '',
      });
      return sendJson(exchange, res, 200, snapshotDiffJson(report, names));
    }
    default:
      return sendJson(
        exchange,
        res,
        200,
        snapshottableDirsJson(await call('getSnapshottableDirListing', {})),
      );
  }
}

/** The extended-attribute ops (NamenodeWebHdfsMethods → ClientProtocol's xattr calls). */
async function xattrOp(req: WebHdfsRequest, ctx: Ctx): Promise<void> {
  const { call, exchange, res } = ctx;
  const src = req.path;
  switch (req.op) {
    case 'GETXATTRS': {
      const names = (req.multi.get('xattr.name') ?? []).filter((n) => n !== '').map(parseXAttrName);
      const encoding = xattrEncodingParam(req);
      return sendJson(
        exchange,
        res,
        200,
        xattrsJson(await call('getXAttrs', { src, xattrs: names }), encoding),
      );
    }
    case 'LISTXATTRS':
      return sendJson(exchange, res, 200, xattrNamesJson(await call('listXAttrs', { src })));
    case 'SETXATTR': {
      const name = parseXAttrName(requiredParam(req, 'xattr.name'));
      const text = req.params.get('xattr.value');
      const value = text === undefined || text === '' ? null : decodeXAttrValue(text).toString('base64');
      await call('setXAttr', { src, xattr: { ...name, value }, flags: xattrFlagParam(req) });
      return sendJson(exchange, res, 200, null);
    }
    default:
      await call('removeXAttr', { src, xattr: parseXAttrName(requiredParam(req, 'xattr.name')) });
      return sendJson(exchange, res, 200, null);
  }
}

/** LISTSTATUS: every page of getListing; a file lists as itself with an empty pathSuffix. */
async function listAll(call: Call, src: string): Promise<FileStatus[]> {
  const status = await call('getFileInfo', { src });
  if (!status) throw new RemoteError('FileNotFoundException', `File ${src} does not exist.`);
  if (status.type === 'FILE') return [{ ...status, pathSuffix: '' }];
  const entries: FileStatus[] = [];
  let startAfter = '';
  for (let page = 0; page < WEBHDFS_LISTING_PAGES_MAX; page++) {
    const listing = await call('getListing', { src, startAfter });
    if (!listing) throw new RemoteError('FileNotFoundException', `File ${src} does not exist.`);
    entries.push(...listing.entries);
    const last = listing.entries.at(-1);
    if (listing.remainingEntries === 0 || !last) break;
    startAfter = last.pathSuffix;
  }
  return entries;
}

/** LISTSTATUS_BATCH: one getListing page as a DirectoryListing. */
async function listBatch(call: Call, src: string, startAfter: string): Promise<unknown> {
  const status = await call('getFileInfo', { src });
  if (!status) throw new RemoteError('FileNotFoundException', `File ${src} does not exist.`);
  const listing =
    status.type === 'FILE'
      ? { entries: [{ ...status, pathSuffix: '' }], remainingEntries: 0 }
      : await call('getListing', { src, startAfter });
  if (!listing) throw new RemoteError('FileNotFoundException', `File ${src} does not exist.`);
  return {
    DirectoryListing: {
      partialListing: {
        FileStatuses: { FileStatus: listing.entries.map((s) => fileStatusJson(s, s.pathSuffix)) },
      },
      remainingEntries: listing.remainingEntries,
    },
  };
}

/**
 * chooseDatanode's check before an OPEN is redirected: an offset at or past the end of a non-empty
 * file is an IOException (403) from the NameNode, with the range written half-open as Hadoop
 * writes it; the DataNode is never asked.
 */
function checkOpenOffset(req: WebHdfsRequest, fileLength: number): void {
  const offset = longParam(req, 'offset', 0);
  if (offset >= fileLength && fileLength > 0) {
    const shown = longParamText(req, 'offset') ?? '0';
    throw new RemoteError(
      'IOException',
      `Offset=${shown} out of the range [0, ${fileLength}); OPEN, path=${req.path}`,
    );
  }
}

/**
 * The first step of a data op (NamenodeWebHdfsMethods.chooseDatanode): a DataNode holding the
 * block at `offset` for OPEN (the last block for GETFILECHECKSUM and APPEND), any live one for
 * CREATE or an empty file; then
 * 307 to it, or 200 {"Location":…} with noredirect=true.
 */
async function redirect(req: WebHdfsRequest, ctx: Ctx): Promise<void> {
  const src = req.path;
  const extra: Record<string, string> = {};
  if (req.op === 'CREATE') {
    // The DataNode parses these again; checking them here answers a bad one before any redirect.
    boolParam(req, 'overwrite', false);
    boolParam(req, 'createparent', true);
    permissionParam(req, 0o644);
    longParam(req, 'replication', null, 1);
    longParam(req, 'blocksize', null, 1);
  } else if (req.op !== 'APPEND') {
    longParam(req, 'offset', 0);
    extra.offset = longParamText(req, 'offset') ?? '0';
    longParam(req, 'length', null);
  }
  const live = ctx.opts.datanodes().filter((d) => d.liveness !== 'dead' && d.infoPort > 0);
  let candidates = live.filter((d) => d.adminState === 'NORMAL');
  if (req.op !== 'CREATE') {
    const status = await ctx.call('getFileInfo', { src });
    if (!status) throw new RemoteError('FileNotFoundException', `File ${src} not found.`);
    if (status.type !== 'FILE') throw new RemoteError('FileNotFoundException', `Path is not a file: ${src}`);
    if (req.op === 'OPEN') checkOpenOffset(req, status.length);
    if (status.length > 0) {
      // APPEND and GETFILECHECKSUM go to a DataNode holding the last block (the one an append continues).
      const offset = req.op === 'OPEN' ? longParam(req, 'offset', 0) : status.length - 1;
      const located = await ctx.call('getBlockLocations', { src, offset, length: 1, readerHost: '' });
      const holders = new Set((located?.blocks[0]?.locations ?? []).map((d) => d.datanodeUuid));
      const withBlock = live.filter((d) => holders.has(d.datanodeUuid));
      if (withBlock.length > 0) candidates = withBlock;
    }
  }
  const chosen = candidates[randomInt(0, Math.max(1, candidates.length))];
  if (!chosen) {
    throw forbidden(
      'IOException',
      'java.io.IOException',
      'Failed to find datanode, suggest to check cluster health.',
    );
  }
  const location = redirectLocation({
    datanode: chosen,
    req,
    namenodeRpcAddress: ctx.opts.rpcAddress,
    extra,
  });
  if (boolParam(req, 'noredirect', false))
    return sendJson(ctx.exchange, ctx.res, 200, { Location: location });
  sendJson(ctx.exchange, ctx.res, 307, null, { location });
}
