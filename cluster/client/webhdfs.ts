/**
 * WebHDFS (`/webhdfs/v1`), the parts the NameNode and the DataNodes share: the request as Hadoop
 * parses it (op and parameter names case-insensitive, each parameter checked against its domain),
 * the JSON shapes of JsonUtil (FileStatus, ContentSummary, LocatedBlocks, BlockLocations,
 * FileChecksum) with their keys in alphabetical order as Hadoop's sorted maps write them, and
 * ExceptionHandler's RemoteException answers with its status codes. Pure apart from `sendJson`.
 * Facts: WebHDFS.md, JsonUtil, NamenodeWebHdfsMethods; docs/http.md.
 */
import type http from 'node:http';
import { RemoteError, type ErrorClass } from '../protocol/errors.js';
import { encodeXAttrValue, prefixedName, type XAttrEncoding } from '../namenode/xattr.js';
import { aclEntryText } from '../namenode/acl.js';
import type {
  AclStatus,
  ContentSummary,
  QuotaUsage,
  ServerDefaults,
  SnapshotDiffReport,
  SnapshottableDirStatus,
  XAttr,
} from '../protocol/messages.js';
import {
  xferAddr,
  type DatanodeInfo,
  type FileStatus,
  type LocatedBlock,
  type LocatedBlocks,
} from '../protocol/types.js';
import { sendHttpResponse, type HttpExchange } from '../transport/http-journal.js';

export const WEBHDFS_PREFIX = '/webhdfs/v1';

/** hadoop.http.staticuser.user: who a request without `user.name` is. */
export const WEBHDFS_STATIC_USER = 'dr.who';

export type WebHdfsMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

/**
 * Each method's op enum as Hadoop's trunk declares it (GetOpParam.Op, PutOpParam.Op,
 * PostOpParam.Op, DeleteOpParam.Op): an op in the enum the lab does not serve is an
 * UnsupportedOperationException (400), anything else is not a value of the enum (400
 * IllegalArgumentException, "<op> is not a valid <METHOD> operation.", each class's getOp).
 */
const OP_ENUMS: Record<WebHdfsMethod, { ops: readonly string[] }> = {
  GET: {
    ops: [
      'OPEN',
      'GETFILESTATUS',
      'LISTSTATUS',
      'GETCONTENTSUMMARY',
      'GETQUOTAUSAGE',
      'GETFILECHECKSUM',
      'GETHOMEDIRECTORY',
      'GETDELEGATIONTOKEN',
      'GET_BLOCK_LOCATIONS',
      'GETFILEBLOCKLOCATIONS',
      'GETACLSTATUS',
      'GETXATTRS',
      'GETTRASHROOT',
      'LISTXATTRS',
      'GETALLSTORAGEPOLICY',
      'GETSTORAGEPOLICY',
      'GETECPOLICY',
      'NULL',
      'CHECKACCESS',
      'LISTSTATUS_BATCH',
      'GETSERVERDEFAULTS',
      'GETSNAPSHOTDIFF',
      'GETSNAPSHOTDIFFLISTING',
      'GETSNAPSHOTTABLEDIRECTORYLIST',
      'GETLINKTARGET',
      'GETFILELINKSTATUS',
      'GETSTATUS',
      'GET_EC_POLICIES',
      'GETSNAPSHOTLIST',
    ],
  },
  PUT: {
    ops: [
      'CREATE',
      'MKDIRS',
      'CREATESYMLINK',
      'RENAME',
      'SETREPLICATION',
      'SETOWNER',
      'SETPERMISSION',
      'SETTIMES',
      'RENEWDELEGATIONTOKEN',
      'CANCELDELEGATIONTOKEN',
      'MODIFYACLENTRIES',
      'REMOVEACLENTRIES',
      'REMOVEDEFAULTACL',
      'REMOVEACL',
      'SETACL',
      'SETXATTR',
      'REMOVEXATTR',
      'ENABLEECPOLICY',
      'DISABLEECPOLICY',
      'SETECPOLICY',
      'ALLOWSNAPSHOT',
      'DISALLOWSNAPSHOT',
      'CREATESNAPSHOT',
      'RENAMESNAPSHOT',
      'SETSTORAGEPOLICY',
      'SATISFYSTORAGEPOLICY',
      'SETQUOTA',
      'SETQUOTABYSTORAGETYPE',
      'NULL',
    ],
  },
  POST: {
    ops: ['APPEND', 'CONCAT', 'TRUNCATE', 'UNSETECPOLICY', 'UNSETSTORAGEPOLICY', 'NULL'],
  },
  DELETE: { ops: ['DELETE', 'DELETESNAPSHOT', 'NULL'] },
};

