/**
 * A deterministic simulator of a whole cluster around the shipped cores: the NameNode core, and
 * per simulated DataNode the DataNode core that ships — BPServiceCore (registration, block reports,
 * incremental-report batching, commands → actions), the receive plan (datanode/receive-plan.ts:
 * how a WRITE_BLOCK opens a replica, mirrors, finalizes, reports and acks; DNA_TRANSFER's checks)
 * the packet loop (datanode/packet-loop.ts: each packet's handling and the length acked), for
 * a DataNode's copy of a replica the send plan (datanode/send-plan.ts: the packets BlockSender
 * sends), and for DNA_RECOVERBLOCK block recovery (datanode/block-recovery.ts: the primary's
 * SyncBlockTask, each holder's ReplicasUnderRecovery). Simulated DataNodes heartbeat on a simulated clock; a simulated client writes files
 * through create / addBlock / a WRITE_BLOCK pipeline / complete, a block as one packet and the
 * last one (a writer that dies sends no last packet, and its replicas stay rbw). Only the bytes are
 * left out: a packet is its header, a replica its BlockRef in a map. No sockets, files or timers — a seed reproduces every run, and golden
 * scenario tests (test/scenario/testdata/*.txt) read its transcript. Lines are produced by the one
 * describer.
 */
import { createPrng, prngUuid } from '../common/prng.js';
import {
  ReplicasUnderRecovery,
  SyncBlockTask,
  updatedReplica,
  type HeldReplica,
  type HolderCallResult,
} from '../datanode/block-recovery.js';
import { BPServiceCore, invalidation } from '../datanode/bp-service-core.js';
import { PacketLoop, type PacketStep } from '../datanode/packet-loop.js';
import { datanodeRegistration } from '../datanode/registration.js';
import { copyRange, sendPacketHeaders } from '../datanode/send-plan.js';
import type { PacketHeader } from '../protocol/packet.js';
import {
  planTransfer,
  planWriteBlock,
  upstreamAck,
  type ReceiveReplica,
  type DownstreamAck,
} from '../datanode/receive-plan.js';
import type { BlockConstructionStage, StatusName } from '../protocol/data-transfer.js';
import { resolveConfig } from '../config/config.js';
import type { BlockRef } from '../namenode/editlog/ops.js';
import { identityFromSeed } from '../namenode/identity.js';
import { NameNodeCore, type NameNodeSettings } from '../namenode/namenode.js';
import { namenodeSettings } from '../namenode/settings.js';
import { combinedHostsLists } from '../namenode/host-file.js';
import { Namespace } from '../namenode/namespace.js';
import { spreadOverRacks } from '../net/racks.js';
import { describeMessage, describeStateEvent } from '../protocol/registry/describe.js';
import type { FrameMessage } from '../protocol/journal-types.js';
import type {
  DatanodeCommand,
  DatanodeRegistration,
  NamespaceInfo,
  RecoveringBlock,
  ReplicaRecoveryInfo,
  RpcMethod,
  RpcMethods,
  StateEvent,
} from '../protocol/messages.js';
import { blockName, DECOMMISSION_STATUS_WORDS, type DatanodeId } from '../protocol/types.js';
import { RemoteError } from '../protocol/errors.js';

/** The simulator advances time in steps of this size. */
const SIM_STEP_MS = 100;
/** Simulated DataNode capacity: plenty for any scenario. */
const SIM_CAPACITY_BYTES = 100 * 1024 * 1024 * 1024;
/** The checksum every simulated writer asks for (Java's default). */
const SIM_CHECKSUM = { type: 'CRC32C', bytesPerChecksum: 512 } as const;
/** dfs.client.block.write.retries: how often a writer asks for a new pipeline when a setup fails. */
const SIM_BLOCK_WRITE_RETRIES = 3;
/** Where the simulated off-cluster client calls from. */
const SIM_CLIENT_ADDR = '127.0.0.10';

/** A client's call as the NameNode answered it: its result, or the exception it refused it with. */
export type SimCallOutcome<M extends RpcMethod> =
  { ok: true; result: RpcMethods[M]['res'] } | { ok: false; error: RemoteError };

