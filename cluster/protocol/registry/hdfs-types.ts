/**
 * Converters between hdfs.proto's shared messages and the lab's types (types.ts): file status,
 * blocks, DataNode ids and infos, located blocks. Every protocol table uses these, so a block or a
 * DataNode looks the same in every protocol. Numbers are range-checked on the way in.
 *
 * A lab DataNode's short name (dn1) travels as DatanodeIDProto.hostName: in the lab each DataNode
 * is a host of that name on its own loopback address (Go and Java clients dial ipAddr:xferPort).
 */
import type { MessageInitShape } from '@bufbuild/protobuf';
import { xferAddr, type BlockRef } from '../types.js';
import {
  DatanodeInfoProto_AdminState,
  HdfsFileStatusProto_FileType,
  HdfsFileStatusProto_Flags,
  type DatanodeIDProtoSchema,
  type DatanodeIDProto,
  type DatanodeInfoProto,
  type DatanodeInfoProtoSchema,
  type ExtendedBlockProto,
  type ExtendedBlockProtoSchema,
  type HdfsFileStatusProto,
  type HdfsFileStatusProtoSchema,
  type LocatedBlockProto,
  type LocatedBlockProtoSchema,
  type LocatedBlocksProto,
  type LocatedBlocksProtoSchema,
  type TokenProtoSchema,
} from '../gen/hdfs_pb.js';
import { toUint64, wireNumber } from '../proto-codec.js';
import type {
  AdminState,
  DatanodeId,
  DatanodeInfo,
  FileStatus,
  LocatedBlock,
  LocatedBlocks,
} from '../types.js';

const U16 = { max: 0xffff };
const U32 = { max: 0xffffffff };

/** Block tokens are off in the lab: every field present and empty (`0a 00 12 00 1a 00 22 00`). */
export const EMPTY_TOKEN: MessageInitShape<typeof TokenProtoSchema> = {
  identifier: new Uint8Array(),
  password: new Uint8Array(),
  kind: '',
  service: '',
};

export function extendedBlockToProto(
  block: BlockRef,
  poolId: string,
): MessageInitShape<typeof ExtendedBlockProtoSchema> {
  return {
    poolId,
    blockId: toUint64(block.blockId),
    generationStamp: toUint64(block.genStamp),
    numBytes: toUint64(block.numBytes),
  };
}

export function blockRefFromProto(b: ExtendedBlockProto): BlockRef {
  return {
    blockId: wireNumber(b.blockId, 'blockId'),
    genStamp: wireNumber(b.generationStamp, 'generationStamp'),
    numBytes: wireNumber(b.numBytes, 'numBytes'),
  };
}

/**
 * DatanodeID on the wire: no lab name and no storage id (those travel elsewhere); a lab
 * DataNode's host name is its name, which datanodeIdFromProto reads back.
 */
export function datanodeIdToProto(id: DatanodeId): MessageInitShape<typeof DatanodeIDProtoSchema> {
  return {
    ipAddr: id.ipAddr,
    hostName: id.hostName,
    datanodeUuid: id.datanodeUuid,
    xferPort: id.xferPort,
    infoPort: id.infoPort,
    ipcPort: id.ipcPort,
  };
}

/**
 * A DatanodeID read from the wire. Its `name` is its host name (the lab's DataNodes are hosts dn1,
 * dn2, …), else HDFS's name for it, the transfer address ip:port; the storage id is the one given,
 * if the message carries it elsewhere.
 */
export function datanodeIdFromProto(id: DatanodeIDProto, storageId = ''): DatanodeId {
  return {
    name: id.hostName || (id.ipAddr ? xferAddr(id) : ''),
    datanodeUuid: id.datanodeUuid,
    storageId,
    ipAddr: id.ipAddr,
    hostName: id.hostName,
    xferPort: wireNumber(id.xferPort, 'xferPort', U16),
    infoPort: wireNumber(id.infoPort, 'infoPort', U16),
    ipcPort: wireNumber(id.ipcPort, 'ipcPort', U16),
  };
}

/** A DataNode named only by its lab name (the lab's own exclude lists), as a DatanodeInfoProto. */
export function namedDatanodeToProto(name: string): MessageInitShape<typeof DatanodeInfoProtoSchema> {
  return { id: { ipAddr: '', hostName: name, datanodeUuid: '', xferPort: 0, infoPort: 0, ipcPort: 0 } };
}

