/**
 * Converters between the server-side wire types (hdfs_server.proto and the parts of hdfs.proto
 * the DataNode and Secondary NameNode protocols use) and the lab's internal types in
 * messages.ts / types.ts. Pure functions: no socket, no clock.
 *
 * Numbers: uint64 arrives as bigint and is range-checked into a JavaScript number (every id,
 * length and txid the lab makes is below 2^53); uint32 layout versions are HDFS's negative
 * numbers sent as their 32-bit two's complement, as Java's (int) → uint32 cast does.
 */
import { create } from '@bufbuild/protobuf';
import { RemoteError } from '../errors.js';
import {
  BlockProtoSchema,
  DatanodeInfoProtoSchema,
  DatanodeStorageProtoSchema,
  ExtendedBlockProtoSchema,
  type ExtendedBlockProto,
  LocatedBlockProtoSchema,
  StorageInfoProtoSchema,
  StorageTypeProto,
  TokenProtoSchema,
  type BlockProto,
  type DatanodeInfoProto,
  type DatanodeStorageProto,
  type LocatedBlockProto,
  type StorageInfoProto,
} from '../gen/hdfs_pb.js';
import {
  ExportedBlockKeysProtoSchema,
  NamespaceInfoProtoSchema,
  NNHAStatusHeartbeatProto_State,
  type ExportedBlockKeysProto,
  type NamespaceInfoProto,
} from '../gen/hdfs_server_pb.js';
import type { HaStatus, NamespaceInfo, StorageInfo } from '../messages.js';
import { blockRefFromProto, datanodeIdFromProto, datanodeIdToProto } from './hdfs-types.js';
import type { BlockRef, DatanodeId } from '../types.js';

/** NamespaceInfo's capability bit STORAGE_BLOCK_REPORT_BUFFERS: full block reports may use `blocksBuffers`. */
export const CAPABILITY_BLOCK_REPORT_BUFFERS = 1n;

/** A uint64/int64 field as a number; a value a JavaScript number cannot hold exactly is refused. */
export function toNumber(value: bigint, field: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RemoteError(
      'IOException',
      `${field} = ${value} is beyond what this server can represent (2^53 - 1)`,
    );
  }
  return Number(value);
}

/** A non-negative integer as uint64. */
export function toU64(value: number, field: string): bigint {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RemoteError('IOException', `${field} = ${value} is not a uint64`);
  }
  return BigInt(value);
}

/** A required message field of a decoded request or response (decoding does not check them). */
export function required<T>(value: T | undefined, field: string): T {
  if (value === undefined) throw new RemoteError('IOException', `Message missing required fields: ${field}`);
  return value;
}

/** A request's required ExtendedBlockProto `block` as its block pool and block. */
export function pooledBlockFromProto(b: ExtendedBlockProto | undefined): { poolId: string; block: BlockRef } {
  const block = required(b, 'block');
  return { poolId: block.poolId, block: blockRefFromProto(block) };
}

/** HDFS's layout versions are negative ints sent in a uint32 field. */
export function layoutVersionToWire(layoutVersion: number): number {
  return layoutVersion >>> 0;
}

export function layoutVersionFromWire(wire: number): number {
  return wire | 0;
}

export function storageInfoToProto(info: StorageInfo): StorageInfoProto {
  return create(StorageInfoProtoSchema, {
    layoutVersion: layoutVersionToWire(info.layoutVersion),
    namespceID: info.namespaceId >>> 0,
    clusterID: info.clusterId,
    cTime: toU64(info.cTime, 'cTime'),
  });
}

export function storageInfoFromProto(proto: StorageInfoProto): StorageInfo {
  return {
    layoutVersion: layoutVersionFromWire(proto.layoutVersion),
    namespaceId: proto.namespceID,
    clusterId: proto.clusterID,
    cTime: toNumber(proto.cTime, 'cTime'),
  };
}

export function namespaceInfoToProto(ns: NamespaceInfo): NamespaceInfoProto {
  return create(NamespaceInfoProtoSchema, {
    buildVersion: ns.softwareVersion,
    unused: 0,
    blockPoolID: ns.blockPoolId,
    storageInfo: storageInfoToProto(ns),
    softwareVersion: ns.softwareVersion,
    capabilities: CAPABILITY_BLOCK_REPORT_BUFFERS,
    state: NNHAStatusHeartbeatProto_State.ACTIVE,
  });
}