/** One WRITE_BLOCK through a pipeline of simulated DataNodes. */
interface PipelineWrite {
  pipeline: string[];
  block: BlockRef;
  stage: BlockConstructionStage;
  /** '' for a DataNode-initiated copy. */
  clientName: string;
  /** The packets the writer sends, the last empty one included. */
  packets: readonly PacketHeader[];
}

/** What the writer of a pipeline learns: the last packet's ack, or the DataNode the setup failed at. */
type PipelineResult = { ok: true; replies: StatusName[] } | { ok: false; firstBadLink: string };

/** An RPC call frame as the simulator journals it (call ids are not shown). */
function rpcCall<M extends RpcMethod>(method: M, params: RpcMethods[M]['req']): FrameMessage {
  return { type: 'rpc-call', method, callId: 0, params };
}

/** A call to a DataNode the simulator killed, failed as the RPC client fails it. */
function unreachable(name: string): { message: string } {
  return { message: `cannot reach ${name} (ECONNREFUSED: killed)` };
}

/**
 * A client's packets of a block (the simulator moves no bytes, so a packet's size is all it
 * carries): its bytes as one packet, then the empty last packet.
 */
function clientPackets(numBytes: number): PacketHeader[] {
  return [
    { seqno: 0, offsetInBlock: 0, dataLen: numBytes, lastPacketInBlock: false, syncBlock: false },
    { seqno: 1, offsetInBlock: numBytes, dataLen: 0, lastPacketInBlock: true, syncBlock: false },
  ];
}

/**
 * A block's packets at one DataNode of a pipeline, through the packet loop that ships: the last
 * packet's step (null when the loop refused a packet or the last packet never came) and the bytes
 * the replica holds.
 */
function receivePackets(
  plan: ReceiveReplica<string>,
  packets: readonly PacketHeader[],
): { last: PacketStep | null; bytes: number } {
  const loop = new PacketLoop({
    label: blockName(plan.block),
    mirrored: plan.mirror !== null,
    verify: plan.verify,
    bytesOnDisk: 0,
  });
  let bytes = 0;
  for (const header of packets) {
    const step = loop.next(header);
    if (step.kind === 'refuse') return { last: null, bytes };
    bytes = Math.max(bytes, step.ackedLength);
    if (step.kind === 'last') return { last: step, bytes };
  }
  return { last: null, bytes };
}

export interface SimOptions {
  datanodes: number;
  racks: number;
  replication: number;
  blockSizeBytes: number;
  seed: string;
  conf?: Record<string, string>;
}

/** A simulated DataNode: its replicas and the shipped core; every decision is the core's. */
interface SimDatanode {
  id: DatanodeId;
  rack: string;
  alive: boolean;
  /** Finalized replicas by block id. */
  replicas: Map<number, BlockRef>;
  /** Replicas of a client's write whose last packet has not come (rbw/): a lease recovery's. */
  rbw: Map<number, BlockRef>;
  /** The replicas a block recovery holds (the DataNode core's; a restart forgets them). */
  recoveries: ReplicasUnderRecovery;
  nextHeartbeatMs: number;
  /** The shipped DataNode's decisions: registration, reports, incremental batching, commands. */
  core: BPServiceCore;
}

export class ClusterSim {
  readonly core: NameNodeCore;
  readonly transcript: string[] = [];
  nowMs = 0;
  private readonly datanodes = new Map<string, SimDatanode>();
  private readonly heartbeatMs: number;
  private readonly blockSizeBytes: number;
  private readonly replication: number;
  private clientCounter = 0;
  private readonly namespaceInfo: NamespaceInfo;

