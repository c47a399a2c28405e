/**
 * DatanodeProtocol (`org.apache.hadoop.hdfs.server.protocol.DatanodeProtocol`, version 1) on the
 * wire: for each method the DataNode calls, its request and response messages and the pure
 * converters between them and the lab's internal types (messages.ts). Facts:
 * Hadoop's DatanodeProtocol.proto.
 *
 * Decoded DatanodeIDs carry HDFS's name for a DataNode (its transfer address ip:port), never the
 * lab's dn1: the NameNode names a DataNode by looking its address up (NameNodeCore), the DataNode
 * names command targets the same way.
 */
import { create, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { RemoteError } from '../errors.js';
import {
  BlockCommandProto_Action,
  BlockCommandProtoSchema,
  BlockReceivedAndDeletedRequestProtoSchema,
  BlockReceivedAndDeletedResponseProtoSchema,
  BlockReportRequestProtoSchema,
  BlockReportResponseProtoSchema,
  DatanodeCommandProto_Type,
  DatanodeCommandProtoSchema,
  DatanodeRegistrationProtoSchema,
  ErrorReportRequestProto_ErrorCode,
  ErrorReportRequestProtoSchema,
  ErrorReportResponseProtoSchema,
  HeartbeatRequestProtoSchema,
  HeartbeatResponseProtoSchema,
  ReceivedDeletedBlockInfoProto_BlockStatus,
  RegisterDatanodeRequestProtoSchema,
  RegisterDatanodeResponseProtoSchema,
  type DatanodeCommandProto,
  type DatanodeRegistrationProto,
} from '../gen/datanode_protocol_pb.js';
import { StorageReportProtoSchema, StorageTypeProto } from '../gen/hdfs_pb.js';
import {
  StorageTypesProtoSchema,
  StorageUuidsProtoSchema,
  RecoveringBlockProtoSchema,
  VersionRequestProtoSchema,
  VersionResponseProtoSchema,
  type RecoveringBlockProto,
} from '../gen/hdfs_server_pb.js';
import type {
  DatanodeCommand,
  DatanodeErrorCode,
  DatanodeRegistration,
  ReceivedDeletedStatus,
  RecoveringBlock,
  RpcMethods,
} from '../messages.js';
import { datanodeIdFromProto, datanodeIdToProto } from './hdfs-types.js';
import { decodeBlockBuffers, decodeBlockLongs, encodeBlockBuffers } from './block-list.js';
import { wireNumber } from '../proto-codec.js';
import {
  blockFromProto,
  blockToProto,
  datanodeInfoFromProto,
  datanodeInfoToProto,
  haStateFromProto,
  haStateToProto,
  locatedBlockFromProto,
  locatedBlockToProto,
  namespaceInfoFromProto,
  namespaceInfoToProto,
  noBlockKeys,
  required,
  storageInfoFromProto,
  storageInfoToProto,
  storageToProto,
  toNumber,
  toU64,
} from './server-types.js';

export const DATANODE_PROTOCOL = 'org.apache.hadoop.hdfs.server.protocol.DatanodeProtocol';
export const DATANODE_PROTOCOL_VERSION = 1;

/** One method on the wire: its messages and the converters both ends use. */
export interface MethodCodec<M extends keyof RpcMethods, Req extends DescMessage, Res extends DescMessage> {
  request: Req;
  response: Res;
  /** Caller side: the internal request as the message sent. */
  requestToProto(req: RpcMethods[M]['req']): MessageShape<Req>;
  /** Server side: the message received as the internal request. */
  requestFromProto(proto: MessageShape<Req>): RpcMethods[M]['req'];
  responseToProto(res: RpcMethods[M]['res']): MessageShape<Res>;
  responseFromProto(proto: MessageShape<Res>): RpcMethods[M]['res'];
}

function codec<M extends keyof RpcMethods, Req extends DescMessage, Res extends DescMessage>(
  c: MethodCodec<M, Req, Res>,
): MethodCodec<M, Req, Res> {
  return c;
}

// ---------------------------------------------------------------------------------------------
// Registration and commands
// ---------------------------------------------------------------------------------------------

export function registrationToProto(registration: DatanodeRegistration): DatanodeRegistrationProto {
  return create(DatanodeRegistrationProtoSchema, {
    datanodeID: datanodeIdToProto(registration.datanode),
    storageInfo: storageInfoToProto(registration.storageInfo),
    keys: noBlockKeys(),
    softwareVersion: registration.softwareVersion,
  });
}

export function registrationFromProto(
  proto: DatanodeRegistrationProto | undefined,
  storageId = '',
): DatanodeRegistration {
  const r = required(proto, 'registration');
  return {
    datanode: datanodeIdFromProto(required(r.datanodeID, 'DatanodeRegistrationProto.datanodeID'), storageId),
    storageInfo: storageInfoFromProto(required(r.storageInfo, 'DatanodeRegistrationProto.storageInfo')),
    softwareVersion: r.softwareVersion,
  };
}

export function commandToProto(command: DatanodeCommand): DatanodeCommandProto {
  switch (command.action) {
    case 'DNA_REGISTER':
      return create(DatanodeCommandProtoSchema, {
        cmdType: DatanodeCommandProto_Type.RegisterCommand,
        registerCmd: {},
      });
    case 'DNA_FINALIZE':
      return create(DatanodeCommandProtoSchema, {
        cmdType: DatanodeCommandProto_Type.FinalizeCommand,
        finalizeCmd: { blockPoolId: command.poolId },
      });
    case 'DNA_BALANCERBANDWIDTHUPDATE':
      return create(DatanodeCommandProtoSchema, {
        cmdType: DatanodeCommandProto_Type.BalancerBandwidthCommand,
        balancerCmd: { bandwidth: BigInt(command.bandwidth) },
      });
    case 'DNA_INVALIDATE':
      return create(DatanodeCommandProtoSchema, {
        cmdType: DatanodeCommandProto_Type.BlockCommand,
        blkCmd: create(BlockCommandProtoSchema, {
          action: BlockCommandProto_Action.INVALIDATE,
          blockPoolId: command.poolId,
          blocks: command.blocks.map(blockToProto),
        }),
      });
    case 'DNA_TRANSFER':
      return create(DatanodeCommandProtoSchema, {
        cmdType: DatanodeCommandProto_Type.BlockCommand,
        blkCmd: create(BlockCommandProtoSchema, {
          action: BlockCommandProto_Action.TRANSFER,
          blockPoolId: command.poolId,
          blocks: [blockToProto(command.block)],
          targets: [
            {
              datanodes: command.targets.map((t, i) =>
                datanodeInfoToProto(t, command.targetRacks[i] ?? '/default-rack'),
              ),
            },
          ],
          targetStorageUuids: [
            create(StorageUuidsProtoSchema, { storageUuids: command.targets.map((t) => t.storageId) }),
          ],
          targetStorageTypes: [
            create(StorageTypesProtoSchema, {
              storageTypes: command.targets.map(() => StorageTypeProto.DISK),
            }),
          ],
        }),
      });
    case 'DNA_RECOVERBLOCK':
      return create(DatanodeCommandProtoSchema, {
        cmdType: DatanodeCommandProto_Type.BlockRecoveryCommand,
        recoveryCmd: { blocks: [recoveringBlockToProto(command)] },
      });
  }
}

/** RecoveringBlockProto: in a BlockRecoveryCommand, and in InterDatanodeProtocol's initReplicaRecovery. */
export function recoveringBlockToProto(rb: RecoveringBlock): RecoveringBlockProto {
  return create(RecoveringBlockProtoSchema, {
    newGenStamp: toU64(rb.newGenStamp, 'newGenStamp'),
    block: locatedBlockToProto(
      rb.poolId,
      rb.block,
      rb.replicas.map((id) => ({ id, location: '' })),
    ),
    ...(rb.truncateBlock ? { truncateBlock: blockToProto(rb.truncateBlock) } : {}),
  });
}

export function recoveringBlockFromProto(rb: RecoveringBlockProto): RecoveringBlock {
  const located = locatedBlockFromProto(required(rb.block, 'RecoveringBlockProto.block'));
  return {
    poolId: located.poolId,
    block: located.block,
    newGenStamp: toNumber(rb.newGenStamp, 'newGenStamp'),
    replicas: located.locations.map((l) => l.id),
    ...(rb.truncateBlock ? { truncateBlock: blockFromProto(rb.truncateBlock) } : {}),
  };
}

/**
 * The commands of one DatanodeCommandProto. A BlockCommand may name several blocks (a Java
 * NameNode batches its transfers): each becomes one internal command. Command types the lab does
 * not act on (key updates, caching, …) are left out.
 */
export function commandsFromProto(proto: DatanodeCommandProto): DatanodeCommand[] {
  switch (proto.cmdType) {
    case DatanodeCommandProto_Type.RegisterCommand:
      return [{ action: 'DNA_REGISTER' }];
    case DatanodeCommandProto_Type.FinalizeCommand:
      return [
        {
          action: 'DNA_FINALIZE',
          poolId: required(proto.finalizeCmd, 'DatanodeCommandProto.finalizeCmd').blockPoolId,
        },
      ];
    case DatanodeCommandProto_Type.BalancerBandwidthCommand: {
      const cmd = required(proto.balancerCmd, 'DatanodeCommandProto.balancerCmd');
      return [{ action: 'DNA_BALANCERBANDWIDTHUPDATE', bandwidth: wireNumber(cmd.bandwidth, 'bandwidth') }];
    }
    case DatanodeCommandProto_Type.BlockCommand: {
      const cmd = required(proto.blkCmd, 'DatanodeCommandProto.blkCmd');
      const blocks = cmd.blocks.map(blockFromProto);
      if (cmd.action === BlockCommandProto_Action.INVALIDATE) {
        return [{ action: 'DNA_INVALIDATE', poolId: cmd.blockPoolId, blocks }];
      }
      if (cmd.action !== BlockCommandProto_Action.TRANSFER) return [];
      return blocks.map((block, i) => {
        const storageIds = cmd.targetStorageUuids[i]?.storageUuids ?? [];
        const targets = (cmd.targets[i]?.datanodes ?? []).map((t, j) =>
          datanodeInfoFromProto(t, storageIds[j]),
        );
        return {
          action: 'DNA_TRANSFER' as const,
          poolId: cmd.blockPoolId,
          block,
          targets: targets.map((t) => t.id),
          targetRacks: targets.map((t) => t.location),
        };
      });
    }
    case DatanodeCommandProto_Type.BlockRecoveryCommand:
      return required(proto.recoveryCmd, 'DatanodeCommandProto.recoveryCmd').blocks.map((rb) => ({
        action: 'DNA_RECOVERBLOCK' as const,
        ...recoveringBlockFromProto(rb),
      }));
    default:
      return [];
  }
}

const BLOCK_STATUS: Record<ReceivedDeletedStatus, ReceivedDeletedBlockInfoProto_BlockStatus> = {
  RECEIVING: ReceivedDeletedBlockInfoProto_BlockStatus.RECEIVING,
  RECEIVED: ReceivedDeletedBlockInfoProto_BlockStatus.RECEIVED,
  DELETED: ReceivedDeletedBlockInfoProto_BlockStatus.DELETED,
};

function blockStatusFromProto(status: ReceivedDeletedBlockInfoProto_BlockStatus): ReceivedDeletedStatus {
  const found = (Object.keys(BLOCK_STATUS) as ReceivedDeletedStatus[]).find(
    (k) => BLOCK_STATUS[k] === status,
  );
  if (!found) throw new RemoteError('IOException', `unknown block status ${status}`);
  return found;
}

const ERROR_CODES: Record<DatanodeErrorCode, ErrorReportRequestProto_ErrorCode> = {
  NOTIFY: ErrorReportRequestProto_ErrorCode.NOTIFY,
  DISK_ERROR: ErrorReportRequestProto_ErrorCode.DISK_ERROR,
  INVALID_BLOCK: ErrorReportRequestProto_ErrorCode.INVALID_BLOCK,
  FATAL_DISK_ERROR: ErrorReportRequestProto_ErrorCode.FATAL_DISK_ERROR,
};

function errorCodeFromWire(code: number): DatanodeErrorCode {
  // An unknown code is still a report worth logging: it reads as NOTIFY.
  return (Object.keys(ERROR_CODES) as DatanodeErrorCode[]).find((k) => ERROR_CODES[k] === code) ?? 'NOTIFY';
}

// ---------------------------------------------------------------------------------------------
// The methods
// ---------------------------------------------------------------------------------------------

export const datanodeProtocol = {
  versionRequest: codec<
    'versionRequest',
    typeof VersionRequestProtoSchema,
    typeof VersionResponseProtoSchema
  >({
    request: VersionRequestProtoSchema,
    response: VersionResponseProtoSchema,
    requestToProto: () => create(VersionRequestProtoSchema),
    requestFromProto: () => ({}),
    responseToProto: (ns) => create(VersionResponseProtoSchema, { info: namespaceInfoToProto(ns) }),
    responseFromProto: (proto) => namespaceInfoFromProto(required(proto.info, 'VersionResponseProto.info')),
  }),

  registerDatanode: codec<
    'registerDatanode',
    typeof RegisterDatanodeRequestProtoSchema,
    typeof RegisterDatanodeResponseProtoSchema
  >({
    request: RegisterDatanodeRequestProtoSchema,
    response: RegisterDatanodeResponseProtoSchema,
    requestToProto: (req) =>
      create(RegisterDatanodeRequestProtoSchema, { registration: registrationToProto(req.registration) }),
    requestFromProto: (proto) => ({ registration: registrationFromProto(proto.registration) }),
    responseToProto: (res) =>
      create(RegisterDatanodeResponseProtoSchema, { registration: registrationToProto(res.registration) }),
    responseFromProto: (proto) => ({ registration: registrationFromProto(proto.registration) }),
  }),

  sendHeartbeat: codec<
    'sendHeartbeat',
    typeof HeartbeatRequestProtoSchema,
    typeof HeartbeatResponseProtoSchema
  >({
    request: HeartbeatRequestProtoSchema,
    response: HeartbeatResponseProtoSchema,
    requestToProto: (req) =>
      create(HeartbeatRequestProtoSchema, {
        registration: registrationToProto(req.registration),
        reports: [
          create(StorageReportProtoSchema, {
            storageUuid: req.report.storageId,
            failed: req.report.failed,
            capacity: toU64(req.report.capacity, 'capacity'),
            dfsUsed: toU64(req.report.dfsUsed, 'dfsUsed'),
            remaining: toU64(req.report.remaining, 'remaining'),
            blockPoolUsed: toU64(req.report.blockPoolUsed, 'blockPoolUsed'),
            storage: storageToProto(req.report.storageId),
            nonDfsUsed: toU64(req.report.nonDfsUsed, 'nonDfsUsed'),
          }),
        ],
        xmitsInProgress: req.xmitsInProgress,
        xceiverCount: req.xceiverCount,
        failedVolumes: 0,
        requestFullBlockReportLease: req.requestFullBlockReportLease,
      }),
    requestFromProto: (proto) => {
      // The lab's DataNodes have one volume; a DataNode with several is summed into one report.
      const reports = proto.reports;
      const sum = (pick: (r: (typeof reports)[number]) => bigint, field: string): number =>
        toNumber(
          reports.reduce((n, r) => n + pick(r), 0n),
          field,
        );
      const storageId = reports[0]?.storage?.storageUuid ?? reports[0]?.storageUuid ?? '';
      return {
        registration: registrationFromProto(proto.registration, storageId),
        report: {
          storageId,
          failed: reports.some((r) => r.failed),
          capacity: sum((r) => r.capacity, 'capacity'),
          dfsUsed: sum((r) => r.dfsUsed, 'dfsUsed'),
          remaining: sum((r) => r.remaining, 'remaining'),
          blockPoolUsed: sum((r) => r.blockPoolUsed, 'blockPoolUsed'),
          nonDfsUsed: sum((r) => r.nonDfsUsed, 'nonDfsUsed'),
        },
        xceiverCount: proto.xceiverCount,
        xmitsInProgress: proto.xmitsInProgress,
        requestFullBlockReportLease: proto.requestFullBlockReportLease,
      };
    },
    responseToProto: (res) =>
      create(HeartbeatResponseProtoSchema, {
        cmds: res.commands.map(commandToProto),
        haStatus: { state: haStateToProto(res.haStatus.state), txid: toU64(res.haStatus.txid, 'txid') },
        fullBlockReportLeaseId: toU64(res.fullBlockReportLeaseId, 'fullBlockReportLeaseId'),
      }),
    responseFromProto: (proto) => {
      const ha = required(proto.haStatus, 'HeartbeatResponseProto.haStatus');
      return {
        commands: proto.cmds.flatMap(commandsFromProto),
        haStatus: { state: haStateFromProto(ha.state), txid: toNumber(ha.txid, 'txid') },
        fullBlockReportLeaseId: toNumber(proto.fullBlockReportLeaseId, 'fullBlockReportLeaseId'),
      };
    },
  }),

  blockReport: codec<
    'blockReport',
    typeof BlockReportRequestProtoSchema,
    typeof BlockReportResponseProtoSchema
  >({
    request: BlockReportRequestProtoSchema,
    response: BlockReportResponseProtoSchema,
    requestToProto: (req) =>
      create(BlockReportRequestProtoSchema, {
        registration: registrationToProto(req.registration),
        blockPoolId: req.poolId,
        reports: [
          {
            storage: storageToProto(req.storageId),
            numberOfBlocks: BigInt(req.blocks.length),
            blocksBuffers: encodeBlockBuffers(req.blocks),
          },
        ],
        context: {
          totalRpcs: 1,
          curRpc: 0,
          id: BigInt(req.reportId),
          leaseId: toU64(req.leaseId, 'leaseId'),
          sorted: false,
        },
      }),
    requestFromProto: (proto) => {
      const storageId = proto.reports[0]?.storage?.storageUuid ?? '';
      // Every storage's replicas (the lab's DataNodes have one): buffers when numberOfBlocks is
      // set, the legacy longs otherwise, as HDFS's NameNode reads them.
      const blocks = proto.reports.flatMap((r) =>
        r.numberOfBlocks > 0n || r.blocksBuffers.length > 0
          ? decodeBlockBuffers(toNumber(r.numberOfBlocks, 'numberOfBlocks'), r.blocksBuffers)
          : decodeBlockLongs(r.blocks),
      );
      return {
        registration: registrationFromProto(proto.registration, storageId),
        poolId: proto.blockPoolId,
        storageId,
        blocks,
        leaseId: proto.context ? toNumber(proto.context.leaseId, 'leaseId') : 0,
        // A Java DataNode's report id is a random long: kept modulo 2^53, it only names the report.
        reportId: proto.context ? Number(BigInt.asIntN(53, proto.context.id)) : 0,
      };
    },
    responseToProto: (res) =>
      create(BlockReportResponseProtoSchema, res.commands[0] ? { cmd: commandToProto(res.commands[0]) } : {}),
    responseFromProto: (proto) => ({ commands: proto.cmd ? commandsFromProto(proto.cmd) : [] }),
  }),

  blockReceivedAndDeleted: codec<
    'blockReceivedAndDeleted',
    typeof BlockReceivedAndDeletedRequestProtoSchema,
    typeof BlockReceivedAndDeletedResponseProtoSchema
  >({
    request: BlockReceivedAndDeletedRequestProtoSchema,
    response: BlockReceivedAndDeletedResponseProtoSchema,
    requestToProto: (req) =>
      create(BlockReceivedAndDeletedRequestProtoSchema, {
        registration: registrationToProto(req.registration),
        blockPoolId: req.poolId,
        blocks: [
          {
            storageUuid: req.storageId,
            storage: storageToProto(req.storageId),
            blocks: req.entries.map((e) => ({
              block: blockToProto(e.block),
              status: BLOCK_STATUS[e.status],
              ...(e.deleteHint === undefined ? {} : { deleteHint: e.deleteHint }),
            })),
          },
        ],
      }),
    requestFromProto: (proto) => {
      const storageId = proto.blocks[0]?.storage?.storageUuid ?? proto.blocks[0]?.storageUuid ?? '';
      return {
        registration: registrationFromProto(proto.registration, storageId),
        poolId: proto.blockPoolId,
        storageId,
        entries: proto.blocks.flatMap((s) =>
          s.blocks.map((b) => ({
            block: blockFromProto(required(b.block, 'ReceivedDeletedBlockInfoProto.block')),
            status: blockStatusFromProto(b.status),
            // PBHelper: entry.hasDeleteHint() ? entry.getDeleteHint() : null.
            ...(b.deleteHint === '' ? {} : { deleteHint: b.deleteHint }),
          })),
        ),
      };
    },
    responseToProto: () => create(BlockReceivedAndDeletedResponseProtoSchema),
    responseFromProto: () => null,
  }),

  errorReport: codec<
    'errorReport',
    typeof ErrorReportRequestProtoSchema,
    typeof ErrorReportResponseProtoSchema
  >({
    request: ErrorReportRequestProtoSchema,
    response: ErrorReportResponseProtoSchema,
    requestToProto: (req) =>
      create(ErrorReportRequestProtoSchema, {
        registartion: registrationToProto(req.registration),
        errorCode: ERROR_CODES[req.errorCode],
        msg: req.message,
      }),
    requestFromProto: (proto) => ({
      registration: registrationFromProto(proto.registartion),
      errorCode: errorCodeFromWire(proto.errorCode),
      message: proto.msg,
    }),
    responseToProto: () => create(ErrorReportResponseProtoSchema),
    responseFromProto: () => null,
  }),
};
