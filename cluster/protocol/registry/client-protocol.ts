/**
 * ClientProtocol's table: every method an HDFS client (the lab's own, Go's hdfs, Java's
 * DFSClient) calls on the NameNode, with its messages from client_protocol.proto and the
 * converters to the lab's RpcMethods. Facts: ClientNamenodeProtocol.proto and docs/wire.md.
 */
import { isFieldSet, type DescMessage } from '@bufbuild/protobuf';
import * as cp from '../gen/client_protocol_pb.js';
import { RemoteError } from '../errors.js';
import { xattrFromProto, xattrToProto } from './xattr-proto.js';
import { SNAPSHOT_METHODS } from './snapshot-methods.js';
import { aclEntryFromProto, aclEntryToProto, aclStatusFromProto, aclStatusToProto } from './acl-proto.js';
import type { RpcMethod } from '../messages.js';
import { wireNumber, wireSignedLong, toUint64 } from '../proto-codec.js';
import {
  blockRefFromProto,
  childPath,
  datanodeIdFromProto,
  datanodeInfoFromProto,
  datanodeInfoToProto,
  extendedBlockToProto,
  fileStatusFromProto,
  fileStatusToProto,
  locatedBlockFromProto,
  locatedBlockToProto,
  locatedBlocksFromProto,
  locatedBlocksToProto,
  namedDatanodeToProto,
  EMPTY_TOKEN,
  badReplicasFromProto,
  badReplicasToProto,
} from './hdfs-types.js';
import {
  CLIENT_PROTOCOL,
  protoMethod,
  boolProtoMethod,
  voidProtoMethod,
  type VoidProtoMethodDef,
  type ProtocolTable,
  type RpcMethodEntry,
} from './types.js';
import { ChecksumTypeProto, type DatanodeIDProto } from '../gen/hdfs_pb.js';

const P = CLIENT_PROTOCOL;

/** FsCreateModes' unmasked half, when the caller has one. */
function unmaskedToProto(unmasked: number | undefined): { unmasked?: { perm: number } } {
  return unmasked === undefined ? {} : { unmasked: { perm: unmasked } };
}

/** modifyAclEntries, removeAclEntries, setAcl: { src, aclSpec } in, nothing back. */
function aclSpecMethod<M extends 'modifyAclEntries' | 'removeAclEntries' | 'setAcl'>(
  method: M,
  request: DescMessage,
  response: DescMessage,
): RpcMethodEntry<M> {
  // The three requests are the same message ({ src, aclSpec }) under three names.
  return voidProtoMethod({
    protocol: P,
    method,
    request: request as typeof cp.SetAclRequestProtoSchema,
    response: response as typeof cp.SetAclResponseProtoSchema,
    toRequest: (p) => ({ src: p.src, aclSpec: p.aclSpec.map(aclEntryToProto) }),
    fromRequest: (m) => ({ src: m.src, aclSpec: m.aclSpec.map(aclEntryFromProto) }),
    journalFields: ['src', 'aclSpec'],
  } as VoidProtoMethodDef<M, typeof cp.SetAclRequestProtoSchema, typeof cp.SetAclResponseProtoSchema>);
}

/** removeDefaultAcl, removeAcl: { src } in, nothing back. */
function aclPathMethod<M extends 'removeDefaultAcl' | 'removeAcl'>(
  method: M,
  request: DescMessage,
  response: DescMessage,
): RpcMethodEntry<M> {
  // Both requests are { src } under two names.
  return voidProtoMethod({
    protocol: P,
    method,
    request: request as typeof cp.RemoveAclRequestProtoSchema,
    response: response as typeof cp.RemoveAclResponseProtoSchema,
    toRequest: (p) => ({ src: p.src }),
    fromRequest: (m) => ({ src: m.src }),
    journalFields: ['src'],
  } as VoidProtoMethodDef<M, typeof cp.RemoveAclRequestProtoSchema, typeof cp.RemoveAclResponseProtoSchema>);
}

/** Block pool ids are not in the lab's BlockRef; a block leaving the client names the pool it came from. */
let clientBlockPoolId = '';
/** The lab's client learns the pool from the first located block; the server fills its own. */
export function rememberBlockPoolId(poolId: string): void {
  if (poolId) clientBlockPoolId = poolId;
}

const CREATE_FLAG_CREATE = cp.CreateFlagProto.CREATE;
const CREATE_FLAG_OVERWRITE = cp.CreateFlagProto.OVERWRITE;
const CREATE_FLAG_APPEND = cp.CreateFlagProto.APPEND;
const CREATE_FLAG_NEW_BLOCK = cp.CreateFlagProto.NEW_BLOCK;

const REPORT_TYPES = {
  ALL: cp.DatanodeReportTypeProto.ALL,
  LIVE: cp.DatanodeReportTypeProto.LIVE,
  DEAD: cp.DatanodeReportTypeProto.DEAD,
  DECOMMISSIONING: cp.DatanodeReportTypeProto.DECOMMISSIONING,
  ENTERING_MAINTENANCE: cp.DatanodeReportTypeProto.ENTERING_MAINTENANCE,
  IN_MAINTENANCE: cp.DatanodeReportTypeProto.IN_MAINTENANCE,
} as const;

const OPEN_FILES_TYPES = {
  ALL_OPEN_FILES: cp.OpenFilesTypeProto.ALL_OPEN_FILES,
  BLOCKING_DECOMMISSION: cp.OpenFilesTypeProto.BLOCKING_DECOMMISSION,
} as const;