/** The exceptions WebHDFS answers beyond the RPC registry's, with their Java classes. */
const WEB_ONLY_CLASSES = {
  UnsupportedOperationException: 'java.lang.UnsupportedOperationException',
  SecurityException: 'java.lang.SecurityException',
  AuthorizationException: 'org.apache.hadoop.security.authorize.AuthorizationException',
  RuntimeException: 'java.lang.RuntimeException',
} as const;

/** One WebHDFS failure: the exception Hadoop would throw, and the status ExceptionHandler gives it. */
export class WebHdfsError extends Error {
  constructor(
    readonly exception: string,
    readonly javaClassName: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = exception;
  }
}

/** 400: IllegalArgumentException, as a bad parameter value is answered. */
export function badParam(name: string, why: string): WebHdfsError {
  return new WebHdfsError(
    'IllegalArgumentException',
    'java.lang.IllegalArgumentException',
    `Invalid value for webhdfs parameter "${name}": ${why}`,
    400,
  );
}

export function illegalArgument(message: string): WebHdfsError {
  return new WebHdfsError('IllegalArgumentException', 'java.lang.IllegalArgumentException', message, 400);
}

export function unsupported(message: string): WebHdfsError {
  return new WebHdfsError(
    'UnsupportedOperationException',
    WEB_ONLY_CLASSES.UnsupportedOperationException,
    message,
    400,
  );
}

export function forbidden(
  exception: keyof typeof WEB_ONLY_CLASSES | ErrorClass,
  javaClass: string,
  message: string,
): WebHdfsError {
  return new WebHdfsError(exception, javaClass, message, 403);
}

/** The RPC errors that are IllegalArgumentExceptions in Java (InvalidPathException extends one). */
const ILLEGAL_ARGUMENT_CLASSES: ReadonlySet<ErrorClass> = new Set([
  'InvalidPathException',
  'HadoopIllegalArgumentException',
  'IllegalArgumentException',
]);

/**
 * ExceptionHandler.toResponse: FileNotFoundException 404; any other IOException (permission, safe
 * mode, file exists, non-empty directory…) 403; IllegalArgumentException and
 * UnsupportedOperationException 400; anything else 500.
 */
export function webHdfsErrorOf(err: unknown): WebHdfsError {
  if (err instanceof WebHdfsError) return err;
  if (err instanceof RemoteError) {
    const short = err.javaClassName.slice(err.javaClassName.lastIndexOf('.') + 1);
    const status =
      err.errorClass === 'FileNotFoundException'
        ? 404
        : ILLEGAL_ARGUMENT_CLASSES.has(err.errorClass)
          ? 400
          : 403;
    return new WebHdfsError(short, err.javaClassName, err.message, status);
  }
  const message = err instanceof Error ? err.message : String(err);
  return new WebHdfsError('RuntimeException', WEB_ONLY_CLASSES.RuntimeException, message, 500);
}

/** JsonUtil.toJsonString(Exception): the body of every WebHDFS error. */
export function remoteExceptionJson(err: WebHdfsError): string {
  return JSON.stringify({
    RemoteException: { exception: err.exception, javaClassName: err.javaClassName, message: err.message },
  });
}

// ---------------------------------------------------------------------------------------------
// The request
// ---------------------------------------------------------------------------------------------

export interface WebHdfsRequest {
  method: WebHdfsMethod;
  /** Upper-cased, as EnumParam.Domain.parse does. */
  op: string;
  /** The HDFS path, percent-decoded, exactly as sent (the NameNode checks it like any path). */
  path: string;
  /** Parameters by lower-cased name (ParamFilter lower-cases names); the first value wins. */
  params: ReadonlyMap<string, string>;
  /** Every value of a repeated parameter (GETXATTRS takes several `xattr.name`). */
  multi: ReadonlyMap<string, readonly string[]>;
  user: string;
}

/** UserParam's domain (dfs.webhdfs.user.provider.user.pattern's default). */
const USER_PATTERN = /^[A-Za-z_][A-Za-z0-9._-]*[$]?$/;

