/**
 * Block recovery as HDFS runs it: the NameNode sends DNA_RECOVERBLOCK to one primary DataNode
 * (BlockUnderConstructionFeature.initializeBlockRecovery), the primary asks every holder
 * (FsDatasetImpl.initReplicaRecovery), keeps the replicas of the best state at the agreed length
 * (BlockRecoveryWorker.syncBlock; the cases of Hadoop's TestBlockRecovery: finalized, finalized +
 * RBW, finalized + RWR, RBW, RBW + RWR, RWR), updates them (updateReplicaUnderRecovery) and
 * commits (FSNamesystem.commitBlockSynchronization). Messages are Hadoop's.
 */
import { describe, expect, it } from 'vitest';
import {
  initReplicaRecovery,
  isCopyOnTruncate,
  planSyncBlock,
  ReplicasUnderRecovery,
  SyncBlockTask,
  updateReplicaCheck,
  updatedReplica,
  type HeldReplica,
  type RecoveryAnswer,
} from '../../cluster/datanode/block-recovery.js';
import { choosePrimary } from '../../cluster/namenode/lease-monitor.js';
import type { RecoveringBlock, ReportedReplicaState } from '../../cluster/protocol/messages.js';
import type { DatanodeId } from '../../cluster/protocol/types.js';
import { ClusterSim } from '../../cluster/sim/cluster-sim.js';
import { thrown } from './remote-error.js';
import { simHeartbeat } from './sim-registration.js';

const BLOCK = 1073741825;
const POOL = 'BP-1';

function dn(n: number): DatanodeId {
  const name = `dn${n}`;
  return {
    name,
    hostName: name,
    datanodeUuid: `uuid-${n}`,
    storageId: '',
    ipAddr: `127.0.0.${n}`,
    xferPort: 9866,
    infoPort: 9864,
    ipcPort: 9867,
  };
}

const rb: RecoveringBlock = {
  poolId: POOL,
  block: { blockId: BLOCK, genStamp: 1001, numBytes: 6_000 },
  newGenStamp: 1003,
  replicas: [dn(1), dn(2), dn(3)],
};

/** Each DataNode's answer: [state, numBytes] (stamp 1001), or null for no replica. */
function answers(...found: ([ReportedReplicaState, number] | null)[]): RecoveryAnswer[] {
  return found.map((f, i) => ({
    datanode: dn(i + 1),
    info: f && { blockId: BLOCK, genStamp: 1001, state: f[0], numBytes: f[1] },
  }));
}

function outcome(plan: ReturnType<typeof planSyncBlock>): string {
  if (plan.kind !== 'sync') return plan.kind === 'abort' ? `abort: ${plan.message}` : 'delete';
  return `${plan.bestState} length=${plan.newLength} on ${plan.participants.map((p) => p.datanode.name).join(',')}`;
}