const ADMIN_STATES: Record<AdminState, DatanodeInfoProto_AdminState> = {
  NORMAL: DatanodeInfoProto_AdminState.NORMAL,
  DECOMMISSION_INPROGRESS: DatanodeInfoProto_AdminState.DECOMMISSION_INPROGRESS,
  DECOMMISSIONED: DatanodeInfoProto_AdminState.DECOMMISSIONED,
  ENTERING_MAINTENANCE: DatanodeInfoProto_AdminState.ENTERING_MAINTENANCE,
  IN_MAINTENANCE: DatanodeInfoProto_AdminState.IN_MAINTENANCE,
};

export function datanodeInfoToProto(d: DatanodeInfo): MessageInitShape<typeof DatanodeInfoProtoSchema> {
  return {
    id: datanodeIdToProto(d),
    capacity: toUint64(d.capacity),
    dfsUsed: toUint64(d.dfsUsed),
    remaining: toUint64(d.remaining),
    blockPoolUsed: toUint64(d.blockPoolUsed),
    lastUpdate: toUint64(d.lastUpdate),
    xceiverCount: d.xceiverCount,
    location: d.networkLocation,
    nonDfsUsed: toUint64(d.nonDfsUsed),
    adminState: ADMIN_STATES[d.adminState],
    lastBlockReportTime: toUint64(d.lastBlockReportTime),
    numBlocks: d.numBlocks,
  };
}

export function datanodeInfoFromProto(d: DatanodeInfoProto): DatanodeInfo {
  const adminState =
    (Object.keys(ADMIN_STATES) as AdminState[]).find((k) => ADMIN_STATES[k] === d.adminState) ?? 'NORMAL';
  return {
    ...datanodeIdFromProto(
      d.id ??
        ({
          ipAddr: '',
          hostName: '',
          datanodeUuid: '',
          xferPort: 0,
          infoPort: 0,
          ipcPort: 0,
        } as DatanodeIDProto),
    ),
    networkLocation: d.location || '/default-rack',
    capacity: wireNumber(d.capacity, 'capacity'),
    dfsUsed: wireNumber(d.dfsUsed, 'dfsUsed'),
    nonDfsUsed: wireNumber(d.nonDfsUsed, 'nonDfsUsed'),
    remaining: wireNumber(d.remaining, 'remaining'),
    blockPoolUsed: wireNumber(d.blockPoolUsed, 'blockPoolUsed'),
    xceiverCount: d.xceiverCount,
    lastUpdate: wireNumber(d.lastUpdate, 'lastUpdate'),
    lastBlockReportTime: wireNumber(d.lastBlockReportTime, 'lastBlockReportTime'),
    numBlocks: d.numBlocks,
    adminState,
  };
}

export function locatedBlockToProto(lb: LocatedBlock): MessageInitShape<typeof LocatedBlockProtoSchema> {
  return {
    b: extendedBlockToProto(lb.block, lb.blockPoolId),
    offset: toUint64(lb.startOffset),
    locs: lb.locations.map((id, i) => ({
      id: datanodeIdToProto(id),
      location: lb.racks[i] ?? '/default-rack',
    })),
    corrupt: lb.isCorrupt,
    blockToken: EMPTY_TOKEN,
    storageIDs: lb.locations.map((id) => id.storageId),
  };
}

export function locatedBlockFromProto(lb: LocatedBlockProto): LocatedBlock {
  if (!lb.b) throw new RangeError('LocatedBlockProto without b');
  return {
    block: blockRefFromProto(lb.b),
    blockPoolId: lb.b.poolId,
    startOffset: wireNumber(lb.offset, 'offset'),
    locations: lb.locs.map((d, i) => datanodeIdFromProto(d.id as DatanodeIDProto, lb.storageIDs[i] ?? '')),
    racks: lb.locs.map((d) => d.location || '/default-rack'),
    isCorrupt: lb.corrupt,
  };
}

export function locatedBlocksToProto(lbs: LocatedBlocks): MessageInitShape<typeof LocatedBlocksProtoSchema> {
  return {
    fileLength: toUint64(lbs.fileLength),
    blocks: lbs.blocks.map(locatedBlockToProto),
    underConstruction: lbs.underConstruction,
    ...(lbs.lastBlock ? { lastBlock: locatedBlockToProto(lbs.lastBlock) } : {}),
    isLastBlockComplete: lbs.isLastBlockComplete,
  };
}