/**
 * Parses `/webhdfs/v1/<path>?op=…&…` as NamenodeWebHdfsMethods receives it. The raw URL is used,
 * not a normalised one: `..` must reach the path check and be refused, never resolved.
 */
export function parseWebHdfsRequest(method: string, rawUrl: string): WebHdfsRequest {
  const queryAt = rawUrl.indexOf('?');
  const rawPath = queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt);
  const query = new URLSearchParams(queryAt < 0 ? '' : rawUrl.slice(queryAt + 1));
  const params = new Map<string, string>();
  const multi = new Map<string, string[]>();
  for (const [name, value] of query) {
    const key = name.toLowerCase();
    if (!params.has(key)) params.set(key, value);
    multi.set(key, [...(multi.get(key) ?? []), value]);
  }
  let path: string;
  try {
    path = decodeURIComponent(rawPath.slice(WEBHDFS_PREFIX.length)) || '/';
  } catch {
    throw illegalArgument(`Invalid path ${rawPath}: bad percent-encoding`);
  }
  if (!isWebHdfsMethod(method)) {
    throw unsupported(`HTTP method ${method} is not supported by WebHDFS (GET, PUT, POST or DELETE)`);
  }
  // No op is @DefaultValue NULL: every method's enum has it, and the handler answers it as unsupported.
  const opText = params.get('op') || 'NULL';
  const op = opText.toUpperCase();
  const known = OP_ENUMS[method];
  if (!known.ops.includes(op)) {
    throw badParam('op', `${opText} is not a valid ${method} operation.`);
  }
  // UserParam's default is "": an empty user.name is no user, and the static user acts (the
  // DataNode's ParameterParser); the NameNode's authentication filter refuses it first (authFilterRefusal).
  const user = params.get('user.name') || WEBHDFS_STATIC_USER;
  if (!USER_PATTERN.test(user)) {
    throw badParam(
      'user.name',
      `Invalid value: "${user}" does not belong to the domain ${USER_PATTERN.source}`,
    );
  }
  if (params.has('doas') && params.get('doas') !== user) {
    throw forbidden(
      'AuthorizationException',
      WEB_ONLY_CLASSES.AuthorizationException,
      `User: ${user} is not allowed to impersonate ${params.get('doas') ?? ''}`,
    );
  }
  return { method, op, path, params, multi, user };
}

/** AuthToken.ILLEGAL_ARG_MSG: what an AuthenticationToken says of a user name it refuses. */
const AUTH_TOKEN_USER_REFUSED = "userName is NULL, empty or contains a '&'";

/**
 * The NameNode's WebHDFS authentication filter (AuthFilter, simple authentication:
 * PseudoAuthenticationHandler), which runs before any parameter is parsed: the first `user.name`
 * of the raw query, when present, becomes an AuthenticationToken, and one that is empty or holds
 * '&' makes it throw an IllegalArgumentException no handler catches, so Jetty answers 500. A
 * request with `delegation` skips the filter. The exception's text, or undefined when it passes.
 */
export function authFilterRefusal(rawUrl: string): string | undefined {
  const queryAt = rawUrl.indexOf('?');
  if (queryAt < 0) return undefined;
  const query = new URLSearchParams(rawUrl.slice(queryAt + 1));
  if (query.has('delegation')) return undefined;
  const user = query.get('user.name');
  if (user === null || (user !== '' && !user.includes('&'))) return undefined;
  return `java.lang.IllegalArgumentException: ${AUTH_TOKEN_USER_REFUSED}`;
}

/**
 * JspHelper.getUGI past the filter (a request with `delegation`, security off): an empty
 * `user.name` is the remote user, and UserGroupInformation.createRemoteUser refuses it.
 */
export function checkRemoteUser(req: WebHdfsRequest): void {
  if (req.params.get('user.name') === '') throw illegalArgument('Null user');
}

function isWebHdfsMethod(method: string): method is WebHdfsMethod {
  return method === 'GET' || method === 'PUT' || method === 'POST' || method === 'DELETE';
}

/** The ops a DataNode serves (WebHdfsHandler): the data half of the two-step ones. */
export const DATANODE_OPS: ReadonlySet<string> = new Set(['CREATE', 'APPEND', 'OPEN', 'GETFILECHECKSUM']);