  constructor(options: SimOptions) {
    const config = resolveConfig({
      'dfs.replication': String(options.replication),
      'dfs.blocksize': String(options.blockSizeBytes),
      ...(options.conf ?? {}),
    });
    this.heartbeatMs = config.ms('dfs.heartbeat.interval');
    this.blockSizeBytes = options.blockSizeBytes;
    this.replication = options.replication;
    const identity = identityFromSeed(options.seed, '127.0.0.1');
    // The process's settings for this configuration, with what a simulation pins: no safe-mode
    // extension, no load-based rejection (all simulated DataNodes are idle), atime never updated.
    const settings: NameNodeSettings = {
      ...namenodeSettings(config, { superuser: 'student', softwareVersion: 'sim' }),
      safemode: { thresholdPct: 0.999, minDatanodes: 0, extensionMs: 0 },
      accessTimePrecisionMs: 0,
      considerLoad: false,
    };
    const racks = spreadOverRacks(options.datanodes, options.racks);
    const rackByIp = new Map<string, string>();
    const prng = createPrng(options.seed);
    racks.forEach((rack, i) => {
      const name = `dn${i + 1}`;
      const ip = `127.0.${Number(rack.replace(/\D/g, '')) || 1}.${i + 1}`;
      rackByIp.set(ip, rack);
      const uuid = prngUuid(prng.fork(name));
      this.datanodes.set(name, {
        id: {
          name,
          datanodeUuid: uuid,
          storageId: `DS-${uuid}`,
          ipAddr: ip,
          hostName: name,
          xferPort: 9866,
          infoPort: 0,
          ipcPort: 0,
        },
        rack,
        alive: true,
        replicas: new Map(),
        rbw: new Map(),
        recoveries: new ReplicasUnderRecovery(),
        nextHeartbeatMs: 0,
        core: new BPServiceCore(),
      });
    });
    const namespace = new Namespace({ superuser: 'student', namespaceId: identity.namespaceId });
    this.core = new NameNodeCore({
      settings,
      identity,
      namespace,
      prng: prng.fork('namenode'),
      rackOfHost: (host) => rackByIp.get(host) ?? '/default-rack',
      lastCheckpoint: { txid: 0, ms: 0 },
      datanodeNameOf: ({ ipAddr }) =>
        [...this.datanodes.values()].find((d) => d.id.ipAddr === ipAddr)?.id.name,
    });
    this.namespaceInfo = this.core.namespaceInfo();
    for (const dn of this.datanodes.values()) this.startDatanode(dn, false);
    this.tickCore();
  }

  private line(text: string): void {
    this.transcript.push(text);
  }

  private events(events: StateEvent[]): void {
    for (const e of events) {
      if (e.type === 'edit-logged' || e.type === 'safemode') continue;
      this.line(describeStateEvent('nn', e));
    }
  }

  private frame(src: string, dst: string, msg: FrameMessage): void {
    this.line(`${src}->${dst} ${describeMessage(msg)}`);
  }

  /** Calls the NameNode core as `caller`; its events go to the transcript. */
  private call<M extends RpcMethod>(
    caller: string,
    callerAddr: string,
    method: M,
    params: RpcMethods[M]['req'],
  ): RpcMethods[M]['res'] {
    const out = this.core.call(method, params, { caller, callerAddr, nowMs: this.nowMs });
    this.events(out.events);
    return out.result;
  }

  /**
   * A client's RPC to the NameNode as `user` (absent: the superuser): `client->nn <call>`, and when
   * the NameNode refuses it, the reply the journal shows, `nn->client <method>Response ERROR
   * <Exception>: <message>`.
   */
  clientCall<M extends RpcMethod>(method: M, params: RpcMethods[M]['req'], user?: string): SimCallOutcome<M> {
    this.frame('client', 'nn', { type: 'rpc-call', method, callId: 0, params });
    return this.answerClient(method, params, user);
  }

  /** The NameNode core's answer to a client's call already framed; a refusal is framed as its reply. */
  private answerClient<M extends RpcMethod>(
    method: M,
    params: RpcMethods[M]['req'],
    user?: string,
  ): SimCallOutcome<M> {
    try {
      const ctx = {
        caller: 'client',
        callerAddr: SIM_CLIENT_ADDR,
        nowMs: this.nowMs,
        ...(user ? { user } : {}),
      };
      const out = this.core.call(method, params, ctx);
      this.events(out.events);
      return { ok: true, result: out.result };
    } catch (err) {
      if (!(err instanceof RemoteError)) throw err;
      const error = `${err.errorClass}: ${err.message}`;
      this.frame('nn', 'client', { type: 'rpc-reply', method, callId: 0, ok: false, error });
      return { ok: false, error: err };
    }
  }

  private registration(dn: SimDatanode): DatanodeRegistration {
    return datanodeRegistration(dn.id, this.namespaceInfo);
  }