describe('syncBlock: which replicas a block recovery keeps, at which length', () => {
  it.each([
    // TestBlockRecovery.testFinalizedReplicas: equal finalized replicas keep their length.
    [
      'two finalized',
      answers(['FINALIZED', 6_000], ['FINALIZED', 6_000], null),
      'FINALIZED length=6000 on dn1,dn2',
    ],
    // testFinalizedRbwReplicas: an RBW replica of the finalized length joins, a shorter one does not.
    [
      'finalized and RBW',
      answers(['FINALIZED', 6_000], ['RBW', 6_000], ['RBW', 5_000]),
      'FINALIZED length=6000 on dn1,dn2',
    ],
    // testFinalizedRwrReplicas: an RWR replica never joins a finalized one.
    [
      'finalized and RWR',
      answers(['FINALIZED', 6_000], ['RWR', 6_000], null),
      'FINALIZED length=6000 on dn1',
    ],
    // testRBWReplicas: the shortest RBW replica sets the length.
    ['two RBW', answers(['RBW', 6_000], ['RBW', 5_000], null), 'RBW length=5000 on dn1,dn2'],
    // testRBW_RWRReplicas: RBW wins over RWR, even a longer RWR.
    ['RBW and RWR', answers(['RBW', 5_000], ['RWR', 6_000], null), 'RBW length=5000 on dn1'],
    // testRWRReplicas: only RWR replicas: the shortest.
    ['two RWR', answers(['RWR', 6_000], ['RWR', 5_000], null), 'RWR length=5000 on dn1,dn2'],
    // recover(): a replica without a byte is no candidate.
    ['an RWR with no byte', answers(['RWR', 0], ['RWR', 4_000], null), 'RWR length=4000 on dn2'],
    // syncList empty: nobody has a byte, the block is deleted.
    ['no byte anywhere', answers(null, ['RBW', 0], null), 'delete'],
  ])('%s', (_name, found, expected) => {
    expect(outcome(planSyncBlock(rb, found))).toBe(expected);
  });

  it('cuts to the truncate block for a truncate recovery', () => {
    const truncate = { ...rb, truncateBlock: { blockId: BLOCK, genStamp: 1003, numBytes: 1_000 } };
    expect(outcome(planSyncBlock(truncate, answers(['FINALIZED', 6_000], ['FINALIZED', 6_000], null)))).toBe(
      'FINALIZED length=1000 on dn1,dn2',
    );
  });

  it('leaves out a replica older than the block', () => {
    const old = answers(['RBW', 6_000], ['RBW', 2_000], null);
    const first = old[0] as { info: { genStamp: number } };
    first.info.genStamp = 1000;
    expect(outcome(planSyncBlock(rb, old))).toBe('RBW length=2000 on dn2');
  });

  it('gives up with Hadoop words when every holder failed, finalized lengths differ, or no state is good enough', () => {
    const failedAll = rb.replicas.map((d) => ({ datanode: d, failed: 'connection refused' }));
    expect(outcome(planSyncBlock(rb, failedAll))).toBe(
      'abort: All datanodes failed: block=BP-1:blk_1073741825_1001, datanodeids=[127.0.0.1:9866, 127.0.0.2:9866, 127.0.0.3:9866]',
    );
    expect(outcome(planSyncBlock(rb, answers(['FINALIZED', 6_000], ['FINALIZED', 5_000], null)))).toBe(
      'abort: Inconsistent size of finalized replicas. Replica blk_1073741825_1001, FINALIZED, numBytes=5000 expected size: 6000',
    );
    expect(outcome(planSyncBlock(rb, answers(['TEMPORARY', 6_000], null, null)))).toBe(
      'abort: Found 1 replica(s) for block BP-1:blk_1073741825_1001 but none is in RWR or better state. datanodeids=[127.0.0.1:9866, 127.0.0.2:9866, 127.0.0.3:9866]',
    );
    const inProgress: RecoveryAnswer[] = [{ datanode: dn(2), failed: 'newer', inProgress: true }];
    expect(outcome(planSyncBlock(rb, inProgress))).toBe(
      'abort: Recovery for replica BP-1:blk_1073741825_1001 on data-node 127.0.0.2:9866 is already in progress. Recovery id = 1003 is aborted.',
    );
  });
});