/** What a DataNode's WebHDFS answers carry (WebHdfsHandler), so the NameNode's web UI can upload from the browser. */
export const DATANODE_CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, PUT, POST, OPTIONS',
  'access-control-allow-headers': 'content-type',
  'access-control-max-age': '86400',
};

// ---- parameter values (each Param class's domain) ----

export function boolParam(req: WebHdfsRequest, name: string, fallback: boolean): boolean {
  const text = req.params.get(name);
  if (text === undefined || text === '') return fallback;
  const lower = text.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw badParam(name, `Failed to parse "${text}" to Boolean.`);
}

/**
 * LongParam: a decimal long within [min, ∞); `fallback` when absent (null: no value). Any value
 * Long.parseLong takes is accepted (`length=9223372036854775807` means "to the end", as in
 * Hadoop); one past 2^53 is past every file and count the lab holds and reads as
 * Number.MAX_SAFE_INTEGER.
 */
export function longParam<T extends number | null>(
  req: WebHdfsRequest,
  name: string,
  fallback: T,
  min = 0,
): number | T {
  const text = req.params.get(name);
  if (text === undefined || text === '' || text.toLowerCase() === 'null') return fallback;
  const value = javaLong(name, text);
  if (value < BigInt(min)) throw badParam(name, `Invalid parameter range: ${name} = ${value} < ${min}`);
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}

/** A long parameter as Long.toString prints it (`+007` is `7`), for messages that echo the value. */
export function longParamText(req: WebHdfsRequest, name: string): string | undefined {
  const text = req.params.get(name);
  return text === undefined || text === '' ? undefined : String(javaLong(name, text));
}

const LONG_MAX = 2n ** 63n - 1n;

/** Long.parseLong(text, 10), refused in LongParam.Domain.parse's words when it would throw. */
function javaLong(name: string, text: string): bigint {
  const value = /^[-+]?\d+$/.test(text) ? BigInt(text) : null;
  if (value === null || value > LONG_MAX || value < -LONG_MAX - 1n) {
    throw badParam(name, `Failed to parse "${text}" as a radix-10 long integer.`);
  }
  return value;
}

/** PermissionParam: an octal string, 0–1777, leading zeros optional. */
export function permissionParam(req: WebHdfsRequest, fallback: number): number {
  const text = req.params.get('permission');
  if (text === undefined || text === '' || text.toLowerCase() === 'null') return fallback;
  if (!/^[0-7]{1,4}$/.test(text) || Number.parseInt(text, 8) > 0o1777) {
    throw badParam(
      'permission',
      `Invalid value: "${text}" does not belong to the domain [0-1]?[0-7][0-7][0-7]`,
    );
  }
  return Number.parseInt(text, 8);
}

/** NameSpaceQuotaParam / StorageSpaceQuotaParam: a long as text; absent is QUOTA_DONT_SET (Long.MAX). */
export function quotaParam(req: WebHdfsRequest, name: string): string {
  const text = req.params.get(name);
  if (text === undefined || text === '') return String(LONG_MAX);
  return String(javaLong(name, text));
}

/** XAttrSetFlagParam: CREATE, REPLACE or both, comma-separated, any case; none is left to the NameNode. */
export function xattrFlagParam(req: WebHdfsRequest): { create: boolean; replace: boolean } {
  const flags = { create: false, replace: false };
  for (const word of (req.params.get('flag') ?? '').split(',').filter((w) => w !== '')) {
    const upper = word.trim().toUpperCase();
    if (upper === 'CREATE') flags.create = true;
    else if (upper === 'REPLACE') flags.replace = true;
    else throw badParam('flag', `No enum constant org.apache.hadoop.fs.XAttrSetFlag.${upper}`);
  }
  return flags;
}

/** XAttrEncodingParam: TEXT (the default), HEX or BASE64, any case. */
export function xattrEncodingParam(req: WebHdfsRequest): XAttrEncoding {
  return xattrEncodingOf(req.params.get('encoding'));
}

/** XAttrEncodingParam's domain: absent is text (XAttrCodec writes a value in quotes). */
export function xattrEncodingOf(text: string | undefined): XAttrEncoding {
  if (text === undefined || text === '') return 'text';
  const lower = text.toLowerCase();
  if (lower === 'text' || lower === 'hex' || lower === 'base64') return lower;
  throw badParam('encoding', `No enum constant org.apache.hadoop.fs.XAttrCodec.${text.toUpperCase()}`);
}