  /** Registers and sends a full block report (lease 0: HDFS's bypass of the report rate limit). */
  private startDatanode(dn: SimDatanode, announce: boolean): void {
    dn.alive = true;
    dn.nextHeartbeatMs = this.nowMs + this.heartbeatMs;
    this.call(dn.id.name, dn.id.ipAddr, 'registerDatanode', { registration: this.registration(dn) });
    dn.core.registered();
    const blocks = [...dn.replicas.values()].map(
      (b) => [b.blockId, b.numBytes, b.genStamp] as [number, number, number],
    );
    if (announce)
      this.frame(dn.id.name, 'nn', {
        type: 'rpc-call',
        method: 'blockReport',
        callId: 0,
        params: { blocks: { count: blocks.length } },
      });
    const report = this.call(dn.id.name, dn.id.ipAddr, 'blockReport', {
      registration: this.registration(dn),
      poolId: this.namespaceInfo.blockPoolId,
      storageId: dn.id.storageId,
      blocks,
      // Lease 0: HDFS's bypass of the report rate limit (the simulator reports at once).
      leaseId: 0,
      reportId: dn.core.fullReportSent(),
    });
    this.execute(dn, report.commands);
    this.heartbeat(dn);
  }

  private heartbeat(dn: SimDatanode): void {
    const used = [...dn.replicas.values()].reduce((s, b) => s + b.numBytes, 0);
    const reply = this.call(dn.id.name, dn.id.ipAddr, 'sendHeartbeat', {
      registration: this.registration(dn),
      report: {
        storageId: dn.id.storageId,
        failed: false,
        capacity: SIM_CAPACITY_BYTES,
        dfsUsed: used,
        remaining: SIM_CAPACITY_BYTES - used,
        blockPoolUsed: used,
        nonDfsUsed: 0,
      },
      xceiverCount: 0,
      xmitsInProgress: 0,
      requestFullBlockReportLease: false,
    });
    if (reply.commands.length > 0) {
      this.frame('nn', dn.id.name, {
        type: 'rpc-reply',
        method: 'sendHeartbeat',
        callId: 0,
        ok: true,
        result: reply,
      });
    }
    this.execute(dn, reply.commands);
    this.sendIncremental(dn);
  }

  /** What the DataNode core made of a reply's commands, carried out on the simulated volume. */
  private execute(dn: SimDatanode, commands: DatanodeCommand[]): void {
    for (const action of dn.core.commands(commands)) {
      switch (action.kind) {
        case 'register':
          this.startDatanode(dn, true);
          break;
        case 'delete-replica': {
          const outcome = invalidation(dn.replicas.get(action.block.blockId), action.block);
          if (outcome === 'genstamp-mismatch') break;
          dn.replicas.delete(action.block.blockId);
          dn.core.replicaDeleted(action.block);
          break;
        }
        case 'transfer':
          this.transfer(dn, action.command);
          break;
        case 'recover':
          this.recoverBlock(dn, action.command);
          break;
        case 'finalize-upgrade':
        case 'ignore':
          break;
      }
    }
  }

  /** Sends the DataNode's queued incremental reports, one call per group, as the process does. */
  private sendIncremental(dn: SimDatanode): void {
    for (
      let group = dn.core.takeIncrementalGroup();
      group.length > 0;
      group = dn.core.takeIncrementalGroup()
    ) {
      const entries = group.map((e) => ({ block: { ...e.block }, status: e.status }));
      this.frame(dn.id.name, 'nn', {
        type: 'rpc-call',
        method: 'blockReceivedAndDeleted',
        callId: 0,
        params: { entries },
      });
      this.call(dn.id.name, dn.id.ipAddr, 'blockReceivedAndDeleted', {
        registration: this.registration(dn),
        poolId: '',
        storageId: dn.id.storageId,
        entries,
      });
    }
  }

