/**
 * Every request's shape and ranges, checked before the NameNode core looks at it, whatever the
 * transport (protobuf fixes the types on the wire; the ranges and shapes are still ours to check).
 * A request that fails here changes nothing and is answered with HadoopIllegalArgumentException
 * naming the method, the field, what was expected and what arrived — so a mistyped parameter can
 * never reach the namespace, let alone an edit-log op that cannot be written.
 *
 * Checks that HDFS makes with its own words (replication against dfs.replication.max, block size
 * against dfs.namenode.fs-limits.min-block-size, path names) stay in the Namespace; these only make
 * sure the values are of a kind those checks and the edit log can take.
 */
import { RemoteError } from '../protocol/errors.js';
import { REPORTED_REPLICA_STATES, type RpcMethod } from '../protocol/messages.js';
import { PERMISSION_MAX } from './permission.js';
import {
  RPC_NAME_LENGTH_MAX,
  RPC_LIST_LENGTH_MAX,
  BLOCK_REPORT_REPLICAS_MAX,
  ERROR_REPORT_MESSAGE_LENGTH_MAX,
} from '../protocol/limits.js';

/** Go's os.ModeDir (1<<31): the colinmarc/hdfs client sends it in mkdirs' permission; HDFS drops it. */
export const GO_MODE_DIR = 0x8000_0000;
/** A Java short: replication travels as one (INodeFile's header, the edit log). */
const SHORT_MAX = 0x7fff;
/** A Java long that JavaScript numbers hold exactly (ids, lengths, times). */
const LONG_MAX = Number.MAX_SAFE_INTEGER;

export interface RequestLimits {
  /** dfs.bytes-per-checksum: a block size must be a multiple of it. */
  bytesPerChecksum: number;
}

type Check = (value: unknown) => string | null;

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 64 ? value.slice(0, 64) + '…' : value);
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0)
    return `${value} (0${value.toString(8)})`;
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