export function locatedBlocksFromProto(lbs: LocatedBlocksProto): LocatedBlocks {
  return {
    fileLength: wireNumber(lbs.fileLength, 'fileLength'),
    underConstruction: lbs.underConstruction,
    blocks: lbs.blocks.map(locatedBlockFromProto),
    lastBlock: lbs.lastBlock ? locatedBlockFromProto(lbs.lastBlock) : null,
    isLastBlockComplete: lbs.isLastBlockComplete,
  };
}

/**
 * HdfsFileStatusProto carries the local name only: "" from getFileInfo (the client knows the path
 * it asked for), the child's name in a listing.
 */
export function fileStatusToProto(
  s: FileStatus,
  localName: string,
): MessageInitShape<typeof HdfsFileStatusProtoSchema> {
  return {
    fileType:
      s.type === 'DIRECTORY' ? HdfsFileStatusProto_FileType.IS_DIR : HdfsFileStatusProto_FileType.IS_FILE,
    path: Buffer.from(localName, 'utf8'),
    length: toUint64(s.length),
    // FsPermissionExtension: bit 12 tells pre-3.0 clients about the ACL; newer ones read flags.
    permission: { perm: s.permission | (s.hasAcl ? ACL_BIT : 0) },
    owner: s.owner,
    group: s.group,
    modificationTime: toUint64(s.modificationTime),
    accessTime: toUint64(s.accessTime),
    blockReplication: s.replication,
    blocksize: toUint64(s.blockSize),
    fileId: toUint64(s.fileId),
    childrenNum: s.childrenNum,
    ...(s.hasAcl ? { flags: HdfsFileStatusProto_Flags.HAS_ACL } : {}),
  };
}

/** FsPermissionExtension.ACL_BIT. */
const ACL_BIT = 1 << 12;

/** `path` is the full path of the entry (the request's src, or the listed directory + local name). */
export function fileStatusFromProto(p: HdfsFileStatusProto, path: string): FileStatus {
  const slash = path.lastIndexOf('/');
  return {
    path,
    pathSuffix: path === '/' ? '' : path.slice(slash + 1),
    type: p.fileType === HdfsFileStatusProto_FileType.IS_DIR ? 'DIRECTORY' : 'FILE',
    length: wireNumber(p.length, 'length'),
    owner: p.owner,
    group: p.group,
    permission: p.permission ? p.permission.perm & 0o7777 : 0,
    replication: wireNumber(p.blockReplication, 'block_replication', U16),
    blockSize: wireNumber(p.blocksize, 'blocksize'),
    modificationTime: wireNumber(p.modificationTime, 'modification_time'),
    accessTime: wireNumber(p.accessTime, 'access_time'),
    fileId: wireNumber(p.fileId, 'fileId'),
    childrenNum: wireNumber(p.childrenNum, 'childrenNum', { min: -1, max: U32.max }),
    ...((p.flags & HdfsFileStatusProto_Flags.HAS_ACL) !== 0 || ((p.permission?.perm ?? 0) & ACL_BIT) !== 0
      ? { hasAcl: true }
      : {}),
  };
}

/** A child's full path from its directory and local name. */
export function childPath(dir: string, name: string): string {
  return dir === '/' || dir === '' ? `/${name}` : `${dir.replace(/\/+$/, '')}/${name}`;
}

/**
 * Bad replicas as reportBadBlocks carries them in ClientProtocol and DatanodeProtocol alike: each a
 * LocatedBlock (marked corrupt) naming the DataNode that holds the bad replica.
 */
export function badReplicasToProto(
  replicas: { block: BlockRef; datanode: string }[],
  poolId: string,
): MessageInitShape<typeof LocatedBlockProtoSchema>[] {
  return replicas.map(({ block, datanode }) => ({
    b: extendedBlockToProto(block, poolId),
    offset: 0n,
    locs: [namedDatanodeToProto(datanode)],
    corrupt: true,
    blockToken: EMPTY_TOKEN,
  }));
}

export function badReplicasFromProto(blocks: LocatedBlockProto[]): { block: BlockRef; datanode: string }[] {
  return blocks.flatMap((lb) =>
    lb.locs.map((d) => ({
      block: blockRefFromProto(lb.b as NonNullable<typeof lb.b>),
      datanode: d.id?.hostName ?? '',
    })),
  );
}