  /**
   * DNA_TRANSFER at `dn` (DataNode.transferBlock): the core's checks, then one pipeline through
   * the targets, as a DataNode-initiated copy (no client name).
   */
  private transfer(dn: SimDatanode, command: Extract<DatanodeCommand, { action: 'DNA_TRANSFER' }>): void {
    const held = dn.replicas.get(command.block.blockId) ?? null;
    const plan = planTransfer(this.namespaceInfo.blockPoolId, command.block, held, command.targets);
    if (plan.kind !== 'send') {
      this.line(`${dn.id.name}: ${plan.message}`);
      return;
    }
    const [first, ...rest] = plan.pipeline.map((t) => t.name);
    this.frame(dn.id.name, first ?? '?', {
      type: 'dt-op',
      op: 'WRITE_BLOCK',
      block: blockName(plan.replica),
      ...(rest.length > 0 ? { targets: rest } : {}),
      stage: 'PIPELINE_SETUP_CREATE',
    });
    this.writePipeline({
      pipeline: plan.pipeline.map((t) => t.name),
      block: plan.replica,
      stage: 'PIPELINE_SETUP_CREATE',
      clientName: '',
      // The source's BlockSender lays the replica out in packets as the shipped DataNode does.
      packets: [...sendPacketHeaders(copyRange(plan.replica.numBytes))],
    });
  }

  /**
   * WRITE_BLOCK through a pipeline, each DataNode following the receive plan that ships: the setup
   * runs down the pipeline (a DataNode that is dead or refuses fails it there), the last packet
   * runs down it (each DataNode finalizes as it writes the packet, as the process does, and
   * reports RECEIVED, which its core sends at once), and the acks run back up by the ack rules.
   */
  private writePipeline(write: PipelineWrite): PipelineResult {
    const plans: { dn: SimDatanode; plan: ReceiveReplica<string> }[] = [];
    for (const [i, name] of write.pipeline.entries()) {
      const dn = this.datanodes.get(name);
      const plan =
        dn?.alive === true
          ? planWriteBlock(
              {
                stage: write.stage,
                clientName: write.clientName,
                block: { poolId: this.namespaceInfo.blockPoolId, ...write.block },
                latestGenerationStamp: write.block.genStamp,
                targets: write.pipeline.slice(i + 1),
                requestedChecksum: SIM_CHECKSUM,
              },
              this.namespaceInfo.blockPoolId,
            )
          : null;
      if (!dn || plan?.kind !== 'receive') return { ok: false, firstBadLink: name };
      if (plan.reportReceiving) dn.core.reportIncremental(plan.block, 'RECEIVING');
      plans.push({ dn, plan });
    }
    for (const { dn, plan } of plans) {
      const { last, bytes } = receivePackets(plan, write.packets);
      if (last) this.finishReplica(dn, plan, last.ackedLength);
      else if (plan.onFailure === 'keep-rbw')
        dn.rbw.set(plan.block.blockId, { ...plan.block, numBytes: bytes });
    }
    let downstream: DownstreamAck = { kind: 'last-in-pipeline' };
    let replies: StatusName[] = [];
    for (const { dn } of [...plans].reverse()) {
      const ack = upstreamAck('SUCCESS', downstream);
      if (!ack.replies) return { ok: false, firstBadLink: dn.id.name };
      replies = ack.replies;
      downstream = { kind: 'ack', replies };
    }
    return { ok: true, replies };
  }

  /** The plan's end for a replica whose last packet arrived (the simulator keeps no rbw replicas). */
  private finishReplica(dn: SimDatanode, plan: ReceiveReplica<string>, numBytes: number): void {
    if (plan.end === 'keep-rbw') return;
    const block = { ...plan.block, numBytes };
    this.finalizeReplica(dn, block, plan.end === 'finalize-and-report');
  }

  /** A replica finalized (rbw/ to finalized/), reported RECEIVED at once when `report`. */
  private finalizeReplica(dn: SimDatanode, block: BlockRef, report: boolean): void {
    dn.rbw.delete(block.blockId);
    dn.replicas.set(block.blockId, block);
    if (!report) return;
    if (dn.core.reportIncremental({ ...block }, 'RECEIVED')) this.sendIncremental(dn);
  }