export function namespaceInfoFromProto(proto: NamespaceInfoProto): NamespaceInfo {
  return {
    ...storageInfoFromProto(required(proto.storageInfo, 'NamespaceInfoProto.storageInfo')),
    blockPoolId: proto.blockPoolID,
    softwareVersion: proto.softwareVersion,
  };
}

/** Block tokens are off in the lab: the keys are present (they are required) but empty. */
export function noBlockKeys(): ExportedBlockKeysProto {
  return create(ExportedBlockKeysProtoSchema, {
    isBlockTokenEnabled: false,
    keyUpdateInterval: 0n,
    tokenLifeTime: 0n,
    currentKey: { keyId: 0, expiryDate: 0n },
    allKeys: [],
  });
}

const HA_STATES: Record<HaStatus['state'], NNHAStatusHeartbeatProto_State> = {
  ACTIVE: NNHAStatusHeartbeatProto_State.ACTIVE,
  STANDBY: NNHAStatusHeartbeatProto_State.STANDBY,
  OBSERVER: NNHAStatusHeartbeatProto_State.OBSERVER,
};

export function haStateToProto(state: HaStatus['state']): NNHAStatusHeartbeatProto_State {
  return HA_STATES[state];
}

export function haStateFromProto(state: NNHAStatusHeartbeatProto_State): HaStatus['state'] {
  const found = (Object.keys(HA_STATES) as HaStatus['state'][]).find((k) => HA_STATES[k] === state);
  if (!found) throw new RemoteError('IOException', `unknown HA state ${state}`);
  return found;
}

/** A DataNode named as a command target or a replica location: its id and network location. */
export function datanodeInfoToProto(id: DatanodeId, location: string): DatanodeInfoProto {
  return create(DatanodeInfoProtoSchema, { id: datanodeIdToProto(id), location });
}

export function datanodeInfoFromProto(
  proto: DatanodeInfoProto,
  storageId = '',
): { id: DatanodeId; location: string } {
  return {
    id: datanodeIdFromProto(required(proto.id, 'DatanodeInfoProto.id'), storageId),
    location: proto.location,
  };
}

export function storageToProto(storageId: string): DatanodeStorageProto {
  return create(DatanodeStorageProtoSchema, { storageUuid: storageId, storageType: StorageTypeProto.DISK });
}

export function blockToProto(block: BlockRef): BlockProto {
  return create(BlockProtoSchema, {
    blockId: toU64(block.blockId, 'blockId'),
    genStamp: toU64(block.genStamp, 'genStamp'),
    numBytes: toU64(block.numBytes, 'numBytes'),
  });
}

export function blockFromProto(proto: BlockProto): BlockRef {
  return {
    blockId: toNumber(proto.blockId, 'blockId'),
    genStamp: toNumber(proto.genStamp, 'genStamp'),
    numBytes: toNumber(proto.numBytes, 'numBytes'),
  };
}

/** A LocatedBlock as the server protocols send it (bad blocks, block recovery): no token, offset 0. */
export function locatedBlockToProto(
  poolId: string,
  block: BlockRef,
  locations: { id: DatanodeId; location: string }[],
): LocatedBlockProto {
  return create(LocatedBlockProtoSchema, {
    b: create(ExtendedBlockProtoSchema, {
      poolId,
      blockId: toU64(block.blockId, 'blockId'),
      generationStamp: toU64(block.genStamp, 'genStamp'),
      numBytes: toU64(block.numBytes, 'numBytes'),
    }),
    offset: 0n,
    locs: locations.map((l) => datanodeInfoToProto(l.id, l.location)),
    corrupt: false,
    blockToken: create(TokenProtoSchema, {
      identifier: new Uint8Array(0),
      password: new Uint8Array(0),
      kind: '',
      service: '',
    }),
    storageIDs: locations.map((l) => l.id.storageId),
    storageTypes: locations.map(() => StorageTypeProto.DISK),
  });
}

export function locatedBlockFromProto(proto: LocatedBlockProto): {
  poolId: string;
  block: BlockRef;
  locations: { id: DatanodeId; location: string }[];
} {
  const b = required(proto.b, 'LocatedBlockProto.b');
  return {
    poolId: b.poolId,
    block: {
      blockId: toNumber(b.blockId, 'blockId'),
      genStamp: toNumber(b.generationStamp, 'generationStamp'),
      numBytes: toNumber(b.numBytes, 'numBytes'),
    },
    locations: proto.locs.map((l, i) => datanodeInfoFromProto(l, proto.storageIDs[i] ?? '')),
  };
}