/** NamenodeWebHdfsMethods.validateOpParams: a parameter the op cannot do without. */
export function requiredParam(req: WebHdfsRequest, name: string): string {
  const value = req.params.get(name);
  if (value === undefined || value === '') throw missingParam(req, name);
  return value;
}

export function missingParam(req: WebHdfsRequest, name: string): WebHdfsError {
  return illegalArgument(`Required param ${name} for op: ${req.op} is null or empty`);
}

/** SnapshotNameParam / OldSnapshotNameParam: a string, absent or empty is null. */
export function optionalParam(req: WebHdfsRequest, name: string): string | null {
  const value = req.params.get(name);
  return value === undefined || value === '' ? null : value;
}

/**
 * AclPermissionParam's domain (dfs.webhdfs.acl.provider.permission.pattern's default), as Java
 * reads it: `[[A-Za-z_][A-Za-z0-9._-]]` is a union of classes in Java's regex syntax, so a name
 * is any run of `[A-Za-z0-9._-]`.
 */
const ACL_SPEC_PATTERN_JAVA =
  '^(default:)?(user|group|mask|other):[[A-Za-z_][A-Za-z0-9._-]]*:([rwx-]{3})?(,(default:)?(user|group|mask|other):[[A-Za-z_][A-Za-z0-9._-]]*:([rwx-]{3})?)*$';
const ACL_ENTRY = '(default:)?(user|group|mask|other):[A-Za-z0-9._-]*:([rwx-]{3})?';
const ACL_SPEC_PATTERN = new RegExp(`^${ACL_ENTRY}(,${ACL_ENTRY})*$`);