const SAFEMODE_ACTIONS = {
  SAFEMODE_LEAVE: cp.SafeModeActionProto.SAFEMODE_LEAVE,
  SAFEMODE_ENTER: cp.SafeModeActionProto.SAFEMODE_ENTER,
  SAFEMODE_GET: cp.SafeModeActionProto.SAFEMODE_GET,
  SAFEMODE_FORCE_EXIT: cp.SafeModeActionProto.SAFEMODE_FORCE_EXIT,
} as const;

/** Long.MAX_VALUE, which JS numbers cannot hold: the root's name quota. */
const LONG_MAX_BIG = (1n << 63n) - 1n;

/** A quota (a number; -1 none, ≥ 2^63 the root's Long.MAX) as the uint64 field's value. */
function quotaToWire(q: number): bigint {
  return q >= 2 ** 63 ? LONG_MAX_BIG : toUint64(q);
}

function quotaFromWire(v: bigint): number {
  return Number(BigInt.asIntN(64, v));
}

function keyOf<K extends string>(table: Record<K, number>, value: number, what: string): K {
  const key = (Object.keys(table) as K[]).find((k) => table[k] === value);
  if (!key) throw new RangeError(`${what} ${value} is not supported by the lab`);
  return key;
}

function located(lb: Parameters<typeof locatedBlockFromProto>[0]): ReturnType<typeof locatedBlockFromProto> {
  const out = locatedBlockFromProto(lb);
  rememberBlockPoolId(out.blockPoolId);
  return out;
}