describe('initReplicaRecovery and updateReplicaUnderRecovery at one DataNode', () => {
  const rbw: HeldReplica = { blockId: BLOCK, genStamp: 1001, numBytes: 4_096, state: 'RBW' };
  const init = (
    held: HeldReplica | null,
    recoveryId = 1003,
    rur?: { original: HeldReplica; recoveryId: number },
  ) => initReplicaRecovery({ poolId: POOL, block: rb.block, recoveryId, held, underRecovery: rur });

  it('puts a replica under recovery and describes it as it was; none is not-found', () => {
    expect(init(null)).toEqual({ kind: 'not-found' });
    const ok = init(rbw);
    expect(ok).toMatchObject({
      kind: 'recover',
      info: { blockId: BLOCK, genStamp: 1001, numBytes: 4_096, state: 'RBW' },
      rur: { recoveryId: 1003 },
      log: 'initReplicaRecovery: changing replica state for BP-1:blk_1073741825_1001 from RBW to RUR',
    });
  });

  it('refuses a stale replica, a stamp already at the recovery id, and an older recovery', () => {
    expect(init({ ...rbw, genStamp: 1000 })).toMatchObject({
      errorClass: 'IOException',
      message:
        'replica.getGenerationStamp() < block.getGenerationStamp(), block=BP-1:blk_1073741825_1001, replica=blk_1073741825_1000, RBW, numBytes=4096',
    });
    expect(init({ ...rbw, genStamp: 1003 })).toMatchObject({
      errorClass: 'IOException',
      message: expect.stringMatching(
        /^THIS IS NOT SUPPOSED TO HAPPEN: replica.getGenerationStamp\(\) >= recoveryId = 1003,/,
      ),
    });
    const rur = { original: rbw, recoveryId: 1004 };
    expect(init(rbw, 1003, rur)).toMatchObject({
      errorClass: 'RecoveryInProgressException',
      message: expect.stringMatching(/^rur.getRecoveryID\(\) >= recoveryId = 1003, block=/),
    });
    // A newer recovery takes the replica over.
    expect(init(rbw, 1005, rur)).toMatchObject({
      kind: 'recover',
      log: 'initReplicaRecovery: update recovery id for BP-1:blk_1073741825_1001 from 1004 to 1005',
    });
  });

  it('updates only a replica under recovery by that recovery id, holding the bytes described', () => {
    const rur = { original: rbw, recoveryId: 1003 };
    const check = (over: Partial<Parameters<typeof updateReplicaCheck>[0]>) =>
      updateReplicaCheck({
        poolId: POOL,
        block: { blockId: BLOCK, genStamp: 1001, numBytes: 4_096 },
        recoveryId: 1003,
        newLength: 4_000,
        underRecovery: rur,
        held: rbw,
        ...over,
      });
    expect(check({})).toBeNull();
    expect(check({ underRecovery: undefined, held: null })).toEqual({
      errorClass: 'ReplicaNotFoundException',
      message: 'Replica not found for BP-1:blk_1073741825_1001',
    });
    expect(check({ underRecovery: undefined })?.message).toBe(
      'replica.getState() != RUR, replica=blk_1073741825_1001, RBW, numBytes=4096',
    );
    expect(check({ recoveryId: 1004 })?.message).toMatch(/^rur.getRecoveryID\(\) != recoveryId = 1004, rur=/);
    expect(check({ newLength: 5_000 })?.message).toMatch(/^rur.getNumBytes\(\) < newlength = 5000, rur=/);
    expect(check({ block: { blockId: BLOCK, genStamp: 1001, numBytes: 10 } })?.message).toMatch(
      /^THIS IS NOT SUPPOSED TO HAPPEN: replica.getBytesOnDisk\(\) != block.getNumBytes\(\)/,
    );
  });
});

describe('copy-on-truncate at the primary and the holders', () => {
  const newBlock = { blockId: BLOCK + 1, genStamp: 1003, numBytes: 1_000 };
  const copyRb: RecoveringBlock = { ...rb, truncateBlock: newBlock };

  it('asks each participant to copy the kept bytes to the new block id (syncBlock’s blockId)', () => {
    const task = new SyncBlockTask(copyRb);
    for (const a of answers(['FINALIZED', 6_000], ['FINALIZED', 6_000], null))
      task.answered(a.datanode, { ok: 'info' in a ? a.info : null });
    const plan = task.plan();
    if (plan.kind !== 'sync') throw new Error(`expected a sync, got ${plan.kind}`);
    const request = task.updateRequest(plan, plan.participants[0]!);
    expect(request).toEqual({
      poolId: POOL,
      block: { blockId: BLOCK, genStamp: 1001, numBytes: 6_000 },
      recoveryId: 1003,
      newLength: 1_000,
      newBlockId: BLOCK + 1,
    });
    expect(isCopyOnTruncate(request)).toBe(true);
    expect(updatedReplica(request)).toEqual(newBlock);
    expect(task.syncText(plan)).toContain(`newBlock=${POOL}:blk_${BLOCK + 1}_1003 (length=1000)`);
    // A recovery that keeps the id (lease recovery, a truncate in place) is no copy.
    expect(isCopyOnTruncate({ ...request, newBlockId: BLOCK })).toBe(false);
  });

  it('lets a holder copy a replica it put under recovery, with updateReplicaUnderRecovery’s checks', () => {
    const holder = new ReplicasUnderRecovery();
    const held: HeldReplica = { blockId: BLOCK, genStamp: 1001, numBytes: 6_000, state: 'FINALIZED' };
    expect(holder.init(copyRb, held).kind).toBe('recover');
    const request = {
      poolId: POOL,
      block: { blockId: BLOCK, genStamp: 1001, numBytes: 6_000 },
      recoveryId: 1003,
      newLength: 1_000,
      newBlockId: BLOCK + 1,
    };
    expect(holder.checkUpdate(request, held, POOL)).toBeNull();
    expect(holder.checkUpdate({ ...request, newLength: 7_000 }, held, POOL)?.message).toBe(
      `rur.getNumBytes() < newlength = 7000, rur=blk_${BLOCK}_1001, RUR, numBytes=6000, recoveryId=1003`,
    );
  });
});