  /**
   * DNA_RECOVERBLOCK at the primary `dn` (BlockRecoveryWorker): the DataNode core's SyncBlockTask
   * asks each holder over InterDatanodeProtocol (the holder's ReplicasUnderRecovery answers), each
   * participant finalizes its replica at the agreed length under the recovery id and reports it
   * RECEIVED, and the primary commits (commitBlockSynchronization), as the process does.
   */
  private recoverBlock(dn: SimDatanode, rb: RecoveringBlock): void {
    const task = new SyncBlockTask(rb);
    const say = (text: string | undefined): void => {
      if (text) this.line(`${dn.id.name}: ${text}`);
    };
    say(task.startText());
    for (const id of rb.replicas) {
      if (id.name !== dn.id.name) this.frame(dn.id.name, id.name, rpcCall('initReplicaRecovery', rb));
      const step = task.answered(id, this.initReplicaRecovery(id.name, rb));
      say(step.warn);
      if (!step.more) break;
    }
    const plan = task.plan();
    if (plan.kind === 'abort') return say(`recoverBlocks FAILED: ${task.blockText}: ${plan.message}`);
    if (plan.kind === 'sync') {
      say(task.syncText(plan));
      for (const p of plan.participants) {
        const request = task.updateRequest(plan, p);
        if (p.datanode.name !== dn.id.name)
          this.frame(dn.id.name, p.datanode.name, rpcCall('updateReplicaUnderRecovery', request));
        say(task.updated(p, this.updateReplicaUnderRecovery(p.datanode.name, request)));
      }
    }
    const commit = task.commitRequest(plan);
    if ('error' in commit) return say(`recoverBlocks FAILED: ${task.blockText}: ${commit.error}`);
    this.frame(dn.id.name, 'nn', rpcCall('commitBlockSynchronization', commit.request));
    try {
      this.call(dn.id.name, dn.id.ipAddr, 'commitBlockSynchronization', commit.request);
    } catch (err) {
      if (!(err instanceof RemoteError)) throw err;
      say(`recoverBlocks FAILED: ${task.blockText}: ${err.message}`);
    }
  }

  /** A holder's replica of `blockId` as a recovery sees it: finalized or rbw. */
  private heldReplica(dn: SimDatanode, blockId: number): HeldReplica | null {
    const finalized = dn.replicas.get(blockId);
    if (finalized) return { ...finalized, state: 'FINALIZED' };
    const rbw = dn.rbw.get(blockId);
    return rbw ? { ...rbw, state: 'RBW' } : null;
  }

  /** InterDatanodeProtocol.initReplicaRecovery at DataNode `name` (a dead one does not answer). */
  private initReplicaRecovery(
    name: string,
    rb: RecoveringBlock,
  ): HolderCallResult<ReplicaRecoveryInfo | null> {
    const dn = this.datanodes.get(name);
    if (!dn?.alive) return unreachable(name);
    const outcome = dn.recoveries.init(rb, this.heldReplica(dn, rb.block.blockId));
    if (outcome.kind === 'refuse') return { errorClass: outcome.errorClass, message: outcome.message };
    return { ok: outcome.kind === 'recover' ? outcome.info : null };
  }

  /** InterDatanodeProtocol.updateReplicaUnderRecovery at DataNode `name`: its replica finalized and reported. */
  private updateReplicaUnderRecovery(
    name: string,
    p: RpcMethods['updateReplicaUnderRecovery']['req'],
  ): HolderCallResult<{ storageUuid: string }> {
    const dn = this.datanodes.get(name);
    if (!dn?.alive) return unreachable(name);
    const { blockId } = p.block;
    const refused = dn.recoveries.checkUpdate(
      p,
      this.heldReplica(dn, blockId),
      this.namespaceInfo.blockPoolId,
    );
    if (refused) return refused;
    dn.recoveries.finished(blockId);
    // Copy-on-truncate leaves the old replica as it was and adds the new block's.
    this.finalizeReplica(dn, updatedReplica(p), true);
    return { ok: { storageUuid: dn.id.storageId } };
  }

  private tickCore(): void {
    this.events(this.core.tick(this.nowMs));
    this.events(this.core.emptyTrash(this.nowMs).events);
  }

  // -------------------------------------------------------------------------------------------
  // Scenario commands
  // -------------------------------------------------------------------------------------------