const integer =
  (min: number, max: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max
      ? null
      : `must be an integer from ${min} to ${max}`;

const string =
  (maxLength: number): Check =>
  (v) =>
    typeof v === 'string' && v.length <= maxLength
      ? null
      : `must be a string of at most ${maxLength} characters`;

const nonEmptyName: Check = (v) =>
  typeof v === 'string' && v.length > 0 && v.length <= RPC_NAME_LENGTH_MAX
    ? null
    : `must be a non-empty string of at most ${RPC_NAME_LENGTH_MAX} characters`;

const boolean: Check = (v) => (typeof v === 'boolean' ? null : 'must be true or false');

const oneOf =
  (...values: string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v) ? null : `must be one of ${values.join(', ')}`;

const nullable =
  (check: Check): Check =>
  (v) =>
    v === null || v === undefined ? null : check(v);

const listOf =
  (check: Check, maxLength: number): Check =>
  (v) => {
    if (!Array.isArray(v) || v.length > maxLength) return `must be a list of at most ${maxLength} entries`;
    for (let i = 0; i < v.length; i++) {
      const problem = check(v[i]);
      if (problem) return `[${i}] ${problem}`;
    }
    return null;
  };

const shape =
  (fields: Record<string, Check>): Check =>
  (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'must be an object';
    for (const [name, check] of Object.entries(fields)) {
      const problem = check((v as Record<string, unknown>)[name]);
      if (problem) return `.${name} ${problem}`;
    }
    return null;
  };

const long = integer(0, LONG_MAX);
const path = string(1_000_000); // the Namespace checks the path rules and HDFS's length limit

/** A permission as clients send it: at most 07777 once Go's ModeDir bit is taken off. */
const permission: Check = (v) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && permissionBits(v) <= PERMISSION_MAX
    ? null
    : `must be a permission from 0 to 0${PERMISSION_MAX.toString(8)} (setuid, setgid, sticky, then rwx for user, group and other)`;

const block = shape({ blockId: integer(-LONG_MAX, LONG_MAX), numBytes: long, genStamp: long });

const NOT_FINALIZED: readonly string[] = REPORTED_REPLICA_STATES.filter((st) => st !== 'FINALIZED');

/** A full report's replica: [blockId, length, genstamp], then its state when it is not finalized. */
const reportedReplicaProblem: Check = (v) => {
  if (!Array.isArray(v) || (v.length !== 3 && v.length !== 4) || v.slice(0, 3).some((n) => long(n) !== null))
    return 'must be [blockId, length, genstamp(, state)], each number an integer ≥ 0';
  if (v.length === 4 && !NOT_FINALIZED.includes(v[3] as string))
    return `has a state that is not ${NOT_FINALIZED.join(', ')}`;
  return null;
};

const datanodeId = shape({
  name: nonEmptyName,
  ipAddr: nonEmptyName,
  hostName: string(RPC_NAME_LENGTH_MAX),
  datanodeUuid: string(RPC_NAME_LENGTH_MAX),
  storageId: string(RPC_NAME_LENGTH_MAX),
  xferPort: integer(0, 65535),
  ipcPort: integer(0, 65535),
  infoPort: integer(0, 65535),
});

/** DatanodeRegistration: the DataNode's id and the namespace identity of its storage. */
const registration = shape({
  datanode: datanodeId,
  storageInfo: shape({
    layoutVersion: integer(-0x8000_0000, 0x7fff_ffff),
    namespaceId: integer(0, 0xffff_ffff),
    clusterId: string(RPC_NAME_LENGTH_MAX),
    cTime: long,
  }),
  softwareVersion: string(RPC_NAME_LENGTH_MAX),
});

/** A time in ms since the epoch, or -1 for "leave unchanged". */
const time = integer(-1, LONG_MAX);

/** The permission bits a client meant: Go's ModeDir bit dropped. */
export function permissionBits(raw: number): number {
  return raw >= GO_MODE_DIR ? raw - GO_MODE_DIR : raw;
}

// Long: one entry per RPC method with the checks of its fields: a table.
function shapes(limits: RequestLimits): { [M in RpcMethod]?: Record<string, Check> } {
  const blockSize: Check = (v) => {
    const problem = long(v);
    if (problem) return problem;
    return (v as number) % limits.bytesPerChecksum === 0
      ? null
      : `must be a multiple of dfs.bytes-per-checksum (${limits.bytesPerChecksum})`;
  };
  const blockAt = { src: path, clientName: nonEmptyName, fileId: nullable(long) };
  // AclTransformation refuses more than 32 entries in HDFS's words; this only bounds the shape.
  const aclSpec = listOf(
    shape({
      scope: oneOf('ACCESS', 'DEFAULT'),
      type: oneOf('USER', 'GROUP', 'MASK', 'OTHER'),
      name: nullable(string(RPC_NAME_LENGTH_MAX)),
      permission: integer(0, 7),
    }),
    RPC_LIST_LENGTH_MAX,
  );
  return {
    mkdirs: { src: path, permission, unmasked: nullable(permission), createParent: boolean },
    create: {
      src: path,
      permission,
      unmasked: nullable(permission),
      clientName: nonEmptyName,
      clientMachine: string(RPC_NAME_LENGTH_MAX),
      overwrite: boolean,
      createParent: boolean,
      replication: integer(0, SHORT_MAX),
      blockSize,
    },
    append: {
      src: path,
      clientName: nonEmptyName,
      clientMachine: string(RPC_NAME_LENGTH_MAX),
      newBlock: boolean,
    },
    addBlock: {
      ...blockAt,
      previous: nullable(block),
      excludeNodes: listOf(string(RPC_NAME_LENGTH_MAX), RPC_LIST_LENGTH_MAX),
    },
    abandonBlock: { ...blockAt, block },
    complete: { ...blockAt, last: nullable(block) },
    getBlockLocations: {
      src: path,
      offset: long,
      length: long,
      readerHost: nullable(string(RPC_NAME_LENGTH_MAX)),
    },
    getFileInfo: { src: path },
    getListing: { src: path },
    getContentSummary: { src: path },
    getQuotaUsage: { src: path },
    delete: { src: path, recursive: boolean },
    rename: { src: path, dst: path },
    setReplication: { src: path, replication: integer(-SHORT_MAX - 1, SHORT_MAX) },
    setTimes: { src: path, mtime: time, atime: time },
    setPermission: { src: path, permission },
    setOwner: {
      src: path,
      username: nullable(string(RPC_NAME_LENGTH_MAX)),
      groupname: nullable(string(RPC_NAME_LENGTH_MAX)),
    },
    setQuota: { src: path, nsQuota: string(RPC_NAME_LENGTH_MAX), ssQuota: string(RPC_NAME_LENGTH_MAX) },
    allowSnapshot: { snapshotRoot: path },
    disallowSnapshot: { snapshotRoot: path },
    createSnapshot: { snapshotRoot: path, snapshotName: nullable(nonEmptyName) },
    deleteSnapshot: { snapshotRoot: path, snapshotName: nonEmptyName },
    renameSnapshot: { snapshotRoot: path, snapshotOldName: nonEmptyName, snapshotNewName: nonEmptyName },
    getSnapshotListing: { snapshotRoot: path },
    getSnapshotDiffReport: {
      snapshotRoot: path,
      fromSnapshot: string(RPC_NAME_LENGTH_MAX),
      toSnapshot: string(RPC_NAME_LENGTH_MAX),
    },
    modifyAclEntries: { src: path, aclSpec },
    removeAclEntries: { src: path, aclSpec },
    removeDefaultAcl: { src: path },
    removeAcl: { src: path },
    setAcl: { src: path, aclSpec },
    getAclStatus: { src: path },
    checkAccess: { src: path, mode: integer(0, 7) },
    renewLease: { clientName: nonEmptyName },
    recoverLease: { src: path, clientName: nonEmptyName },
    concat: { trg: path, srcs: listOf(path, RPC_LIST_LENGTH_MAX) },
    truncate: { src: path, newLength: integer(Number.MIN_SAFE_INTEGER, LONG_MAX), clientName: nonEmptyName },
    fsync: { ...blockAt, lastBlockLength: integer(-1, LONG_MAX) },
    reportBadBlocks: {
      blocks: listOf(shape({ block, datanode: nonEmptyName }), RPC_LIST_LENGTH_MAX),
    },
    updateBlockForPipeline: { block, clientName: nonEmptyName },
    updatePipeline: {
      clientName: nonEmptyName,
      oldBlock: block,
      newBlock: block,
      datanodes: listOf(nonEmptyName, RPC_LIST_LENGTH_MAX),
    },
    getAdditionalDatanode: {
      src: path,
      block,
      existing: listOf(nonEmptyName, RPC_LIST_LENGTH_MAX),
      excludes: listOf(nonEmptyName, RPC_LIST_LENGTH_MAX),
      clientName: nonEmptyName,
    },
    getDatanodeReport: {
      type: oneOf('ALL', 'LIVE', 'DEAD', 'DECOMMISSIONING', 'ENTERING_MAINTENANCE', 'IN_MAINTENANCE'),
    },
    setSafeMode: { action: oneOf('SAFEMODE_GET', 'SAFEMODE_ENTER', 'SAFEMODE_LEAVE', 'SAFEMODE_FORCE_EXIT') },
    registerDatanode: { registration },
    sendHeartbeat: {
      registration,
      report: shape({
        storageId: string(RPC_NAME_LENGTH_MAX),
        failed: boolean,
        capacity: long,
        dfsUsed: long,
        remaining: long,
        blockPoolUsed: long,
        nonDfsUsed: long,
      }),
      xceiverCount: long,
      xmitsInProgress: long,
      requestFullBlockReportLease: boolean,
    },
    blockReport: {
      registration,
      poolId: string(RPC_NAME_LENGTH_MAX),
      storageId: string(RPC_NAME_LENGTH_MAX),
      blocks: listOf(reportedReplicaProblem, BLOCK_REPORT_REPLICAS_MAX),
      leaseId: long,
      reportId: integer(-LONG_MAX, LONG_MAX),
    },
    blockReceivedAndDeleted: {
      registration,
      poolId: string(RPC_NAME_LENGTH_MAX),
      storageId: string(RPC_NAME_LENGTH_MAX),
      entries: listOf(
        shape({
          block,
          status: oneOf('RECEIVING', 'RECEIVED', 'DELETED'),
          deleteHint: nullable(string(RPC_NAME_LENGTH_MAX)),
        }),
        RPC_LIST_LENGTH_MAX,
      ),
    },
    errorReport: {
      registration,
      errorCode: oneOf('NOTIFY', 'DISK_ERROR', 'INVALID_BLOCK', 'FATAL_DISK_ERROR'),
      message: string(ERROR_REPORT_MESSAGE_LENGTH_MAX),
    },
    commitBlockSynchronization: {
      poolId: string(RPC_NAME_LENGTH_MAX),
      block,
      newGenStamp: long,
      newLength: long,
      closeFile: boolean,
      deleteBlock: boolean,
      newTargets: listOf(datanodeId, RPC_LIST_LENGTH_MAX),
      newTargetStorages: listOf(string(RPC_NAME_LENGTH_MAX), RPC_LIST_LENGTH_MAX),
    },
  };
}

/** Builds the checker for one NameNode's limits; `check` throws for the first bad field. */
export function requestChecker(limits: RequestLimits): { check(method: RpcMethod, params: unknown): void } {
  const table = shapes(limits);
  return {
    check(method, params) {
      const fields = table[method];
      if (!fields) return;
      if (typeof params !== 'object' || params === null || Array.isArray(params)) {
        throw new RemoteError(
          'HadoopIllegalArgumentException',
          `${method}: the request must be an object of parameters, got ${describe(params)}`,
        );
      }
      for (const [name, check] of Object.entries(fields)) {
        const value = (params as Record<string, unknown>)[name];
        const problem = check(value);
        if (problem) {
          throw new RemoteError(
            'HadoopIllegalArgumentException',
            `${method}: ${name}${problem.startsWith('.') || problem.startsWith('[') ? '' : ' '}${problem}, got ${describe(value)}`,
          );
        }
      }
    },
  };
}