describe('the NameNode side: one primary, then commitBlockSynchronization', () => {
  it('chooses the latest heartbeat among holders not yet tried, then starts over', () => {
    const beats: Record<string, number> = { dn1: 3_000, dn2: 5_000, dn3: 4_000 };
    const last = (d: string) => beats[d] ?? 0;
    expect(choosePrimary(['dn1', 'dn2', 'dn3'], new Set(), last)).toBe('dn2');
    expect(choosePrimary(['dn1', 'dn2', 'dn3'], new Set(['dn2']), last)).toBe('dn3');
    expect(choosePrimary(['dn1', 'dn2'], new Set(['dn1', 'dn2']), last)).toBe('dn2');
  });

  it('sends DNA_RECOVERBLOCK to the primary only and closes the file on its commit', () => {
    const sim = new ClusterSim({
      datanodes: 3,
      racks: 1,
      replication: 3,
      blockSizeBytes: 1 << 20,
      seed: 'rec',
    });
    const create = {
      src: '/open.bin',
      permission: 0o644,
      clientName: 'writer',
      clientMachine: '127.0.0.1',
      overwrite: false,
      createParent: true,
      replication: 3,
      blockSize: 1 << 20,
    };
    const created = sim.clientCall('create', create);
    if (!created.ok) throw created.error;
    const added = sim.clientCall('addBlock', {
      src: '/open.bin',
      clientName: 'writer',
      fileId: created.result.fileId,
      previous: null,
      excludeNodes: [],
    });
    if (!added.ok) throw added.error;
    const block = added.result.block;
    const at = (nowMs: number) => ({ caller: 'dn', callerAddr: '127.0.0.1', nowMs });
    for (const [name, nowMs] of [
      ['dn1', 1_000],
      ['dn3', 3_000],
      ['dn2', 2_000],
    ] as const)
      simHeartbeat(sim, name, at(nowMs));
    expect(sim.clientCall('recoverLease', { src: '/open.bin', clientName: 'other' })).toEqual({
      ok: true,
      result: false,
    });
    const recovery = (name: string) =>
      simHeartbeat(sim, name, at(4_000)).commands.filter((c) => c.action === 'DNA_RECOVERBLOCK');
    expect(recovery('dn1')).toEqual([]);
    expect(recovery('dn2')).toEqual([]);
    const [command] = recovery('dn3');
    if (command?.action !== 'DNA_RECOVERBLOCK') throw new Error('dn3 got no DNA_RECOVERBLOCK');
    expect(command.replicas.map((r) => r.name).sort()).toEqual(['dn1', 'dn2', 'dn3']);
    const commit = {
      poolId: command.poolId,
      block: command.block,
      newGenStamp: command.newGenStamp,
      newLength: 700,
      closeFile: true,
      deleteBlock: false,
      newTargets: command.replicas.slice(0, 2),
      newTargetStorages: ['', ''],
    };
    const ctx = at(5_000);
    expect(
      thrown(() => sim.core.call('commitBlockSynchronization', { ...commit, newGenStamp: 999_999 }, ctx))
        .message,
    ).toBe(
      `The recovery id 999999 does not match current recovery id ${command.newGenStamp} for block ${command.poolId}:blk_${block.blockId}_${block.genStamp}`,
    );
    const out = sim.core.call('commitBlockSynchronization', commit, ctx);
    // The file is closed with the recovered block in one OP_CLOSE, as FSNamesystem logs it.
    expect(out.ops.map((op) => op.op)).toEqual(['OP_CLOSE']);
    const status = sim.clientCall('getFileInfo', { src: '/open.bin' });
    expect(status.ok && status.result?.length).toBe(700);
    // A retry of the same commit finds the file closed and changes nothing.
    expect(sim.core.call('commitBlockSynchronization', commit, ctx).ops).toEqual([]);
  });
});