  /**
   * Writes a file of `sizeBytes` from an off-cluster client, as create / addBlock… / complete; a
   * create or addBlock the NameNode refuses (a quota) ends the write there, as the client's
   * stream fails.
   */
  put(path: string, sizeBytes: number, options: { replication?: number; crash?: boolean } = {}): void {
    const clientName = `DFSClient_NONMAPREDUCE_sim_${++this.clientCounter}`;
    const clientAddr = SIM_CLIENT_ADDR;
    this.frame('client', 'nn', {
      type: 'rpc-call',
      method: 'create',
      callId: 0,
      params: {
        src: path,
        replication: options.replication ?? this.replication,
        blockSize: this.blockSizeBytes,
      },
    });
    const created = this.answerClient('create', {
      src: path,
      permission: 0o644,
      clientName,
      clientMachine: clientAddr,
      overwrite: false,
      createParent: true,
      replication: options.replication ?? this.replication,
      blockSize: this.blockSizeBytes,
    });
    if (!created.ok) return;
    const status = created.result;
    const file = { path, clientName, clientAddr, fileId: status.fileId };
    let previous: BlockRef | null = null;
    // An empty file has no block: DFSOutputStream.close completes it with no addBlock.
    let remaining = sizeBytes;
    while (remaining > 0) {
      const numBytes = Math.min(remaining, this.blockSizeBytes);
      remaining -= numBytes;
      const dies = options.crash === true && remaining === 0;
      const written = this.writeBlock(file, previous, { numBytes, lastPacket: !dies });
      if (!written) return;
      previous = written;
    }
    if (options.crash) {
      this.line(`client: died writing ${path}; its lease stays until the NameNode recovers it`);
      return;
    }
    const done = this.call('client', clientAddr, 'complete', {
      src: path,
      clientName,
      last: previous,
      fileId: status.fileId,
    });
    this.frame('client', 'nn', {
      type: 'rpc-call',
      method: 'complete',
      callId: 0,
      params: { src: path, last: previous },
    });
    if (!done) this.line(`client: complete ${path} returned false`);
  }

  /**
   * One block of a put (DataStreamer.nextBlockOutputStream): addBlock, then the pipeline (without
   * the block's last packet when the writer dies first, so the replicas stay rbw); a setup
   * that fails abandons the block and asks again without the DataNode it failed at, up to
   * dfs.client.block.write.retries times. Null when the NameNode refuses the addBlock.
   */
  private writeBlock(
    file: { path: string; clientName: string; clientAddr: string; fileId: number },
    previous: BlockRef | null,
    data: { numBytes: number; lastPacket: boolean },
  ): BlockRef | null {
    const { numBytes } = data;
    const excludeNodes: string[] = [];
    for (let attempt = 0; attempt <= SIM_BLOCK_WRITE_RETRIES; attempt++) {
      const { path, clientName, clientAddr, fileId } = file;
      const added = this.answerClient('addBlock', { src: path, clientName, previous, excludeNodes, fileId });
      if (!added.ok) return null;
      const located = added.result;
      const block: BlockRef = { ...located.block, numBytes };
      const pipeline = located.locations.map((l) => l.name);
      this.frame('client', pipeline[0] ?? '?', {
        type: 'dt-op',
        op: 'WRITE_BLOCK',
        block: blockName(block),
        targets: pipeline.slice(1),
        stage: 'PIPELINE_SETUP_CREATE',
      });
      const result = this.writePipeline({
        pipeline,
        block,
        stage: 'PIPELINE_SETUP_CREATE',
        clientName,
        packets: data.lastPacket ? clientPackets(numBytes) : clientPackets(numBytes).slice(0, -1),
      });
      if (result.ok) return block;
      this.line(
        `client: pipeline setup for ${blockName(block)} failed at ${result.firstBadLink}; abandoning it`,
      );
      this.call('client', clientAddr, 'abandonBlock', { src: path, clientName, block, fileId });
      excludeNodes.push(result.firstBadLink);
    }
    throw new Error(`Unable to create new block for ${file.path}`);
  }

  setrep(path: string, replication: number): void {
    this.frame('client', 'nn', {
      type: 'rpc-call',
      method: 'setReplication',
      callId: 0,
      params: { src: path, replication },
    });
    this.call('client', '127.0.0.10', 'setReplication', { src: path, replication });
  }

  rm(path: string): void {
    this.frame('client', 'nn', {
      type: 'rpc-call',
      method: 'delete',
      callId: 0,
      params: { src: path, recursive: true },
    });
    this.call('client', '127.0.0.10', 'delete', { src: path, recursive: true });
  }

