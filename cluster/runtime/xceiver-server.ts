/**
 * What a DataNode's DataTransfer server is given and what it offers: the DataNode side of the
 * wire, kept apart from transport/data-link.ts, which both clients and DataNodes use.
 */
import type { IbrOrigin } from '../datanode/bp-service-core.js';
import type { BlockRef } from '../protocol/types.js';
import type { Journal } from '../transport/journal.js';
import type { DatanodeStorage, ReplicaFiles } from './datanode-storage.js';

export interface XceiverServerOptions {
  host: string;
  port: number;
  selfId: string;
  journal: Journal;
  storage: DatanodeStorage;
  /**
   * A client's RBW replica was created (blockReceivedAndDeleted RECEIVING). `opId` is the client's
   * operation from the WRITE_BLOCK op, so the report is part of the put's trace.
   */
  onReceiving(block: BlockRef, opId?: string): void;
  /**
   * A replica was finalized (blockReceivedAndDeleted RECEIVED, at once); `opId` as above, and a
   * REPLACE_BLOCK's `deleteHint` (the balancer's source). Resolves once the report has been sent
   * (the block's last ack waits for it).
   */
  onReceived(block: BlockRef, replica: ReplicaFiles, origin: IbrOrigin): Promise<void> | void;
  /** A DataNode-initiated copy arrived with bad checksums: the source replica is corrupt. */
  onBadSourceReplica(block: BlockRef, source: string): void;
  /** Operating problems worth a line in the DataNode's log. */
  log(level: 'info' | 'warn', text: string): void;
  /**
   * The lab id (dn2, client) of the process at `ip` (and xfer `port`, for a DataNode named as a
   * target), or undefined; frames to an unnamed peer are journaled with its address.
   */
  nameOf?(ip: string, port?: number): string | undefined;
  /**
   * How fast COPY_BLOCK sends a replica for the balancer now (0: unthrottled): the balance
   * throttler's bandwidth, dfs.datanode.balance.bandwidthPerSec until a DNA_BALANCERBANDWIDTHUPDATE.
   */
  balanceBytesPerSec?: () => number;
}

export interface XceiverServer {
  host: string;
  port: number;
  /** Open DataTransfer connections (the heartbeat's xceiverCount). */
  xceiverCount(): number;
  close(): Promise<void>;
}