const entries: RpcMethodEntry[] = [
  protoMethod({
    protocol: P,
    method: 'getFileInfo',
    request: cp.GetFileInfoRequestProtoSchema,
    response: cp.GetFileInfoResponseProtoSchema,
    toRequest: (p) => ({ src: p.src }),
    fromRequest: (m) => ({ src: m.src }),
    // A missing path is SUCCESS with an empty message, as HDFS answers (its translator leaves fs unset).
    toResponse: (s) => (s ? { fs: fileStatusToProto(s, '') } : {}),
    fromResponse: (m, p) => (m.fs ? fileStatusFromProto(m.fs, p.src) : null),
    journalFields: ['src'],
  }),
  protoMethod({
    protocol: P,
    method: 'getListing',
    request: cp.GetListingRequestProtoSchema,
    response: cp.GetListingResponseProtoSchema,
    toRequest: (p) => ({
      src: p.src,
      startAfter: Buffer.from(p.startAfter ?? '', 'utf8'),
      needLocation: false,
    }),
    fromRequest: (m) => ({ src: m.src, startAfter: Buffer.from(m.startAfter).toString('utf8') }),
    toResponse: (r) =>
      r
        ? {
            dirList: {
              partialListing: r.entries.map((e) => fileStatusToProto(e, e.pathSuffix)),
              remainingEntries: r.remainingEntries,
            },
          }
        : {},
    fromResponse: (m, p) =>
      m.dirList
        ? {
            entries: m.dirList.partialListing.map((e) =>
              fileStatusFromProto(e, childPath(p.src, Buffer.from(e.path).toString('utf8'))),
            ),
            remainingEntries: m.dirList.remainingEntries,
          }
        : null,
    journalFields: ['src', 'startAfter'],
  }),
  protoMethod({
    protocol: P,
    method: 'getBlockLocations',
    request: cp.GetBlockLocationsRequestProtoSchema,
    response: cp.GetBlockLocationsResponseProtoSchema,
    toRequest: (p) => ({ src: p.src, offset: toUint64(p.offset), length: toUint64(p.length) }),
    fromRequest: (m) => ({
      src: m.src,
      offset: wireNumber(m.offset, 'offset'),
      length: wireNumber(m.length, 'length'),
      readerHost: '',
    }),
    toResponse: (r) => (r ? { locations: locatedBlocksToProto(r) } : {}),
    fromResponse: (m) => {
      if (!m.locations) return null;
      const out = locatedBlocksFromProto(m.locations);
      for (const b of out.blocks) rememberBlockPoolId(b.blockPoolId);
      return out;
    },
    journalFields: ['src', 'offset', 'length'],
  }),
  protoMethod({
    protocol: P,
    method: 'getContentSummary',
    request: cp.GetContentSummaryRequestProtoSchema,
    response: cp.GetContentSummaryResponseProtoSchema,
    toRequest: (p) => ({ path: p.src }),
    fromRequest: (m) => ({ src: m.path }),
    toResponse: (c) => ({
      summary: {
        length: toUint64(c.length),
        fileCount: toUint64(c.fileCount),
        directoryCount: toUint64(c.directoryCount),
        quota: quotaToWire(c.quota),
        spaceConsumed: toUint64(c.spaceConsumed),
        spaceQuota: quotaToWire(c.spaceQuota),
        snapshotLength: toUint64(c.snapshotLength),
        snapshotFileCount: toUint64(c.snapshotFileCount),
        snapshotDirectoryCount: toUint64(c.snapshotDirectoryCount),
        snapshotSpaceConsumed: toUint64(c.snapshotSpaceConsumed),
        erasureCodingPolicy: c.erasureCodingPolicy,
      },
    }),
    fromResponse: (m) => {
      const c = m.summary;
      if (!c) throw new RangeError('GetContentSummaryResponseProto without summary');
      return {
        length: wireNumber(c.length, 'length'),
        fileCount: wireNumber(c.fileCount, 'fileCount'),
        directoryCount: wireNumber(c.directoryCount, 'directoryCount'),
        quota: quotaFromWire(c.quota),
        spaceConsumed: wireNumber(c.spaceConsumed, 'spaceConsumed'),
        spaceQuota: quotaFromWire(c.spaceQuota),
        snapshotLength: wireNumber(c.snapshotLength, 'snapshotLength'),
        snapshotFileCount: wireNumber(c.snapshotFileCount, 'snapshotFileCount'),
        snapshotDirectoryCount: wireNumber(c.snapshotDirectoryCount, 'snapshotDirectoryCount'),
        snapshotSpaceConsumed: wireNumber(c.snapshotSpaceConsumed, 'snapshotSpaceConsumed'),
        erasureCodingPolicy: c.erasureCodingPolicy ?? '',
      };
    },
    journalFields: ['src'],
  }),
  protoMethod({
    protocol: P,
    method: 'getQuotaUsage',
    request: cp.GetQuotaUsageRequestProtoSchema,
    response: cp.GetQuotaUsageResponseProtoSchema,
    toRequest: (p) => ({ path: p.src }),
    fromRequest: (m) => ({ src: m.path }),
    // PBHelperClient.convert(QuotaUsage): typeQuotaInfos only when a type has a quota or usage.
    toResponse: (u) => ({
      usage: {
        fileAndDirectoryCount: toUint64(u.fileAndDirectoryCount),
        quota: quotaToWire(u.quota),
        spaceConsumed: toUint64(u.spaceConsumed),
        spaceQuota: quotaToWire(u.spaceQuota),
      },
    }),
    fromResponse: (m) => {
      const u = m.usage;
      if (!u) throw new RangeError('GetQuotaUsageResponseProto without usage');
      return {
        fileAndDirectoryCount: wireNumber(u.fileAndDirectoryCount, 'fileAndDirectoryCount'),
        quota: quotaFromWire(u.quota),
        spaceConsumed: wireNumber(u.spaceConsumed, 'spaceConsumed'),
        spaceQuota: quotaFromWire(u.spaceQuota),
      };
    },
    journalFields: ['src'],
  }),
  boolProtoMethod({
    protocol: P,
    method: 'mkdirs',
    request: cp.MkdirsRequestProtoSchema,
    response: cp.MkdirsResponseProtoSchema,
    toRequest: (p) => ({
      src: p.src,
      masked: { perm: p.permission },
      ...unmaskedToProto(p.unmasked),
      createParent: p.createParent,
    }),
    // Go sends os.ModeDir (0x80000000) with the mode; the core's request checks keep the permission bits.
    fromRequest: (m) => ({
      src: m.src,
      permission: m.masked?.perm ?? 0o755,
      ...(m.unmasked ? { unmasked: m.unmasked.perm } : {}),
      createParent: m.createParent,
    }),
    journalFields: ['src', 'createParent'],
  }),
  protoMethod({
    protocol: P,
    method: 'create',
    request: cp.CreateRequestProtoSchema,
    response: cp.CreateResponseProtoSchema,
    toRequest: (p) => ({
      src: p.src,
      masked: { perm: p.permission },
      ...unmaskedToProto(p.unmasked),
      clientName: p.clientName,
      createFlag: CREATE_FLAG_CREATE | (p.overwrite ? CREATE_FLAG_OVERWRITE : 0),
      createParent: p.createParent,
      replication: p.replication,
      blockSize: toUint64(p.blockSize),
    }),
    fromRequest: (m) => ({
      src: m.src,
      permission: m.masked?.perm ?? 0o644,
      ...(m.unmasked ? { unmasked: m.unmasked.perm } : {}),
      clientName: m.clientName,
      clientMachine: '',
      overwrite: (m.createFlag & CREATE_FLAG_OVERWRITE) !== 0,
      createParent: m.createParent,
      replication: wireNumber(m.replication, 'replication', { max: 0x7fff }),
      blockSize: wireNumber(m.blockSize, 'blockSize'),
    }),
    toResponse: (s) => ({ fs: fileStatusToProto(s, '') }),
    fromResponse: (m, p) =>
      m.fs
        ? fileStatusFromProto(m.fs, p.src)
        : {
            path: p.src,
            pathSuffix: p.src.slice(p.src.lastIndexOf('/') + 1),
            type: 'FILE',
            length: 0,
            owner: '',
            group: '',
            permission: p.permission,
            replication: p.replication,
            blockSize: p.blockSize,
            modificationTime: 0,
            accessTime: 0,
            fileId: 0,
            childrenNum: 0,
          },
    journalFields: ['src', 'replication', 'blockSize', 'overwrite'],
  }),
  protoMethod({
    protocol: P,
    method: 'append',
    request: cp.AppendRequestProtoSchema,
    response: cp.AppendResponseProtoSchema,
    // DFSClient sends APPEND (or APPEND|NEW_BLOCK); Go sends no flag, which means APPEND.
    toRequest: (p) => ({
      src: p.src,
      clientName: p.clientName,
      flag: CREATE_FLAG_APPEND | (p.newBlock ? CREATE_FLAG_NEW_BLOCK : 0),
    }),
    fromRequest: (m) => ({
      src: m.src,
      clientName: m.clientName,
      clientMachine: '',
      newBlock: ((m.flag ?? CREATE_FLAG_APPEND) & CREATE_FLAG_NEW_BLOCK) !== 0,
    }),
    // Go reads stat's blocksize and replication, so stat is always sent.
    toResponse: (r) => ({
      ...(r.block ? { block: locatedBlockToProto(r.block) } : {}),
      stat: fileStatusToProto(r.stat, ''),
    }),
    fromResponse: (m, p) => {
      if (!m.stat) throw new RangeError('AppendResponseProto without stat');
      return { block: m.block ? located(m.block) : null, stat: fileStatusFromProto(m.stat, p.src) };
    },
    journalFields: ['src', 'newBlock'],
  }),
  protoMethod({
    protocol: P,
    method: 'addBlock',
    request: cp.AddBlockRequestProtoSchema,
    response: cp.AddBlockResponseProtoSchema,
    toRequest: (p) => ({
      src: p.src,
      clientName: p.clientName,
      ...(p.previous ? { previous: extendedBlockToProto(p.previous, clientBlockPoolId) } : {}),
      excludeNodes: p.excludeNodes.map(namedDatanodeToProto),
      fileId: toUint64(p.fileId),
    }),
    fromRequest: (m) => ({
      src: m.src,
      clientName: m.clientName,
      previous: m.previous ? blockRefFromProto(m.previous) : null,
      excludeNodes: m.excludeNodes.map((d) => d.id?.hostName ?? ''),
      fileId: wireNumber(m.fileId, 'fileId'),
    }),
    toResponse: (lb) => ({ block: locatedBlockToProto(lb) }),
    fromResponse: (m) => located(m.block as NonNullable<typeof m.block>),
    journalFields: ['src', 'previous', 'excludeNodes'],
  }),
  voidProtoMethod({
    protocol: P,
    method: 'abandonBlock',
    request: cp.AbandonBlockRequestProtoSchema,
    response: cp.AbandonBlockResponseProtoSchema,
    toRequest: (p) => ({
      b: extendedBlockToProto(p.block, clientBlockPoolId),
      src: p.src,
      holder: p.clientName,
      fileId: toUint64(p.fileId),
    }),
    fromRequest: (m) => ({
      src: m.src,
      clientName: m.holder,
      block: blockRefFromProto(m.b as NonNullable<typeof m.b>),
      fileId: wireNumber(m.fileId, 'fileId'),
    }),
    journalFields: ['src', 'block'],
  }),
  boolProtoMethod({
    protocol: P,
    method: 'complete',
    request: cp.CompleteRequestProtoSchema,
    response: cp.CompleteResponseProtoSchema,
    toRequest: (p) => ({
      src: p.src,
      clientName: p.clientName,
      ...(p.last ? { last: extendedBlockToProto(p.last, clientBlockPoolId) } : {}),
      fileId: toUint64(p.fileId),
    }),
    fromRequest: (m) => ({
      src: m.src,
      clientName: m.clientName,
      last: m.last ? blockRefFromProto(m.last) : null,
      fileId: wireNumber(m.fileId, 'fileId'),
    }),
    journalFields: ['src', 'last'],
  }),
  boolProtoMethod({
    protocol: P,
    method: 'delete',
    request: cp.DeleteRequestProtoSchema,
    response: cp.DeleteResponseProtoSchema,
    toRequest: (p) => ({ src: p.src, recursive: p.recursive }),
    fromRequest: (m) => ({ src: m.src, recursive: m.recursive }),
    journalFields: ['src', 'recursive'],
  }),
  boolProtoMethod({
    protocol: P,
    method: 'rename',
    request: cp.RenameRequestProtoSchema,
    response: cp.RenameResponseProtoSchema,
    toRequest: (p) => ({ src: p.src, dst: p.dst }),
    fromRequest: (m) => ({ src: m.src, dst: m.dst }),
    journalFields: ['src', 'dst'],
  }),
  voidProtoMethod({
    protocol: P,
    method: 'rename2',
    request: cp.Rename2RequestProtoSchema,
    response: cp.Rename2ResponseProtoSchema,
    toRequest: (p) => ({
      src: p.src,
      dst: p.dst,
      overwriteDest: p.overwrite,
      ...(p.toTrash ? { moveToTrash: true } : {}),
    }),
    fromRequest: (m) => ({
      src: m.src,
      dst: m.dst,
      overwrite: m.overwriteDest,
      ...(m.moveToTrash ? { toTrash: true } : {}),
    }),
    journalFields: ['src', 'dst', 'overwrite', 'toTrash'],
  }),
  voidProtoMethod({
    protocol: P,
    method: 'setPermission',
    request: cp.SetPermissionRequestProtoSchema,
    response: cp.SetPermissionResponseProtoSchema,
    toRequest: (p) => ({ src: p.src, permission: { perm: p.permission } }),
    fromRequest: (m) => ({
      src: m.src,
      permission: wireNumber(m.permission?.perm ?? 0, 'permission', { max: 0xffff }),
    }),
    journalFields: ['src', 'permission'],
  }),
  voidProtoMethod({
    protocol: P,
    method: 'setOwner',
    request: cp.SetOwnerRequestProtoSchema,
    response: cp.SetOwnerResponseProtoSchema,
    toRequest: (p) => ({
      src: p.src,
      ...(p.username !== null ? { username: p.username } : {}),
      ...(p.groupname !== null ? { groupname: p.groupname } : {}),
    }),
    // Go always sends both fields, "" meaning "leave it".
    fromRequest: (m) => ({ src: m.src, username: m.username || null, groupname: m.groupname || null }),
    journalFields: ['src', 'username', 'groupname'],
  }),
  protoMethod({
    protocol: P,
    method: 'getServerDefaults',
    request: cp.GetServerDefaultsRequestProtoSchema,
    response: cp.GetServerDefaultsResponseProtoSchema,
    toRequest: () => ({}),
    fromRequest: () => ({}),
    toResponse: (d) => ({
      serverDefaults: {
        blockSize: toUint64(d.blockSize),
        bytesPerChecksum: d.bytesPerChecksum,
        writePacketSize: d.writePacketSize,
        replication: d.replication,
        fileBufferSize: d.fileBufferSize,
        encryptDataTransfer: false,
        trashInterval: toUint64(d.trashIntervalMinutes),
        checksumType:
          d.checksumType === 'CRC32' ? ChecksumTypeProto.CHECKSUM_CRC32 : ChecksumTypeProto.CHECKSUM_CRC32C,
      },
    }),
    fromResponse: (m) => {
      const d = m.serverDefaults;
      if (!d) throw new RangeError('GetServerDefaultsResponseProto without serverDefaults');
      return {
        blockSize: wireNumber(d.blockSize, 'blockSize'),
        bytesPerChecksum: d.bytesPerChecksum,
        writePacketSize: d.writePacketSize,
        replication: d.replication,
        fileBufferSize: d.fileBufferSize,
        trashIntervalMinutes: wireNumber(d.trashInterval, 'trashInterval'),
        checksumType: d.checksumType === ChecksumTypeProto.CHECKSUM_CRC32 ? 'CRC32' : 'CRC32C',
      };
    },
  }),
  protoMethod({
    protocol: P,
    method: 'getFsStats',
    request: cp.GetFsStatusRequestProtoSchema,
    response: cp.GetFsStatsResponseProtoSchema,
    toRequest: () => ({}),
    fromRequest: () => ({}),
    toResponse: (s) => ({
      capacity: toUint64(s.capacity),
      used: toUint64(s.used),
      remaining: toUint64(s.remaining),
      underReplicated: toUint64(s.underReplicated),
      corruptBlocks: toUint64(s.corruptBlocks),
      missingBlocks: toUint64(s.missingBlocks),
      pendingDeletionBlocks: toUint64(s.pendingDeletionBlocks),
    }),
    fromResponse: (m) => ({
      capacity: wireNumber(m.capacity, 'capacity'),
      used: wireNumber(m.used, 'used'),
      remaining: wireNumber(m.remaining, 'remaining'),
      underReplicated: wireNumber(m.underReplicated, 'under_replicated'),
      corruptBlocks: wireNumber(m.corruptBlocks, 'corrupt_blocks'),
      missingBlocks: wireNumber(m.missingBlocks, 'missing_blocks'),
      pendingDeletionBlocks: wireNumber(m.pendingDeletionBlocks, 'pending_deletion_blocks'),
    }),
  }),
  protoMethod({
    protocol: P,
    method: 'getPreferredBlockSize',
    request: cp.GetPreferredBlockSizeRequestProtoSchema,
    response: cp.GetPreferredBlockSizeResponseProtoSchema,
    toRequest: (p) => ({ filename: p.src }),
    fromRequest: (m) => ({ src: m.filename }),
    toResponse: (n) => ({ bsize: toUint64(n) }),
    fromResponse: (m) => wireNumber(m.bsize, 'bsize'),
    journalFields: ['src'],
  }),
  boolProtoMethod({
    protocol: P,
    method: 'setReplication',
    request: cp.SetReplicationRequestProtoSchema,
    response: cp.SetReplicationResponseProtoSchema,
    toRequest: (p) => ({ src: p.src, replication: p.replication }),
    fromRequest: (m) => ({
      src: m.src,
      replication: wireNumber(m.replication, 'replication', { max: 0x7fff }),
    }),
    journalFields: ['src', 'replication'],
  }),
  voidProtoMethod({
    protocol: P,
    method: 'setTimes',
    request: cp.SetTimesRequestProtoSchema,
    response: cp.SetTimesResponseProtoSchema,
    toRequest: (p) => ({ src: p.src, mtime: toUint64(p.mtime), atime: toUint64(p.atime) }),
    fromRequest: (m) => ({
      src: m.src,
      mtime: wireSignedLong(m.mtime, 'mtime'),
      atime: wireSignedLong(m.atime, 'atime'),
    }),
    journalFields: ['src', 'mtime', 'atime'],
  }),
  voidProtoMethod({
    protocol: P,
    method: 'setQuota',
    request: cp.SetQuotaRequestProtoSchema,
    response: cp.SetQuotaResponseProtoSchema,
    toRequest: (p) => ({
      path: p.src,
      namespaceQuota: BigInt.asUintN(64, BigInt(p.nsQuota)),
      storagespaceQuota: BigInt.asUintN(64, BigInt(p.ssQuota)),
    }),
    fromRequest: (m) => {
      if (isFieldSet(m, cp.SetQuotaRequestProtoSchema.field.storageType))
        throw new RemoteError(
          'IOException',
          'Quota by storage type is not supported: the lab has one storage type (DISK)',
        );
      return {
        src: m.path,
        nsQuota: BigInt.asIntN(64, m.namespaceQuota).toString(),
        ssQuota: BigInt.asIntN(64, m.storagespaceQuota).toString(),
      };
    },
    journalFields: ['src', 'nsQuota', 'ssQuota'],
  }),
  voidProtoMethod({
    protocol: P,
    method: 'setXAttr',
    request: cp.SetXAttrRequestProtoSchema,
    response: cp.SetXAttrResponseProtoSchema,
    toRequest: (p) => ({
      src: p.src,
      xAttr: xattrToProto(p.xattr),
      flag:
        (p.flags.create ? cp.XAttrSetFlagProto.XATTR_CREATE : 0) |
        (p.flags.replace ? cp.XAttrSetFlagProto.XATTR_REPLACE : 0),
    }),
    fromRequest: (m) => {
      if (!m.xAttr) throw new RemoteError('HadoopIllegalArgumentException', 'setXAttr without an xAttr');
      return {
        src: m.src,
        xattr: xattrFromProto(m.xAttr, true),
        flags: {
          create: (m.flag & cp.XAttrSetFlagProto.XATTR_CREATE) !== 0,
          replace: (m.flag & cp.XAttrSetFlagProto.XATTR_REPLACE) !== 0,
        },
      };
    },
    journalFields: ['src', 'xattr'],
  }),
  protoMethod({
    protocol: P,
    method: 'getXAttrs',
    request: cp.GetXAttrsRequestProtoSchema,
    response: cp.GetXAttrsResponseProtoSchema,
    toRequest: (p) => ({ src: p.src, xAttrs: p.xattrs.map(xattrToProto) }),
    fromRequest: (m) => ({
      src: m.src,
      xattrs: m.xAttrs.map((x) => {
        const { namespace, name } = xattrFromProto(x, false);
        return { namespace, name };
      }),
    }),
    toResponse: (list) => ({ xAttrs: list.map(xattrToProto) }),
    fromResponse: (m) => m.xAttrs.map((x) => xattrFromProto(x, true)),
    journalFields: ['src', 'xattrs'],
  }),
  protoMethod({
    protocol: P,
    method: 'listXAttrs',
    request: cp.ListXAttrsRequestProtoSchema,
    response: cp.ListXAttrsResponseProtoSchema,
    toRequest: (p) => ({ src: p.src }),
    fromRequest: (m) => ({ src: m.src }),
    toResponse: (list) => ({
      xAttrs: list.map((x) => xattrToProto({ namespace: x.namespace, name: x.name })),
    }),
    fromResponse: (m) => m.xAttrs.map((x) => xattrFromProto(x, false)),
    journalFields: ['src'],
  }),
  voidProtoMethod({
    protocol: P,
    method: 'removeXAttr',
    request: cp.RemoveXAttrRequestProtoSchema,
    response: cp.RemoveXAttrResponseProtoSchema,
    toRequest: (p) => ({ src: p.src, xAttr: xattrToProto(p.xattr) }),
    fromRequest: (m) => {
      if (!m.xAttr) throw new RemoteError('HadoopIllegalArgumentException', 'removeXAttr without an xAttr');
      const { namespace, name } = xattrFromProto(m.xAttr, false);
      return { src: m.src, xattr: { namespace, name } };
    },
    journalFields: ['src', 'xattr'],
  }),
  aclSpecMethod(
    'modifyAclEntries',
    cp.ModifyAclEntriesRequestProtoSchema,
    cp.ModifyAclEntriesResponseProtoSchema,
  ),
  aclSpecMethod(
    'removeAclEntries',
    cp.RemoveAclEntriesRequestProtoSchema,
    cp.RemoveAclEntriesResponseProtoSchema,
  ),
  aclSpecMethod('setAcl', cp.SetAclRequestProtoSchema, cp.SetAclResponseProtoSchema),
  aclPathMethod(
    'removeDefaultAcl',
    cp.RemoveDefaultAclRequestProtoSchema,
    cp.RemoveDefaultAclResponseProtoSchema,
  ),
  aclPathMethod('removeAcl', cp.RemoveAclRequestProtoSchema, cp.RemoveAclResponseProtoSchema),
  protoMethod({
    protocol: P,
    method: 'getAclStatus',
    request: cp.GetAclStatusRequestProtoSchema,
    response: cp.GetAclStatusResponseProtoSchema,
    toRequest: (p) => ({ src: p.src }),
    fromRequest: (m) => ({ src: m.src }),
    toResponse: (s) => ({ result: aclStatusToProto(s) }),
    fromResponse: (m) => {
      if (!m.result) throw new RemoteError('IOException', 'getAclStatus answered without an AclStatusProto');
      return aclStatusFromProto(m.result);
    },
    journalFields: ['src'],
  }),
  voidProtoMethod({
    protocol: P,
    method: 'checkAccess',
    request: cp.CheckAccessRequestProtoSchema,
    response: cp.CheckAccessResponseProtoSchema,
    toRequest: (p) => ({ path: p.src, mode: p.mode }),
    fromRequest: (m) => ({ src: m.path, mode: m.mode }),
    journalFields: ['src', 'mode'],
  }),
  voidProtoMethod({
    protocol: P,
    method: 'renewLease',
    request: cp.RenewLeaseRequestProtoSchema,
    response: cp.RenewLeaseResponseProtoSchema,
    toRequest: (p) => ({ clientName: p.clientName }),
    fromRequest: (m) => ({ clientName: m.clientName }),
    journalFields: ['clientName'],
  }),
  voidProtoMethod({
    protocol: P,
    method: 'fsync',
    request: cp.FsyncRequestProtoSchema,
    response: cp.FsyncResponseProtoSchema,
    toRequest: (p) => ({
      src: p.src,
      client: p.clientName,
      lastBlockLength: BigInt(p.lastBlockLength),
      fileId: toUint64(p.fileId),
    }),
    fromRequest: (m) => ({
      src: m.src,
      clientName: m.client,
      lastBlockLength: wireSignedLong(m.lastBlockLength, 'lastBlockLength'),
      fileId: wireNumber(m.fileId, 'fileId'),
    }),
    journalFields: ['src', 'lastBlockLength'],
  }),
  boolProtoMethod({
    protocol: P,
    method: 'truncate',
    request: cp.TruncateRequestProtoSchema,
    response: cp.TruncateResponseProtoSchema,
    toRequest: (p) => ({ src: p.src, newLength: toUint64(p.newLength), clientName: p.clientName }),
    fromRequest: (m) => ({
      src: m.src,
      // A negative length is the NameNode's to refuse, in FSNamesystem.truncate's words.
      newLength: wireSignedLong(m.newLength, 'newLength', Number.MIN_SAFE_INTEGER),
      clientName: m.clientName,
    }),
    journalFields: ['src', 'newLength'],
  }),
  voidProtoMethod({
    protocol: P,
    method: 'concat',
    request: cp.ConcatRequestProtoSchema,
    response: cp.ConcatResponseProtoSchema,
    toRequest: (p) => ({ trg: p.trg, srcs: p.srcs }),
    fromRequest: (m) => ({ trg: m.trg, srcs: m.srcs }),
    journalFields: ['trg', 'srcs'],
  }),
  boolProtoMethod({
    protocol: P,
    method: 'recoverLease',
    request: cp.RecoverLeaseRequestProtoSchema,
    response: cp.RecoverLeaseResponseProtoSchema,
    toRequest: (p) => ({ src: p.src, clientName: p.clientName }),
    fromRequest: (m) => ({ src: m.src, clientName: m.clientName }),
    journalFields: ['src'],
  }),
  voidProtoMethod({
    protocol: P,
    method: 'reportBadBlocks',
    request: cp.ReportBadBlocksRequestProtoSchema,
    response: cp.ReportBadBlocksResponseProtoSchema,
    toRequest: (p) => ({ blocks: badReplicasToProto(p.blocks, clientBlockPoolId) }),
    fromRequest: (m) => ({ blocks: badReplicasFromProto(m.blocks) }),
    journalFields: ['blocks'],
  }),
  protoMethod({
    protocol: P,
    method: 'updateBlockForPipeline',
    request: cp.UpdateBlockForPipelineRequestProtoSchema,
    response: cp.UpdateBlockForPipelineResponseProtoSchema,
    toRequest: (p) => ({ block: extendedBlockToProto(p.block, clientBlockPoolId), clientName: p.clientName }),
    fromRequest: (m) => ({
      block: blockRefFromProto(m.block as NonNullable<typeof m.block>),
      clientName: m.clientName,
    }),
    // HDFS answers the request's block with the new generation stamp and no locations (updateBlockForPipeline).
    toResponse: (r) => ({
      block: {
        b: extendedBlockToProto(r.block, r.blockPoolId ?? ''),
        offset: 0n,
        locs: [],
        corrupt: false,
        blockToken: EMPTY_TOKEN,
      },
    }),
    fromResponse: (m) => {
      const b = m.block?.b;
      if (!b) throw new RangeError('UpdateBlockForPipelineResponseProto without block.b');
      return { block: blockRefFromProto(b), blockPoolId: b.poolId };
    },
    journalFields: ['block'],
  }),
  voidProtoMethod({
    protocol: P,
    method: 'updatePipeline',
    request: cp.UpdatePipelineRequestProtoSchema,
    response: cp.UpdatePipelineResponseProtoSchema,
    toRequest: (p) => ({
      clientName: p.clientName,
      oldBlock: extendedBlockToProto(p.oldBlock, clientBlockPoolId),
      newBlock: extendedBlockToProto(p.newBlock, clientBlockPoolId),
      newNodes: p.datanodes.map((name) => namedDatanodeToProto(name).id as object as DatanodeIDProto),
      storageIDs: p.datanodes.map(() => ''),
    }),
    fromRequest: (m) => ({
      clientName: m.clientName,
      oldBlock: blockRefFromProto(m.oldBlock as NonNullable<typeof m.oldBlock>),
      newBlock: blockRefFromProto(m.newBlock as NonNullable<typeof m.newBlock>),
      datanodes: m.newNodes.map((d) => datanodeIdFromProto(d).name),
    }),
    journalFields: ['oldBlock', 'newBlock', 'datanodes'],
  }),
  protoMethod({
    protocol: P,
    method: 'getAdditionalDatanode',
    request: cp.GetAdditionalDatanodeRequestProtoSchema,
    response: cp.GetAdditionalDatanodeResponseProtoSchema,
    toRequest: (p) => ({
      src: p.src,
      blk: extendedBlockToProto(p.block, clientBlockPoolId),
      existings: p.existing.map(namedDatanodeToProto),
      excludes: p.excludes.map(namedDatanodeToProto),
      numAdditionalNodes: 1,
      clientName: p.clientName,
    }),
    fromRequest: (m) => ({
      src: m.src,
      block: blockRefFromProto(m.blk as NonNullable<typeof m.blk>),
      existing: m.existings.map((d) => d.id?.hostName ?? ''),
      excludes: m.excludes.map((d) => d.id?.hostName ?? ''),
      clientName: m.clientName,
    }),
    toResponse: (lb) => ({ block: locatedBlockToProto(lb) }),
    fromResponse: (m) => located(m.block as NonNullable<typeof m.block>),
    journalFields: ['src', 'block', 'existing'],
  }),
  protoMethod({
    protocol: P,
    method: 'getDatanodeReport',
    request: cp.GetDatanodeReportRequestProtoSchema,
    response: cp.GetDatanodeReportResponseProtoSchema,
    toRequest: (p) => ({ type: REPORT_TYPES[p.type] }),
    fromRequest: (m) => ({ type: keyOf(REPORT_TYPES, m.type, 'DatanodeReportTypeProto') }),
    toResponse: (list) => ({ di: list.map(datanodeInfoToProto) }),
    fromResponse: (m) => m.di.map(datanodeInfoFromProto),
    journalFields: ['type'],
  }),
  protoMethod({
    protocol: P,
    method: 'setSafeMode',
    request: cp.SetSafeModeRequestProtoSchema,
    response: cp.SetSafeModeResponseProtoSchema,
    toRequest: (p) => ({ action: SAFEMODE_ACTIONS[p.action] }),
    fromRequest: (m) => ({ action: keyOf(SAFEMODE_ACTIONS, m.action, 'SafeModeActionProto') }),
    toResponse: (s) => ({ result: s.on }),
    // The wire carries only "is safe mode on"; the tip sentences are the NameNode's web UI's.
    fromResponse: (m) => ({ on: m.result, manual: false, tip: '' }),
    journalFields: ['action'],
  }),
  protoMethod({
    protocol: P,
    method: 'rollEdits',
    request: cp.RollEditsRequestProtoSchema,
    response: cp.RollEditsResponseProtoSchema,
    toRequest: () => ({}),
    fromRequest: () => ({}),
    toResponse: (r) => ({ newSegmentTxId: toUint64(r.txid) }),
    fromResponse: (m) => ({ txid: wireNumber(m.newSegmentTxId, 'newSegmentTxId') }),
  }),
  voidProtoMethod({
    protocol: P,
    method: 'refreshNodes',
    request: cp.RefreshNodesRequestProtoSchema,
    response: cp.RefreshNodesResponseProtoSchema,
    toRequest: () => ({}),
    fromRequest: () => ({}),
  }),
  voidProtoMethod({
    protocol: P,
    method: 'setBalancerBandwidth',
    request: cp.SetBalancerBandwidthRequestProtoSchema,
    response: cp.SetBalancerBandwidthResponseProtoSchema,
    journalFields: ['bandwidth'],
    toRequest: (p) => ({ bandwidth: BigInt(p.bandwidth) }),
    fromRequest: (m) => ({ bandwidth: wireNumber(m.bandwidth, 'bandwidth') }),
  }),
  voidProtoMethod({
    protocol: P,
    method: 'metaSave',
    request: cp.MetaSaveRequestProtoSchema,
    response: cp.MetaSaveResponseProtoSchema,
    journalFields: ['filename'],
    toRequest: (p) => ({ filename: p.filename }),
    fromRequest: (m) => ({ filename: m.filename }),
  }),
  protoMethod({
    protocol: P,
    method: 'listOpenFiles',
    request: cp.ListOpenFilesRequestProtoSchema,
    response: cp.ListOpenFilesResponseProtoSchema,
    toRequest: (p) => ({
      id: BigInt(p.prevId),
      types: p.types.map((t) => OPEN_FILES_TYPES[t]),
      path: p.path,
    }),
    // ClientNamenodeProtocolServerSideTranslatorPB: no path is OpenFilesIterator.FILTER_PATH_DEFAULT, "/".
    fromRequest: (m) => ({
      prevId: wireSignedLong(m.id, 'id', 0),
      types: m.types.map((t) => keyOf(OPEN_FILES_TYPES, t, 'OpenFilesTypeProto')),
      path: m.path ?? '/',
    }),
    toResponse: (r) => ({
      entries: r.entries.map((e) => ({
        id: BigInt(e.inodeId),
        path: e.path,
        clientName: e.clientName,
        clientMachine: e.clientMachine,
      })),
      hasMore: r.hasMore,
      types: [],
    }),
    fromResponse: (m) => ({
      entries: m.entries.map((e) => ({
        inodeId: wireSignedLong(e.id, 'id', 0),
        path: e.path,
        clientName: e.clientName,
        clientMachine: e.clientMachine,
      })),
      hasMore: m.hasMore,
    }),
    journalFields: ['types', 'path'],
  }),
  protoMethod({
    protocol: P,
    method: 'saveNamespace',
    request: cp.SaveNamespaceRequestProtoSchema,
    response: cp.SaveNamespaceResponseProtoSchema,
    toRequest: () => ({}),
    fromRequest: () => ({}),
    toResponse: () => ({ saved: true }),
    // HDFS says only whether it saved; the image's txid is in the NameNode's log and name dir.
    fromResponse: () => ({ txid: -1 }),
  }),
];

export const CLIENT_PROTOCOL_TABLE: ProtocolTable = Object.fromEntries(
  [...entries, ...SNAPSHOT_METHODS].map((e) => [e.method, e]),
) as ProtocolTable;

export type ClientProtocolMethod = RpcMethod;