  kill(name: string): void {
    const dn = this.requireDatanode(name);
    dn.alive = false;
    this.line(`${name}: killed`);
  }

  restart(name: string): void {
    const dn = this.requireDatanode(name);
    this.line(`${name}: restarted`);
    // A new process: nothing queued survives but the replicas on disk.
    dn.core = new BPServiceCore();
    this.startDatanode(dn, true);
  }

  /** Marks a replica corrupt as a reading client would report it. */
  reportBad(path: string, blockIndex: number, name: string): void {
    const block = (this.core.namespace.getBlocks(path) ?? [])[blockIndex];
    if (!block) throw new Error(`${path} has no block ${blockIndex}`);
    this.frame('client', 'nn', {
      type: 'rpc-call',
      method: 'reportBadBlocks',
      callId: 0,
      params: { blocks: [{ block, datanode: name }] },
    });
    this.call('client', '127.0.0.10', 'reportBadBlocks', { blocks: [{ block, datanode: name }] });
  }

  advance(ms: number): void {
    const end = this.nowMs + ms;
    while (this.nowMs < end) {
      this.nowMs = Math.min(end, this.nowMs + SIM_STEP_MS);
      for (const dn of this.datanodes.values()) {
        if (!dn.alive || this.nowMs < dn.nextHeartbeatMs) continue;
        dn.nextHeartbeatMs += this.heartbeatMs;
        this.heartbeat(dn);
      }
      this.tickCore();
    }
  }

  /**
   * Where each block of a file has replicas now, as `blk_<id>: dn1,dn3`; a replica still being
   * written (rbw) is `dn2(rbw 524288)`, with its bytes.
   */
  replicas(path: string): string[] {
    return (this.core.namespace.getBlocks(path) ?? []).map((b) => {
      const holders = [...this.datanodes.values()].flatMap((d) => {
        if (d.replicas.has(b.blockId)) return [d.id.name];
        const rbw = d.rbw.get(b.blockId);
        return rbw ? [`${d.id.name}(rbw ${rbw.numBytes})`] : [];
      });
      return `blk_${b.blockId}: ${holders.join(',')}`;
    });
  }

  /**
   * The exclude file now lists exactly these DataNodes (by address and transfer port) and the
   * NameNode refreshes its hosts lists, as `dfsadmin -refreshNodes` has it do.
   */
  exclude(names: string[]): void {
    const excludes = names.map((name) => {
      const dn = this.requireDatanode(name);
      return { ip: dn.id.ipAddr, port: dn.id.xferPort };
    });
    this.frame('client', 'nn', { type: 'rpc-call', method: 'refreshNodes', callId: 0, params: {} });
    this.events(this.core.refreshHosts({ includes: [], excludes }, this.nowMs));
  }

  /**
   * The combined hosts file (CombinedHostFileManager) now asks for maintenance of exactly these
   * DataNodes, until `durationMs` from now, and the NameNode refreshes its hosts lists.
   */
  maintenance(names: string[], durationMs: number): void {
    const entries = names.map((name) => {
      const dn = this.requireDatanode(name);
      return {
        ip: dn.id.ipAddr,
        port: dn.id.xferPort,
        adminState: 'IN_MAINTENANCE' as const,
        maintenanceExpireTimeMs: this.nowMs + durationMs,
      };
    });
    this.frame('client', 'nn', { type: 'rpc-call', method: 'refreshNodes', callId: 0, params: {} });
    this.events(this.core.refreshHosts(combinedHostsLists(entries), this.nowMs));
  }

  /** Each DataNode's liveness and decommission status, as `dfsadmin -report` words it. */
  datanodeStates(): string[] {
    return this.core
      .datanodeReport('ALL')
      .map((d) => `${d.name}: ${d.liveness}, ${DECOMMISSION_STATUS_WORDS[d.adminState]}`);
  }

  private requireDatanode(name: string): SimDatanode {
    const dn = this.datanodes.get(name);
    if (!dn)
      throw new Error(`no DataNode ${name}; this cluster has ${[...this.datanodes.keys()].join(', ')}`);
    return dn;
  }
}