/** `aclspec`, required, checked against AclPermissionParam's domain; the entries as text. */
export function aclSpecParam(req: WebHdfsRequest): string {
  const text = requiredParam(req, 'aclspec');
  if (!ACL_SPEC_PATTERN.test(text)) {
    throw badParam(
      'aclspec',
      `Invalid value: "${text}" does not belong to the domain ${ACL_SPEC_PATTERN_JAVA}`,
    );
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// JSON shapes (JsonUtil), keys in alphabetical order
// ---------------------------------------------------------------------------------------------

/** FsPermission as JsonUtil writes it: octal without a leading zero, the sticky bit included. */
export function permissionString(mode: number): string {
  return (mode & 0o1777).toString(8);
}

/**
 * JsonUtil.toJsonMap(HdfsFileStatus); `aclBit` and `snapshotEnabled` appear only when true (the
 * caller says whether the directory is snapshottable: the RPC's FileStatus does not carry it).
 */
export function fileStatusJson(
  s: FileStatus,
  pathSuffix: string,
  opts: { snapshotEnabled?: boolean } = {},
): Record<string, unknown> {
  const dir = s.type === 'DIRECTORY';
  return {
    accessTime: dir ? 0 : s.accessTime,
    ...(s.hasAcl ? { aclBit: true } : {}),
    blockSize: dir ? 0 : s.blockSize,
    childrenNum: s.childrenNum,
    fileId: s.fileId,
    group: s.group,
    length: dir ? 0 : s.length,
    modificationTime: s.modificationTime,
    owner: s.owner,
    pathSuffix,
    permission: permissionString(s.permission),
    replication: dir ? 0 : s.replication,
    ...(opts.snapshotEnabled ? { snapshotEnabled: true } : {}),
    storagePolicy: 0,
    type: s.type,
  };
}

/** GETACLSTATUS: JsonUtil.toJsonString(AclStatus), each entry as AclEntry.toStringStable. */
export function aclStatusJson(status: AclStatus): Record<string, unknown> {
  return {
    AclStatus: {
      entries: status.entries.map(aclEntryText),
      group: status.group,
      owner: status.owner,
      permission: permissionString(status.permission),
      stickyBit: status.sticky,
    },
  };
}

/** DataChecksum.Type's ids, as FsServerDefaults' checksumType carries them. */
const CHECKSUM_TYPE_IDS = { CRC32: 1, CRC32C: 2 } as const;

/** BlockStoragePolicySuite's default policy, HOT. */
const HOT_STORAGE_POLICY_ID = 7;

/**
 * GETSERVERDEFAULTS: JsonUtil.toJsonString(FsServerDefaults). Its map is a HashMap, not a
 * TreeMap, so the keys come in Java's HashMap iteration order for these ten strings (bucket
 * index of String.hashCode in a 16-slot table), not alphabetically.
 */
export function serverDefaultsJson(d: ServerDefaults): Record<string, unknown> {
  return {
    FsServerDefaults: {
      replication: d.replication,
      encryptDataTransfer: false,
      defaultStoragePolicyId: HOT_STORAGE_POLICY_ID,
      writePacketSize: d.writePacketSize,
      fileBufferSize: d.fileBufferSize,
      checksumType: CHECKSUM_TYPE_IDS[d.checksumType],
      trashInterval: d.trashIntervalMinutes,
      keyProviderUri: '',
      blockSize: d.blockSize,
      bytesPerChecksum: d.bytesPerChecksum,
    },
  };
}

/**
 * GETSTATUS: JsonUtil.toJsonString(FsStatus) from ClientProtocol.getStats' first three longs. A
 * HashMap again: Java's iteration order for these keys is used, remaining, capacity.
 */
export function fsStatusJson(stats: {
  capacity: number;
  used: number;
  remaining: number;
}): Record<string, unknown> {
  return { FsStatus: { used: stats.used, remaining: stats.remaining, capacity: stats.capacity } };
}

/** FsActionParam's domain, `[r-][w-][x-]` (FsAction.SYMBOL). */
const FS_ACTION_PATTERN = /^[r-][w-][x-]$/;

/**
 * CHECKACCESS's `fsaction` as FsAction.getFsAction reads it, as the permission bits checkAccess
 * takes (r 4, w 2, x 1). Required; "null" is absent, as StringParam reads it.
 */
export function fsActionParam(req: WebHdfsRequest): number {
  const text = req.params.get('fsaction');
  if (text === undefined || text === '' || text === 'null') throw missingParam(req, 'fsaction');
  if (!FS_ACTION_PATTERN.test(text)) {
    throw badParam('fsaction', `Invalid value: "${text}" does not belong to the domain [r-][w-][x-]`);
  }
  return (text[0] === 'r' ? 4 : 0) | (text[1] === 'w' ? 2 : 0) | (text[2] === 'x' ? 1 : 0);
}

/**
 * GETSNAPSHOTDIFF: JsonUtil.toJsonString(SnapshotDiffReport). The names are the request's (null
 * when absent, as the NameNode echoes them when both name the current tree); each entry's
 * `sourcePath` is relative to the snapshot root ('' for the root), `targetPath` only for RENAME.
 */
export function snapshotDiffJson(
  report: SnapshotDiffReport,
  names: { from: string | null; to: string | null },
): Record<string, unknown> {
  const bothCurrent = report.fromSnapshot === '' && report.toSnapshot === '';
  return {
    SnapshotDiffReport: {
      diffList: report.entries.map((e) => ({
        sourcePath: e.path,
        ...(e.target !== undefined ? { targetPath: e.target } : {}),
        type: e.type,
      })),
      fromSnapshot: bothCurrent ? names.from : report.fromSnapshot,
      snapshotRoot: report.snapshotRoot,
      toSnapshot: bothCurrent ? names.to : report.toSnapshot,
    },
  };
}

/**
 * GETSNAPSHOTTABLEDIRECTORYLIST: JsonUtil.toJsonString(SnapshottableDirectoryStatus[]). The
 * NameNode's listing is null when no directory is snapshottable, and JsonUtil writes that null.
 */
export function snapshottableDirsJson(dirs: readonly SnapshottableDirStatus[]): Record<string, unknown> {
  return {
    SnapshottableDirectoryList:
      dirs.length === 0
        ? null
        : dirs.map((d) => ({
            dirStatus: fileStatusJson(d.status, d.status.pathSuffix, { snapshotEnabled: true }),
            parentFullPath: d.parentPath,
            snapshotNumber: d.snapshotNumber,
            snapshotQuota: d.snapshotQuota,
          })),
  };
}

/**
 * GETCONTENTSUMMARY: JsonUtil.toJsonString(ContentSummary) of Hadoop 3.3, a TreeMap (keys in
 * alphabetical order): the counts, the erasure coding policy, the quota fields of QuotaUsage
 * (without fileAndDirectoryCount), and the part only snapshots hold (snapshotLength,
 * snapshotFileCount, snapshotDirectoryCount, snapshotSpaceConsumed), as TestJsonUtil's
 * testToJsonFromContentSummary expects them.
 */
export function contentSummaryJson(c: ContentSummary): Record<string, unknown> {
  return {
    ContentSummary: {
      directoryCount: c.directoryCount,
      ecPolicy: c.erasureCodingPolicy,
      fileCount: c.fileCount,
      length: c.length,
      quota: c.quota,
      snapshotDirectoryCount: c.snapshotDirectoryCount,
      snapshotFileCount: c.snapshotFileCount,
      snapshotLength: c.snapshotLength,
      snapshotSpaceConsumed: c.snapshotSpaceConsumed,
      spaceConsumed: c.spaceConsumed,
      spaceQuota: c.spaceQuota,
      typeQuota: {},
    },
  };
}

/**
 * GETQUOTAUSAGE: JsonUtil.toJsonString(QuotaUsage) of ClientProtocol.getQuotaUsage's answer, a
 * TreeMap; typeQuota holds the storage types with a quota, which the lab has none of.
 */
export function quotaUsageJson(u: QuotaUsage): Record<string, unknown> {
  return {
    QuotaUsage: {
      fileAndDirectoryCount: u.fileAndDirectoryCount,
      quota: u.quota,
      spaceConsumed: u.spaceConsumed,
      spaceQuota: u.spaceQuota,
      typeQuota: {},
    },
  };
}

/** GETXATTRS: JsonUtil.toJsonString(List<XAttr>, XAttrCodec): each value encoded, null when absent. */
export function xattrsJson(xattrs: readonly XAttr[], encoding: XAttrEncoding): Record<string, unknown> {
  return {
    XAttrs: xattrs.map((x) => ({
      name: prefixedName(x),
      value: x.value === null ? null : encodeXAttrValue(Buffer.from(x.value, 'base64'), encoding),
    })),
  };
}

/** LISTXATTRS: the names as a JSON array inside a string, as JsonUtil.toJsonString(List<XAttr>) writes them. */
export function xattrNamesJson(xattrs: readonly XAttr[]): Record<string, unknown> {
  return { XAttrNames: JSON.stringify(xattrs.map(prefixedName)) };
}

/** JsonUtil.toJsonMap(DatanodeInfo): a location of a LocatedBlock. */
export function datanodeInfoJson(
  id: LocatedBlock['locations'][number],
  info: DatanodeInfo | undefined,
  rack: string,
) {
  return {
    adminState: info?.adminState ?? 'NORMAL',
    blockPoolUsed: info?.blockPoolUsed ?? 0,
    cacheCapacity: 0,
    cacheUsed: 0,
    capacity: info?.capacity ?? 0,
    dfsUsed: info?.dfsUsed ?? 0,
    hostName: id.hostName,
    infoPort: info?.infoPort ?? id.infoPort,
    infoSecurePort: 0,
    ipAddr: id.ipAddr,
    ipcPort: id.ipcPort,
    lastBlockReportMonotonic: 0,
    lastBlockReportTime: info?.lastBlockReportTime ?? 0,
    lastUpdate: info?.lastUpdate ?? 0,
    lastUpdateMonotonic: 0,
    name: xferAddr(id),
    networkLocation: rack,
    remaining: info?.remaining ?? 0,
    storageID: id.datanodeUuid,
    xceiverCount: info?.xceiverCount ?? 0,
    xferPort: id.xferPort,
  };
}

function locatedBlockJson(lb: LocatedBlock, infoOf: (uuid: string) => DatanodeInfo | undefined) {
  return {
    block: {
      blockId: lb.block.blockId,
      blockPoolId: lb.blockPoolId,
      generationStamp: lb.block.genStamp,
      numBytes: lb.block.numBytes,
    },
    blockToken: { urlString: '' },
    cachedLocations: [],
    isCorrupt: lb.isCorrupt,
    locations: lb.locations.map((d, i) => datanodeInfoJson(d, infoOf(d.datanodeUuid), lb.racks[i] ?? '')),
    startOffset: lb.startOffset,
    storageTypes: lb.locations.map(() => 'DISK'),
  };
}

/** GET_BLOCK_LOCATIONS: JsonUtil.toJsonString(LocatedBlocks). */
export function locatedBlocksJson(
  located: LocatedBlocks,
  infoOf: (uuid: string) => DatanodeInfo | undefined,
): Record<string, unknown> {
  const last = located.lastBlock;
  return {
    LocatedBlocks: {
      fileLength: located.fileLength,
      isLastBlockComplete: located.isLastBlockComplete,
      isUnderConstruction: located.underConstruction,
      lastLocatedBlock: last ? locatedBlockJson(last, infoOf) : null,
      locatedBlocks: located.blocks.map((lb) => locatedBlockJson(lb, infoOf)),
    },
  };
}

/**
 * GETFILEBLOCKLOCATIONS: FileSystem.getFileBlockLocations as JSON (BlockLocation). JsonUtil builds
 * each location in a HashMap, not a TreeMap: the keys come in Java's HashMap iteration order for
 * these eight strings, as in serverDefaultsJson.
 */
export function blockLocationsJson(located: LocatedBlocks): Record<string, unknown> {
  return {
    BlockLocations: {
      BlockLocation: located.blocks.map((lb) => ({
        topologyPaths: lb.locations.map((d, i) => `${lb.racks[i] ?? ''}/${xferAddr(d)}`),
        corrupt: lb.isCorrupt,
        cachedHosts: [],
        names: lb.locations.map(xferAddr),
        offset: lb.startOffset,
        hosts: lb.locations.map((d) => d.hostName),
        length: lb.block.numBytes,
        storageTypes: lb.locations.map(() => 'DISK'),
      })),
    },
  };
}

export function fileChecksumJson(checksum: {
  algorithmName: string;
  bytes: Buffer;
}): Record<string, unknown> {
  return {
    FileChecksum: {
      algorithm: checksum.algorithmName,
      bytes: checksum.bytes.toString('hex'),
      length: checksum.bytes.length,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------------

/** A JSON answer (compact, as Hadoop's); `null` is a zero-length 200 (SETOWNER, SETPERMISSION…). */
export function sendJson(
  exchange: HttpExchange,
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendHttpResponse(exchange, res, {
    status,
    headers: body === null ? headers : { 'content-type': 'application/json', ...headers },
    body: body === null ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body), 'utf8'),
  });
}

/**
 * A failure in a servlet filter, before WebHDFS's ExceptionHandler: Jetty's 500 with the
 * exception (Hadoop's body is Jetty's HTML error page; the lab sends the exception's line).
 */
export function sendFilterFailure(exchange: HttpExchange, res: http.ServerResponse, exception: string): void {
  sendHttpResponse(exchange, res, {
    status: 500,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    body: Buffer.from(`${exception}\n`, 'utf8'),
  });
}

export function sendWebHdfsError(exchange: HttpExchange, res: http.ServerResponse, err: unknown): void {
  const error = webHdfsErrorOf(err);
  sendHttpResponse(exchange, res, {
    status: error.status,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(remoteExceptionJson(error), 'utf8'),
  });
}

/**
 * The Location of the NameNode's 307 (NamenodeWebHdfsMethods.redirectURI): the DataNode's HTTP
 * address, the same path, `op`, `user.name`, `namenoderpcaddress` and the other parameters sorted
 * by name; OPEN carries its `offset`.
 */
export function redirectLocation(opts: {
  datanode: { ipAddr: string; infoPort: number };
  req: WebHdfsRequest;
  namenodeRpcAddress: string;
  extra?: Record<string, string>;
}): string {
  const { req } = opts;
  const rest = new Map<string, string>();
  for (const [k, v] of req.params) if (k !== 'op' && k !== 'user.name' && k !== 'noredirect') rest.set(k, v);
  for (const [k, v] of Object.entries(opts.extra ?? {})) rest.set(k, v);
  // java.net.URI quotes only what a query may not hold: ':' and '/' stay as they are.
  const q = (text: string): string => encodeURIComponent(text).replace(/%3A/gi, ':').replace(/%2F/gi, '/');
  const pairs: [string, string][] = [
    ['op', req.op],
    ['user.name', req.user],
    ['namenoderpcaddress', opts.namenodeRpcAddress],
    ...[...rest.keys()].sort().map((k): [string, string] => [k, rest.get(k) ?? '']),
  ];
  const query = pairs.map(([k, v]) => `${q(k)}=${q(v)}`).join('&');
  const encodedPath = req.path
    .split('/')
    .map((c) => encodeURIComponent(c))
    .join('/');
  return `http://${opts.datanode.ipAddr}:${opts.datanode.infoPort}${WEBHDFS_PREFIX}${encodedPath}?${query}`;
}
